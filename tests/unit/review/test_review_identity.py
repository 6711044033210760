"""A review request keeps its prompt whoever copies it: the smaller prompt after a context
overflow is sent, and a class whose skeleton did not change is answered from the cache.

Everything is real: `review_unit` with a `Router` talking HTTP to the OpenAI-compatible fake,
and a diskcache folder in tmp_path.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from fakes import openai as oa
from fakes.routing import fake_router
from fakes.server import FakeServer, Received, Reply

from peer_lsp.documents.store import Document
from peer_lsp.llm.tokens import estimate_tokens
from peer_lsp.review.pipeline import review_unit
from peer_lsp.review.prompt.request import build_review_request, code_key, shrink

STORE = """\
import json


class Store:
    limit = 10

    def load(self, raw):
        data = json.loads(raw)
        return data[: self.limit]

    def save(self, items):
        return json.dumps(items[: self.limit])
"""

BIG = "def big(items):\n    total = 0\n" + "".join(
    f"    total += item_{i} * {i}\n" for i in range(120)
)


def _no_findings(received: Received) -> Reply:
    text = json.dumps({"findings": []})
    return oa.stream([text]) if received.json.get("stream") else oa.ok(text)


def _user(received: Received) -> str:
    content: str = received.json["messages"][-1]["content"]
    return content


def test_a_copied_request_still_knows_its_prompt() -> None:
    document = Document.open("file:///w/a.py", BIG)
    unit = document.units[0]
    request = build_review_request(unit, document, path="a.py")
    copied = dataclasses.replace(request, complexity=7, categories=("bug",))
    smaller = shrink(copied)
    assert smaller is not None
    assert estimate_tokens(smaller.user) < estimate_tokens(request.user)
    assert (smaller.complexity, smaller.categories) == (7, ("bug",))  # what the caller set stays

    store = Document.open("file:///w/s.py", STORE)
    skeleton = build_review_request(store.units[0], store, path="s.py")
    key = code_key(skeleton, "default")
    assert key != "default"
    assert code_key(dataclasses.replace(skeleton, complexity=3), "default") == key


async def test_after_a_context_overflow_the_smaller_prompt_is_sent(fake: FakeServer) -> None:
    fake.script(oa.context_overflow("openai"))
    fake.respond_with(_no_findings)
    document = Document.open("file:///w/a.py", BIG)
    router = fake_router(fake)
    try:
        outcome = await review_unit(router, document, document.units[0], path="a.py")
    finally:
        await router.aclose()
    assert outcome.model == oa.MODEL
    first, second = (_user(received) for received in fake.requests)
    assert estimate_tokens(second) <= estimate_tokens(first) // 2 + 1
    assert "(unit truncated)" in second


async def test_editing_one_method_sends_that_method_alone(fake: FakeServer, tmp_path: Path) -> None:
    fake.respond_with(_no_findings)
    router = fake_router(fake, tmp_path / "cache")

    async def review_all(text: str) -> list[str]:
        before = len(fake.requests)
        document = Document.open("file:///w/store.py", text)
        for unit in document.units:
            await review_unit(router, document, unit, path="store.py")
        return [_user(r).split("Name: ", 1)[1].split("\n", 1)[0] for r in fake.requests[before:]]

    try:
        assert sorted(await review_all(STORE)) == ["Store", "Store.load", "Store.save"]
        edited = STORE.replace("return data[: self.limit]", "return data[: self.limit * 2]")
        assert await review_all(edited) == ["Store.load"]
        assert await review_all(edited) == []
    finally:
        await router.aclose()
