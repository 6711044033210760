"""Issue 14's acceptance test, on the command line: `peer check --format json` and `peer fix`
over the seeded-bug corpus (tests/review_corpus: Python, JavaScript, Go), reviewed by the
scripted model (tests/fakes/scripted.py) on the fake OpenAI-compatible vendor.

Every true finding must be shown once at its place, nothing invented shown, every true fix
applied by `peer fix` and no other. The local rules stay on, as users run them: a rule and the
model flagging the same problem must come out as one finding (tests/review_corpus/judge.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import openai as oa
from fakes.scripted import ScriptedModel
from fakes.server import FakeServer
from review_corpus.expectations import BUGS, INVENTED, SOURCES, lines_of, model_says, source
from review_corpus.judge import Shown, file_misses, finding_misses

from peer_lsp.cli import main

NAMES = [s.name for s in SOURCES]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The corpus files under their real names in the current folder."""
    monkeypatch.chdir(tmp_path)
    for item in SOURCES:
        (tmp_path / item.name).write_text(item.text, encoding="utf-8")
    return tmp_path


def configure(
    project: Path, fake: FakeServer, batch_units: int | None = None, cache: str = "cache"
) -> None:
    """``project``'s settings: the fake, the cache folder, and ``reviewBatchUnits`` when
    given."""
    settings = [
        f"cacheDir = {json.dumps(str(project / cache))}",
        f"auditLog = {json.dumps(str(project / 'audit.jsonl'))}",
        "ollamaAutodetect = false",
        "[[providers]]",
        'preset = "vllm"',
        'id = "fake"',
        'model = "m"',
        f"baseUrl = {json.dumps(fake.url + '/v1')}",
    ]
    if batch_units is not None:
        settings.insert(0, f"reviewBatchUnits = {batch_units}")
    (project / ".peer.toml").write_text("\n".join(settings) + "\n", encoding="utf-8")


@pytest.fixture(params=[None, 1], ids=["batched", "alone"])
def model(fake: FakeServer, project: Path, request: pytest.FixtureRequest) -> ScriptedModel:
    """The scripted model, answering on ``fake``, configured for ``project``: units sent
    together as the settings allow by default, or each alone."""
    scripted = ScriptedModel(model_says())
    fake.respond_with(scripted)
    configure(project, fake, request.param)
    return scripted


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def unreviewed(model: ScriptedModel) -> list[str]:
    return [
        f"{item.name}: {unit} was never sent for review"
        for item in SOURCES
        for unit in sorted(set(item.units) - model.reviewed(item.name))
    ]


# -- the corpus holds together -------------------------------------------------------------


def test_every_seeded_place_and_fix_is_one_place_in_its_file() -> None:
    for bug in BUGS:
        text = source(bug.file).text
        assert bug.unit in source(bug.file).units, bug.id
        lines_of(text, bug.where)
        lines_of(text, bug.excerpt)
        if bug.fix is not None:
            lines_of(text, bug.fix.lines)
            assert bug.fix.replacement not in text, bug.id
    for made_up in INVENTED:
        assert made_up.unit in source(made_up.file).units, made_up


def test_three_languages_and_every_kind_of_noise() -> None:
    assert {s.language for s in SOURCES} >= {"python", "javascript", "go"}
    assert {b.bad_fix.kind for b in BUGS if b.bad_fix} == {"broken", "outside", "undefined"}
    assert any(b.fix and b.fix.shift for b in BUGS)
    assert any(b.repeated_by for b in BUGS)
    assert {b.excerpt_style for b in BUGS} >= {"flush", "tabs"}


# -- the acceptance test -------------------------------------------------------------------


def test_check_shows_every_true_finding_once_and_nothing_invented(
    model: ScriptedModel, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", "--format", "json", *NAMES)
    report = json.loads(out)
    shown = [
        Shown(
            f["path"],
            f["line"],
            f["endLine"],
            f["category"],
            f["rule"],
            f["message"],
            f["rule"].startswith("model:") or f["source"] == oa.MODEL,
        )
        for f in report["findings"]
    ]
    misses = finding_misses(shown, NAMES) + unreviewed(model) + model.complaints
    assert not misses, "\n".join(["", *misses, "stderr:", err])
    assert code == 1


def test_fix_applies_every_true_fix_and_no_other(
    model: ScriptedModel, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "fix", "--min-confidence", "0", *NAMES)
    results = {name: (project / name).read_text(encoding="utf-8") for name in NAMES}
    misses = file_misses(results) + unreviewed(model)
    assert not misses, "\n".join(["", *misses, "stderr:", err])
    assert code == 0


def test_batching_loses_nothing_and_sends_fewer_requests(
    fake: FakeServer, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same findings, confidences and fixes whether the units of a file go together or
    alone (the scripted model's noise is seeded per unit, not per request)."""
    reports, requests = [], []
    for batch_units in (1, None):
        fake.reset()
        fake.respond_with(ScriptedModel(model_says()))
        configure(project, fake, batch_units, cache=f"cache-{batch_units}")  # cold, each
        code, out, err = run(capsys, "check", "--format", "json", *NAMES)
        assert code == 1, err
        reports.append(json.loads(out)["findings"])
        requests.append(len(fake.requests))
    alone, batched = reports
    assert batched == alone
    print(f"requests: alone {requests[0]}, batched {requests[1]}")
    assert requests[1] * 3 <= requests[0]
