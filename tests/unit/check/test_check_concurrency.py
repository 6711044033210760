"""`peer check` with a model reviews several files at once (issue 15, point 3), and its output
is the same bytes as a run one file at a time; it ends with the bill; Ctrl-C stops it; the
progress bar counts reviews. Every run is a real `peer check` process against the fake
vendor, whose replies the test holds and releases (`Gate`) instead of sleeping."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fakes import openai as oa
from fakes.server import FakeServer, Gate, Received, Reply
from interrupts import interruptible
from model_support import EVAL_FINDING, split_bill, user_prompt

TIMEOUT = 60
PEER_CHECK = (sys.executable, "-m", "peer_lsp", "check")
FILES = 10
"""src/m00.py … src/m09.py, one unit each; m04.py cannot be read (a link to /proc/self/mem,
whose every read fails: said on stderr), or is not UTF-8 (skipped quietly) without /proc."""
UNREADABLE = Path("/proc/self/mem").exists()
EVAL_UNITS = {0, 5}
FAILING = {3: "the first failure", 7: "a later failure"}


def source(index: int) -> str:
    if index in EVAL_UNITS:
        return f"def unit_{index}(expr):\n    return eval(expr)\n"
    return f"def unit_{index}(x):\n    return x + {index}\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for index in range(FILES):
        path = src / f"m{index:02}.py"
        if index == 4 and UNREADABLE:
            path.symlink_to("/proc/self/mem")
        elif index == 4:
            path.write_bytes('name = "café"\n'.encode("latin-1"))
        else:
            path.write_text(source(index), encoding="utf-8")
    return tmp_path


def settings(folder: Path, fake: FakeServer, cache: str, **provider: object) -> None:
    """``.peer.toml``: one provider at the fake (``provider``: more of its keys), the cache in
    ``folder/cache``, the local rules off (model and syntax findings only)."""
    lines = [
        f"cacheDir = {json.dumps(str(folder / cache))}",
        f"auditLog = {json.dumps(str(folder / 'audit.jsonl'))}",
        "ollamaAutodetect = false",
        'disableRules = ["all"]',
        "[[providers]]",
        'preset = "vllm"',
        'id = "fake"',
        'model = "m"',
        f"baseUrl = {json.dumps(fake.url + '/v1')}",
        *(f"{key} = {json.dumps(value)}" for key, value in provider.items()),
    ]
    (folder / ".peer.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def unit_of(received: Received) -> int:
    """Which unit a request is about (its prompt says ``Name: unit_N``)."""
    prompt = user_prompt(received)
    start = prompt.index("Name: unit_") + len("Name: unit_")
    return int(prompt[start:].split(None, 1)[0])


def answer(held: dict[int, Gate], tokens: tuple[int, int] = (12, 5)) -> Callable[..., Reply]:
    """The eval finding for units that call eval, a 400 for the failing ones, nothing for
    the rest; units in ``held`` wait for their gate. ``tokens``: the usage each answer says."""
    prompt_tokens, completion_tokens = tokens

    def reply(received: Received) -> Reply:
        unit = unit_of(received)
        if unit in FAILING:
            made = oa.error(400, message=FAILING[unit])
        else:
            text = json.dumps({"findings": [EVAL_FINDING] if unit in EVAL_UNITS else []})
            counts = {"prompt": prompt_tokens, "completion": completion_tokens}
            streamed = received.json.get("stream")
            made = oa.stream([text], **counts) if streamed else oa.ok(text, **counts)
        made.held = held.get(unit)
        return made

    return reply


def start(
    cwd: Path, *argv: str, stderr: int = subprocess.PIPE, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """`peer check ARGV` started in its own session (so it can be sent Ctrl-C as a terminal
    would)."""
    return subprocess.Popen(
        [*PEER_CHECK, *argv],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        start_new_session=True,
        preexec_fn=interruptible,  # noqa: PLW1509 (before any thread)
        env=env,
    )


def peer(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """`peer check ARGV` run to its end."""
    return subprocess.run(
        [*PEER_CHECK, *argv], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def units_received(fake: FakeServer) -> set[int]:
    return {unit_of(received) for received in list(fake.requests)}


REVIEWED = set(range(FILES)) - {4}


def test_files_are_reviewed_at_once_and_reported_in_order(fake: FakeServer, tree: Path) -> None:
    """The first file's answer and the first failing one are held until every other file's
    request has arrived: a run one file at a time could never get there. The report is then
    the same bytes as that of a run with one call at a time (``maxConcurrency = 1``)."""
    first, failing = fake.gate(), fake.gate()
    fake.respond_with(answer({0: first, 3: failing}))
    settings(tree, fake, "cache-4", maxConcurrency=4)
    process = start(tree, "--no-progress", "src")
    try:
        assert fake.wait_until(lambda: units_received(fake) == REVIEWED, TIMEOUT)
        assert fake.max_in_flight >= 2  # m00 and m03 held at once, whatever came after them
    finally:
        failing.open()  # the later failure is answered first: it must not be the one said
        first.open()
    out, err = process.communicate(timeout=TIMEOUT)
    assert fake.max_in_flight <= 4  # the provider's maxConcurrency holds
    assert len(fake.requests) == len(REVIEWED)  # one call per unit: nothing asked twice

    fake.reset()
    fake.respond_with(answer({}))
    settings(tree, fake, "cache-1", maxConcurrency=1)
    one = peer(tree, "--no-progress", "src")
    assert fake.max_in_flight == 1
    assert (process.returncode, out, split_bill(err)) == (
        one.returncode,
        one.stdout,
        split_bill(one.stderr),
    )
    assert process.returncode == 3  # two units not reviewed
    assert [line.split(":")[0] for line in out.splitlines()[:-1]] == ["src/m00.py", "src/m05.py"]
    before, bill = split_bill(err)
    lines = before.splitlines()
    assert lines[0].startswith("peer check: review of src/m03.py (unit_3) failed: fake: ")
    assert "the first failure" in lines[0]
    if UNREADABLE:  # said in its turn, though read long before m03's review ended
        assert lines.pop(1) == "peer check: cannot read src/m04.py: Input/output error"
    assert "a later failure" not in before  # one message per kind: the first in file order
    assert lines[1:] == [
        "peer check: 2 units were not reviewed by the model:",
        "peer check:   request rejected (2 units): fake: the first failure"
        " (type invalid_request_error) (HTTP 400) — src/m03.py (unit_3), src/m07.py (unit_7)",
        "peer check: exit code 3: the review is incomplete"
        " (--allow-unreviewed accepts local findings for those units)",
    ]
    assert bill == "9 requests (7 units), 0 units from cache, 84 tokens in, 35 out, cost unknown"


def test_json_output_is_the_same_whatever_the_concurrency(fake: FakeServer, tree: Path) -> None:
    outputs = []
    for concurrency in (8, 1):
        fake.reset()
        fake.respond_with(answer({}))
        settings(tree, fake, f"cache-{concurrency}", maxConcurrency=concurrency)
        run = peer(tree, "--no-progress", "--format", "json", "src")
        outputs.append((run.returncode, run.stdout, split_bill(run.stderr)))
    assert outputs[0] == outputs[1]
    usage = json.loads(outputs[0][1])["usage"]
    assert usage == {
        "requests": 9,
        "units": 7,
        "cachedUnits": 0,
        "inputTokens": 84,
        "outputTokens": 35,
        "cost": None,
        "unpriced": ["fake"],
    }


def test_the_bill_prices_what_the_fake_served(fake: FakeServer, tree: Path) -> None:
    """1,000 tokens in and 200 out per answer, at $3 and $15 per million: 7 answers cost
    7 * (0.003 + 0.003) = $0.042; the failed calls are counted as requests, without tokens.
    A second run is answered by the cache: nothing sent, nothing spent."""
    fake.respond_with(answer({}, tokens=(1000, 200)))
    settings(tree, fake, "cache", priceInputPerMtok=3, priceOutputPerMtok=15)
    argv = ("--no-progress", "--allow-unreviewed", "--format", "json", "src")
    first = peer(tree, *argv)
    sent = [r for r in fake.requests if unit_of(r) not in FAILING]
    assert len(sent) == 7
    _, bill = split_bill(first.stderr)
    assert bill == "9 requests (7 units), 0 units from cache, 7,000 tokens in, 1,400 out, ~$0.0420"
    usage = json.loads(first.stdout)["usage"]
    assert (usage["cost"], usage["unpriced"]) == (0.042, [])

    second = peer(tree, *argv)
    assert len(fake.requests) == 9 + 2  # only the failed units are asked again
    _, bill = split_bill(second.stderr)
    assert bill == "2 requests (0 units), 7 units from cache, 0 tokens in, 0 out, $0"
    assert json.loads(second.stdout)["usage"]["cachedUnits"] == 7


def test_no_model_prints_no_bill(fake: FakeServer, tree: Path) -> None:
    settings(tree, fake, "cache")
    run = peer(tree, "--no-progress", "--no-model", "--format", "json", "src")
    said = "peer check: cannot read src/m04.py: Input/output error\n" if UNREADABLE else ""
    assert run.stderr == said
    assert "usage" not in json.loads(run.stdout)
    assert fake.requests == []


def test_ctrl_c_while_reviews_are_in_flight(fake: FakeServer, tree: Path) -> None:
    """Ctrl-C with requests in flight: exit 130 at once, no traceback, no bill, and the
    requests in flight are abandoned (the fake sees the client hang up)."""
    never = fake.gate()
    fake.respond_with(answer(dict.fromkeys(range(FILES), never)))
    settings(tree, fake, "cache", maxConcurrency=4)
    process = start(tree, "--no-progress", "src")
    try:
        assert fake.wait_until(lambda: len(fake.requests) >= 4, TIMEOUT)
        began = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
        _, err = process.communicate(timeout=TIMEOUT)
        stopped_in = time.monotonic() - began
    finally:
        never.open()
    assert process.returncode == 130
    assert err.rstrip().endswith("peer check: interrupted")
    assert "Traceback" not in err
    assert "requests (" not in err
    assert stopped_in < 5
    assert fake.wait_until(lambda: all(r.disconnected for r in fake.requests), TIMEOUT)


def test_the_progress_bar_counts_reviews(fake: FakeServer, tmp_path: Path) -> None:
    """On a terminal (a pty), with more than 20 files: while the first file's answer is held,
    the bar shows 0 files done and the reviews of the files after it."""
    src = tmp_path / "src"
    src.mkdir()
    for index in range(1, 26):
        (src / f"m{index:02}.py").write_text(source(index + 10), encoding="utf-8")
    first = fake.gate()
    fake.respond_with(answer({11: first}))
    settings(tmp_path, fake, "cache", maxConcurrency=4)
    primary, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    process = start(tmp_path, "src", stderr=secondary, env=env)
    os.close(secondary)
    shown = ""
    try:
        deadline = time.monotonic() + TIMEOUT
        while BAR.search(shown) is None:
            remaining = deadline - time.monotonic()
            assert remaining > 0, shown[-2000:]
            ready, _, _ = select.select([primary], [], [], remaining)
            if ready:
                shown += ANSI.sub("", os.read(primary, 65536).decode(errors="replace"))
    finally:
        first.open()
    out, _ = process.communicate(timeout=TIMEOUT)
    os.close(primary)
    match = BAR.search(shown)
    assert match is not None
    assert int(match.group(1)) <= 24
    assert (process.returncode, out) == (0, "No findings in 25 files\n")


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BAR = re.compile(r"checking .* 0/25 files · ([1-9]\d*) units? reviewed \(0 from cache\)")
"""The bar while the first file's answer is held: no file done, reviews of later ones done."""


def test_a_provider_without_a_price_leaves_its_share_unknown(fake: FakeServer, tree: Path) -> None:
    """JavaScript goes to a provider with no price set: the bill prices the rest and names
    it; the JSON output's cost leaves its share out and says so."""
    (tree / "src" / "z.js").write_text("function unit_20(x) {\n  return x + 1;\n}\n")
    fake.respond_with(answer({}, tokens=(1000, 200)))
    settings(tree, fake, "cache", priceInputPerMtok=3, priceOutputPerMtok=15)
    free = [
        "[[providers]]",
        'preset = "vllm"',
        'id = "free"',
        'model = "m"',
        f"baseUrl = {json.dumps(fake.url + '/v1')}",
        "[[routes]]",
        'languages = ["javascript"]',
        'providers = ["free"]',
        "[[routes]]",
        'providers = ["fake"]',
    ]
    with (tree / ".peer.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n".join(free) + "\n")
    run = peer(tree, "--no-progress", "--allow-unreviewed", "--format", "json", "src")
    assert len(fake.requests) == 10
    _, bill = split_bill(run.stderr)
    assert bill == (
        "10 requests (8 units), 0 units from cache, 8,000 tokens in, 1,600 out,"
        " ~$0.0420 + unknown for free"
    )
    usage = json.loads(run.stdout)["usage"]
    assert (usage["cost"], usage["unpriced"]) == (0.042, ["free"])
