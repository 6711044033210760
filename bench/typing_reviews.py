"""Tokens a model review costs while someone types: units held back while they do not parse,
against every changed unit sent at each pause.

    python bench/typing_reviews.py [--lines 2000] [--edits 2000] [--every 1 10 40] [--seed 7]

The typing script of bench/editor_latency.py (``--edit-mode typing``: whole statements typed a
key at a time, through unclosed brackets and strings, half-typed headers, deleted and retyped
brackets) is replayed into one real `Document`. A pause in typing (the server's idle trigger)
comes after every ``N``-th key, for each ``N`` of ``--every``. At a pause the units changed
since the last review are reviewed, as the server's scheduler does:

- **all**: every changed unit is sent (what the server did before);
- **parsing only**: a unit that does not parse waits among the pending units for a pause
  that finds it parsing (`peer_lsp.lsp.reviewing.Reviewing._parses`, the same check).

Both keep one answer cache by the code's normalized hash, as the router does: a unit whose
normalized text was reviewed before costs nothing. Sent units are cut into requests as the
reviewer cuts them (`pack`, default limits) and counted by `estimate_tokens(system + user)`
of the real requests. Nothing is sent anywhere; nothing is timed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from editor_latency import generate_python, plan_edits

from peer_lsp.documents.store import Document, TextChange
from peer_lsp.llm.tokens import estimate_tokens
from peer_lsp.review.prompt.batch import batch_request, pack
from peer_lsp.review.prompt.request import (
    PromptBudgetError,
    build_review_request,
    code_key,
)
from peer_lsp.rules.segments import unit_has_error
from peer_lsp.syntax.unit import Unit


@dataclass
class Policy:
    """One way of choosing what a pause sends, and what it sent."""

    name: str
    parsing_only: bool
    pending: dict[int, Unit]
    reviewed: set[str]
    requests: int = 0
    units: int = 0
    broken_units: int = 0
    tokens: int = 0

    def pause(self, document: Document) -> None:
        """What the idle trigger sends now."""
        for key, unit in list(self.pending.items()):
            if not unit.alive:
                del self.pending[key]
        tree = document.tree
        assert tree is not None
        ready = []
        for key, unit in list(self.pending.items()):
            broken = unit_has_error(tree.root_node, unit.start_byte, unit.end_byte)
            if self.parsing_only and broken:
                continue
            del self.pending[key]
            ready.append((unit, broken))
        self._send(document, ready)

    def _send(self, document: Document, ready: list[tuple[Unit, bool]]) -> None:
        requests = []
        for unit, broken in ready:
            try:
                request = build_review_request(unit, document, path="module.py")
            except PromptBudgetError:
                continue
            code = code_key(request, unit.normalized_hash)
            if code in self.reviewed:
                continue
            self.reviewed.add(code)
            requests.append(request)
            self.units += 1
            self.broken_units += broken
        for batch in pack(requests, lambda request: request):
            self.requests += 1
            sent = batch[0] if len(batch) == 1 else batch_request(batch)
            self.tokens += estimate_tokens(sent.system) + estimate_tokens(sent.user)


def replay(lines: int, edits: int, every: int, seed: int) -> list[Policy]:
    source = generate_python(lines, seed)
    planned = plan_edits(source, edits, seed, "typing")
    documents = [Document.open("file:///w/module.py", source.text, "python", 1) for _ in (0, 1)]
    policies = [
        Policy("all", False, {}, set()),
        Policy("parsing only", True, {}, set()),
    ]
    for document, policy in zip(documents, policies, strict=True):
        for unit in document.units:  # the file as opened was reviewed
            request = build_review_request(unit, document, path="module.py")
            policy.reviewed.add(code_key(request, unit.normalized_hash))
        for n, edit in enumerate(planned, start=1):
            change = TextChange(edit.text, (edit.line, edit.start, edit.line, edit.end))
            result = document.apply_changes([change], n + 1)
            for unit in result.units.touched:
                policy.pending[id(unit)] = unit
            if n % every == 0:
                policy.pause(document)
        policy.pause(document)  # the last pause: the file parses again at the end
    return policies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=2000)
    parser.add_argument("--every", type=int, nargs="+", default=[1, 10, 40])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"{args.lines}-line module, {args.edits} keys of the typing script, seed {args.seed}")
    print(
        f"{'pause after every':>18}  {'policy':<13} {'requests':>8} {'units':>6} "
        f"{'broken':>6} {'tokens':>9}"
    )
    for every in args.every:
        policies = replay(args.lines, args.edits, every, args.seed)
        for policy in policies:
            print(
                f"{every:>14} key{'s' if every > 1 else ' '}  {policy.name:<13} "
                f"{policy.requests:>8,} {policy.units:>6,} {policy.broken_units:>6,} "
                f"{policy.tokens:>9,}"
            )
        before, after = policies
        saved = 1 - after.tokens / before.tokens if before.tokens else 0.0
        print(f"{'':>18}  {'saved':<13} {'':>8} {'':>6} {'':>6} {saved:>9.0%}")


if __name__ == "__main__":
    main()
