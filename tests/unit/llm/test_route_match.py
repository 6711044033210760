"""Routes on ``categories`` and ``tasks`` mean something a request can carry.

A review request carries the categories of the local findings already known in its unit, so
"units a security rule flagged go to the thorough model" is a route that matches; a route
that takes only tasks no request is sent with (explain, fix) is a configuration problem
instead of a route that silently never matches.
"""

from __future__ import annotations

import pytest
from fakes import openai as oa
from fakes.server import FakeServer, Received, Reply

from peer_lsp.analysis.engine import Engine
from peer_lsp.findings.model import Category, Finding, Severity, Span
from peer_lsp.llm.config import parse_llm_config
from peer_lsp.llm.config_fields import CATEGORIES, UNSENT_TASKS
from peer_lsp.llm.factory import make_provider
from peer_lsp.llm.router import Router
from peer_lsp.llm.types import LLMRequest, Task
from peer_lsp.review.reviewer import Reviewer
from peer_lsp.review.second_opinion import ask_another_model, verify_route_differs
from peer_lsp.settings.model import Settings

URI = "file:///work/app.py"
SOURCE = "def total(items):\n    return sum(items)\n\n\ndef run(expr):\n    return eval(expr)\n"


def providers(fake: FakeServer) -> list[dict[str, object]]:
    url = f"{fake.url}/v1"
    return [
        {"preset": "vllm", "model": "small", "id": "small", "baseUrl": url},
        {"preset": "vllm", "model": "big", "id": "big", "baseUrl": url},
    ]


ROUTES: list[dict[str, object]] = [
    {"name": "thorough", "categories": ["security"], "providers": ["big"]},
    {"name": "quick", "providers": ["small"]},
]


def model_of(received: Received) -> str:
    return str(received.json["model"])


def no_findings(received: Received) -> Reply:
    text = '{"findings": []}'
    return oa.stream([text]) if received.json.get("stream") else oa.ok(text)


async def test_a_unit_a_security_rule_flagged_goes_to_the_security_route(
    fake: FakeServer,
) -> None:
    fake.respond_with(no_findings)
    config, problems = parse_llm_config(providers(fake), ROUTES)
    assert problems == []
    router = Router(config, {p.id: make_provider(p, {}) for p in config.providers})
    engine = Engine(Settings())
    document = engine.open(URI, SOURCE, "python", 1)
    reviewer = Reviewer(engine, router)
    by_unit: dict[str, str] = {}
    try:
        for unit in document.units:
            known = reviewer.known(URI, unit)
            outcome = await reviewer.review(document, unit, path="app.py")
            by_unit[unit.qualified_name] = outcome.provider
            if unit.qualified_name == "run":
                assert {f.category for f in known} == {Category.SECURITY}
    finally:
        await router.aclose()
    assert by_unit == {"total": "small", "run": "big"}
    assert sorted(model_of(r) for r in fake.requests) == ["big", "small"]


def test_a_request_matches_by_any_category_it_carries(fake: FakeServer) -> None:
    config, _ = parse_llm_config(providers(fake), ROUTES)
    router = Router(config, {})
    plain = LLMRequest("s", "u")
    assert router.route_for(plain).name == "quick"
    assert router.route_for(LLMRequest("s", "u", categories=("bug", "security"))).name == (
        "thorough"
    )
    assert router.route_for(LLMRequest("s", "u", categories=("security",))).name == "thorough"
    assert router.route_for(LLMRequest("s", "u", categories=("style",))).name == "quick"


@pytest.mark.parametrize(
    ("tasks", "why"),
    [
        (["fix"], ["no request is sent with task 'fix'"]),
    ],
)
def test_a_route_for_tasks_never_sent_is_a_problem(
    fake: FakeServer, tasks: list[str], why: list[str]
) -> None:
    routes = [{"name": "f", "tasks": tasks, "providers": ["big"]}, *ROUTES]
    config, problems = parse_llm_config(providers(fake), routes)
    assert [route.name for route in config.routes] == ["thorough", "quick"]
    (problem,) = problems
    assert problem.startswith("'routes[0].tasks': ")
    assert problem.endswith("this route is ignored")
    assert all(part in problem for part in why)


def test_a_route_for_explanations_is_kept(fake: FakeServer) -> None:
    """The explain action and `peer explain` ask with task "explain" (a route of its own
    can send explanations to a bigger model)."""
    routes = [{"name": "why", "tasks": ["explain"], "providers": ["big"]}, *ROUTES]
    config, problems = parse_llm_config(providers(fake), routes)
    assert problems == []
    assert [route.name for route in config.routes] == ["why", "thorough", "quick"]


def test_a_route_that_also_takes_a_sent_task_is_kept(fake: FakeServer) -> None:
    routes = [{"name": "r", "tasks": ["review", "explain"], "providers": ["big"]}]
    config, problems = parse_llm_config(providers(fake), routes)
    assert problems == []
    assert config.routes[0].tasks == (Task.REVIEW, Task.EXPLAIN)


def test_an_unknown_category_leaves_the_route_out(fake: FakeServer) -> None:
    routes = [{"name": "typo", "categories": ["securty"], "providers": ["big"]}, *ROUTES]
    config, problems = parse_llm_config(providers(fake), routes)
    assert [route.name for route in config.routes] == ["thorough", "quick"]
    assert problems == [
        "invalid value for 'routes[0].categories': ['securty']; expected a list of: "
        + ", ".join(CATEGORIES)
        + "; this route is ignored"
    ]


def test_route_categories_are_the_finding_categories() -> None:
    assert set(CATEGORIES) == {c.value for c in Category}
    assert set(UNSENT_TASKS) <= {t.value for t in Task}


async def test_a_second_opinion_carries_the_category_of_the_finding_it_is_about(
    fake: FakeServer,
) -> None:
    """A verify route for security findings takes a second opinion on a security finding
    of a unit no rule flagged, and not one on a bug."""
    fake.respond_with(no_findings)
    routes: list[dict[str, object]] = [
        {"name": "verify-security", "tasks": ["verify"], "categories": ["security"],
         "providers": ["big"]},
        {"name": "rest", "providers": ["small"]},
    ]  # fmt: skip
    config, problems = parse_llm_config(providers(fake), routes)
    assert problems == []
    router = Router(config, {p.id: make_provider(p, {}) for p in config.providers})
    document = Engine(Settings()).open(URI, SOURCE, "python", 1)
    total = next(u for u in document.units if u.qualified_name == "total")
    try:
        for category, provider in ((Category.SECURITY, "big"), (Category.BUG, "small")):
            finding = Finding(
                Span(total.start_byte, total.end_byte, 0, 1),
                Severity.WARNING,
                category,
                "model:x",
                "m",
                "small/small",
                f"fp-{category.value}",
            )
            second = await ask_another_model(router, document, total, [finding], path="app.py")
            assert second.outcome.provider == provider, category
            assert verify_route_differs(
                router, document, total, path="app.py", categories=[category.value]
            ) is (provider == "big")
    finally:
        await router.aclose()
