"""What the user does with model findings, end to end: fix all, ask another model, dismiss;
and what the server does when the code changes under a review (cancel it, discard its answer).

The real server runs over stdio; the fake OpenAI-compatible vendor (tests/fakes) answers per
unit and per model (the request's ``model`` names the configured provider: "m" reviews, "v"
gives second opinions), and records what it received.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from fakes import openai as oa
from fakes import review_format
from fakes.server import FakeServer, Received, Reply
from lsp_support import (
    SERVER_COMMAND,
    TIMEOUT,
    PeerClient,
    action_converter,
    apply_edits,
    capabilities,
    document,
    edit,
    initialize_params,
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SOURCE = (
    "import ast\n"
    "import json\n"
    "\n"
    "\n"
    "def risky(expr):\n"
    "    value = expr\n"
    "    return eval(value)\n"
    "\n"
    "\n"
    "def loader(text):\n"
    "    return pickle.loads(text)\n"
)
FIXED = SOURCE.replace("eval(value)", "ast.literal_eval(value)").replace(
    "pickle.loads(text)", "json.loads(text)"
)
RISKY_LINE = 6
"""The document line of ``return eval(value)``."""

EVAL = {
    "severity": "error",
    "category": "security",
    "title": "eval on caller input",
    "message": "eval executes arbitrary code.",
    "explanation": "Use `ast.literal_eval` for literals.",
    "excerpt": "return eval(value)",
    "line": 3,
    "end_line": 3,
    "confidence": 0.9,
    "fix": {"replacement": "    return ast.literal_eval(value)", "start_line": 3, "end_line": 3},
}
PICKLE = {
    "severity": "error",
    "category": "security",
    "title": "pickle on untrusted text",
    "message": "pickle.loads runs code from its input.",
    "explanation": "Use json.",
    "excerpt": "return pickle.loads(text)",
    "line": 2,
    "end_line": 2,
    "confidence": 0.9,
    "fix": {"replacement": "    return json.loads(text)", "start_line": 2, "end_line": 2},
}


# -- the fake vendor -----------------------------------------------------------------------


def user_message(received: Received) -> str:
    content: str = received.json["messages"][-1]["content"]
    return content


def name_of(unit: str) -> str:
    return "risky" if "def risky" in unit else "loader" if "def loader" in unit else "?"


def unit_of(received: Received) -> str:
    """The first unit a request asks about (the only one, unless it is a batch)."""
    return name_of(review_format.unit_prompts(user_message(received))[0][1])


def units_of(received: Received) -> list[str]:
    return [name_of(text) for _, text in review_format.unit_prompts(user_message(received))]


def prompt_of(received: Received, unit: str) -> str:
    """What the request shows of ``unit`` (its part of a batch)."""
    parts = review_format.unit_prompts(user_message(received))
    return next(text for _, text in parts if name_of(text) == unit)


def reply(received: Received, *findings: dict[str, Any]) -> Reply:
    """An answer holding ``findings`` (in a batch, each with the unit quoting its excerpt),
    streamed if asked, from the model the request named."""
    return answer_text(received, review_format.placed(user_message(received), findings))


def answer_text(received: Received, text: str) -> Reply:
    model = received.json.get("model", oa.MODEL)
    if received.json.get("stream"):
        answer = oa.stream([text[: len(text) // 2], text[len(text) // 2 :]])
        assert answer.chunks is not None
        answer.chunks = [
            c.replace(f'"model": "{oa.MODEL}"', f'"model": "{model}"') if isinstance(c, str) else c
            for c in answer.chunks
        ]
        return answer
    answer = oa.ok(text)
    assert isinstance(answer.body, dict)
    answer.body["model"] = model
    return answer


def reviewer(verifier_agrees: bool = True) -> Callable[[Received], Reply]:
    """Model "m" finds eval in risky and pickle in loader; model "v" (the second opinion)
    finds eval again if ``verifier_agrees``, else nothing."""

    def findings(unit: str, model: str) -> list[dict[str, Any]]:
        if model == "v":
            return [EVAL] if verifier_agrees and unit == "risky" else []
        return {"risky": [EVAL], "loader": [PICKLE]}.get(unit, [])

    return per_unit(findings)


def per_unit(findings: Callable[[str, str], list[dict[str, Any]]]) -> Callable[[Received], Reply]:
    """A responder giving each unit asked about ``findings(its name, the model asked)``."""

    def respond(received: Received) -> Reply:
        model = str(received.json.get("model"))
        text = review_format.answer(
            user_message(received), lambda unit: findings(name_of(unit), model)
        )
        return answer_text(received, text)

    return respond


def requests_for(fake: FakeServer, unit: str, model: str = "m") -> list[Received]:
    """The requests asking about ``unit``, alone or with others."""
    return [r for r in fake.requests if unit in units_of(r) and r.json.get("model") == model]


async def wait_for(fake: FakeServer, condition: Callable[[], bool]) -> None:
    assert await asyncio.to_thread(fake.wait_until, condition, TIMEOUT)


# -- the client ----------------------------------------------------------------------------


class RecordingClient(PeerClient):
    """The test client, also keeping every textDocument/publishDiagnostics it received."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.published: list[types.PublishDiagnosticsParams] = []


def _record(ls: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    ls.diagnostics[params.uri] = params.diagnostics
    ls.published.append(params)


def make_recording_client() -> RecordingClient:
    client = RecordingClient(converter_factory=action_converter)
    features = {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record}
    register_lsp_features(client, features)
    return client


def config(state: Path | None = None) -> ClientServerConfig:
    """The server command; ``state`` becomes its user state directory (XDG_STATE_HOME)."""
    env = {**os.environ, "XDG_STATE_HOME": str(state)} if state is not None else None
    return ClientServerConfig(
        server_command=SERVER_COMMAND, client_factory=make_recording_client, server_env=env
    )


@pytest_lsp.fixture(config=config())
async def client(lsp_client: RecordingClient) -> AsyncIterator[None]:
    """A server of the test's own, initialised by the test as VS Code (pushed diagnostics)."""
    lsp_client.editor = "visual_studio_code"
    yield
    await lsp_client.shutdown_session()


async def start(
    client: PeerClient, fake: FakeServer, root: Path, *, verifier: bool = False, **extra: Any
) -> Path:
    """Initialise with the fake as provider "fake" (model "m"), and with ``verifier`` a second
    provider "verifier" (model "v") that a route for verify requests takes; the document."""
    providers = [{"preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1"}]
    routes: list[dict[str, Any]] = []
    if verifier:
        providers.append(
            {"preset": "vllm", "id": "verifier", "model": "v", "baseUrl": f"{fake.url}/v1"}
        )
        routes = [
            {"name": "second-opinion", "tasks": ["verify"], "providers": ["verifier"]},
            {"name": "review", "providers": ["fake"]},
        ]
    options = {
        "providers": providers,
        "routes": routes,
        "cacheDir": str(root / "cache"),
        "auditLog": str(root / "audit.jsonl"),
        "reviewOn": ["open", "idle"],
        "reviewDebounceMs": 50,
        "ollamaAutodetect": False,
        "disableRules": ["all"],  # model findings only: local rules are tested on their own
        **extra,
    }
    params = initialize_params(capabilities("visual_studio_code"), root)
    params.initialization_options = options
    await client.initialize_session(params)
    return root / "app.py"


def open_document(client: PeerClient, path: Path, text: str = SOURCE, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(document(path, text, version=version))
    )


def change(client: PeerClient, uri: str, version: int, *changes: Any) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version, uri), list(changes)
        )
    )


async def diagnostics_where(
    client: PeerClient, uri: str, condition: Callable[[list[types.Diagnostic]], bool]
) -> list[types.Diagnostic]:
    """Wait for pushed diagnostics of ``uri`` that satisfy ``condition``."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            current = list(client.diagnostics.get(uri, []))
            if condition(current):
                return current
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


async def publications_where(
    client: RecordingClient, condition: Callable[[list[types.PublishDiagnosticsParams]], bool]
) -> None:
    """Wait until the diagnostics published so far satisfy ``condition``."""
    async with asyncio.timeout(TIMEOUT):
        while not condition(client.published):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


async def reviews_done(client: PeerClient, cache_hits: int) -> None:
    """Wait until no review is in flight and the cache answered ``cache_hits`` times."""
    health = types.Command("health", "peer.health")
    async with asyncio.timeout(TIMEOUT):
        while True:
            notified = client.protocol.wait_for_notification_async("peer/status")
            report = await run(client, health)
            if report["inFlight"] == 0 and report["cache"]["hits"] >= cache_hits:
                return
            await notified  # registered before asking: the last status is not lost


def model_diagnostics(diagnostics: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diagnostics if "% confident)" in d.message]


def titled(title: str) -> Callable[[list[types.Diagnostic]], bool]:
    return lambda found: any(d.message.startswith(f"{title} (") for d in found)


async def risky_after_open(client: PeerClient, path: Path) -> tuple[str, types.Diagnostic]:
    """Open ``path``, wait for the model's two findings, and return the one on ``risky``."""
    uri = path.as_uri()
    open_document(client, path)
    found = await diagnostics_where(client, uri, lambda d: len(model_diagnostics(d)) == 2)
    (risky,) = [d for d in found if d.range.start.line == RISKY_LINE]
    return uri, risky


def data(diagnostic: types.Diagnostic) -> dict[str, Any]:
    assert isinstance(diagnostic.data, dict)
    return diagnostic.data


async def round_trip(client: PeerClient) -> None:
    """A request answered after everything the server was sent before it was handled."""
    async with asyncio.timeout(TIMEOUT):
        await client.workspace_execute_command_async(types.ExecuteCommandParams("peer.health"))


async def code_actions(
    client: PeerClient, uri: str, diagnostic: types.Diagnostic, only: list[str] | None = None
) -> list[types.CodeAction]:
    async with asyncio.timeout(TIMEOUT):
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri),
                diagnostic.range,
                types.CodeActionContext(diagnostics=[diagnostic], only=only),
            )
        )
    return [a for a in actions or [] if isinstance(a, types.CodeAction)]


async def run(client: PeerClient, command: types.Command) -> Any:
    async with asyncio.timeout(TIMEOUT):
        return await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command.command, command.arguments)
        )


@pytest.fixture
def reviewing_fake(fake: FakeServer) -> FakeServer:
    fake.respond_with(reviewer())
    return fake


# -- fix all -------------------------------------------------------------------------------


async def test_fix_all_applies_every_verified_fix_in_one_edit(
    client: RecordingClient, reviewing_fake: FakeServer, tmp_path: Path
) -> None:
    path = await start(client, reviewing_fake, tmp_path)
    uri = path.as_uri()
    open_document(client, path)
    found = await diagnostics_where(client, uri, lambda d: len(model_diagnostics(d)) == 2)
    assert all(data(d)["hasFix"] and data(d)["confidence"] >= 0.8 for d in found)

    actions = await code_actions(client, uri, found[0], only=["source.fixAll"])
    (fix_all,) = actions
    assert fix_all.kind == "source.fixAll.peer"
    assert fix_all.title == "Apply 2 verified peer fixes"
    assert fix_all.edit is None  # computed when resolved
    async with asyncio.timeout(TIMEOUT):
        resolved = await client.code_action_resolve_async(fix_all)
    assert resolved.edit is not None
    assert resolved.edit.document_changes is not None
    (changed,) = resolved.edit.document_changes
    assert isinstance(changed, types.TextDocumentEdit)
    assert changed.text_document.version == 1
    edits = [e for e in changed.edits if isinstance(e, types.TextEdit)]
    assert len(edits) == 2
    assert apply_edits(SOURCE, edits) == FIXED


# -- the code changes under a review --------------------------------------------------------


async def test_an_answer_for_code_edited_meanwhile_is_never_shown(
    client: RecordingClient, fake: FakeServer, tmp_path: Path
) -> None:
    def respond(received: Received) -> Reply:
        if unit_of(received) == "risky":
            return reply(received, {**EVAL, "title": "fresh finding"})
        return reply(received)

    def stale(received: Received) -> Reply:
        """The first answer for risky, late enough for the edit to overtake it."""
        late = reply(received, {**EVAL, "title": "stale finding"})
        late.first_byte_delay = 3.0
        return late

    fake.script(stale, match=lambda r: unit_of(r) == "risky")
    fake.respond_with(respond)
    path = await start(client, fake, tmp_path)
    uri = path.as_uri()
    open_document(client, path)
    await wait_for(fake, lambda: len(requests_for(fake, "risky")) == 1)
    first = requests_for(fake, "risky")[0]
    change(client, uri, 2, edit((5, 12), (5, 16), "expr.strip()"))  # value = expr.strip()

    found = await diagnostics_where(client, uri, titled("fresh finding"))
    assert found[0].range.start.line == RISKY_LINE
    second = requests_for(fake, "risky")[1]
    assert "value = expr.strip()" in user_message(second)
    await wait_for(fake, lambda: first.disconnected or first.completed)
    await round_trip(client)
    for published in client.published:
        assert not titled("stale finding")(list(published.diagnostics)), published


async def test_an_edit_cancels_the_review_in_flight(
    client: RecordingClient, reviewing_fake: FakeServer, tmp_path: Path
) -> None:
    """The request asking about both units is cancelled once an edit has changed both."""
    reviewing_fake.script(Reply(hang=True), match=lambda r: "risky" in units_of(r))
    path = await start(client, reviewing_fake, tmp_path)
    uri = path.as_uri()
    open_document(client, path)
    await wait_for(reviewing_fake, lambda: len(requests_for(reviewing_fake, "risky")) == 1)
    hung = requests_for(reviewing_fake, "risky")[0]
    assert units_of(hung) == ["risky", "loader"]

    change(
        client,
        uri,
        2,
        edit((5, 12), (5, 16), "expr.strip()"),
        edit((10, 0), (10, 0), "    # the path comes from the caller\n"),
    )
    await wait_for(reviewing_fake, lambda: hung.disconnected)
    assert not hung.completed
    found = await diagnostics_where(
        client, uri, lambda d: titled(str(EVAL["title"]))(d) and len(model_diagnostics(d)) == 2
    )
    assert len(requests_for(reviewing_fake, "risky")) == 2
    assert {d.range.start.line for d in model_diagnostics(found)} == {RISKY_LINE, 11}


async def test_reviewing_again_keeps_the_findings_and_tells_the_model_only_local_ones(
    client: RecordingClient, reviewing_fake: FakeServer, tmp_path: Path
) -> None:
    """The unit's own model findings are not "problems local checks already reported":
    told so, a model leaves them out, and its answer replaces them."""
    path = await start(client, reviewing_fake, tmp_path)
    uri = path.as_uri()
    open_document(client, path)
    await diagnostics_where(client, uri, lambda d: len(model_diagnostics(d)) == 2)
    before = len(client.published)

    assert await run(client, types.Command("", "peer.reviewNow", arguments=[uri, RISKY_LINE])) == {
        "queued": 1
    }
    await publications_where(client, lambda published: len(published) > before)
    assert len(model_diagnostics(list(client.published[-1].diagnostics))) == 2
    first, again = requests_for(reviewing_fake, "risky")  # "review now" asks the model
    assert units_of(again) == ["risky"]
    assert user_message(again) == prompt_of(first, "risky")
    assert str(EVAL["title"]) not in user_message(again)
    assert len(reviewing_fake.requests) == 2


async def test_explain_gets_its_arguments(
    client: RecordingClient, reviewing_fake: FakeServer, tmp_path: Path
) -> None:
    """A command's arguments reach its handler (pygls passes them one by one). VS Code with
    peer's extension shows the Markdown result itself: no message as well."""
    path = await start(client, reviewing_fake, tmp_path)
    uri, risky = await risky_after_open(client, path)
    actions = await code_actions(client, uri, risky)
    (explain,) = [a for a in actions if a.title == "Explain this finding"]
    assert explain.command is not None
    result = await run(client, explain.command)
    assert result["shownAs"] == "result"
    assert result["markdown"].startswith("# eval on caller input\n")
    assert "eval executes arbitrary code." in result["markdown"]
    assert not any("eval executes arbitrary code." in m.message for m in client.messages)


# -- ask another model ---------------------------------------------------------------------


@pytest.mark.parametrize("agrees", [True, False], ids=["agrees", "disagrees"])
async def test_another_model_moves_the_confidence(
    client: RecordingClient, fake: FakeServer, tmp_path: Path, agrees: bool
) -> None:
    fake.respond_with(reviewer(verifier_agrees=agrees))
    path = await start(client, fake, tmp_path, verifier=True)
    uri, risky = await risky_after_open(client, path)
    before = data(risky)["confidence"]
    assert data(risky)["model"] == "m"
    assert not requests_for(fake, "risky", model="v")  # no second opinion unless asked

    (ask,) = [a for a in await code_actions(client, uri, risky) if a.title == "Ask another model"]
    assert ask.command is not None
    result = await run(client, ask.command)
    assert result["opinion"] == ("agree" if agrees else "disagree")
    assert result["model"] == "v"
    (verify,) = requests_for(fake, "risky", model="v")
    assert "def risky" in user_message(verify)

    def moved(diagnostics: list[types.Diagnostic]) -> bool:
        now = [d for d in diagnostics if d.range.start.line == RISKY_LINE]
        return bool(now) and data(now[0])["confidence"] != before

    after = await diagnostics_where(client, uri, moved)
    (risky_after,) = [d for d in after if d.range.start.line == RISKY_LINE]
    confidence = data(risky_after)["confidence"]
    assert confidence > before if agrees else confidence < before
    assert confidence == pytest.approx(result["confidence"])
    assert data(risky_after)["fingerprint"] == data(risky)["fingerprint"]
    (loader,) = [d for d in after if d.range.start.line != RISKY_LINE]
    assert data(loader)["confidence"] == before  # the other finding was not asked about
    verb = "agrees" if agrees else "disagrees"
    assert any(f"v {verb}: confidence" in m.message for m in client.messages)


async def test_without_a_verify_route_the_same_model_is_no_second_opinion(
    client: RecordingClient, reviewing_fake: FakeServer, tmp_path: Path
) -> None:
    path = await start(client, reviewing_fake, tmp_path)
    uri, risky = await risky_after_open(client, path)

    command = types.Command("", "peer.askAnotherModel", arguments=[uri, data(risky)["fingerprint"]])
    result = await run(client, command)
    assert result["opinion"] is None
    assert 'tasks = ["verify"]' in result["reason"]
    assert len(reviewing_fake.requests) == 1  # the default route answered from the cache
    await round_trip(client)
    (still,) = [d for d in client.diagnostics[uri] if d.range.start.line == RISKY_LINE]
    assert data(still)["confidence"] == data(risky)["confidence"]


async def test_medium_confidence_findings_get_a_second_opinion_when_set(
    client: RecordingClient, fake: FakeServer, tmp_path: Path
) -> None:
    """verifyMediumConfidence: a finding between minConfidence and preferredConfidence is
    checked on the verify route at once; the others are not."""
    unsure = {**EVAL, "confidence": 0.6, "fix": None}  # 0.6 → about 0.66

    def findings(unit: str, model: str) -> list[dict[str, Any]]:
        if model == "v":
            return [unsure] if unit == "risky" else []
        return {"risky": [unsure], "loader": [PICKLE]}.get(unit, [])

    fake.respond_with(per_unit(findings))
    path = await start(client, fake, tmp_path, verifier=True, verifyMediumConfidence=True)
    uri = path.as_uri()
    open_document(client, path)

    def confirmed(diagnostics: list[types.Diagnostic]) -> bool:
        risky = [d for d in diagnostics if d.range.start.line == RISKY_LINE]
        return bool(risky) and data(risky[0])["confidence"] >= 0.8

    found = await diagnostics_where(client, uri, confirmed)
    assert len(model_diagnostics(found)) == 2
    assert len(requests_for(fake, "risky", model="v")) == 1
    assert requests_for(fake, "loader", model="v") == []  # 0.85 needs no second opinion


# -- dismiss -------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="the state directory follows XDG on Linux")
async def test_a_dismissed_finding_stays_dismissed_after_a_restart(
    reviewing_fake: FakeServer, tmp_path: Path
) -> None:
    state, root = tmp_path / "state", tmp_path / "workspace"
    root.mkdir()
    uri = (root / "app.py").as_uri()

    first = await config(state).start()
    assert isinstance(first, RecordingClient)
    try:
        path = await start(first, reviewing_fake, root)
        _, risky = await risky_after_open(first, path)
        actions = await code_actions(first, uri, risky)
        (dismiss,) = [a for a in actions if a.title == "Dismiss (don't show again)"]
        assert dismiss.command is not None
        assert await run(first, dismiss.command) == {"dismissed": True, "saved": True}
        left = await diagnostics_where(first, uri, lambda d: len(model_diagnostics(d)) == 1)
        assert [d.range.start.line for d in model_diagnostics(left)] == [10]
        await first.shutdown_session()
    finally:
        await first.stop()
    (saved,) = (state / "peer-lsp" / "dismissed").iterdir()
    assert json.loads(saved.read_text())["fingerprints"] == [data(risky)["fingerprint"]]

    second = await config(state).start()
    assert isinstance(second, RecordingClient)
    try:
        await start(second, reviewing_fake, root)
        open_document(second, path)
        # both units are reviewed again, from the cache, before anything is checked
        await reviews_done(second, cache_hits=2)
        shown = await diagnostics_where(second, uri, lambda d: len(model_diagnostics(d)) == 1)
        assert [d.range.start.line for d in model_diagnostics(shown)] == [10]
        for published in second.published:
            assert all(d.range.start.line != RISKY_LINE for d in published.diagnostics)
        await second.shutdown_session()
    finally:
        await second.stop()
