"""Issue 14's acceptance test in the editor: the real server over stdio opens each file of the
seeded-bug corpus (tests/review_corpus), the scripted model (tests/fakes/scripted.py) reviews
every unit, and the client pulls the diagnostics and asks for the code actions of each.

Every true finding must be shown once at its place and nothing invented (counted as on the
command line: tests/review_corpus/judge.py); every true fix must be offered as a quick fix
whose edit gives the file with that fix; no other fix may be offered. The local rules stay
on; a rule's own fix that gives the true fix counts as that fix.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from fakes.scripted import ScriptedModel
from fakes.server import FakeServer
from lsp_support import (
    TIMEOUT,
    PeerClient,
    action_converter,
    apply_edits,
    capabilities,
    document,
    edit,
    initialize_params,
    pull,
)
from lsprotocol import types
from pytest_lsp.client import register_lsp_features
from review_corpus.expectations import BUGS, SOURCES, Source, model_says, place
from review_corpus.judge import Shown, finding_misses, fix_owner, language

from peer_lsp.rules import catalog

NOT_FIXES = (
    "Ignore this finding",
    "Explain this finding",
    "Suggest a test",
    "Ask another model",
    "Dismiss",
    "Review this",
)
"""Titles of the quick fixes that are not fixes (an ignore comment, commands)."""


def make_client() -> PeerClient:
    client = PeerClient(converter_factory=action_converter)
    register_lsp_features(client)
    return client


@pytest.fixture
def client(vscode_server: PeerClient) -> PeerClient:
    """A server of the test's own, initialised by the test as VS Code."""
    return vscode_server


async def start(client: PeerClient, fake: FakeServer, root: Path) -> None:
    """Initialise as VS Code pulling diagnostics, the fake as the only provider, rules on."""
    options = {
        "providers": [{"preset": "vllm", "id": "fake", "model": "m", "baseUrl": f"{fake.url}/v1"}],
        "cacheDir": str(root / "cache"),
        "auditLog": str(root / "audit.jsonl"),
        "reviewOn": ["open", "idle"],
        "reviewDebounceMs": 0,
        "ollamaAutodetect": False,
    }
    params = initialize_params(capabilities("visual_studio_code", pull=True), root)
    params.initialization_options = options
    await client.initialize_session(params)


async def all_reviewed(client: PeerClient, fake: FakeServer, model: ScriptedModel) -> None:
    """Wait until the model was asked about every unit and no review is in flight."""
    asked = await asyncio.to_thread(
        fake.wait_until,
        lambda: all(set(s.units) <= model.reviewed(s.name) for s in SOURCES),
        TIMEOUT,
    )
    assert asked, {s.name: set(s.units) - model.reviewed(s.name) for s in SOURCES}
    await reviews_done(client, fake, SOURCES)


async def reviews_done(client: PeerClient, fake: FakeServer, sources: Sequence[Source]) -> None:
    """Wait until no review is in flight (``sources``: what was opened, for the message).
    The wait for the next status is registered before asking, so the last is not lost."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            notified = client.protocol.wait_for_notification_async("peer/status")
            report = await client.workspace_execute_command_async(
                types.ExecuteCommandParams("peer.health")
            )
            if report["inFlight"] == 0:
                return
            await notified


def category(diagnostic: types.Diagnostic) -> str:
    code = str(diagnostic.code)
    if code.startswith("model:"):
        return code.removeprefix("model:")
    rule = catalog.get(code)
    return rule.category.value if rule is not None else ""


def by_model(diagnostic: types.Diagnostic) -> bool:
    data = diagnostic.data
    return isinstance(data, dict) and data.get("model") is not None


async def fixes_offered(
    client: PeerClient, uri: str, text: str, diagnostic: types.Diagnostic
) -> list[str]:
    """The text after each quick fix offered for ``diagnostic`` (edits resolved)."""
    async with asyncio.timeout(TIMEOUT):
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri),
                diagnostic.range,
                types.CodeActionContext(diagnostics=[diagnostic], only=["quickfix"]),
            )
        )
    results = []
    for action in actions or []:
        if not isinstance(action, types.CodeAction) or action.title.startswith(NOT_FIXES):
            continue
        resolved = action
        if action.edit is None and action.data is not None:
            async with asyncio.timeout(TIMEOUT):
                resolved = await client.code_action_resolve_async(action)
        edits = _edits(resolved.edit, uri)
        results.append(apply_edits(text, edits) if edits else "(a fix without an edit)")
    return results


def _edits(edit: types.WorkspaceEdit | None, uri: str) -> list[types.TextEdit]:
    if edit is None:
        return []
    found: list[Any] = list((edit.changes or {}).get(uri, []))
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            found += change.edits
    return [e for e in found if isinstance(e, types.TextEdit)]


async def test_the_editor_shows_every_true_finding_and_offers_every_true_fix(
    client: PeerClient, fake: FakeServer, tmp_path: Path
) -> None:
    model = ScriptedModel(model_says())
    fake.respond_with(model)
    await start(client, fake, tmp_path)
    for item in SOURCES:
        path = tmp_path / item.name
        path.write_text(item.text, encoding="utf-8")
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(document(path, item.text, item.language))
        )
    await all_reviewed(client, fake, model)

    shown: list[Shown] = []
    offered: dict[str, list[str]] = {}  # bug id -> what its fixes were
    misses: list[str] = []
    for item in SOURCES:
        uri = (tmp_path / item.name).as_uri()
        report = await pull(client, uri)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        for diagnostic in report.items:
            line = diagnostic.range.start.line + 1
            shown.append(
                Shown(
                    item.name,
                    line,
                    diagnostic.range.end.line + 1,
                    category(diagnostic),
                    str(diagnostic.code),
                    diagnostic.message,
                    by_model(diagnostic),
                )
            )
            for result in await fixes_offered(client, uri, item.text, diagnostic):
                owner = fix_owner(item.name, result)
                if owner is None or line not in place(owner):
                    misses.append(
                        f"bad fix offered ({language(item.name)}) on {item.name}:{line} "
                        f"[{diagnostic.code}] {diagnostic.message!r}"
                    )
                else:
                    offered.setdefault(owner.id, []).append(result)
    misses += finding_misses(shown, [s.name for s in SOURCES])
    misses += [
        f"true fix not offered: {bug.id} ({language(bug.file)}, {bug.unit})"
        for bug in BUGS
        if bug.fix is not None and bug.id not in offered
    ]
    misses += model.complaints
    assert not misses, "\n".join(["", *misses])


async def test_editing_one_method_sends_that_method_alone(
    client: PeerClient, fake: FakeServer, tmp_path: Path
) -> None:
    """Issue 14, point 1: the class around an edited method shows it folded, so its prompt is
    unchanged and the cache answers it; the model is asked about the method only."""
    model = ScriptedModel(model_says())
    fake.respond_with(model)
    await start(client, fake, tmp_path)
    item = next(s for s in SOURCES if s.name == "inventory.py")
    path = tmp_path / item.name
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(document(path, item.text, item.language))
    )
    asked = await asyncio.to_thread(
        fake.wait_until, lambda: set(item.units) <= model.reviewed(item.name), TIMEOUT
    )
    assert asked
    await reviews_done(client, fake, [item])
    before = len(model.prompts)

    line = item.text.splitlines().index("        total = sum(self.history)")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=2, uri=path.as_uri()),
            [edit((line, 32), (line, 32), ", 0")],  # total = sum(self.history, 0)
        )
    )
    assert await asyncio.to_thread(fake.wait_until, lambda: len(model.prompts) > before, TIMEOUT)
    await reviews_done(client, fake, [item])
    assert [p.name for p in model.prompts[before:]] == ["Stock.average"]
