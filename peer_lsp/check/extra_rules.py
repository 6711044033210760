"""The project's rules and the enabled plugins' for a command-line run (`peer check`,
`peer rules`): loaded once per process, from the project root found from the first path.

The root is the nearest folder holding ``.peer/rules``, from the first path checked upwards,
stopping at the repository root (`peer_lsp.rules.project_rules.find_project_root`). Worker
processes (``--jobs``) load the same rules themselves, once each, from the root and the
plugin names they are given (a plugin's rule may hold functions that cannot be pickled); only
the main process reports what failed to load, once. `peer fix` and `peer explain` load them
too (`load_for_run`), and name what failed the same way; only `peer check`'s exit code
changes for it.
"""

from __future__ import annotations

import functools
import sys
import typing

from peer_lsp.rules.extra_producer import LoadedExtra, load_extra
from peer_lsp.rules.project_rules import find_project_root

if typing.TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from peer_lsp.analysis.engine import Engine
    from peer_lsp.rules.ruleset import RuleProblem


@functools.cache
def extra_rules(root: Path | None, plugins: tuple[str, ...]) -> tuple[LoadedExtra, ...]:
    """The rules of documents under ``root`` and of those outside it (the plugins' only)."""
    outside = load_extra(None, plugins)
    if root is None:
        return (outside,)
    return (load_extra(root, plugins), outside)


def run_root(first_path: Path) -> Path | None:
    """The project root whose ``.peer/rules`` a run over ``first_path`` uses."""
    return find_project_root(first_path)


def load_for_run(
    engine: Engine, first_path: Path, plugins: tuple[str, ...], prog: str
) -> tuple[Path | None, list[RuleProblem]]:
    """Load the rules of a run over ``first_path`` into ``engine``, naming on stderr those
    that fail (``prog: rule not loaded: ...``); the project root, and what failed."""
    root = run_root(first_path)
    loaded = extra_rules(root, plugins)
    broken = problems_of(loaded)
    for problem in broken:
        print(f"{prog}: rule not loaded: {problem}", file=sys.stderr)
    engine.set_extra_rules(loaded)
    return root, broken


def problems_of(loaded: Sequence[LoadedExtra]) -> list[RuleProblem]:
    """What failed to load, each problem once (the plugins' are in every set)."""
    seen: dict[str, RuleProblem] = {}
    for item in loaded:
        for problem in item.problems:
            seen.setdefault(str(problem), problem)
    return list(seen.values())
