"""Several units per request: one request for the units of a file, each unit answered, located
and cached on its own, and nothing lost when a model or a server does not play along.

Everything is real: `review_units` with a `Router` talking HTTP to the OpenAI-compatible fake,
and a diskcache folder in tmp_path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fakes import openai as oa
from fakes import review_format
from fakes.routing import fake_router
from fakes.server import FakeServer, Received, Reply

from peer_lsp.documents.store import Document
from peer_lsp.llm import errors
from peer_lsp.review.batches import BatchLimits, Result, UnitReview, review_units
from peer_lsp.review.pipeline import ReviewOutcome
from peer_lsp.review.prompt.batch import batch_system

SOURCE = """\
import os
import pickle


def run(cmd):
    os.system(cmd)


def load(blob):
    return pickle.loads(blob)


def add(a, b):
    return a + b


def name(user):
    return user.name
"""
SAID = {
    "os.system(cmd)": ("shell command from input", "security"),
    "pickle.loads(blob)": ("unpickling untrusted bytes", "security"),
}


def said(unit: str) -> list[dict[str, Any]]:
    """What the model says about one unit: the risky call it shows, if any."""
    return [
        {
            "severity": "error",
            "category": category,
            "title": title,
            "message": f"{title}.",
            "explanation": "",
            "excerpt": excerpt,
            "line": 2,
            "end_line": 2,
            "confidence": 0.9,
            "fix": None,
        }
        for excerpt, (title, category) in SAID.items()
        if excerpt in unit
    ]


def user(received: Received) -> str:
    content: str = received.json["messages"][-1]["content"]
    return content


def units_in(received: Received) -> int:
    return len(review_format.unit_prompts(user(received)))


def answering(text_of: Callable[[Received], str]) -> Callable[[Received], Reply]:
    def respond(received: Received) -> Reply:
        text = text_of(received)
        return oa.stream([text]) if received.json.get("stream") else oa.ok(text)

    return respond


def per_unit(received: Received) -> str:
    return review_format.answer(user(received), said)


def items(document: Document) -> list[UnitReview]:
    return [UnitReview(document, unit, "app.py") for unit in document.units]


def titles(results: list[Result]) -> dict[str, list[str]]:
    """Each unit's findings by title, in the order of the document's units."""
    shown: dict[str, list[str]] = {}
    for name, result in zip(["run", "load", "add", "name"], results, strict=True):
        assert isinstance(result, ReviewOutcome), result
        shown[name] = [f.message for f in result.findings]
    return shown


EXPECTED = {
    "run": ["shell command from input"],
    "load": ["unpickling untrusted bytes"],
    "add": [],
    "name": [],
}


async def test_the_units_of_a_file_go_in_one_request_and_keep_their_own_findings(
    fake: FakeServer,
) -> None:
    fake.respond_with(answering(per_unit))
    document = Document.open("file:///w/app.py", SOURCE)
    results = await review_units(fake_router(fake), items(document))
    assert titles(results) == EXPECTED
    (request,) = fake.requests
    assert units_in(request) == 4
    assert request.json["messages"][0]["content"] == batch_system()
    run, load = results[0], results[1]
    assert isinstance(run, ReviewOutcome)
    assert isinstance(load, ReviewOutcome)
    assert document.lines.line_of(run.findings[0].span.start_byte) == 5
    assert document.lines.line_of(load.findings[0].span.start_byte) == 9


async def test_each_unit_is_cached_on_its_own(fake: FakeServer, tmp_path: Path) -> None:
    fake.respond_with(answering(per_unit))
    document = Document.open("file:///w/app.py", SOURCE)
    await review_units(fake_router(fake, tmp_path), items(document))
    assert len(fake.requests) == 1

    alone = await review_units(fake_router(fake, tmp_path), items(document)[1:2])  # load, alone
    assert [f.message for f in alone[0].findings] == ["unpickling untrusted bytes"]  # type: ignore[union-attr]
    assert alone[0].cached  # type: ignore[union-attr]
    assert len(fake.requests) == 1

    edited = Document.open("file:///w/app.py", SOURCE.replace("a + b", "a - b"))
    again = await review_units(fake_router(fake, tmp_path), items(edited))
    assert titles(again) == EXPECTED
    assert len(fake.requests) == 2
    assert units_in(fake.requests[1]) == 1  # only `add` was sent, in its own request
    assert "a - b" in user(fake.requests[1])
    assert fake.requests[1].json["messages"][0]["content"] != batch_system()


async def test_a_model_that_ignores_the_batch_format_is_asked_unit_by_unit(
    fake: FakeServer,
) -> None:
    """It answers every request with one findings list: nothing is attributed by guesswork,
    every unit is asked again until it is asked alone, and the provider's circuit stays
    closed (it answered every time)."""
    fake.respond_with(answering(lambda r: json.dumps({"findings": said(user(r))})))
    document = Document.open("file:///w/app.py", SOURCE)
    routed = fake_router(fake)
    results = await review_units(routed, items(document))
    assert titles(results) == EXPECTED
    assert sorted(units_in(r) for r in fake.requests) == [1, 1, 1, 1, 2, 2, 4]
    assert routed.open_providers() == []


async def test_a_unit_the_answer_leaves_out_is_asked_again(fake: FakeServer) -> None:
    def forgetful(received: Received) -> str:
        parts = review_format.unit_prompts(user(received))
        if len(parts) == 1:
            return json.dumps({"findings": said(parts[0][1])})
        kept = [(uid, text) for uid, text in parts if "def name" not in text]
        return json.dumps({"units": [{"unit": uid, "findings": said(t)} for uid, t in kept]})

    fake.respond_with(answering(forgetful))
    results = await review_units(
        fake_router(fake), items(Document.open("file:///w/app.py", SOURCE))
    )
    assert titles(results) == EXPECTED
    assert [units_in(r) for r in fake.requests] == [4, 1]


async def test_a_batch_too_large_for_the_context_is_split(fake: FakeServer) -> None:
    def small_window(received: Received) -> Reply:
        if units_in(received) > 2:
            return oa.context_overflow()
        return answering(per_unit)(received)

    fake.respond_with(small_window)
    routed = fake_router(fake)
    results = await review_units(routed, items(Document.open("file:///w/app.py", SOURCE)))
    assert titles(results) == EXPECTED
    assert [units_in(r) for r in fake.requests] == [4, 2, 2]
    assert routed.open_providers() == []


async def test_a_batch_answer_cut_at_the_output_limit_is_split(fake: FakeServer) -> None:
    def short_output(received: Received) -> Reply:
        if units_in(received) > 2:
            return oa.stream(['{"units": [{"unit": "U1", "findings": ['], finish="length")
        return answering(per_unit)(received)

    fake.respond_with(short_output)
    routed = fake_router(fake)
    results = await review_units(routed, items(Document.open("file:///w/app.py", SOURCE)))
    assert titles(results) == EXPECTED
    assert [units_in(r) for r in fake.requests] == [4, 2, 2]
    assert routed.open_providers() == []


async def test_answers_cut_at_the_output_limit_do_not_open_the_circuit(fake: FakeServer) -> None:
    """A model that cannot answer within the output limit is not a provider that is down:
    three such answers in a row (a batch, then each half) leave the circuit closed, and the
    units say why they were not reviewed."""
    fake.respond_with(oa.stream(['{"units": ['], finish="length"))
    routed = fake_router(fake)
    document = Document.open("file:///w/app.py", SOURCE)
    results = await review_units(routed, items(document)[:2])
    assert all(isinstance(r, errors.Truncated) for r in results)
    assert [units_in(r) for r in fake.requests] == [2, 1, 1]
    assert routed.open_providers() == []


async def test_a_refused_key_fails_every_unit_without_asking_again(fake: FakeServer) -> None:
    fake.respond_with(oa.auth_error())
    results = await review_units(
        fake_router(fake), items(Document.open("file:///w/app.py", SOURCE))
    )
    assert all(isinstance(result, errors.AuthError) for result in results)
    assert len(fake.requests) == 1


async def test_the_limits_cut_a_file_into_several_requests(fake: FakeServer) -> None:
    fake.respond_with(answering(per_unit))
    document = Document.open("file:///w/app.py", SOURCE)
    results = await review_units(fake_router(fake), items(document), limits=BatchLimits(units=3))
    assert titles(results) == EXPECTED
    assert sorted(units_in(r) for r in fake.requests) == [1, 3]

    fake.reset()
    fake.respond_with(answering(per_unit))
    await review_units(fake_router(fake), items(document), limits=BatchLimits(units=1))
    assert [units_in(r) for r in fake.requests] == [1, 1, 1, 1]
    assert all(r.json["messages"][0]["content"] != batch_system() for r in fake.requests)


async def test_the_tokens_of_a_batch_are_shared_among_its_units(fake: FakeServer) -> None:
    def counted(received: Received) -> Reply:
        return oa.stream([per_unit(received)], prompt=1000, completion=200)

    fake.respond_with(counted)
    results = await review_units(
        fake_router(fake), items(Document.open("file:///w/app.py", SOURCE))
    )
    outcomes = [r for r in results if isinstance(r, ReviewOutcome)]
    assert sum(o.input_tokens for o in outcomes) == 1000
    assert sum(o.output_tokens for o in outcomes) == 200
    assert all(o.input_tokens > 0 for o in outcomes)
    # a unit with findings wrote more of the answer than one without
    assert outcomes[0].output_tokens > outcomes[2].output_tokens
