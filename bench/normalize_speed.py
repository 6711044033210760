"""Time of the normalized hash of every unit of a large real file (the stdlib's argparse.py
by default): it runs per reviewed unit, after each edit.

    python bench/normalize_speed.py [FILE] [--rounds N]

Prints the best and median time of one pass over all units (classes hash their methods'
text too), and per unit. Run it under main and a branch on the same machine to compare;
report ``uptime`` with the numbers.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from peer_lsp.documents.store import Document
from peer_lsp.syntax.normalize import normalized_hash_of, unpack_spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=argparse.__file__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    path = Path(args.file)
    document = Document.open(path.as_uri(), path.read_text(encoding="utf-8"), "python")
    work = [
        (unit.text.encode("utf-8"), list(unpack_spans(unit.spans)), unit.language)
        for unit in document.units
    ]
    size = sum(len(text) for text, _, _ in work)
    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for text, spans, language in work:
            normalized_hash_of(text, spans, language)
        times.append(time.perf_counter() - start)
    best, median = min(times), statistics.median(times)
    print(f"{path.name}: {len(work)} units, {size / 1000:.0f} kB hashed per pass")
    print(f"pass: best {best * 1000:.2f} ms, median {median * 1000:.2f} ms")
    print(f"unit: median {median / len(work) * 1e6:.1f} us")


if __name__ == "__main__":
    main()
