"""Our lenient JSON reader against json-repair and partial-json-parser, on our own cases.

docs/decisions/0007-lenient-json.md asks whether a maintained library should read broken model
output instead of `peer_lsp.review.answer.lenient_json`. Each library is put where our reader sits
(`find_json.read_json`) behind the adapter an adopter would need (strict ``json`` first, as
ours; then the extent of the value and which objects the end of the answer left open, which
neither library reports), and compared on:

- agreement: `parse_answer` with each reader against ours, on every answer our tests feed the
  parser (tests/unit/review/corpus.py, the parametrized answers of test_parse.py, a few of its
  literal cases copied here, every cut of its truncation answer, cuts of the corpus answers)
  and on real answers of a small model (bench/data/lenient_json_model_answers.json, recorded
  with ``--record`` from SmolLM2-135M served by llama-server: ../shared/tools/llama-server);
- our tests: test_parse.py and test_locate.py run with each reader in place;
- robustness: hostile inputs, each in a child process with a timeout, fed to the bare
  libraries and to `parse_answer` with each reader;
- speed: median over the cases of the best per-call time, for `parse_answer` and for the
  reader alone on the answers that need the lenient path.

    pip install -e '.[bench]'
    python bench/lenient_json.py [--quick] [--json out.json]
    python bench/lenient_json.py --record http://127.0.0.1:PORT   # rewrites the model answers
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import json_repair
import partial_json_parser

from peer_lsp.review.answer import find_json
from peer_lsp.review.answer.lenient_json import Incomplete, JsonRead, read_json
from peer_lsp.review.answer.parse import ParseResult, parse_answer

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests" / "unit" / "review"
MODEL_ANSWERS = ROOT / "bench" / "data" / "lenient_json_model_answers.json"
TIMEOUT_S = 20.0

Reader = Callable[[str, int], JsonRead | None]
Loads = Callable[[str], Any]


# --- the readers ----------------------------------------------------------------------------

_STRICT = json.JSONDecoder(strict=False)
_TOKENS = re.compile(r"[\"'{}\[\]/]")


def extent(text: str, start: int) -> tuple[int, list[str]]:
    """Where the value at ``start`` ends, and the brackets still open when the text ran out.

    What an adopter would have to write besides the library: neither library says where its
    value ended (the answer goes on with prose or more JSON lines) nor which objects it closed.
    """
    stack: list[str] = []
    position = start
    while (match := _TOKENS.search(text, position)) is not None:
        char, position = match.group(), match.end()
        if char in "\"'":
            while position < len(text) and text[position] != char:
                position += 2 if text[position] == "\\" else 1
            position += 1
        elif char == "/" and text.startswith("/", position):
            newline = text.find("\n", position)
            position = len(text) if newline < 0 else newline
        elif char == "/" and text.startswith("*", position):
            close = text.find("*/", position)
            position = len(text) if close < 0 else close + 2
        elif char in "{[":
            stack.append(char)
        elif char in "}]" and stack:
            stack.pop()
            if not stack:
                return position, []
    return len(text), stack


def _mark_open(value: Any, depth: int) -> Any:
    """``value`` with the objects on its last path, ``depth`` levels deep, made `Incomplete`."""
    if depth <= 0:
        return value
    if isinstance(value, list) and value:
        return [*value[:-1], _mark_open(value[-1], depth - 1)]
    if isinstance(value, dict):
        items = dict(value)
        if items:
            last = next(reversed(items))
            items[last] = _mark_open(items[last], depth - 1)
        return Incomplete(items)
    return value


def adapter(loads: Loads) -> Reader:
    """A library's ``loads`` in our reader's place."""

    def read(text: str, start: int) -> JsonRead | None:
        try:
            value, end = _STRICT.raw_decode(text, start)
            return JsonRead(value, end, truncated=False)
        except (ValueError, RecursionError):
            pass
        end, still_open = extent(text, start)
        try:
            value = loads(text[start:end])
        except Exception:
            return None
        if not isinstance(value, dict | list):
            return None
        return JsonRead(_mark_open(value, len(still_open)), end, bool(still_open))

    return read


def _repair(text: str) -> Any:
    return json_repair.loads(text, skip_json_loads=True)


LIBRARIES: dict[str, Loads] = {
    "json-repair": _repair,
    "partial-json-parser": partial_json_parser.loads,
}
READERS: dict[str, Reader] = {
    "ours": read_json,
    **{name: adapter(loads) for name, loads in LIBRARIES.items()},
}


@contextlib.contextmanager
def reading_with(reader: Reader) -> Iterator[None]:
    """`parse_answer` with ``reader`` in our reader's place."""
    saved = find_json.read_json
    find_json.read_json = reader
    try:
        yield
    finally:
        find_json.read_json = saved


# --- the cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    group: str
    name: str
    answer: str


def test_cases() -> list[Case]:
    """The answers our tests give `parse_answer`: the corpus, test_parse's parameters, a few
    of its literals (copied), and cuts of the truncation answer and of the corpus answers."""
    sys.path.insert(0, str(TESTS))
    import corpus
    import test_parse

    cases = [Case("corpus", case.id, case.answer) for case in corpus.CASES]
    builders: dict[str, Callable[[Any], str]] = {
        "answer": lambda value: value,
        "fields": lambda value: test_parse.with_fields(**value),
        "fix": lambda value: test_parse.with_fields(fix=value),
        "excerpt": lambda value: test_parse.with_fields(excerpt=value),
    }
    for name, function in vars(test_parse).items():
        for mark in getattr(function, "pytestmark", ()):
            if mark.name != "parametrize":
                continue
            names = mark.args[0]
            argnames = [a.strip() for a in names.split(",")] if isinstance(names, str) else names
            if argnames[0] not in builders:
                continue
            for index, param in enumerate(mark.args[1]):
                values = getattr(param, "values", param if len(argnames) > 1 else (param,))
                label = f"{name}[{getattr(param, 'id', None) or index}]"
                cases.append(Case("test_parse", label, builders[argnames[0]](values[0])))
    finding = json.dumps(test_parse.FINDING)
    literals = {
        "raw-newlines": '{"findings": [{"message": "two\nlines \\q", "excerpt": "a\\tb c", '
        '"x": [1 2]}]}',
        "surrogate-pair": '[{"message": "m", "excerpt": "s = \\ud83d\\ude00 + \\u00e9",}]',
        "broken-surrogates": '[{"message": "m", "excerpt": '
        '"\\ud83d\\u0041 \\ud83d\\uzz \\ude00",}]',
        "json-lines-cut": f'{finding}\n{{"message": "cut", "excerpt": "x = ',
        "json-lines": f"{finding}\n{finding}\n[1, 2]\n{finding}",
        "unclosed-think": f"<THINK>maybe this: {json.dumps([test_parse.FINDING])}",
        "deep-brackets": "[" * 5000,
        "deep-objects": '{"a":' * 3000 + "1" + "}" * 3000,
        "very-long": "[" + ", ".join([finding] * 8000) + "]",
    }
    cases += [Case("test_parse", f"literal/{name}", text) for name, text in literals.items()]
    full = test_parse.FULL
    cases += [Case("every-cut", f"FULL[:{cut}]", full[:cut]) for cut in range(len(full) + 1)]
    for case in corpus.CASES:
        for eighth in range(1, 8):
            cut = len(case.answer) * eighth // 8
            cases.append(Case("corpus-cuts", f"{case.id}[:{cut}]", case.answer[:cut]))
    return cases


def model_cases() -> list[Case]:
    """Real answers of SmolLM2-135M to our review prompts (see `record`)."""
    if not MODEL_ANSWERS.exists():
        return []
    recorded = json.loads(MODEL_ANSWERS.read_text(encoding="utf-8"))
    return [
        Case("model", f"{item['unit']} schema={item['schema']} {item['finish']}", item["answer"])
        for item in recorded
    ]


def hostile_cases() -> list[Case]:
    megabyte = 1_000_000
    return [
        Case("hostile", "1 MB of [", "[" * megabyte),
        Case("hostile", "1 MB of {", "{" * megabyte),
        Case("hostile", "1 MB of [{", "[{" * (megabyte // 2)),
        Case("hostile", '100k levels {"a": ... }', '{"a":' * 100_000 + "1" + "}" * 100_000),
        Case("hostile", "1000 levels [[...]]", "[" * 1000 + "]" * 1000),
        Case("hostile", "unterminated 1 MB string", '{"findings": [{"message": "' + "x" * megabyte),
        Case("hostile", "1 MB of backslashes", '{"findings": [{"message": "' + "\\" * megabyte),
        Case("hostile", "unterminated comment", '{"findings": /*' + "x" * megabyte),
        Case("hostile", "5000-digit number", '{"findings": [], "n": ' + "1" * 5000 + "}"),
        Case("hostile", "1 MB of quotes", '{"a": ' + '"' * megabyte),
        Case("hostile", "100k chars of {x}", "{x} " * 25_000),
        Case("hostile", "100k chars of findings", "[" + ", ".join(['{"message": "m"}'] * 6000)),
        Case("hostile", "100k chars, single quotes", "[" + ", ".join(["{'message': 'm'}"] * 6000)),
    ]


# --- measuring ------------------------------------------------------------------------------


def outcome(result: ParseResult) -> tuple[Any, ...]:
    dropped = tuple((item.reason, item.title) for item in result.dropped)
    return (tuple(result.candidates), dropped, result.found, result.truncated, result.valid)


def parsed(reader: Reader, answer: str) -> tuple[Any, ...]:
    with reading_with(reader):
        return outcome(parse_answer(answer))


def best_us(call: Callable[[], object], budget_s: float = 0.002, repeat: int = 3) -> float:
    """The best time of one call, in microseconds, over ``repeat`` runs of ~``budget_s``."""
    began = time.perf_counter()
    call()
    once = time.perf_counter() - began
    number = max(1, int(budget_s / max(once, 1e-7)))
    best = once
    for _ in range(repeat):
        began = time.perf_counter()
        for _ in range(number):
            call()
        best = min(best, (time.perf_counter() - began) / number)
    return best * 1e6


def first_start(answer: str) -> int:
    """Where the answer's JSON most likely starts (the reader's input for the speed test)."""
    match = re.search(r"""\{\s*["']|\[\s*\{""", answer) or re.search(r"[\[{]", answer)
    return match.start() if match else 0


def needs_leniency(answer: str) -> bool:
    try:
        _STRICT.raw_decode(answer, first_start(answer))
    except (ValueError, RecursionError):
        return True
    return False


def _child(kind: str, name: str, answer: str, pipe: Any) -> None:
    began = time.perf_counter()
    try:
        if kind == "library":
            value = LIBRARIES[name](answer)
            what = type(value).__name__
        elif kind == "ours":
            read = read_json(answer, 0)
            what = "None" if read is None else type(read.value).__name__
        else:
            result = parsed(READERS[name], answer)
            what = f"{len(result[0])} candidates, {len(result[1])} dropped"
    except BaseException as error:
        what = f"raised {type(error).__name__}"
    pipe.send((what, time.perf_counter() - began))


def isolated(kind: str, name: str, answer: str) -> tuple[str, float]:
    """What one call returned (or raised) and its time, in a child process with a timeout."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(kind, name, answer, send))
    process.start()
    send.close()
    what, seconds = f"TIMEOUT (>{TIMEOUT_S:.0f} s)", TIMEOUT_S
    if receive.poll(TIMEOUT_S):
        try:
            what, seconds = receive.recv()
        except EOFError:
            process.join()
            what = f"died (exit code {process.exitcode})"
    process.kill()
    process.join()
    return what, seconds


def run_tests(reader: str) -> int:
    """test_parse.py and test_locate.py with ``reader`` in our reader's place."""
    import pytest

    with reading_with(READERS[reader]):
        files = [str(TESTS / "test_parse.py"), str(TESTS / "test_locate.py")]
        return int(pytest.main(["-q", "-p", "no:cacheprovider", "--no-header", "-rf", *files]))


def tests_summary(reader: str) -> str:
    command = [sys.executable, __file__, "--run-tests", reader]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    failed = sorted({line.split(" - ")[0] for line in lines if line.startswith("FAILED")})
    return "\n".join([lines[-1] if lines else "(no output)", *(f"    {f}" for f in failed)])


def _difference(theirs: tuple[Any, ...], ours: tuple[Any, ...]) -> str:
    if theirs[0] != ours[0]:
        return "in the candidates"
    if theirs[2:] != ours[2:]:
        return "in found/truncated/valid only"
    return "in the dropped entries only"


def agreement(cases: list[Case]) -> dict[str, Any]:
    """Print and return, for each library, on how many cases `parse_answer` agrees with ours."""
    print("\n== same parse_answer result as ours (candidates, drops, found, truncated, valid)")
    expected = {case: parsed(read_json, case.answer) for case in cases}
    groups = sorted({case.group for case in cases})
    report: dict[str, Any] = {}
    for reader_name, reader in READERS.items():
        if reader is read_json:
            continue
        row: dict[str, list[int]] = {}
        differing: list[str] = []
        how = Counter[str]()
        for case in cases:
            theirs, ours = parsed(reader, case.answer), expected[case]
            row.setdefault(case.group, [0, 0])[0 if theirs == ours else 1] += 1
            if theirs != ours:
                differing.append(f"{case.group}/{case.name}")
                how[_difference(theirs, ours)] += 1
        agree = sum(v[0] for v in row.values())
        print(
            f"{reader_name}: {agree} agree, {len(differing)} differ; agreeing by group: "
            + ", ".join(f"{g} {row[g][0]}/{sum(row[g])}" for g in groups if g in row)
        )
        print("    differing: " + ", ".join(f"{n} {kind}" for kind, n in how.most_common()))
        for name in differing[:40]:
            print(f"    differs: {name[:110]}")
        if len(differing) > 40:
            print(f"    ... and {len(differing) - 40} more")
        report[reader_name] = {"groups": row, "differing": differing}
    return report


def speed(cases: list[Case]) -> dict[str, Any]:
    """Print and return the median best time per call of each reader."""
    print("\n== speed: median over cases of the best time per call, µs")
    timed = [case for case in cases if case.group != "every-cut" or len(case.answer) % 5 == 0]
    lenient = [case for case in timed if needs_leniency(case.answer)]
    columns = ("parse_answer, all", "parse_answer, lenient", "reader, lenient")
    print(f"{'':22}" + "".join(f"{c:>24}" for c in columns), end="")
    print(f"   ({len(timed)} cases, {len(lenient)} need leniency)")
    report: dict[str, Any] = {}
    for reader_name, reader in READERS.items():
        with reading_with(reader):
            whole = [best_us(lambda c=case: parse_answer(c.answer)) for case in timed]
            bent = [best_us(lambda c=case: parse_answer(c.answer)) for case in lenient]
        alone = [
            best_us(lambda c=case, r=reader: r(c.answer, first_start(c.answer))) for case in lenient
        ]
        medians = [statistics.median(x) for x in (whole, bent, alone)]
        print(f"{reader_name:22}" + "".join(f"{m:>24.1f}" for m in medians))
        report[reader_name] = dict(zip(columns, medians, strict=True))
    return report


def robustness() -> list[list[Any]]:
    """Print and return what each reader and library does with each hostile input."""
    print(f"\n== hostile inputs (each in a child process, timeout {TIMEOUT_S:.0f} s)")
    report: list[list[Any]] = []
    for case in hostile_cases():
        runs = [("ours", "read_json"), *(("library", name) for name in LIBRARIES)]
        runs += [("parse", name) for name in READERS]
        for kind, name in runs:
            what, seconds = isolated(kind, name, case.answer)
            label = f"parse_answer/{name}" if kind == "parse" else name
            print(f"{case.name:28} {label:34} {seconds * 1000:9.1f} ms  {what}")
            report.append([case.name, label, seconds, what])
    return report


def record(url: str) -> None:
    """Ask the model served at ``url`` (OpenAI-compatible) to review the corpus units, with and
    without the findings schema, and keep its answers as `MODEL_ANSWERS`."""
    import httpx

    from peer_lsp.documents.store import Document
    from peer_lsp.review.prompt.request import build_review_request

    sys.path.insert(0, str(TESTS))
    import corpus

    answers: list[dict[str, Any]] = []
    for key in ("py", "js", "go", "java"):
        uri, language_id, text = corpus.SOURCES[key]
        document = Document.open(uri, text, language_id)
        for unit in document.units[:3]:
            request = build_review_request(unit, document, path=uri.rsplit("/", 1)[1])
            for schema, max_tokens in ((True, 200), (False, 350)):
                body: dict[str, Any] = {
                    "messages": [
                        {"role": "system", "content": request.system},
                        {"role": "user", "content": request.user},
                    ],
                    "max_tokens": max_tokens,
                    "temperature": 0.7,
                    "seed": len(answers),
                }
                if schema:
                    named = {"name": "review", "schema": request.json_schema}
                    body["response_format"] = {"type": "json_schema", "json_schema": named}
                reply = httpx.post(f"{url}/v1/chat/completions", json=body, timeout=300).json()
                choice = reply["choices"][0]
                answers.append(
                    {
                        "unit": f"{key}:{unit.qualified_name}",
                        "schema": schema,
                        "max_tokens": max_tokens,
                        "finish": choice["finish_reason"],
                        "answer": choice["message"]["content"],
                    }
                )
                print(answers[-1]["unit"], schema, choice["finish_reason"], flush=True)
    text = json.dumps(answers, indent=1, ensure_ascii=False)
    MODEL_ANSWERS.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the tests and hostile runs")
    parser.add_argument("--json", type=Path, help="write the numbers here")
    parser.add_argument("--record", metavar="URL", help="record a served model's answers")
    parser.add_argument("--run-tests", metavar="READER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_tests:
        return run_tests(args.run_tests)
    if args.record:
        record(args.record)
        return 0

    versions = ", ".join(f"{name} {metadata.version(name)}" for name in LIBRARIES)
    print(f"load average {os.getloadavg()}; python {sys.version.split()[0]}; {versions}")
    cases = test_cases() + model_cases()
    report: dict[str, Any] = {"agreement": agreement(cases), "speed": speed(cases)}
    if not args.quick:
        report["hostile"] = robustness()
        print("\n== test_parse.py + test_locate.py with each reader in our reader's place")
        report["tests"] = {}
        for reader_name in READERS:
            report["tests"][reader_name] = summary = tests_summary(reader_name)
            print(f"{reader_name}: {summary}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
