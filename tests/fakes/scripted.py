"""A scripted reviewing model: what it says about each unit is given, how it says it is noisy.

It answers review requests on the fake OpenAI-compatible vendor (`fakes.openai`), streamed
when asked. It reads the prompt as a model would: the unit's file and name, the numbered code
(class members folded), the local findings listed as already known, and the class the unit
is a member of. For each `Said` finding it computes the unit lines from the numbered code,
then adds the noise real models add, deterministically seeded per unit: line numbers off by
1 to 5, an answer in a ```json fence with prose around it or after a sentence, excerpts
re-indented as the `Said` asks, fix lines off as the `Said` asks. An obedient model leaves
out a finding whose lines the prompt lists as already reported, unless told to repeat it.

What it noticed about the prompts (a method told it is a member of something that is not a
class) is kept in ``complaints``, for the test to assert on.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fakes import openai as oa
from fakes.review_format import answer, unit_prompts
from fakes.server import Received, Reply

_CODE_LINE = re.compile(r"^ *(\d*) \|(?: (.*))?$")
_FOLDED = re.compile(r"… lines (\d+)-(\d+)")
_KNOWN = re.compile(r"^- line (\d+): ", re.MULTILINE)

OUTSIDE = 10
"""How far past the unit's last line an ``outside`` fix starts: well beyond the 1 to 5 lines a
model's numbers are off, so that no placing by the quoted code may take it back."""


@dataclass(frozen=True)
class SaidFix:
    """A fix as the model gives it: ``replacement`` for the unit lines holding ``lines``
    (whole source lines), reported ``shift`` lines off; ``outside`` puts it past the unit."""

    replacement: str
    lines: str = ""
    shift: int = 0
    outside: bool = False


@dataclass(frozen=True)
class Said:
    """One finding the model reports about a unit."""

    excerpt: str
    category: str
    severity: str
    title: str
    place: str = ""
    """The code whose lines the model gives (default: the excerpt)."""
    fix: SaidFix | None = None
    confidence: float = 0.9
    excerpt_style: str = ""
    repeat_known: bool = False


@dataclass
class Prompt:
    """A review prompt as the model reads it."""

    file: str
    name: str
    kind: str
    member_of: str
    code: dict[int, str]
    folded: list[tuple[int, int]]
    known_lines: set[int]

    @classmethod
    def read(cls, user: str) -> Prompt:
        """One unit's prompt: a single request's user message, or one unit's part of a batch."""
        head, _, rest = user.partition("```")
        code_block = rest.split("```", 1)[0] if rest else ""
        code: dict[int, str] = {}
        folded: list[tuple[int, int]] = []
        for line in code_block.splitlines():
            match = _CODE_LINE.match(line)
            if match is None:
                continue
            number, text = match.group(1), match.group(2) or ""
            if number:
                code[int(number)] = text
            elif fold := _FOLDED.search(text):
                folded.append((int(fold.group(1)), int(fold.group(2))))
        kind = re.search(r"^An? (.+?) in ", head, re.MULTILINE)
        return cls(
            file=_field(head, "File"),
            name=_field(head, "Name"),
            kind=kind.group(1) if kind else "",
            member_of=_section(head, "Member of:"),
            code=code,
            folded=folded,
            known_lines={int(n) for n in _KNOWN.findall(head)},
        )

    def find(self, text: str) -> range | None:
        """The unit lines showing ``text`` (whole lines or part of one), if shown."""
        wanted = [line.strip() for line in text.split("\n")]
        for number, line in self.code.items():
            if wanted[0] in line and all(
                want in self.code.get(number + i, "") for i, want in enumerate(wanted[1:], 1)
            ):
                return range(number, number + len(wanted))
        return None

    def guess(self) -> int:
        """Where a model that cannot see the code puts it: inside the first folded run."""
        return self.folded[0][0] + 1 if self.folded else 1

    @property
    def last_line(self) -> int:
        return max(self.code, default=1)


def _field(head: str, label: str) -> str:
    match = re.search(rf"^{label}: (.*)$", head, re.MULTILINE)
    return match.group(1).strip() if match else ""


def _section(head: str, label: str) -> str:
    for paragraph in head.split("\n\n"):
        if paragraph.startswith(label):
            return paragraph[len(label) :].strip()
    return ""


@dataclass
class ScriptedModel:
    """Answers review requests with ``says[(file, unit)]``; everything else gets no findings.

    ``seed`` fixes the noise. ``prompts`` records every prompt read, ``complaints`` what was
    wrong in them.
    """

    says: Mapping[tuple[str, str], Sequence[Said]]
    seed: int = 14
    prompts: list[Prompt] = field(default_factory=list)
    complaints: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, received: Received) -> Reply:
        user: str = received.json["messages"][-1]["content"]
        units = unit_prompts(user)
        rng = random.Random(f"{self.seed}:{units[0][1][:200]}")
        return _reply(received, _wrap(answer(user, self._findings, indent=1), rng))

    def _findings(self, user: str) -> list[dict[str, Any]]:
        """What the model says about one unit, its noise seeded by the unit."""
        prompt = Prompt.read(user)
        with self._lock:
            self.prompts.append(prompt)
            self._check(prompt)
        rng = random.Random(f"{self.seed}:{prompt.file}:{prompt.name}")
        return [
            self._finding(said, prompt, rng)
            for said in self.says.get((prompt.file, prompt.name), ())
            if said.repeat_known or not self._known(said, prompt)
        ]

    def reviewed(self, file: str) -> set[str]:
        """The units of ``file`` asked about so far."""
        with self._lock:
            return {p.name for p in self.prompts if p.file == file}

    def _check(self, prompt: Prompt) -> None:
        if prompt.kind == "method" and not re.search(r"\bclass\b", prompt.member_of):
            self.complaints.append(
                f"{prompt.file} {prompt.name}: member of {prompt.member_of!r}, not a class"
            )

    @staticmethod
    def _known(said: Said, prompt: Prompt) -> bool:
        lines = prompt.find(said.place or said.excerpt)
        return lines is not None and bool(prompt.known_lines.intersection(lines))

    @staticmethod
    def _finding(said: Said, prompt: Prompt, rng: random.Random) -> dict[str, Any]:
        lines = prompt.find(said.place or said.excerpt)
        first = lines.start if lines else prompt.guess()
        last = lines.stop - 1 if lines else first
        off = rng.choice((-1, 1)) * rng.randint(1, 5)
        return {
            "severity": said.severity,
            "category": said.category,
            "title": said.title,
            "message": f"{said.title}.",
            "explanation": f"Look at `{said.excerpt.strip().splitlines()[0]}`.",
            "excerpt": _restyle(said.excerpt, said.excerpt_style),
            "line": max(1, first + off),
            "end_line": max(1, last + off),
            "confidence": said.confidence,
            "fix": _fix(said.fix, prompt, first),
        }


def _fix(fix: SaidFix | None, prompt: Prompt, near: int) -> dict[str, Any] | None:
    if fix is None:
        return None
    if fix.outside:
        start = end = prompt.last_line + OUTSIDE
    else:
        lines = prompt.find(fix.lines) if fix.lines else None
        start, end = (lines.start, lines.stop - 1) if lines else (near, near)
    return {
        "replacement": fix.replacement,
        "start_line": start + fix.shift,
        "end_line": end + fix.shift,
    }


def _restyle(excerpt: str, style: str) -> str:
    """The excerpt re-indented: ``flush`` drops leading blanks, ``tabs`` indents with tabs."""
    lines = excerpt.split("\n")
    if style == "flush":
        return "\n".join(line.lstrip() for line in lines)
    if style == "tabs":
        return "\n".join("\t" + line.lstrip() for line in lines)
    return excerpt


def _wrap(answer: str, rng: random.Random) -> str:
    """The answer as bare JSON, fenced with prose around it, or after a sentence."""
    style = rng.randrange(3)
    if style == 1:
        return f"Here is my review.\n\n```json\n{answer}\n```\n\nLet me know if this helps."
    if style == 2:
        return f"I reviewed the unit and found the following.\n{answer}"
    return answer


def _reply(received: Received, text: str) -> Reply:
    if received.json.get("stream"):
        third = max(1, len(text) // 3)
        return oa.stream([text[:third], text[third : 2 * third], text[2 * third :]])
    return oa.ok(text)
