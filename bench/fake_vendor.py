"""The fake OpenAI-compatible vendor in a process of its own, for benchmarks.

    python bench/fake_vendor.py [--latency S] [--fail-rate F] [--seed N] [--reviews]

Prints its base URL on the first line of stdout, then serves until stdin closes. Each answer
echoes the unit named in the request (``def NAME(``), so a client can check that every
request got its own answer. With ``--fail-rate``, that share of calls to model ``a`` fails
with a 429 (Retry-After 0.05 s), a 500/502/503, or no answer at all; model ``b`` never fails.
With ``--reviews`` it answers as a reviewer that finds nothing (``{"findings": []}``, or an
empty list per unit for a request about several units; streamed when asked), so that
`peer check` takes every answer. In a separate process, the
fake does not compete with the client for the GIL, as a real vendor would not.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes import openai as oa
from fakes import review_format
from fakes.server import FakeServer, Received, Reply

FAILURES = ("429", "500", "502", "503", "no answer")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--fail-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reviews", action="store_true", help="answer: no findings")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    injected = dict.fromkeys(FAILURES, 0)

    def answer(received: Received) -> Reply:
        if received.json["model"] == "a" and rng.random() < args.fail_rate:
            kind = rng.choice(FAILURES)
            injected[kind] += 1
            if kind == "429":
                return oa.rate_limited(retry_after="0.05")
            if kind == "no answer":
                return Reply(hang=True)
            return oa.error(int(kind), "server_error", message="injected failure")
        if args.reviews:
            text = review_format.answer(received.json["messages"][-1]["content"], lambda _: [])
            reply = oa.stream([text]) if received.json.get("stream") else oa.ok(text)
            reply.first_byte_delay = args.latency
            return reply
        user = received.json["messages"][-1]["content"]
        reply = oa.ok(json.dumps({"unit": user.split("def ", 1)[1].split("(", 1)[0]}))
        reply.first_byte_delay = args.latency
        return reply

    with FakeServer(precise_timers=True) as fake:
        fake.respond_with(answer)
        print(fake.url, flush=True)
        sys.stdin.read()
        served = [r.finished - r.at for r in fake.requests if r.completed]
        stats = {"requests": len(fake.requests), "injected": injected}
        stats["max_in_flight"] = fake.max_in_flight
        stats["mean_service_s"] = sum(served) / len(served) if served else 0.0
        print(json.dumps(stats), flush=True)


if __name__ == "__main__":
    main()
