"""`peer check --dry-run`: what a review would send and cost, with nothing sent, against the
fake vendor: the units, the requests (batched as a real run batches them), the tokens in, the
tokens out from the audit log's history, and the cost at the provider's prices."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fakes import openai as oa
from fakes import review_format
from fakes.server import FakeServer, Received, Reply
from model_support import configure, run, user_prompt

from peer_lsp.check.dry_run import DEFAULT_OUTPUT_PER_UNIT
from peer_lsp.llm.tokens import estimate_tokens, schema_tokens

PRICE_IN, PRICE_OUT = 3.0, 15.0
_PLAN = re.compile(
    r"^peer check: dry run, nothing sent: (?P<units>\d+) units? to review, (?P<cached>\d+) from "
    r"the cache; (?P<requests>\d+) requests? for (?P<sent>\d+) units?, ~(?P<input>[\d,]+) tokens "
    r"in, ~(?P<output>[\d,]+) out \((?P<basis>[^;]+); at most (?P<most>[\d,]+)\), "
    r"~\$(?P<cost>[\d.]+)$"
)


def nothing_found(received: Received) -> Reply:
    """No findings for any unit; 30 output tokens per request."""
    text = review_format.answer(user_prompt(received), lambda _unit: [])
    return oa.stream([text], prompt=400, completion=30)


def priced(project: Path, fake: FakeServer, **extra: object) -> None:
    """The project's settings, with prices on the fake provider."""
    path = configure(project, fake, **extra)
    with path.open("a", encoding="utf-8") as settings:
        settings.write(f"priceInputPerMtok = {PRICE_IN}\npriceOutputPerMtok = {PRICE_OUT}\n")


def sent_tokens(received: Received) -> int:
    """The estimate of what an OpenAI-style request carried: its messages and its schema."""
    body = received.json
    messages = [message["content"] for message in body["messages"]]
    schema = body["response_format"]["json_schema"]["schema"]
    return sum(map(estimate_tokens, messages)) + schema_tokens(schema)


def plan_line(err: str) -> re.Match[str]:
    last = err.splitlines()[-1]
    match = _PLAN.match(last)
    assert match is not None, err
    return match


def test_a_dry_run_sends_nothing_and_says_what_would_be_sent(
    fake: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(nothing_found)
    priced(project, fake)
    code, out, err = run(capsys, "check", "--dry-run", "--format", "json", "app.py")
    assert fake.requests == []
    assert code == 0
    plan = json.loads(out)["plan"]
    assert (plan["units"], plan["cached"], plan["requests"], plan["unitsSent"]) == (2, 0, 1, 2)
    assert plan["outputTokens"] == 2 * DEFAULT_OUTPUT_PER_UNIT
    assert plan["maxOutputTokens"] == 3 * 1024  # a batch of two: 1024 per unit and one more
    expected = (plan["inputTokens"] * PRICE_IN + plan["outputTokens"] * PRICE_OUT) / 1e6
    assert plan["cost"] == pytest.approx(expected, abs=1e-6)
    line = plan_line(err)
    assert (line["units"], line["cached"], line["requests"], line["sent"]) == ("2", "0", "1", "2")
    assert line["basis"] == f"{DEFAULT_OUTPUT_PER_UNIT} a unit assumed"
    assert "usage" not in json.loads(out)  # no bill: nothing was sent

    # the estimate is the tokens a real run sends, to within the estimate's rounding: both
    # messages and the answer schema, which the vendor bills as input too
    code, out, _ = run(capsys, "check", "--format", "json", "app.py")
    assert len(fake.requests) == 1
    assert json.loads(out)["usage"]["requests"] == 1
    assert plan["inputTokens"] == sent_tokens(fake.requests[0])


def test_after_a_run_the_cache_answers_and_history_estimates_the_output(
    fake: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(nothing_found)
    priced(project, fake)
    assert run(capsys, "check", "app.py")[0] == 0
    assert len(fake.requests) == 1  # both units: 30 output tokens, 15 a unit

    _, _, err = run(capsys, "check", "--dry-run", "app.py")
    assert err.splitlines()[-1] == (
        "peer check: dry run, nothing sent: 2 units to review, 2 from the cache; no request to send"
    )
    (project / "app.py").write_text(
        (project / "app.py").read_text(encoding="utf-8").replace("x + 1", "x + 2"),
        encoding="utf-8",
    )
    _, _, err = run(capsys, "check", "--dry-run", "app.py")
    line = plan_line(err)
    assert (line["units"], line["cached"], line["requests"], line["sent"]) == ("2", "1", "1", "1")
    assert (line["output"], line["basis"]) == ("15", "the last 7 days' average")
    assert len(fake.requests) == 1


def test_a_dry_run_spends_no_budget(
    fake: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.respond_with(nothing_found)
    ledger = project / "usage.sqlite3"
    priced(project, fake, usageLedger=str(ledger), dailyTokenLimit=100_000)
    for _ in range(3):
        assert run(capsys, "check", "--dry-run", "app.py")[0] == 0
    assert fake.requests == []
    _, _, err = run(capsys, "check", "app.py")
    assert "budget" not in err
    assert len(fake.requests) == 1


def test_without_a_provider_a_dry_run_says_nothing_would_be_sent(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(project, None)
    code, _, err = run(capsys, "check", "--dry-run", "app.py")
    assert code == 0
    assert "no provider configured" in err
    assert "dry run" not in err
