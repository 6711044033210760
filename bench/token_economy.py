"""Token economy: replay real file histories and count the tokens each kind of reviewer sends.

    python bench/token_economy.py [--repo PATH] [--files N | --paths P ...]
                                  [--granularity commit|hunk] [--git-head] [--json out.json]

The history is git's: for each of the N Python files with the most versions in ``--repo``
(default: this repository), every committed version of the file, oldest first
(``git log --follow``). The versions are replayed into one ``Document`` through
``apply_changes``; each version is one *save*. The first save is the file being opened.

* ``--granularity commit`` (default): one save per committed version. The diff between two
  consecutive versions becomes a few line-range ``TextChange``s (difflib's opcodes, sent
  back to front so that every range is in the coordinates of the text before the save).
* ``--granularity hunk``: every commit's diff is split into its hunks, and each hunk is
  one save. This models a developer who saves after each hunk. It is synthetic: the text
  in between two commits never existed and may not parse.

Tokens per save:

* **whole-file reviewer**: ``estimate_tokens(system prompt + the whole file)`` plus the answer
  schema. It uses the same system prompt and schema as peer and adds nothing: no line
  numbers, no user template.
* **peer**: for each unit in ``added + changed``, ``request_tokens`` (both messages and the
  answer schema) of ``build_review_request(unit, document, path=...)``. A unit costs 0 when it
  is a cache hit. The schema is counted on both sides because every vendor receives it with
  the request and bills it as input (as structured output, or in the instructions of a
  vendor without); ``--no-schema`` leaves it out, as this bench did before 8 December 2026.
  Two cache rules are counted. ``norm``: its normalized hash was reviewed before (the brief's
  rule). ``key``: the router's real ``cache_key`` of the request was seen before. That key
  also holds the prompt's context (imports, class header, signatures of the functions the
  unit calls), so it misses more often. One answer cache serves every file of the run.

Checks on every save. Each save is also compared against units extracted from scratch, from
the text before and after the save:

1. the document's text equals the version's text;
2. the units peer reviewed (``added + changed``, sent or answered from the cache) are
   exactly the units whose exact text is new or changed (identity: kind, qualified name,
   rank among namesakes, as ``unit_keys``);
3. every unit whose *normalized* hash is new or changed was reviewed: either sent, or
   answered from the cache because the same normalized text was reviewed earlier;
4. the units the incremental document holds equal a fresh extraction (kind, name, bytes,
   hashes).

Units peer reviews but whose normalized hash did not change (edits to comments or blank
space) are cache hits. They cost 0 under ``norm``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import difflib
import io
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import peer_lsp
from peer_lsp.documents.store import Document, TextChange
from peer_lsp.llm.cache.key import cache_key
from peer_lsp.llm.tokens import estimate_tokens, request_tokens, schema_tokens
from peer_lsp.llm.types import LLMRequest
from peer_lsp.review.prompt.batch import batch_request, pack
from peer_lsp.review.prompt.request import PromptBudgetError, build_review_request, code_key
from peer_lsp.review.prompt.templates import (
    FINDINGS_SCHEMA,
    PROMPT_VERSION,
    load_template,
    render_template,
)
from peer_lsp.syntax.unit import Unit, UnitKind
from peer_lsp.syntax.unit_diff import UnitKey, unit_keys

ROOT = Path(__file__).resolve().parents[1]
MODEL = "bench/model"
"""The provider/model part of the cache key: one model answers every review here."""


# --------------------------------------------------------------------------------------
# History
# --------------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` and return its standard output."""
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def file_history(repo: Path, path: str) -> list[tuple[str, str]]:
    """(commit, text) of every committed version of ``path``, oldest first (renames followed)."""
    out = git(repo, "log", "--follow", "--format=@%H", "--name-only", "--", path)
    versions: list[tuple[str, str]] = []
    sha = ""
    for line in out.splitlines():
        if line.startswith("@"):
            sha = line[1:]
        elif line.strip() and sha:
            show = subprocess.run(
                ["git", "-C", str(repo), "show", f"{sha}:{line.strip()}"],
                capture_output=True,
                check=False,
            )
            if show.returncode == 0:  # a deletion commit has no version to show
                versions.append((sha, show.stdout.decode("utf-8", "replace")))
            sha = ""
    versions.reverse()
    return versions


PYPI_CACHE = Path.home() / ".cache" / "peer-bench" / "pypi"


def pypi_history(package: str, path: str, count: int) -> list[tuple[str, str]]:
    """(version, text) of ``path`` in the last ``count`` releases of a PyPI package, oldest
    first: a package's own recorded history, one release per save. Wheels are downloaded
    once (pip, from the configured index) and kept in ``PYPI_CACHE``."""
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", package],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(ln for ln in listing.splitlines() if ln.startswith("Available versions:"))
    versions = [v.strip() for v in line.split(":", 1)[1].split(",")][:count]
    history: list[tuple[str, str]] = []
    for version in reversed(versions):
        folder = PYPI_CACHE / package / version
        if not any(folder.glob("*.whl")):
            subprocess.run(
                [
                    *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"),
                    *("--only-binary=:all:", f"{package}=={version}", "-d", str(folder)),
                ],
                capture_output=True,
                check=True,
            )
        with zipfile.ZipFile(next(folder.glob("*.whl"))) as wheel:
            if path in wheel.namelist():
                history.append((version, wheel.read(path).decode("utf-8", "replace")))
    return history


def top_files(repo: Path, count: int) -> list[str]:
    """The ``count`` tracked Python files with the most versions (ties: the longer file)."""
    ranked = []
    for path in git(repo, "ls-files", "*.py").split():
        n = len(git(repo, "log", "--follow", "--format=%H", "--", path).split())
        size = len((repo / path).read_bytes()) if (repo / path).exists() else 0
        ranked.append((-n, -size, path))
    ranked.sort()
    return [path for _, _, path in ranked[:count]]


# --------------------------------------------------------------------------------------
# Edits
# --------------------------------------------------------------------------------------


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _position(lines: Sequence[str], index: int) -> tuple[int, int]:
    """The LSP position of the start of line ``index`` (``lines`` keep their ends).

    Past the last line of a text that does not end with a line break, that is the end of
    the last line.
    """
    if index < len(lines) or not lines or lines[-1].endswith(("\n", "\r")):
        return index, 0
    return len(lines) - 1, _utf16(lines[-1])


def line_changes(old: str, new: str) -> list[TextChange]:
    """Line-range changes turning ``old`` into ``new``, last first (each in ``old``'s lines)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    changes = []
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(opcodes):
        if tag == "equal":
            continue
        start, end = _position(a, i1), _position(a, i2)
        changes.append(TextChange("".join(b[j1:j2]), (*start, *end)))
    return changes


def hunk_versions(old: str, new: str) -> list[str]:
    """Texts from ``old`` to ``new`` applying one more of difflib's hunks each (``new`` last)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    hunks = [n for n, op in enumerate(opcodes) if op[0] != "equal"]
    texts = []
    for applied in range(1, len(hunks) + 1):
        done = set(hunks[:applied])
        parts = [
            "".join(b[j1:j2] if n in done or tag == "equal" else a[i1:i2])
            for n, (tag, i1, i2, j1, j2) in enumerate(opcodes)
        ]
        texts.append("".join(parts))
    return texts


# --------------------------------------------------------------------------------------
# Replay
# --------------------------------------------------------------------------------------


@dataclass
class Save:
    """One save of a replay."""

    commit: str
    lines: int
    whole_file_tokens: int
    reviewed: int
    """Units in added + changed: sent, or answered from the cache."""
    sent_norm: int = 0
    sent_key: int = 0
    peer_tokens_norm: int = 0
    peer_tokens_key: int = 0
    class_tokens_norm: int = 0
    """Of ``peer_tokens_norm``, what class units cost (a class is sent whole, methods too)."""
    system_tokens_norm: int = 0
    """Of ``peer_tokens_norm``, the system prompts and answer schemas (one per request)."""
    peer_tokens_batched: int = 0
    """The units of ``peer_tokens_norm`` sent as the reviewer sends them: together, in
    batch requests (`peer_lsp.review.prompt.batch.pack`, default limits)."""
    requests_batched: int = 0
    too_large: int = 0


@dataclass
class FileReport:
    """A file's replay: totals, and the checks."""

    path: str
    versions: int
    saves: int = 0
    identical_versions_skipped: int = 0
    lines_first: int = 0
    lines_last: int = 0
    whole_file_tokens: int = 0
    peer_tokens_norm: int = 0
    peer_tokens_key: int = 0
    class_tokens_norm: int = 0
    system_tokens_norm: int = 0
    peer_tokens_batched: int = 0
    requests_batched: int = 0
    open_peer_tokens_batched: int = 0
    open_whole_file_tokens: int = 0
    open_peer_tokens_norm: int = 0
    open_peer_tokens_key: int = 0
    units_reviewed: int = 0
    units_sent_norm: int = 0
    units_sent_key: int = 0
    units_normalized_changed: int = 0
    units_comment_only: int = 0
    """Reviewed because their exact text changed, though their normalized text did not."""
    reviewed_equals_exact_changed: bool = True
    every_normalized_change_reviewed: bool = True
    units_match_fresh_extraction: bool = True
    text_matches: bool = True
    problems: list[str] = field(default_factory=list)
    saves_detail: list[Save] = field(default_factory=list)


class AnswerCache:
    """What the run's answer cache holds, under both rules."""

    def __init__(self) -> None:
        self.normalized: set[str] = set()
        self.keys: set[str] = set()


def _fingerprint(units: Sequence[Unit]) -> list[tuple[Any, ...]]:
    return [
        (u.kind, u.qualified_name, u.start_byte, u.end_byte, u.exact_hash, u.normalized_hash)
        for u in units
    ]


def _keys_by_id(units: Sequence[Unit]) -> dict[int, UnitKey]:
    return {id(unit): key for key, unit in unit_keys(units).items()}


def _fresh(uri: str, text: str) -> Document:
    return Document.open(uri, text, "python", None)


def replay(
    history: Sequence[tuple[str, str]],
    uri: str,
    path: str,
    granularity: str,
    cache: AnswerCache,
    system: str,
    *,
    with_schema: bool = True,
) -> FileReport:
    """Replay the versions of a file into one document and count both reviewers' tokens."""
    report = FileReport(path, len(history))
    saves: list[tuple[str, str]] = []
    previous = None
    for sha, text in history:
        if text == previous:
            report.identical_versions_skipped += 1
            continue
        if granularity == "hunk" and previous is not None:
            saves.extend((sha, step) for step in hunk_versions(previous, text))
        else:
            saves.append((sha, text))
        previous = text
    if not saves:
        return report
    document: Document | None = None
    before_text = ""
    for n, (sha, text) in enumerate(saves):
        if document is None:
            document = Document.open(uri, text, "python", 1)
            touched: tuple[Unit, ...] = tuple(document.units)
            removed_keys: set[UnitKey] = set()
        else:
            before_keys = _keys_by_id(document.units)
            result = document.apply_changes(line_changes(before_text, text), n + 1)
            touched = result.units.touched
            removed_keys = {
                before_keys[id(u)] for u in result.units.removed if id(u) in before_keys
            }
        save, answered = _account(
            report, document, touched, path, sha, text, cache, system, with_schema
        )
        _check(report, document, touched, removed_keys, before_text, text, n, answered)
        report.saves_detail.append(save)
        if n == 0:
            report.open_whole_file_tokens = save.whole_file_tokens
            report.open_peer_tokens_norm = save.peer_tokens_norm
            report.open_peer_tokens_key = save.peer_tokens_key
            report.open_peer_tokens_batched = save.peer_tokens_batched
        before_text = text
    report.saves = len(saves)
    report.lines_first = saves[0][1].count("\n")
    report.lines_last = saves[-1][1].count("\n")
    return report


def _account(
    report: FileReport,
    document: Document,
    touched: Sequence[Unit],
    path: str,
    sha: str,
    text: str,
    cache: AnswerCache,
    system: str,
    with_schema: bool,
) -> tuple[Save, set[int]]:
    """Count one save's tokens for both reviewers, and fill the cache; also the ids of the
    units that have an answer now (sent, or from the cache)."""

    def sent(request: LLMRequest) -> int:
        schema = request.json_schema if with_schema else None
        return request_tokens(request.system, request.user, schema)

    schema = schema_tokens(FINDINGS_SCHEMA) if with_schema else 0
    save = Save(
        commit=sha[:10],
        lines=text.count("\n"),
        whole_file_tokens=estimate_tokens(system + text) + schema,
        reviewed=len(touched),
    )
    answered: set[int] = set()
    to_send: list[LLMRequest] = []
    for unit in touched:
        try:
            request = build_review_request(unit, document, path=path)
        except PromptBudgetError:
            save.too_large += 1  # the server skips it too
            continue
        answered.add(id(unit))
        tokens = sent(request)
        code = code_key(request, unit.normalized_hash)  # a class: its skeleton
        key = cache_key(request, MODEL, code)
        if code not in cache.normalized:
            cache.normalized.add(code)
            save.sent_norm += 1
            save.peer_tokens_norm += tokens
            save.system_tokens_norm += sent(dataclasses.replace(request, user=""))
            to_send.append(request)
            if unit.kind is UnitKind.CLASS:
                save.class_tokens_norm += tokens
        if key not in cache.keys:
            cache.keys.add(key)
            save.sent_key += 1
            save.peer_tokens_key += tokens
    for batch in pack(to_send, lambda request: request):
        save.requests_batched += 1
        save.peer_tokens_batched += sent(batch[0] if len(batch) == 1 else batch_request(batch))
    report.whole_file_tokens += save.whole_file_tokens
    report.peer_tokens_batched += save.peer_tokens_batched
    report.requests_batched += save.requests_batched
    report.peer_tokens_norm += save.peer_tokens_norm
    report.peer_tokens_key += save.peer_tokens_key
    report.class_tokens_norm += save.class_tokens_norm
    report.system_tokens_norm += save.system_tokens_norm
    report.units_reviewed += save.reviewed
    report.units_sent_norm += save.sent_norm
    report.units_sent_key += save.sent_key
    return save, answered


def _check(
    report: FileReport,
    document: Document,
    touched: Sequence[Unit],
    removed_keys: set[UnitKey],
    before_text: str,
    text: str,
    n: int,
    answered: set[int],
) -> None:
    """Compare one save with units extracted from scratch before and after it."""
    where = f"save {n + 1}"
    if document.text != text:
        report.text_matches = False
        report.problems.append(f"{where}: the document's text differs from the version")
    after = _fresh(document.uri, text)
    before_units = unit_keys(_fresh(document.uri, before_text).units) if n else {}
    after_units = unit_keys(after.units)
    exact_changed = {
        key
        for key, unit in after_units.items()
        if key not in before_units or before_units[key].exact_hash != unit.exact_hash
    }
    normalized_changed = {
        key
        for key, unit in after_units.items()
        if key not in before_units or before_units[key].normalized_hash != unit.normalized_hash
    }
    fresh_removed = set(before_units) - set(after_units)
    by_id = _keys_by_id(document.units)
    reviewed = {by_id[id(u)] for u in touched if id(u) in by_id}
    if len(reviewed) != len(touched):
        report.problems.append(f"{where}: {len(touched) - len(reviewed)} reviewed units not kept")
    if reviewed != exact_changed or removed_keys != fresh_removed:
        report.reviewed_equals_exact_changed = False
        report.problems.append(
            f"{where}: reviewed-only {sorted(map(str, reviewed - exact_changed))}, "
            f"missed {sorted(map(str, exact_changed - reviewed))}, removed "
            f"{sorted(map(str, removed_keys ^ fresh_removed))}"
        )
    missed = normalized_changed - reviewed
    unanswered = normalized_changed - {by_id[i] for i in answered if i in by_id}
    if missed or unanswered:
        report.every_normalized_change_reviewed = False
        report.problems.append(
            f"{where}: normalized changes not reviewed: {sorted(map(str, missed | unanswered))}"
        )
    report.units_normalized_changed += len(normalized_changed)
    report.units_comment_only += len(exact_changed - normalized_changed)
    if _fingerprint(document.units) != _fingerprint(after.units):
        report.units_match_fresh_extraction = False
        report.problems.append(f"{where}: incremental units differ from a fresh extraction")


# --------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------


def _ratio(whole: int, peer: int) -> float:
    return whole / peer if peer else float("inf")


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _checks_ok(r: FileReport) -> bool:
    return (
        r.text_matches
        and r.reviewed_equals_exact_changed
        and r.every_normalized_change_reviewed
        and r.units_match_fresh_extraction
        and not r.problems
    )


def summary_rows(reports: Sequence[FileReport]) -> list[dict[str, Any]]:
    """One row per file and a total row: the figures the table shows."""
    rows = []
    total = FileReport("total", sum(r.versions for r in reports))
    for r in reports:
        for name in (
            "saves", "whole_file_tokens", "peer_tokens_norm", "peer_tokens_key",
            "class_tokens_norm", "system_tokens_norm", "peer_tokens_batched",
            "requests_batched", "open_peer_tokens_batched", "open_whole_file_tokens",
            "open_peer_tokens_norm", "open_peer_tokens_key", "units_reviewed",
            "units_sent_norm", "units_sent_key",
            "units_normalized_changed", "units_comment_only", "lines_last",
        ):  # fmt: skip
            setattr(total, name, getattr(total, name) + getattr(r, name))
    for r in [*reports, total]:
        edits_whole = r.whole_file_tokens - r.open_whole_file_tokens
        edits_norm = r.peer_tokens_norm - r.open_peer_tokens_norm
        edits_key = r.peer_tokens_key - r.open_peer_tokens_key
        edits_batched = r.peer_tokens_batched - r.open_peer_tokens_batched
        rows.append(
            {
                "file": r.path,
                "versions": r.versions,
                "saves": r.saves,
                "lines": f"{r.lines_first}->{r.lines_last}" if r is not total else "",
                "whole_file_tokens": r.whole_file_tokens,
                "peer_tokens_norm": r.peer_tokens_norm,
                "ratio_norm": _ratio(r.whole_file_tokens, r.peer_tokens_norm),
                "peer_tokens_key": r.peer_tokens_key,
                "ratio_key": _ratio(r.whole_file_tokens, r.peer_tokens_key),
                "edits_ratio_norm": _ratio(edits_whole, edits_norm),
                "edits_ratio_key": _ratio(edits_whole, edits_key),
                "peer_tokens_batched": r.peer_tokens_batched,
                "ratio_batched": _ratio(r.whole_file_tokens, r.peer_tokens_batched),
                "edits_ratio_batched": _ratio(edits_whole, edits_batched),
                "requests_batched": r.requests_batched,
                "class_share": _share(r.class_tokens_norm, r.peer_tokens_norm),
                "system_share": _share(r.system_tokens_norm, r.peer_tokens_norm),
                "ratio_without_classes": _ratio(
                    r.whole_file_tokens, r.peer_tokens_norm - r.class_tokens_norm
                ),
                "units_reviewed": r.units_reviewed,
                "units_sent_norm": r.units_sent_norm,
                "units_sent_key": r.units_sent_key,
                "units_comment_only": r.units_comment_only,
                "checks_ok": all(_checks_ok(x) for x in reports) if r is total else _checks_ok(r),
            }
        )
    return rows


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as an aligned text table."""
    head = (
        "file", "saves", "lines", "whole-file tok", "peer tok", "ratio", "peer tok (key)",
        "ratio (key)", "edits ratio", "class share", "system share", "peer tok (batched)",
        "ratio (batched)", "units rev/sent", "requests (batched)", "all reviewed",
    )  # fmt: skip
    table = [head]
    for row in rows:
        table.append(
            (
                row["file"],
                str(row["saves"]),
                row["lines"],
                f"{row['whole_file_tokens']:,}",
                f"{row['peer_tokens_norm']:,}",
                f"{row['ratio_norm']:.2f}",
                f"{row['peer_tokens_key']:,}",
                f"{row['ratio_key']:.2f}",
                f"{row['edits_ratio_norm']:.2f}",
                f"{row['class_share']:.0%}",
                f"{row['system_share']:.0%}",
                f"{row['peer_tokens_batched']:,}",
                f"{row['ratio_batched']:.2f}",
                f"{row['units_reviewed']}/{row['units_sent_norm']}",
                f"{row['requests_batched']:,}",
                "yes" if row["checks_ok"] else "NO",
            )
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(head))]
    out = []
    for n, line in enumerate(table):
        cells = [line[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)]
        out.append("  ".join(cells))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def repo_state(repo: Path) -> dict[str, Any]:
    """HEAD and uncommitted paths of ``repo`` (the history replayed, and peer_lsp's code)."""
    try:
        head = git(repo, "rev-parse", "--short", "HEAD").strip()
        dirty = [line[3:] for line in git(repo, "status", "--porcelain").splitlines() if line]
    except (OSError, subprocess.CalledProcessError):
        return {}
    return {
        "head": head,
        "uncommitted": dirty,
        "commits": int(git(repo, "rev-list", "--count", "HEAD")),
    }


def iter_reports(args: argparse.Namespace, system: str) -> Iterator[FileReport]:
    """Replay each chosen file, in order, sharing one answer cache."""
    cache = AnswerCache()
    if args.pypi:
        for spec in args.pypi:
            package, path = spec.split(":", 1)
            history = pypi_history(package, path, args.releases)
            uri = f"file:///pypi/{package}/{path}"
            yield replay(
                history, uri, f"{package}:{path}", args.granularity, cache, system,
                with_schema=args.schema,
            )  # fmt: skip
        return
    repo = args.repo.resolve()
    paths = args.paths or top_files(repo, args.files)
    for path in paths:
        history = file_history(repo, path)
        yield replay(
            history, (repo / path).as_uri(), path, args.granularity, cache, system,
            with_schema=args.schema,
        )  # fmt: skip


SNAPSHOT_ENV = "PEER_BENCH_SNAPSHOT"


def rerun_at_head(argv: list[str]) -> int:
    """Run this script again with peer_lsp as committed at HEAD first on PYTHONPATH."""
    head = git(ROOT, "rev-parse", "--short", "HEAD").strip()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "HEAD", "peer_lsp"], capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryDirectory(prefix="peer-tokens-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        path = os.pathsep.join(p for p in (tmp, os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, "PYTHONPATH": path, SNAPSHOT_ENV: head}
        return subprocess.run([sys.executable, __file__, *argv], env=env, check=False).returncode


def peer_source() -> dict[str, Any]:
    """Which peer_lsp this process imported: a snapshot of HEAD, or the working tree."""
    head = os.environ.get(SNAPSHOT_ENV)
    if head:
        return {"source": "git HEAD", "git_head": head, "path": peer_lsp.__file__}
    return {"source": "working tree", **repo_state(ROOT), "path": peer_lsp.__file__}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repo", type=Path, default=ROOT, help="a git repository (default: this one)"
    )
    parser.add_argument("--files", type=int, default=3, help="how many files (most versions first)")
    parser.add_argument("--paths", nargs="+", default=None, help="these files instead")
    parser.add_argument(
        "--pypi",
        nargs="+",
        default=None,
        metavar="PACKAGE:PATH",
        help="replay a file across a package's releases on PyPI instead of a git history",
    )
    parser.add_argument(
        "--releases", type=int, default=30, help="with --pypi: how many releases (latest)"
    )
    parser.add_argument("--granularity", choices=("commit", "hunk"), default="commit")
    parser.add_argument(
        "--no-schema",
        dest="schema",
        action="store_false",
        help="leave the answer schema out of both reviewers' tokens (the count before 2026-12-08)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--target", type=float, default=20.0, help="the ratio to reach")
    parser.add_argument(
        "--git-head", action="store_true", help="use peer_lsp as committed, not the working tree"
    )
    args = parser.parse_args(argv)
    if args.git_head and not os.environ.get(SNAPSHOT_ENV):
        return rerun_at_head(sys.argv[1:] if argv is None else argv)
    source = peer_source()

    system = render_template(load_template(PROMPT_VERSION), {})
    reports = list(iter_reports(args, system))
    rows = summary_rows(reports)
    total = rows[-1]
    state = repo_state(args.repo.resolve())
    print(
        f"repo {args.repo} at {state.get('head', '?')} ({state.get('commits', '?')} commits), "
        f"granularity {args.granularity}, system prompt {estimate_tokens(system)} tokens, "
        f"answer schema {schema_tokens(FINDINGS_SCHEMA) if args.schema else 'not counted'}"
        f"{' tokens' if args.schema else ''}, "
        f"Python {platform.python_version()}"
    )
    changed = source.get("uncommitted") or []
    print(
        f"peer_lsp from {source['source']} ({source.get('git_head') or source.get('head', '?')}"
        + (f", uncommitted: {', '.join(changed)}" if changed else "")
        + f"): {source['path']}"
    )
    print()
    print(format_table(rows))
    print()
    print(
        "ratio: whole-file tokens / peer tokens, cache hits by normalized hash (the brief's "
        "rule); (key): by the router's cache key, which also holds the prompt's context. "
        "edits ratio: the same without the first save (the open). class share / system share: "
        "what class units / the system prompts and answer schemas cost of peer's tokens (norm "
        "rule). units "
        "rev/sent: reviewed (added + changed) / sent to the model (norm rule). all reviewed: "
        "every check held (see the docstring)."
    )
    for r in reports:
        for problem in r.problems[:10]:
            print(f"{r.path}: {problem}")
    print(
        f"what-if, not peer's behaviour: without the tokens of class units the total ratio "
        f"would be {total['ratio_without_classes']:.2f}x"
    )
    met = total["ratio_norm"] >= args.target and total["checks_ok"]
    print(
        f"\ntarget: >= {args.target:g}x fewer tokens with every changed unit reviewed: "
        f"{total['ratio_norm']:.2f}x (key rule {total['ratio_key']:.2f}x), checks "
        f"{'held' if total['checks_ok'] else 'FAILED'} -> {'met' if met else 'NOT met'}"
    )
    if args.json:
        payload = {
            "command": " ".join(["python", "bench/token_economy.py", *(argv or sys.argv[1:])]),
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": {"nproc": os.cpu_count(), "python": platform.python_version()},
            "repo": {"path": str(args.repo.resolve()), **state},
            "peer_lsp": source,
            "granularity": args.granularity,
            "system_prompt_tokens": estimate_tokens(system),
            "schema_tokens": schema_tokens(FINDINGS_SCHEMA) if args.schema else 0,
            "rows": rows,
            "files": [asdict(r) for r in reports],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0 if total["checks_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
