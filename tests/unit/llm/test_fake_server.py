"""The fake vendor itself: a delay counts from the request's arrival, on either event loop.

The benchmarks lean on this: a "50 ms" fake must not answer early, and must not add its own
work on top of the delay it was told to play.
"""

from __future__ import annotations

import httpx
import pytest
from fakes import openai as oa
from fakes.server import FakeServer, Received, Reply


@pytest.mark.parametrize("precise_timers", [False, True])
def test_a_delayed_reply_never_leaves_before_its_delay(precise_timers: bool) -> None:
    def slow_to_build(received: Received) -> Reply:
        reply = oa.ok(received.json["messages"][-1]["content"])
        reply.first_byte_delay = 0.05
        return reply

    with FakeServer(precise_timers=precise_timers) as fake:
        fake.respond_with(slow_to_build)
        body = {"model": "m", "messages": [{"role": "user", "content": "hello"}]}
        for _ in range(3):
            response = httpx.post(f"{fake.url}/v1/chat/completions", json=body, timeout=10)
            assert response.json()["choices"][0]["message"]["content"] == "hello"
        # The client can read the reply before the fake has noted that it finished it.
        assert fake.wait_until(lambda: all(r.completed for r in fake.requests))
        served = [r.finished - r.at for r in fake.requests]
    assert len(served) == 3
    assert all(seconds >= 0.05 - 0.001 for seconds in served), served


def test_a_client_that_hangs_up_during_the_delay_is_noticed() -> None:
    with FakeServer(precise_timers=True) as fake:
        reply = oa.ok("late")
        reply.first_byte_delay = 5.0
        fake.respond_with(reply)
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{fake.url}/v1/chat/completions", json={"model": "m"}, timeout=0.2)
        assert fake.wait_until(lambda: bool(fake.requests) and fake.requests[0].disconnected)
    assert not fake.requests[0].completed
