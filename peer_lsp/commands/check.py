"""`peer check`: settings, file discovery, the engine and the report, glued into an exit code.

Exit codes: 0 when no finding is at or above the fail-on severity (``--fail-on``, else the
``failOn`` setting), 1 when one is, 2 for usage and configuration errors (a path that does not
exist, a settings file that is missing or unreadable, any rejected setting, a bad exclude
glob) — those are reported on stderr before anything is checked — and 3 when a configured
model could not review one or more units (`peer_lsp.check.unreviewed`: an API key missing or
refused, a model not found, a provider unreachable, an answer that is not a findings list, a
token or cost budget spent: `peer_lsp.llm.budget`).
A project rule (``.peer/rules``) or an enabled plugin that fails to load is named on stderr
before the run and the run goes on with the rules that load; it then ends with 2 where it
would have ended with 0 or 1 (after the full report), so a broken rule never passes CI
silently (`peer_lsp.check.extra_rules`).
3 wins over 1 and over ``--exit-zero``: a tree the model never saw must not pass for a clean
one. Stderr then names the reasons, how many units each, and the first units; the JSON output
carries the same as ``unreviewed``, SARIF as a tool execution notification. With
``--allow-unreviewed`` all of that is still said (SARIF's notification as a warning) but the
exit code is the one the findings give. An API key variable that is configured
(``apiKeyEnv``) but empty is found before any request and fails the run even when the answer
cache holds every unit: the next change would need the key. When the reader of the
output goes away (``peer check | head``) it stops quietly with 141, as if killed by SIGPIPE;
Ctrl-C stops it with 130, its worker processes stopped, without a traceback.

Settings come from ``--config FILE`` (a ``.peer.toml``, or a ``pyproject.toml`` whose
``[tool.peer]`` table holds them) or else from the project file found from the first path
upwards (`peer_lsp.commands.run_setup`). The ``exclude`` setting is matched relative to the
folder of the settings file (the current folder when there is none), ``--exclude`` relative to
the current folder. Which files are walked, why a named path is checked even when
``.gitignore`` or the built-in excludes would skip it, and why a named FIFO or device is never
opened, is explained in `peer_lsp.check.walk`; each named path not checked is named on stderr
with the reason and counted as skipped.

Only the findings of a file are kept once it is checked, so memory does not grow with the
size of the files. A file is skipped (and counted as such in the summary) when no grammar
knows its language, when it is larger than ``maxFileBytes``, binary (a NUL byte in its first
8 KB), not UTF-8 or unreadable (`peer_lsp.commands.source_files`). Findings below
``minConfidence`` are not shown, as in the editor.

The local analysis (syntax and rules: all of ``--no-model`` and ``--security``) runs in
``--jobs`` processes, by default one per usable core (`peer_lsp.check.workers`, decision
0009); the report and stderr are the same, byte for byte, whatever the number, because results
are taken in the order the files were found. A file whose analysis raises, or whose worker
process dies, is named on stderr and counted as skipped; the other files are still checked.
With a model, or ``--diff``, files are checked in this process, on one event loop: while
the model reviews one file the next ones are read, analysed and sent, a window of files at
once (`HeadlessReviewer.in_order`: the ``maxConcurrency`` of the providers that take the
reviews, summed; within a file at most ``maxReviewsInFlight`` reviews at a time; each
provider's lane caps its calls). The report and stderr are still the same bytes as one file
at a time: results, the messages of a file (an unreadable file, the first review failure of
each kind) and the units not reviewed are taken in the order the files were found. A provider
with ``maxConcurrency = 1`` (and a single route) reviews one file at a time.

On a terminal, with more than 20 files, a progress bar counts files done (in order) and, with
a model, the units reviewed and how many of them the cache answered. A run with a model ends
with one line on stderr, the bill (`peer_lsp.check.bill`): requests sent (retries included)
and the units they answered, units answered from the cache, tokens in and out, the estimated
cost from the providers' ``priceInputPerMtok`` / ``priceOutputPerMtok`` ("cost unknown" for a
provider without a price), and the wall time: ``peer check: 97 requests (412 units), 120
units from cache, 81,230 tokens in, 9,112 out, ~$0.0312, 41.2 s``. It is printed whenever a
model was configured and used, even when nothing was sent (``0 requests``: what the cache
saved is worth seeing); never with ``--no-model``, ``--security`` or no provider, nor after
Ctrl-C. The JSON output carries the same figures but the time as ``usage``
(`Bill.to_json`), only in runs with a model.

With a provider configured, each file's units are also reviewed by the model, and model
findings are reported with the local ones (`peer_lsp.check.headless`); without one the run is
local-only and says so once on stderr; ``--no-model`` forces local-only. ``--diff REV`` sends
only the units changed since the git revision ``REV`` (`peer_lsp.check.git_diff`) and reports
the findings of those units plus the syntax findings of every file checked: a file that does
not parse is worth failing on whatever changed. Git missing, a path outside a repository or an
unknown revision is a usage error (2). ``--format sarif`` writes SARIF 2.1.0 for GitHub code
scanning (`peer_lsp.check.sarif`, verified fixes as ``fixes``); for pull requests
``--format rdjson`` writes reviewdog's diagnostic format with the verified fixes as
suggestions (`peer_lsp.check.rdjson`), ``github`` GitHub Actions annotations
(`peer_lsp.check.github_annotations`) and ``gitlab`` a GitLab Code Quality report
(`peer_lsp.check.gitlab_quality`); docs/ci.md has the workflows. ``--security`` runs only
the local security rules (docs/rules.md): no syntax findings, no other rules, no model.
``--shard K/N`` checks only the K-th of N parts of the files, split by their path in the
repository, for a CI matrix whose runners together make one run (`peer_lsp.check.shard`).
``--dry-run`` sends nothing: the local findings are reported as usual, and stderr ends with
what the run would have sent and cost instead of the bill (`peer_lsp.check.dry_run`; JSON:
``plan``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import sys
import time
import typing
from dataclasses import dataclass
from pathlib import Path

from peer_lsp.analysis.engine import analyse_text
from peer_lsp.check.extra_rules import extra_rules, load_for_run
from peer_lsp.check.git_diff import GitDiff, GitError, changed_units
from peer_lsp.check.headless import HeadlessReviewer, ProviderSetupError, model_path
from peer_lsp.check.report import Summary, format_finding, format_summary, locate, render_json
from peer_lsp.check.walk import find_repository_root
from peer_lsp.check.workers import in_order, usable_cores
from peer_lsp.commands.exits import (
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_NOT_REVIEWED,
    EXIT_OK,
    EXIT_USAGE,
)
from peer_lsp.commands.output import quiet_broken_pipe, use_color
from peer_lsp.commands.run_setup import Run, UsageError, prepare, usage_error
from peer_lsp.commands.source_files import file_uri, read_source, shown_path
from peer_lsp.findings.model import Category, Severity
from peer_lsp.syntax.languages import language_for_path

if typing.TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Generator, Iterable, Iterator

    from peer_lsp.check.bill import Bill
    from peer_lsp.check.dry_run import Estimate
    from peer_lsp.check.headless import Failure
    from peer_lsp.check.report import Located
    from peer_lsp.check.unreviewed import Unreviewed
    from peer_lsp.documents.store import Document
    from peer_lsp.findings.model import Finding
    from peer_lsp.rules.ruleset import RuleProblem
    from peer_lsp.settings.model import Settings

PROG = "peer check"
PROGRESS_MIN_FILES = 20
"""A progress bar appears only for more files than this (and only on a terminal)."""


def check_file(
    path: Path, shown: str, settings: Settings, root: Path | None = None
) -> list[Located] | None:
    """The local findings of one file, or None when it is skipped (see the module
    docstring); ``root``: the project whose ``.peer/rules`` run too."""
    text = read_source(path, shown, settings, PROG)
    if text is None:
        return None
    extra = extra_rules(root, settings.plugins)
    document, findings = analyse_text(file_uri(path), text, settings=settings, extra=extra)
    return shown_findings(shown, document, findings, settings)


def shown_findings(
    shown: str, document: Document, findings: Iterable[Finding], settings: Settings
) -> list[Located]:
    """The findings at or above ``minConfidence``, located for the report."""
    return [
        locate(shown, document.data, document.lines, finding)
        for finding in findings
        if finding.confidence >= settings.min_confidence
    ]


@contextlib.contextmanager
def _progress_bar(total: int, reviews: Callable[[], str] | None) -> Iterator[Callable[[], None]]:
    """A transient progress bar on stderr; yields the function that advances it by a file.
    ``reviews`` says how the reviews stand (read whenever the bar is drawn)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    class Reviews(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(f"· {reviews()}" if reviews is not None else "")

    progress = Progress(
        TextColumn("checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files"),
        *([Reviews()] if reviews is not None else []),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    task = progress.add_task("check", total=total)
    with progress:
        yield lambda: progress.advance(task)


def reviews_so_far(reviewer: HeadlessReviewer) -> str:
    """``312 units reviewed (120 from cache)``: the progress bar's count of reviews."""
    reviewed = reviewer.units_reviewed
    units = "unit" if reviewed == 1 else "units"
    return f"{reviewed:,} {units} reviewed ({reviewer.units_cached:,} from cache)"


def run_check(args: argparse.Namespace) -> int:
    """Run `peer check` for parsed arguments; return the exit code."""
    try:
        return quiet_broken_pipe(functools.partial(_run, args))
    except KeyboardInterrupt:
        # Workers are already stopped (`in_order` leaves none behind); no traceback.
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    try:
        run = prepare(args)
        diff = GitDiff(args.diff) if args.diff else None
        if diff is not None:
            diff.check(run.paths)
        settings = security_settings(run.settings) if args.security else run.settings
        use_model = not (args.no_model or args.security)
        with HeadlessReviewer(
            settings, root=run.base, prog=PROG, use_model=use_model, dry_run=args.dry_run
        ) as rv:
            return _check(args, settings, run, rv, diff, started)
    except (UsageError, ProviderSetupError) as error:
        return usage_error(error.messages, PROG)
    except GitError as error:
        return usage_error([str(error)], PROG)


NON_SECURITY = tuple(c.value for c in Category if c is not Category.SECURITY)


def security_settings(settings: Settings) -> Settings:
    """The settings of ``--security``: every rule category but security turned off."""
    disabled = (*settings.disable_rules, *NON_SECURITY)
    return dataclasses.replace(settings, disable_rules=disabled)


def is_security_rule_finding(finding: Finding) -> bool:
    """What ``--security`` reports: findings of local security rules, nothing else."""
    return finding.category is Category.SECURITY and finding.source.startswith("rule:")


def _check(
    args: argparse.Namespace,
    settings: Settings,
    run: Run,
    reviewer: HeadlessReviewer,
    diff: GitDiff | None,
    started: float,
) -> int:
    """Check the run's files, print the report, and return the exit code; with a model, end
    stderr with the bill (`peer_lsp.check.bill`)."""
    out, err = sys.stdout, sys.stderr
    cwd = Path.cwd()
    fail_on = Severity.parse(args.fail_on or settings.fail_on)
    summary = Summary()

    def count_skipped() -> None:
        summary.skipped += 1

    keep = None
    if args.shard is not None:
        keep = functools.partial(args.shard.takes, root=find_repository_root(cwd) or cwd)
    files: Iterable[Path] = run.files(on_skip=count_skipped, keep=keep)
    progress: contextlib.AbstractContextManager[Callable[[], None]]
    progress = contextlib.nullcontext(lambda: None)
    if not args.no_progress and err.isatty():
        files = list(files)  # the bar needs a total; only names are kept
        if len(files) > PROGRESS_MIN_FILES:
            reviews = functools.partial(reviews_so_far, reviewer) if reviewer.uses_model else None
            progress = _progress_bar(len(files), reviews)

    text = args.format == "text"
    color = text and use_color(out)
    # text is printed as files are done, unless a progress bar or the summary needs it all
    streaming = text and isinstance(progress, contextlib.nullcontext) and not args.summary
    kept: list[Located] = []
    root, broken_rules = _extra_rules(run, settings, reviewer)
    with (
        _checked(files, settings, reviewer, diff, args.jobs, root) as results,
        progress as advance,
    ):
        for checked in results:
            advance()
            if checked.stderr:
                err.write(checked.stderr)
                err.flush()
            located = checked.located
            if located is None:
                count_skipped()
                continue
            if args.security:
                located = [item for item in located if is_security_rule_finding(item.finding)]
            summary.files += 1
            summary.add(located)
            if streaming:
                for item in located:
                    print(format_finding(item, color), file=out)
            else:
                kept.extend(located)
    summary.unreviewed = reviewer.unreviewed.count
    bill = reviewer.bill(time.monotonic() - started)
    planned = reviewer.dry_run_estimate()
    _report(args, kept, summary, color, cwd, reviewer.unreviewed, bill, planned)
    if args.summary:
        _print_summary(args, reviewer, kept, summary.files)
    code = _with_broken_rules(_exit_code(args, reviewer, summary, fail_on), broken_rules)
    for last in (bill, planned):  # the bill, or what a dry run would have cost
        if last is not None:
            print(f"{PROG}: {last.line()}", file=err)
    return code


def _print_summary(
    args: argparse.Namespace,
    reviewer: HeadlessReviewer,
    located: list[Located],
    files: int,
) -> None:
    """The model's summary after the report: on stdout for text, on stderr for the machine
    formats (which must stay valid); a note when there is no model to ask."""
    if not reviewer.uses_model:
        print(f"{PROG}: --summary needs a model, and none is configured", file=sys.stderr)
        return
    text = reviewer.summary(located, files)
    if text is None:
        return
    out = sys.stdout if args.format == "text" else sys.stderr
    print(f"\n## Review summary\n\n{text}", file=out)


def _exit_code(
    args: argparse.Namespace, reviewer: HeadlessReviewer, summary: Summary, fail_on: Severity
) -> int:
    """3 when units were not reviewed (unless allowed), else 1 or 0 by the findings; the
    units not reviewed are said on stderr either way."""
    if reviewer.unreviewed and not args.allow_unreviewed:
        reviewer.report_unreviewed(
            f"exit code {EXIT_NOT_REVIEWED}: the review is incomplete"
            " (--allow-unreviewed accepts local findings for those units)"
        )
        return EXIT_NOT_REVIEWED
    reviewer.report_unreviewed()
    failed = any(severity >= fail_on for severity in summary.by_severity)
    return EXIT_FINDINGS if failed and not args.exit_zero else EXIT_OK


def _with_broken_rules(code: int, broken: list[RuleProblem]) -> int:
    """2 instead of 0 or 1 when a project's or a plugin's rule did not load."""
    if not broken or code not in (EXIT_OK, EXIT_FINDINGS):
        return code
    rules = "rule" if len(broken) == 1 else "rules"
    print(
        f"{PROG}: exit code {EXIT_USAGE}: {len(broken)} project or plugin {rules} not loaded"
        " (above)",
        file=sys.stderr,
    )
    return EXIT_USAGE


def _extra_rules(
    run: Run, settings: Settings, reviewer: HeadlessReviewer
) -> tuple[Path | None, list[RuleProblem]]:
    """Load the project's rules and the enabled plugins' into the run, naming on stderr
    those that fail; the project root, and what failed."""
    return load_for_run(reviewer.engine, run.paths[0], settings.plugins, PROG)


@dataclass(frozen=True, slots=True)
class Checked:
    """One file checked: its findings (None: skipped), and what checking it wrote on stderr
    (kept, so that a worker's messages appear in the files' order)."""

    located: list[Located] | None
    stderr: str = ""


def check_local(item: tuple[Path, str], settings: Settings, root: Path | None = None) -> Checked:
    """The local findings of one file (``item``: the path and how it is shown), as a worker
    process computes them: everything in the result can be pickled."""
    path, shown = item
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        located = check_file(path, shown, settings, root)
    return Checked(located, captured.getvalue())


def not_checked(item: tuple[Path, str], reason: str) -> Checked:
    """A file whose analysis failed or whose worker process died: named on stderr, skipped."""
    return Checked(None, f"{PROG}: {item[1]} was not checked: {reason}\n")


def _checked(
    files: Iterable[Path],
    settings: Settings,
    reviewer: HeadlessReviewer,
    diff: GitDiff | None,
    jobs: int | None,
    root: Path | None,
) -> contextlib.AbstractContextManager[Iterator[Checked]]:
    """Each file checked, in the order found: the local analysis in ``jobs`` processes
    (`peer_lsp.check.workers`) unless a model reviews or ``--diff`` narrows the units, which
    run here."""
    cwd = Path.cwd()
    items = ((path, shown_path(path, cwd)) for path in files)
    if reviewer.uses_model or diff is not None:
        return contextlib.closing(_reviewed(items, settings, reviewer, diff))
    return in_order(
        functools.partial(check_local, settings=settings, root=root),
        not_checked,
        items,
        jobs=usable_cores() if jobs is None else jobs,
        on_death=_said_death,
        kind=_language,
    )


def _language(item: tuple[Path, str]) -> str | None:
    return language_for_path(item[0].as_posix())


def _said_death(how: str) -> None:
    print(f"{PROG}: a worker process died ({how}); its files are checked again", file=sys.stderr)


def _reviewed(
    items: Iterable[tuple[Path, str]],
    settings: Settings,
    reviewer: HeadlessReviewer,
    diff: GitDiff | None,
) -> Generator[Checked, None, None]:
    """Each file read, analysed and reviewed by the model, several at once
    (`HeadlessReviewer.in_order`), in the order found: its stderr captured and given back
    with it, the units it could not have reviewed counted in its turn."""

    async def check(item: tuple[Path, str]) -> tuple[Checked, str, list[Failure]]:
        path, shown = item
        captured = io.StringIO()
        with contextlib.redirect_stderr(captured):
            text = read_source(path, shown, settings, PROG)
        if text is None:
            return Checked(None, captured.getvalue()), "", []
        select = None
        if diff is not None:
            select = functools.partial(changed_units, changes=diff.changes(path))
        where = model_path(path, reviewer.root)
        analysis = await reviewer.analyse_async(file_uri(path), text, where, select)
        located = shown_findings(shown, analysis.document, analysis.findings, settings)
        return Checked(located, captured.getvalue()), where, analysis.failed

    with contextlib.closing(reviewer.in_order(items, check)) as results:
        for checked, where, failed in results:
            reviewer.settle(where, failed)
            yield checked


def _report(
    args: argparse.Namespace,
    kept: list[Located],
    summary: Summary,
    color: bool,
    cwd: Path,
    unreviewed: Unreviewed,
    bill: Bill | None,
    planned: Estimate | None,
) -> None:
    out, form, allowed = sys.stdout, args.format, args.allow_unreviewed
    if form == "json":
        usage = bill.to_json() if bill is not None else None
        plan = planned.to_json() if planned is not None else None
        print(render_json(kept, summary, unreviewed.to_json(allowed), usage, plan), file=out)
    elif form == "sarif":
        from peer_lsp.check.sarif import render_sarif

        root = find_repository_root(cwd) or cwd
        print(render_sarif(kept, root, unreviewed, allowed=allowed), file=out)
    elif form == "rdjson":
        from peer_lsp.check.rdjson import render_rdjson

        print(render_rdjson(kept), file=out)
    elif form == "github":
        from peer_lsp.check.github_annotations import render_github

        if kept:
            print(render_github(kept), file=out)
    elif form == "gitlab":
        from peer_lsp.check.gitlab_quality import render_gitlab

        print(render_gitlab(kept, find_repository_root(cwd) or cwd), file=out)
    else:
        for item in kept:
            print(format_finding(item, color), file=out)
        print(format_summary(summary, color), file=out)
