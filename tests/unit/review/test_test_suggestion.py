"""Suggest a test: the request (template review-test-v1, task test, the project's style), the
fence taken off a streamed answer, and the call through the router against the fake vendor
(streamed to a listener without its fence, cached, an answer with no code refused)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fakes import openai as oa
from fakes.server import FakeServer, Received, Reply

from peer_lsp.documents.store import Document
from peer_lsp.findings.model import Category, Finding, Severity, Span
from peer_lsp.llm.cache.disk_cache import DiskCache
from peer_lsp.llm.config import LLMConfig, RouteConfig, parse_provider
from peer_lsp.llm.errors import LLMError
from peer_lsp.llm.factory import make_provider
from peer_lsp.llm.router import Router
from peer_lsp.llm.types import Task
from peer_lsp.review.prompt.request import code_key
from peer_lsp.review.prompt.templates import TEST_PROMPT_VERSION, load_template
from peer_lsp.review.test_style import TestStyle
from peer_lsp.review.test_suggestion import (
    CodeOnly,
    build_test_request,
    language_id,
    offers_test,
    strip_fence,
    suggest_test,
)

SOURCE = "def first_word(text):\n    words = text.split()\n    return words[1]\n"
TOKEN = "ghp_Zq8cB2xT4kLm9PwR7sVn3YdJ6hFa1GeU5oIx"
EXAMPLE = f'import pytest\n\nAPI = "{TOKEN}"\n\n\ndef test_other():\n    assert True\n'
TEST_CODE = (
    "from words import first_word\n\n\ndef test_first_word():\n"
    "    assert first_word('a b') == 'a'\n"
)


def _document(text: str = SOURCE, uri: str = "file:///work/words.py") -> Document:
    return Document.open(uri, text)


def _finding(line: int = 2, category: Category = Category.BUG, source: str = "gpt-fake") -> Finding:
    return Finding(
        span=Span(0, 1, line, line),
        severity=Severity.WARNING,
        category=category,
        rule_id="model:index",
        message="words[1] is the second word",
        source=source,
        fingerprint=f"fp-{line}-{category.value}",
        explanation="Lists start at 0.",
    )


def _style(excerpt: str = EXAMPLE, notes: tuple[str, ...] = ("plain test functions",)) -> TestStyle:
    return TestStyle(
        language="python",
        framework="pytest",
        notes=notes,
        evidence=(),
        suggested_path=Path("/work/tests/test_words.py"),
        example_path=Path("/work/tests/test_other.py") if excerpt else None,
        example_excerpt=excerpt,
    )


def _request(style: TestStyle | None = None, finding: Finding | None = None):  # type: ignore[no-untyped-def]
    document = _document()
    finding = finding or _finding()
    unit = document.unit_at(finding.span.start_line)
    assert unit is not None
    return build_test_request(
        finding,
        unit,
        document,
        style or _style(),
        path="words.py",
        suggested_name="tests/test_words.py",
        example_name="tests/test_other.py",
    )


# -- the request ----------------------------------------------------------------------------------


def test_the_request_asks_for_code_in_the_projects_style() -> None:
    request = _request()
    assert request.task is Task.TEST
    assert request.json_schema is None
    assert request.prompt_version == TEST_PROMPT_VERSION
    assert request.system.startswith(load_template(TEST_PROMPT_VERSION).strip()[:80])
    assert "no markdown fence" in request.system
    user = request.user
    assert "[model:index] warning, bug, line 3: words[1] is the second word" in user
    assert "3 |     return words[1]" in user
    assert "Test framework and style: pytest; plain test functions" in user
    assert "The new test file: tests/test_words.py" in user
    assert "existing test file of the project, tests/test_other.py:\n```\nimport pytest" in user


def test_the_example_is_redacted_and_optional() -> None:
    request = _request()
    assert TOKEN not in request.user
    assert "<redacted:github-token:" in request.user
    bare = _request(_style(excerpt=""))
    assert "existing test file" not in bare.user
    assert "Test framework and style: pytest" in bare.user


def test_the_context_key_follows_the_style_and_the_finding() -> None:
    key = _request().context_key
    assert _request().context_key == key
    assert _request(_style(notes=("unittest.TestCase",))).context_key != key
    assert _request(_style(excerpt="def test_x():\n    pass")).context_key != key
    assert _request(finding=_finding(line=1)).context_key != key


@pytest.mark.parametrize(
    ("category", "source", "offered"),
    [
        pytest.param(Category.BUG, "gpt-fake", True, id="model-bug"),
        pytest.param(Category.SECURITY, "rule:py-eval", True, id="rule-security"),
        pytest.param(Category.BUG, "rule:js-loose-equality", True, id="rule-bug"),
        pytest.param(Category.STYLE, "gpt-fake", False, id="style"),
        pytest.param(Category.MAINTAINABILITY, "rule:complexity", False, id="maintainability"),
        pytest.param(Category.PERFORMANCE, "gpt-fake", False, id="performance"),
        pytest.param(Category.SYNTAX, "syntax", False, id="syntax"),
    ],
)
def test_which_findings_get_the_action(category: Category, source: str, offered: bool) -> None:
    assert offers_test(_finding(category=category, source=source)) is offered


def test_language_id_of_a_document_without_one() -> None:
    assert language_id(Document.open("file:///w/a.tsx", "const a = 1;\n")) == "typescriptreact"
    assert language_id(Document.open("file:///w/a.py", "a = 1\n", "python")) == "python"


def test_the_unit_is_the_smallest_holding_the_finding() -> None:
    document = _document("class Words:\n    def first(self, text):\n        return text[1]\n")
    unit = document.unit_at(_finding(line=2).span.start_line)
    assert unit is not None
    assert unit.qualified_name == "Words.first"


# -- the fence, off -------------------------------------------------------------------------------

FENCED = f"```python\n{TEST_CODE}```\n"
ANSWERS = [
    pytest.param(FENCED, TEST_CODE, id="fenced"),
    pytest.param(f"Here is the test:\n\n{FENCED}\nIt fails today.", TEST_CODE, id="prose-around"),
    pytest.param(TEST_CODE, TEST_CODE, id="raw"),
    pytest.param(f"\n\n{TEST_CODE}", TEST_CODE, id="raw-after-blank-lines"),
    pytest.param(f"~~~py\n{TEST_CODE}~~~", TEST_CODE, id="tildes"),
    pytest.param(f"````go\n{TEST_CODE}````", TEST_CODE, id="long-fence-no-newline"),
    pytest.param(f"```\n{TEST_CODE}", TEST_CODE, id="never-closed"),
    pytest.param(f"{TEST_CODE}```\n", TEST_CODE, id="raw-with-a-stray-closing-fence"),
    pytest.param("```python\n```", "", id="empty"),
    pytest.param(
        "```js\nconst s = `a`;\n``` not a fence\n```\n",
        "const s = `a`;\n``` not a fence\n",
        id="backticks-in-the-code",
    ),
]


@pytest.mark.parametrize(("answer", "code"), ANSWERS)
def test_strip_fence(answer: str, code: str) -> None:
    assert strip_fence(answer) == code


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []

    def on_text(self, delta: str) -> None:
        self.events.append(delta)

    def on_restart(self) -> None:
        self.events.append("<restart>")


@pytest.mark.parametrize(("answer", "code"), ANSWERS)
@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 1000])
def test_code_only_streams_what_strip_fence_gives(answer: str, code: str, size: int) -> None:
    recorder = Recorder()
    stream = CodeOnly(recorder)
    for start in range(0, len(answer), size):
        stream.on_text(answer[start : start + size])
    stream.finish()
    assert "".join(recorder.events) == code == stream.text


def test_code_only_passes_code_on_before_the_answer_ends() -> None:
    recorder = Recorder()
    stream = CodeOnly(recorder)
    stream.on_text("```python\nimport os\n\ndef test_a")
    assert "".join(recorder.events) == "import os\n\ndef test_a"
    stream.on_text("():\n    pass\n``")  # the start of what may be the closing fence waits
    assert "".join(recorder.events).endswith("    pass\n")
    stream.on_text("`\n")
    stream.finish()
    assert stream.text == "import os\n\ndef test_a():\n    pass\n"


def test_code_only_forgets_a_voided_attempt() -> None:
    recorder = Recorder()
    stream = CodeOnly(recorder)
    stream.on_text("```python\nbroken")
    stream.on_restart()
    stream.on_text("Sure:\n```python\ndef test_ok():\n    pass\n```")
    stream.finish()
    assert recorder.events[recorder.events.index("<restart>") + 1 :] == [
        "def test_ok():\n    pass\n"
    ]
    assert stream.text == "def test_ok():\n    pass\n"


# -- through the router ---------------------------------------------------------------------------

ENV = {"OPENAI_API_KEY": "sk-test-1"}


async def _no_sleep(_seconds: float) -> None:
    """Backoff without waiting."""


def _router(fake: FakeServer, cache: Path) -> Router:
    raw = {"preset": "vllm", "model": oa.MODEL, "id": "p", "baseUrl": f"{fake.url}/v1"}
    config = parse_provider(raw, 0)
    llm = LLMConfig((config,), (RouteConfig("default", ("p",)),))
    answers = DiskCache(cache, max_bytes=10_000_000, ttl_seconds=3600)
    return Router(llm, {"p": make_provider(config, ENV)}, cache=answers, sleep=_no_sleep)


def _pieces(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def test_the_test_streams_without_its_fence_and_comes_from_the_cache_next(tmp_path: Path) -> None:
    received: list[Received] = []

    def reply(request: Received) -> Reply:
        received.append(request)
        return oa.stream(_pieces(f"Here you go:\n{FENCED}"))

    async def run() -> None:
        with FakeServer() as fake:
            fake.respond_with(reply)
            router = _router(fake, tmp_path / "cache")
            document = _document()
            finding = _finding()
            unit = document.unit_at(finding.span.start_line)
            assert unit is not None
            request = _request()
            first = Recorder()
            answer = await suggest_test(router, request, unit, listener=first)
            assert answer.code == TEST_CODE == "".join(first.events)
            assert len(first.events) > 1  # streamed in pieces
            assert not answer.cached
            assert answer.source == f"p/{oa.MODEL}"
            body = received[0].json
            assert body["stream"] is True
            assert "response_format" not in body  # prose answer: no schema
            assert TOKEN not in str(body)
            second = Recorder()
            again = await suggest_test(router, request, unit, listener=second)
            assert again.code == TEST_CODE == "".join(second.events)
            assert again.cached
            assert len(received) == 1  # the cache answered: nothing sent
            await router.aclose()

    asyncio.run(run())


def test_an_answer_without_code_is_refused_and_not_cached(tmp_path: Path) -> None:
    async def run() -> None:
        with FakeServer() as fake:
            fake.respond_with(lambda _request: oa.stream(["```python\n", "```\n"]))
            router = _router(fake, tmp_path / "cache")
            unit = _document().unit_at(_finding().span.start_line)
            assert unit is not None
            with pytest.raises(LLMError):
                await suggest_test(router, _request(), unit)
            key = code_key(_request(), unit.normalized_hash)
            assert await router.lookup(_request(), normalized_code=key) is None
            await router.aclose()

    asyncio.run(run())


def test_a_model_that_talks_on_past_the_code_still_gives_it(tmp_path: Path) -> None:
    """The closing fence came, then prose until the output limit: the code, uncached; cut
    before the closing fence, the answer is an error."""
    talkative = f"```python\n{TEST_CODE}```\nThis test checks that"

    async def run() -> None:
        with FakeServer() as fake:
            fake.respond_with(lambda _request: oa.stream(_pieces(talkative), finish="length"))
            router = _router(fake, tmp_path / "cache")
            unit = _document().unit_at(_finding().span.start_line)
            assert unit is not None
            answer = await suggest_test(router, _request(), unit)
            assert answer.code == TEST_CODE
            assert answer.cut
            assert not answer.cached
            key = code_key(_request(), unit.normalized_hash)
            assert await router.lookup(_request(), normalized_code=key) is None
            fake.respond_with(
                lambda _request: oa.stream(_pieces(f"```python\n{TEST_CODE}"), finish="length")
            )
            with pytest.raises(LLMError, match="output token limit"):
                await suggest_test(router, _request(), unit)
            await router.aclose()

    asyncio.run(run())
