"""What was shown, judged against the seeded bugs: every true finding once at its place,
nothing invented, every true fix offered, no other fix offered; misses as readable lines.

A local rule and the model often flag the same problem (``py-eval`` and the model's eval
finding): after merging it must be shown once, so a bug counts every finding shown with its
category whose first line is in its place, whoever produced it. A finding of the model that
matches no bug is invented; a local rule's finding elsewhere is the rule's business (the rules
have their own tests) and is not counted.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from review_corpus.expectations import BUGS, Bug, fixed, place, source

_LANGUAGES = {"py": "Python", "js": "JavaScript", "go": "Go", "java": "Java"}


@dataclass(frozen=True)
class Shown:
    """A finding as the user saw it: file, 1-based lines, category, rule, who made it."""

    file: str
    line: int
    end_line: int
    category: str
    rule: str
    message: str
    by_model: bool

    def __str__(self) -> str:
        who = "model" if self.by_model else "rule"
        return f"{self.file}:{self.line} [{self.rule}] {self.category} ({who}) {self.message!r}"


def language(file: str) -> str:
    return _LANGUAGES.get(file.rsplit(".", 1)[-1], file)


def _at(bug: Bug, shown: Shown) -> bool:
    return shown.file == bug.file and shown.category == bug.category and shown.line in place(bug)


def finding_misses(shown: Iterable[Shown], files: Iterable[str]) -> list[str]:
    """Each true finding not shown exactly once at its place; each invented one shown."""
    shown = list(shown)
    files = set(files)
    misses = []
    for bug in BUGS:
        if bug.file not in files:
            continue
        here = [s for s in shown if _at(bug, s)]
        if len(here) != 1:
            lines = f"{place(bug).start}-{place(bug).stop - 1}"
            near = [str(s) for s in shown if s.file == bug.file and s.line in place(bug)]
            misses.append(
                f"{bug.id} ({language(bug.file)}, {bug.unit}, lines {lines}, {bug.category}): "
                f"shown {len(here)} times; on its lines: {near or 'nothing'}"
            )
    for item in shown:
        if item.by_model and not any(_at(bug, item) for bug in BUGS):
            misses.append(f"invented finding shown ({language(item.file)}): {item}")
    return misses


def file_misses(results: Mapping[str, str]) -> list[str]:
    """Files whose text after applying every offered fix is not the text with every true fix
    (a true fix missing, or a bad one applied): the difference, as a unified diff."""
    misses = []
    for name, text in results.items():
        want = fixed(name)
        if text == want:
            continue
        diff = difflib.unified_diff(
            want.splitlines(), text.splitlines(), "with the true fixes", "as fixed", lineterm=""
        )
        misses.append(f"{name} ({language(name)}) after the fixes:\n" + "\n".join(diff))
    return misses


def only_fix(bug: Bug) -> str:
    """The file of ``bug`` with its own true fix applied and nothing else."""
    return fixed(bug.file, (bug,))


def fix_owner(name: str, result: str) -> Bug | None:
    """The bug whose true fix turns ``name`` into ``result``, if any."""
    return next(
        (b for b in BUGS if b.file == name and b.fix is not None and only_fix(b) == result), None
    )


def unchanged(name: str) -> str:
    return source(name).text
