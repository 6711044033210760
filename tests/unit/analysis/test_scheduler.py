"""The review scheduler: debounce, cancellation, stale results, limits, triggers."""

from __future__ import annotations

import asyncio

from peer_lsp.analysis.engine import Engine
from peer_lsp.documents.store import Document, TextChange
from peer_lsp.review.scheduler import ReviewScheduler, Trigger
from peer_lsp.syntax.unit import Unit

SOURCE = "def a():\n    return 1\n\n\ndef b():\n    return 2\n\n\ndef c():\n    return 3\n"
TIMEOUT = 5.0


def units() -> list[Unit]:
    return Document.open("file:///m.py", SOURCE, "python").units


class Reviews:
    """A review function the test controls: each call (one request, of one or more units)
    waits until released."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.calls: list[list[str]] = []
        self.cancelled: list[str] = []
        self.release = asyncio.Event()
        self.progress = asyncio.Event()
        self.running = 0
        self.max_running = 0
        self.results: list[tuple[str, str]] = []

    async def __call__(self, uri: str, units: list[Unit], fresh: bool = False) -> list[str]:
        names = [unit.name for unit in units]
        self.started.extend(names)
        self.calls.append(names)
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        self.progress.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled.extend(names)
            self.progress.set()
            raise
        finally:
            self.running -= 1
        return [f"reviewed {name}" for name in names]

    def on_result(self, uri: str, unit: Unit, unit_hash: str, result: object) -> None:
        self.results.append((unit.name, str(result)))
        self.progress.set()

    async def wait_for(self, condition: object) -> None:
        async with asyncio.timeout(TIMEOUT):
            while not condition():  # type: ignore[operator]
                self.progress.clear()
                await self.progress.wait()


async def test_edits_are_debounced_into_one_review() -> None:
    reviews = Reviews()
    reviews.release.set()
    scheduler = ReviewScheduler(reviews, reviews.on_result, debounce=0.05)
    a, _, _ = units()
    scheduler.changed("file:///m.py", [a])
    scheduler.changed("file:///m.py", [a])
    await reviews.wait_for(lambda: reviews.results)
    await scheduler.idle()
    assert reviews.started == ["a"]
    assert reviews.results == [("a", "reviewed a")]


async def test_an_edit_cancels_the_review_in_flight() -> None:
    reviews = Reviews()
    scheduler = ReviewScheduler(reviews, reviews.on_result, debounce=60)
    a, _, _ = units()
    scheduler.now("file:///m.py", [a])
    await reviews.wait_for(lambda: reviews.started)
    scheduler.changed("file:///m.py", [a])
    await reviews.wait_for(lambda: reviews.cancelled)
    assert reviews.cancelled == ["a"]
    assert reviews.results == []
    scheduler.closed("file:///m.py")


async def test_a_result_for_changed_text_is_discarded() -> None:
    reviews = Reviews()
    scheduler = ReviewScheduler(reviews, reviews.on_result)
    a, b, _ = units()
    scheduler.now("file:///m.py", [a, b])
    await reviews.wait_for(lambda: len(reviews.started) == 2)
    a.exact_hash = "edited since"  # the unit moved on while the model was thinking
    reviews.release.set()
    await scheduler.idle()
    assert reviews.results == [("b", "reviewed b")]


async def test_units_due_together_are_reviewed_in_one_call() -> None:
    reviews = Reviews()
    reviews.release.set()
    scheduler = ReviewScheduler(reviews, reviews.on_result)
    scheduler.opened("file:///m.py", units())
    await scheduler.idle()
    assert reviews.calls == [["a", "b", "c"]]
    assert sorted(reviews.results) == [
        ("a", "reviewed a"),
        ("b", "reviewed b"),
        ("c", "reviewed c"),
    ]


async def test_an_edit_drops_one_unit_of_a_call_and_keeps_the_others() -> None:
    reviews = Reviews()
    scheduler = ReviewScheduler(reviews, reviews.on_result, debounce=60)
    a, b, c = units()
    scheduler.now("file:///m.py", [a, b, c])
    await reviews.wait_for(lambda: reviews.started)
    scheduler.changed("file:///m.py", [b])  # b's result will be stale: the call goes on
    assert reviews.cancelled == []
    reviews.release.set()
    await reviews.wait_for(lambda: len(reviews.results) == 2)
    await scheduler.idle()
    assert reviews.results == [("a", "reviewed a"), ("c", "reviewed c")]
    scheduler.closed("file:///m.py")


async def test_limits_per_file_and_overall() -> None:
    """Limits count calls (requests), not units."""
    reviews = Reviews()
    scheduler = ReviewScheduler(reviews, reviews.on_result, per_file=2, in_flight=3)
    first, second = units(), Document.open("file:///n.py", SOURCE, "python").units
    for unit in first:  # three calls for one document: two at a time
        scheduler.now("file:///m.py", [unit])
    scheduler.now("file:///n.py", second)
    await reviews.wait_for(lambda: len(reviews.calls) == 3)
    assert scheduler.running == 5  # units: a and b of m.py, a, b and c of n.py
    assert sorted(map(len, reviews.calls)) == [1, 1, 3]
    reviews.release.set()
    await scheduler.idle()
    assert reviews.max_running == 3
    assert len(reviews.calls) == 4
    assert len(reviews.results) == 6


async def test_manual_trigger_reviews_only_when_asked() -> None:
    reviews = Reviews()
    reviews.release.set()
    scheduler = ReviewScheduler(
        reviews, reviews.on_result, triggers=[Trigger.MANUAL], debounce=0.01
    )
    a, b, c = units()
    scheduler.opened("file:///m.py", [a, b, c])
    scheduler.changed("file:///m.py", [a])
    scheduler.saved("file:///m.py", [a])
    await scheduler.idle()
    assert reviews.started == []
    scheduler.now("file:///m.py", [b])
    await scheduler.idle()
    assert reviews.results == [("b", "reviewed b")]


async def test_save_reviews_what_changed_before() -> None:
    reviews = Reviews()
    reviews.release.set()
    scheduler = ReviewScheduler(reviews, reviews.on_result, triggers=[Trigger.SAVE])
    a, b, _ = units()
    scheduler.changed("file:///m.py", [a])
    scheduler.saved("file:///m.py", [b])
    await scheduler.idle()
    assert sorted(name for name, _ in reviews.results) == ["a", "b"]


async def test_closing_cancels_everything() -> None:
    reviews = Reviews()
    scheduler = ReviewScheduler(reviews, reviews.on_result)
    scheduler.now("file:///m.py", units())
    await reviews.wait_for(lambda: len(reviews.started) == 3)
    scheduler.closed("file:///m.py")
    await reviews.wait_for(lambda: len(reviews.cancelled) == 3)
    assert scheduler.in_flight() == 0


async def test_an_edit_inside_a_unit_cancels_its_review_though_the_unit_is_replaced() -> None:
    """Editing a top-level function gives it a new `Unit` object: the diff names the new one,
    and the review in flight for the old one must still be cancelled, not delivered."""
    engine = Engine()
    document = engine.open("file:///m.py", SOURCE, "python", 1)
    reviews = Reviews()
    scheduler = ReviewScheduler(reviews, reviews.on_result, debounce=0.01)
    old = document.units[0]
    scheduler.now("file:///m.py", [old])
    await reviews.wait_for(lambda: reviews.started)
    result = engine.change("file:///m.py", [TextChange("10", (1, 11, 1, 12))], 2)
    assert result is not None
    assert old not in result.units.changed  # the diff names the unit that replaced it
    scheduler.changed("file:///m.py", result.units.touched, result.units.removed)
    await reviews.wait_for(lambda: reviews.cancelled)
    assert reviews.cancelled == ["a"]
    reviews.release.set()
    await reviews.wait_for(lambda: reviews.results)
    await scheduler.idle()
    assert reviews.results == [("a", "reviewed a")]
    assert len(reviews.started) == 2


async def test_quick_edits_review_only_the_last_text() -> None:
    engine = Engine()
    engine.open("file:///m.py", SOURCE, "python", 1)
    reviews = Reviews()
    reviews.release.set()
    texts: list[str] = []

    async def review(uri: str, units: list[Unit], fresh: bool = False) -> list[str]:
        texts.extend(unit.text for unit in units)
        return await reviews(uri, units)

    scheduler = ReviewScheduler(review, reviews.on_result, debounce=0.05)
    for version, digit in enumerate("789", start=2):
        result = engine.change("file:///m.py", [TextChange(digit, (1, 11, 1, 12))], version)
        assert result is not None
        scheduler.changed("file:///m.py", result.units.touched, result.units.removed)
    await reviews.wait_for(lambda: reviews.results)
    await scheduler.idle()
    assert texts == ["def a():\n    return 9"]
    assert reviews.results == [("a", "reviewed a")]


async def test_after_a_pause_a_unit_that_is_not_ready_waits() -> None:
    """After a pause in typing a unit that does not parse is not sent; it waits, pending,
    for a pause that finds it ready, or a save. Opening and "review now" send it as it is."""
    reviews = Reviews()
    reviews.release.set()
    broken: set[str] = {"b"}
    scheduler = ReviewScheduler(
        reviews, reviews.on_result, debounce=0.01, ready=lambda _uri, unit: unit.name not in broken
    )
    a, b, c = units()
    scheduler.opened("file:///m.py", [a, b, c])
    await scheduler.idle()
    assert reviews.calls == [["a", "b", "c"]]

    scheduler.changed("file:///m.py", [a, b])  # b does not parse: a goes alone
    await reviews.wait_for(lambda: len(reviews.calls) == 2)
    await scheduler.idle()
    assert reviews.calls[1] == ["a"]

    broken.clear()  # fixed by an edit elsewhere: the next pause sends b, still pending
    scheduler.changed("file:///m.py", [c])
    await reviews.wait_for(lambda: len(reviews.calls) == 3)
    await scheduler.idle()
    assert sorted(reviews.calls[2]) == ["b", "c"]

    broken.add("a")
    scheduler.changed("file:///m.py", [a])
    scheduler.saved("file:///m.py", [])  # a save sends it, parse or not
    await reviews.wait_for(lambda: len(reviews.calls) == 4)
    await scheduler.idle()
    assert reviews.calls[3] == ["a"]
    scheduler.now("file:///m.py", [a])
    await scheduler.idle()
    assert reviews.calls[4] == ["a"]
