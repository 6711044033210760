"""The `peer` command line: serve the editor, or check files headless.

Imports stay inside the commands so that `peer-lsp` starts without loading what only
`peer check` needs, and the other way round.
"""

from __future__ import annotations

import argparse
import sys
import typing
from collections.abc import Sequence

from peer_lsp import __version__
from peer_lsp.check.shard import Shard, ShardError
from peer_lsp.commands.exits import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from peer_lsp.project import docs_url
from peer_lsp.settings.model import LOG_LEVELS, SEVERITIES

if typing.TYPE_CHECKING:
    from peer_lsp.lsp.language_server import PeerLanguageServer


def _add_logging(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-level", choices=LOG_LEVELS, default=None, help="least severe level to log"
    )
    parser.add_argument(
        "--log-file", default=None, help="log file (default: peer-lsp.log in the user state dir)"
    )


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> typing.NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _jobs(text: str) -> int:
    """``--jobs N``: a whole number of processes, at least 1."""
    try:
        jobs = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {jobs}")
    return jobs


def _shard(text: str) -> Shard:
    """``--shard K/N``: the K-th of N parts of the files."""
    try:
        return Shard.parse(text)
    except ShardError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="peer", description="peer-lsp: an AI code reviewer in your editor.")
    parser.add_argument("--version", action="version", version=f"peer-lsp {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    serve = commands.add_parser("serve", help="run the language server on stdio")
    _add_logging(serve)

    check = commands.add_parser("check", help="check files and folders, as in CI")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    check.add_argument(
        "--format",
        choices=("text", "json", "sarif", "rdjson", "github", "gitlab"),
        default="text",
        help="text; json; sarif (code scanning); for pull requests: rdjson (reviewdog), "
        f"github (workflow annotations), gitlab (Code Quality report); {docs_url('ci.md')}",
    )
    check.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default=None,
        help="exit 1 when a finding is at or above this severity (default: setting failOn)",
    )
    check.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings are reported (usage errors still exit 2)",
    )
    check.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="also skip these files"
    )
    check.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    check.add_argument(
        "--jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help="analyse files in N processes (default: the usable cores; 1: in this process)",
    )
    check.add_argument(
        "--security",
        action="store_true",
        help="only the local security rules: no syntax findings, no other rules, no model",
    )
    check.add_argument(
        "--diff",
        default=None,
        metavar="REV",
        help="send only the units changed since the git revision REV to the model",
    )
    check.add_argument(
        "--shard",
        type=_shard,
        default=None,
        metavar="K/N",
        help="check only the K-th of N parts of the files, split by path (a CI matrix: the "
        "N parts together are one run)",
    )
    check.add_argument(
        "--summary",
        action="store_true",
        help="end with a model's short summary of the run: what changed, the top risks",
    )
    check.add_argument(
        "--dry-run",
        action="store_true",
        help="send nothing: say how many units and requests a review would send, the "
        "estimated tokens and cost (local findings as usual)",
    )
    _add_model_flags(check)
    _add_logging(check)
    _add_fix_and_explain(commands)
    _add_cache(commands)
    providers = commands.add_parser("providers", help="list providers and routes; --check them")
    providers.add_argument(
        "--check", action="store_true", help="send one tiny request to each provider"
    )
    providers.add_argument("--config", default=None, help="settings file or project folder")
    _add_rules(commands)
    _add_stats(commands)
    _add_inspect(commands)
    return parser


def _add_inspect(commands: argparse._SubParsersAction[_Parser]) -> None:
    inspect = commands.add_parser(
        "inspect", help="what was sent to models and what came back (the inspector setting)"
    )
    inspect.add_argument("id", nargs="?", default=None, help="show this exchange in full")
    inspect.add_argument("--last", type=int, default=None, metavar="N", help="the last N only")
    inspect.add_argument(
        "--replay", default=None, metavar="ID", help="send this exchange's prompt again"
    )
    inspect.add_argument("--provider", default=None, help="the provider a replay goes to")
    inspect.add_argument("--format", choices=("text", "json"), default="text")
    inspect.add_argument("--config", default=None, help="settings file or project folder")


def _add_stats(commands: argparse._SubParsersAction[_Parser]) -> None:
    stats = commands.add_parser(
        "stats", help="requests, latency, tokens, cost and failures per model, from the audit log"
    )
    stats.add_argument(
        "--since",
        default="7d",
        metavar="WHEN",
        help="start of the period: 24h, 7d, today, 2026-12-01, an ISO time (default: 7d)",
    )
    stats.add_argument(
        "--until", default="now", metavar="WHEN", help="end of the period (default: now)"
    )
    stats.add_argument("--format", choices=("text", "json"), default="text")
    stats.add_argument(
        "--audit-log",
        default=None,
        metavar="PATH",
        help="read this audit log (default: the auditLog setting, else the user state dir)",
    )
    stats.add_argument("--config", default=None, help="settings file or project folder")


def _add_rules(commands: argparse._SubParsersAction[_Parser]) -> None:
    rules = commands.add_parser("rules", help="list the local rules, or explain one")
    rules.add_argument("rule", nargs="?", default=None, metavar="ID", help="explain this rule")
    rules.add_argument("--language", default=None, help="only the rules for this language")
    rules.add_argument(
        "--category",
        choices=("security", "bug", "performance", "maintainability"),
        default=None,
        help="only the rules of this category",
    )
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.add_argument(
        "--root",
        default=None,
        help="project whose .peer/rules to list (default: found from the current folder up)",
    )
    rules.add_argument(
        "--config", default=None, help="settings file: show which rules it turns on or off"
    )


def _add_model_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default=None, help="settings file (.peer.toml or pyproject)")
    parser.add_argument(
        "--no-model", action="store_true", help="local findings only: send nothing to a model"
    )
    parser.add_argument(
        "--allow-unreviewed",
        action="store_true",
        help="when the model could not review some units, say so but do not exit 3",
    )


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {text!r}")
    return value


def _add_fix_and_explain(commands: argparse._SubParsersAction[_Parser]) -> None:
    fix = commands.add_parser("fix", help="apply verified fixes (local rules, model) to files")
    fix.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    fix.add_argument(
        "--min-confidence",
        type=_confidence,
        default=None,
        metavar="X",
        help="apply fixes of findings at or above this confidence (default: preferredConfidence)",
    )
    fix.add_argument(
        "--dry-run", action="store_true", help="print the changes as a diff; write nothing"
    )
    fix.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="also skip these files"
    )
    _add_model_flags(fix)
    _add_logging(fix)
    explain = commands.add_parser("explain", help="review one line and explain its findings")
    explain.add_argument("target", metavar="FILE:LINE", help="a file and a 1-based line")
    _add_model_flags(explain)
    _add_logging(explain)
    _add_suggest_test(commands)


def _add_suggest_test(commands: argparse._SubParsersAction[_Parser]) -> None:
    suggest = commands.add_parser(
        "suggest-test",
        help="ask the model for a test that fails on the bug or security finding at a line",
    )
    suggest.add_argument("target", metavar="FILE:LINE", help="a file and a 1-based line")
    suggest.add_argument(
        "--rule", default=None, metavar="ID", help="the finding on the line to write a test for"
    )
    suggest.add_argument(
        "-o", "--output", default=None, metavar="FILE", help="write the test to FILE, not stdout"
    )
    suggest.add_argument("--force", action="store_true", help="with -o: replace FILE if it exists")
    suggest.add_argument("--config", default=None, help="settings file (.peer.toml or pyproject)")
    _add_logging(suggest)


def _add_cache(commands: argparse._SubParsersAction[_Parser]) -> None:
    cache = commands.add_parser("cache", help="show or empty the model-answer cache")
    actions = cache.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    where = _Parser(add_help=False)
    where.add_argument(
        "--cache-dir",
        default=None,
        metavar="DIR",
        help="the disk cache in DIR (default: the cache the settings name)",
    )
    stats = actions.add_parser("stats", parents=[where], help="entries, size, hits and misses")
    stats.add_argument("--format", choices=("text", "json"), default="text")
    clear = actions.add_parser("clear", parents=[where], help="delete every cached answer")
    clear.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def serve(log_level: str | None = None, log_file: str | None = None) -> int:
    """Run the language server on stdin/stdout until the client says exit.

    ``initialize`` is answered while pygls is still being imported (peer_lsp.lsp.fast_start,
    docs/decisions/0002); PEER_FAST_START=0 lets pygls answer it itself, after loading.
    """
    from peer_lsp import log

    log.configure(log_level or "info", log_file)
    from peer_lsp.lsp import fast_start

    handoff = fast_start.start(_create_server)
    server = handoff.server
    import logging

    from peer_lsp.lsp import stdio

    logging.getLogger(log.LOGGER_NAME).addHandler(server.client_log_handler())
    stdio.start_io(server, handoff.stdin, handoff.stdout)
    # The LSP asks for exit code 1 when the client says exit without shutdown first.
    return EXIT_OK if server.protocol._shutdown else EXIT_FINDINGS


def _create_server() -> PeerLanguageServer:
    """Import the server (and with it pygls: most of the start-up time) and build it."""
    from peer_lsp.server import create_server

    return create_server()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args.log_level, args.log_file)
    if args.command == "check":
        from peer_lsp.commands.check import run_check

        return run_check(args)
    if args.command == "fix":
        from peer_lsp.commands.fix import run_fix

        return run_fix(args)
    if args.command == "explain":
        from peer_lsp.commands.explain import run_explain

        return run_explain(args)
    if args.command == "suggest-test":
        from peer_lsp.commands.suggest_test import run_suggest_test

        return run_suggest_test(args)
    if args.command == "cache":
        from peer_lsp.commands.cache import run_cache

        return run_cache(args)
    if args.command == "providers":
        from peer_lsp.commands.providers import run_providers

        return run_providers(args)
    if args.command == "rules":
        from peer_lsp.commands.rules import run_rules

        return run_rules(args)
    if args.command == "inspect":
        from peer_lsp.commands.inspect import run_inspect

        return run_inspect(args)
    if args.command == "stats":
        from peer_lsp.commands.stats import run_stats

        return run_stats(args)
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def serve_main() -> int:
    """Entry point of `peer-lsp`: the server, with the same logging flags as `peer serve`."""
    parser = _Parser(prog="peer-lsp", description="peer-lsp language server (stdio)")
    parser.add_argument("--version", action="version", version=f"peer-lsp {__version__}")
    parser.add_argument("--stdio", action="store_true", help="accepted for editors; always stdio")
    _add_logging(parser)
    args = parser.parse_args()
    return serve(args.log_level, args.log_file)
