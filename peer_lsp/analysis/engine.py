"""The engine both front doors share: documents in, findings out.

The server feeds it editor events; `peer check` feeds it files. Findings are kept per
document and per producer, so each producer replaces only its own (syntax, local rules; model
findings live with their units in `ReviewStore`) and the merged list is what the editor sees.
"""

from __future__ import annotations

import dataclasses
import logging
import typing
from dataclasses import dataclass, field
from urllib.parse import unquote

from peer_lsp.analysis.reviews import ReviewStore
from peer_lsp.analysis.suppress import is_suppressed, suppressions
from peer_lsp.analysis.syntax_findings import SyntaxReporter
from peer_lsp.documents.store import Document, DocumentStore, EditResult, TextChange
from peer_lsp.findings.model import Category, is_model_finding
from peer_lsp.log import log_context
from peer_lsp.rules.extra_producer import ExtraRuleProducer
from peer_lsp.rules.producer import RuleProducer
from peer_lsp.settings.model import Settings
from peer_lsp.text.positions import Encoding

if typing.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from peer_lsp.findings.model import Finding, Span, TextEdit
    from peer_lsp.rules.extra_producer import LoadedExtra

log = logging.getLogger(__name__)

SYNTAX = "syntax"
RULES = "rules"
PROJECT = "project"
"""The producer of a project's rules and the enabled plugins' (`set_extra_rules`)."""
MODEL = "model"


def merge(by_producer: dict[str, list[Finding]]) -> list[Finding]:
    """All producers' findings in document order, each problem once.

    Equal fingerprints at the same place are one finding (the first seen); at another place
    they are two (a fingerprint names a finding, it is no reason to lose one). Findings of
    different producers of the same category that start on the same line and overlap are one
    problem reported twice (a rule flags ``eval(value)``, a model quotes ``return
    eval(value)``); so is a model finding whose verified fix rewrites the code a local
    finding of its category flags (`_joined_by_fixes`). See `_one_of` for what the one
    finding shown keeps of each. Findings of one producer are never collapsed with each
    other: a model may well report two problems on one line.
    """
    seen: set[tuple[str, int, int]] = set()
    groups: list[_Group] = []
    by_place: dict[tuple[int, Category], list[_Group]] = {}
    for producer, findings in by_producer.items():
        for finding in findings:
            key = (finding.fingerprint, finding.span.start_byte, finding.span.end_byte)
            if key in seen:
                continue
            seen.add(key)
            same_place = by_place.setdefault((finding.span.start_line, finding.category), [])
            group = next(
                (g for g in same_place if producer not in g.producers and g.overlaps(finding)),
                None,
            )
            if group is None:
                group = _Group()
                same_place.append(group)
                groups.append(group)
            group.producers.add(producer)
            group.members.append(finding)
    merged = [_one_of(group.members) for group in _joined_by_fixes(groups)]
    merged.sort(key=lambda f: (f.span.start_byte, f.span.end_byte, f.rule_id))
    return merged


def _joined_by_fixes(groups: list[_Group]) -> list[_Group]:
    """The groups, each model-only group whose verified fix rewrites the code a local finding
    of its category flags joined to that finding's group: one problem seen from two lines (a
    model quotes the line that builds the SQL, a rule flags the ``execute`` below it, and
    the model's fix rewrites both). The fix, an edit we verified, is the evidence that the two
    are about the same code; nearness alone is not."""
    local_only = [g for g in groups if not any(is_model_finding(f) for f in g.members)]
    if not local_only:
        return groups
    joined: set[int] = set()
    for group in groups:
        if not all(is_model_finding(f) for f in group.members):
            continue
        edits = [edit for f in group.members for edit in _verified_edits(f)]
        category = group.members[0].category
        target = next(
            (
                g
                for g in local_only
                if g.members[0].category is category
                and any(_rewrites(edit, f.span) for edit in edits for f in g.members)
            ),
            None,
        )
        if target is not None:
            target.members.extend(group.members)
            target.producers |= group.producers
            joined.add(id(group))
    return [g for g in groups if id(g) not in joined]


def _verified_edits(finding: Finding) -> tuple[TextEdit, ...]:
    return finding.fix.edits if finding.fix is not None and finding.fix.verified else ()


def _rewrites(edit: TextEdit, span: Span) -> bool:
    """Whether ``edit`` replaces text inside ``span`` (or inserts at an empty one)."""
    if span.start_byte == span.end_byte:
        return edit.start_byte <= span.start_byte <= edit.end_byte
    return edit.start_byte < span.end_byte and span.start_byte < edit.end_byte


@dataclass
class _Group:
    """Findings of different producers about one problem (same category, same first line,
    overlapping)."""

    members: list[Finding] = field(default_factory=list)
    producers: set[str] = field(default_factory=set)

    def overlaps(self, finding: Finding) -> bool:
        first = self.members[0].span
        span = finding.span
        if span.start_byte == span.end_byte or first.start_byte == first.end_byte:
            return span.start_byte == first.start_byte  # empty spans: the same point
        return span.start_byte < first.end_byte and first.start_byte < span.end_byte


def _has_verified_fix(finding: Finding) -> bool:
    return finding.fix is not None and finding.fix.verified


def _one_of(members: list[Finding]) -> Finding:
    """The one finding shown for a problem several producers reported.

    A local finding (a rule, a syntax error) is the one kept: its rule id, fingerprint,
    message, span and explanation, so that `peer check` output, SARIF ``ruleId`` and
    dismissals are the same with and without a model; the model only adds. The kept finding
    takes the strictest severity of the group (a CI gate on ``--fail-on`` must not open
    because a model agreed more quietly) and the highest confidence. Without a local finding
    the most confident is kept (on a tie, one with a verified fix). Either way, when the kept
    finding has no verified fix while another has, it takes the most confident of those, and
    an empty explanation is filled from the most confident member that has one.
    """
    if len(members) == 1:
        return members[0]
    local = [f for f in members if not is_model_finding(f)]
    if local:
        kept = max(local, key=lambda f: (f.severity, f.confidence, _has_verified_fix(f)))
    else:
        kept = max(members, key=lambda f: (f.confidence, _has_verified_fix(f)))
    by_confidence = sorted(members, key=lambda f: f.confidence, reverse=True)
    fix = kept.fix
    if not _has_verified_fix(kept):
        fix = next((f.fix for f in by_confidence if _has_verified_fix(f)), fix)
    explanation = kept.explanation or next(
        (f.explanation for f in by_confidence if f.explanation), ""
    )
    severity = max(f.severity for f in members)
    confidence = by_confidence[0].confidence
    if (fix, explanation, severity, confidence) == (
        kept.fix,
        kept.explanation,
        kept.severity,
        kept.confidence,
    ):
        return kept
    return dataclasses.replace(
        kept, fix=fix, explanation=explanation, severity=severity, confidence=confidence
    )


class SettledDocuments:
    """The open documents as their readers must see them: a document read while its last
    edits are still being reparsed (`Engine.analyse_in_background`) is finished first."""

    def __init__(self, store: DocumentStore, finish: Callable[[str | None], None]) -> None:
        self._store = store
        self._finish = finish

    def get(self, uri: str) -> Document | None:
        self._finish(uri)
        return self._store.get(uri)

    def __iter__(self) -> Iterator[Document]:
        self._finish(None)
        return iter(self._store)

    def __contains__(self, uri: str) -> bool:
        return uri in self._store

    def __len__(self) -> int:
        return len(self._store)


class Engine:
    """Open documents and their current findings."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._documents = DocumentStore()
        self._settled = SettledDocuments(self._documents, self._finish_pending)
        self._reparsing: set[str] = set()
        """Documents edited since their last analysis: reparse unfinished, or its results
        not analysed yet."""
        self._unreported: dict[str, list[EditResult]] = {}
        """Analysed results of edits whose handler has not taken them yet."""
        self.reviews = ReviewStore()
        self.rules = RuleProducer()
        """Local rule findings, cached per unit: only changed units run the queries again."""
        self.extra = ExtraRuleProducer()
        """A project's rules (``.peer/rules``) and the enabled plugins': none until
        `set_extra_rules`."""
        self.syntax = SyntaxReporter()
        """Syntax findings under the syntaxErrors policy; remembers each document's errors at
        open."""
        self.dismissed: set[str] = set()
        """Fingerprints of findings the user dismissed: not raised again for the same code."""
        self._findings: dict[str, dict[str, list[Finding]]] = {}
        self._told_oversized: set[str] = set()
        """Documents whose user was told they are over maxFileBytes (once per document)."""
        self._told_rules_off: set[str] = set()
        """Documents whose user was told their local rules are off (once per document)."""

    def open(
        self,
        uri: str,
        text: str,
        language_id: str = "",
        version: int | None = None,
        encoding: Encoding = Encoding.UTF16,
    ) -> Document:
        """Start tracking a document and analyse all of it (unless over maxFileBytes)."""
        with log_context(uri, version):
            document = Document.open(
                uri,
                text,
                language_id,
                version,
                encoding,
                self.settings.max_chunk_lines,
                self.settings.max_file_bytes,
            )
            self._documents.open(document)
            log.debug(
                "opened as %s: %d bytes, %d units",
                document.grammar or "plain text",
                len(document.data),
                len(document.units),
            )
            self._analyse(document, opened=True)
            return document

    @property
    def documents(self) -> SettledDocuments:
        """Every open document, each analysed up to its latest edit when read."""
        return self._settled

    def _finish_pending(self, uri: str | None) -> None:
        """Finish the edits of one document (None: of all) not reparsed or analysed yet."""
        for pending in [uri] if uri is not None else list(self._reparsing):
            if pending in self._reparsing:
                self._finish(pending)

    def change(
        self, uri: str, changes: Sequence[TextChange], version: int | None
    ) -> EditResult | None:
        """Apply editor changes and re-analyse; None when the document is not open."""
        if not self.begin_change(uri, changes, version):
            return None
        results = self.take_results(uri)
        return results[-1] if results else None

    def begin_change(self, uri: str, changes: Sequence[TextChange], version: int | None) -> bool:
        """Apply editor changes to the text, leaving the reparse and the analysis to
        `analyse` or `analyse_in_background` (or to whoever reads the documents first);
        False when the document is not open."""
        document = self._documents.get(uri)
        if document is None:
            log.warning("change to %s ignored: the document is not open", uri)
            return False
        with log_context(uri, version):
            document.begin_changes(changes, version)
        self._reparsing.add(uri)
        return True

    def analyse(self, uri: str) -> None:
        """Reparse and analyse an edited document now (waiting for a background reparse);
        its results wait in `take_results`."""
        if uri in self._reparsing:
            self._finish(uri)

    def analyse_in_background(self, uri: str, done: Callable[[], object]) -> None:
        """Reparse an edited document on the parse thread; ``done`` is called from that
        thread when it ended, after which `analyse` finishes at once."""
        document = self._documents.get(uri)
        if document is None:
            done()
            return
        document.parse_in_background(done)

    def last_parse_ms(self, uri: str) -> float:
        """How long the last complete reparse of a document took (0 before any)."""
        document = self._documents.get(uri)
        return 0.0 if document is None else document.last_parse_ms

    def take_results(self, uri: str) -> list[EditResult]:
        """What the edits of a document did since the last call, analysed, oldest first."""
        self._finish(uri)
        return self._unreported.pop(uri, [])

    def _finish(self, uri: str) -> None:
        """Finish the reparse of an edited document and analyse what its edits changed."""
        document = self._documents.get(uri)
        self._reparsing.discard(uri)
        if document is None:
            return
        document.settle()
        results = document.take_results()
        if not results:
            return
        with log_context(uri, document.version):
            for result in results:
                if result.units:
                    log.debug(
                        "units: %d changed, %d added, %d removed (parse %.2f ms)",
                        len(result.units.changed),
                        len(result.units.added),
                        len(result.units.removed),
                        result.parse_ms,
                    )
                if result.crossed_limit:
                    self._analyse(document)
                elif not document.oversized:
                    self._analyse(document, result.dirty)
        self._unreported.setdefault(uri, []).extend(results)

    def close(self, uri: str) -> None:
        document = self._documents.close(uri)
        if document is not None:
            document.abandon()
        self._reparsing.discard(uri)
        self._unreported.pop(uri, None)
        self._findings.pop(uri, None)
        self._told_oversized.discard(uri)
        self._told_rules_off.discard(uri)
        self.reviews.forget(uri)
        self.rules.forget(uri)
        self.extra.forget(uri)
        self.syntax.forget(uri)

    def oversized_notice(self, uri: str) -> str | None:
        """What to tell the user the first time a document is over maxFileBytes; else None."""
        document = self._documents.get(uri)
        if document is None or not document.oversized or uri in self._told_oversized:
            return None
        self._told_oversized.add(uri)
        name = _name(uri)
        size, limit = _size(len(document.data)), _size(self.settings.max_file_bytes)
        return f"peer-lsp: {name} is {size}, over maxFileBytes ({limit}): not analysed"

    def rules_notice(self, uri: str) -> str | None:
        """What to tell the user when the local rules of a document go off because their
        query ran over its budget; else None."""
        stopped = self.rules.stopped(uri)
        if stopped is None:
            self._told_rules_off.discard(uri)  # on again: told again if they stop again
            return None
        if uri in self._told_rules_off:
            return None
        self._told_rules_off.add(uri)
        _, line = stopped
        until = "it parses again" if self.rules.back_when_parsed(uri) else "it is reopened"
        return (
            f"peer-lsp: {_name(uri)} is too deeply nested or too broken at line {line + 1} to "
            f"search in time: its local rules are off until {until}"
        )

    def findings(self, uri: str) -> list[Finding]:
        """Current findings of an open document: every producer's, plus the model reviews
        that still fit their units, without dismissed or unlikely ones.

        Producers are merged first and ``minConfidence`` applied after: a threshold decides
        what is shown, never what a merged finding is (a rule below it still lends a model
        finding of the same problem its id and severity).
        """
        document = self.documents.get(uri)
        producers = dict(self._findings.get(uri, {}))
        if document is not None:
            producers[MODEL] = list(self.reviews.findings(document))
        return self._shown(document, producers)

    def local_findings(self, uri: str) -> list[Finding]:
        """Current findings of every producer but the model, as shown: what a review prompt
        lists as already known."""
        document = self.documents.get(uri)
        return self._shown(document, dict(self._findings.get(uri, {})))

    def rule_evidence(self, uri: str) -> list[Finding]:
        """Every finding of the enabled local rules, shown or not: the evidence a model
        finding's confidence rests on (`peer_lsp.rules.evidence`). Not filtered by
        ``minConfidence``, dismissals or ``peer: ignore``: how sure a finding is must not
        depend on what the user chose to see."""
        self.documents.get(uri)  # finish a pending reparse first
        return list(self._findings.get(uri, {}).get(RULES, []))

    def _shown(
        self, document: Document | None, producers: dict[str, list[Finding]]
    ) -> list[Finding]:
        floor = self.settings.min_confidence
        merged = [f for f in merge(producers) if f.confidence >= floor]
        if self.dismissed:
            merged = [f for f in merged if f.fingerprint not in self.dismissed]
        if document is not None and merged:
            found = suppressions(document)
            if found:
                merged = [f for f in merged if not is_suppressed(f, found, document)]
        return merged

    def reanalyse_all(self) -> None:
        """Run every producer again on every open document (after a settings change),
        parsing again those that maxFileBytes no longer keeps out, or dropping the trees of
        those it now does."""
        for document in self.documents:
            document.set_max_bytes(self.settings.max_file_bytes)
            self._analyse(document)

    def _analyse(
        self,
        document: Document,
        changed: Sequence[tuple[int, int]] | None = None,
        opened: bool = False,
    ) -> None:
        """Run the producers; ``changed``: the byte ranges an edit changed (None: all);
        ``opened``: the document was just opened."""
        producers = self._findings.setdefault(document.uri, {})
        if document.oversized:
            log.info(
                "not analysed: %d bytes is over maxFileBytes (%d)",
                len(document.data),
                self.settings.max_file_bytes,
            )
            producers.clear()
            return
        setting = self.settings.syntax_errors
        test_code = self.settings.test_code
        if opened:
            producers[SYNTAX] = self.syntax.opened(document, setting, test_code)
        else:
            producers[SYNTAX] = self.syntax.changed(document, setting, changed, test_code)
        producers[RULES] = self.rules.findings(document, self.settings, changed)
        if self.extra:
            producers[PROJECT] = self.extra.findings(document, self.settings, changed)
        else:
            producers.pop(PROJECT, None)

    def set_extra_rules(self, loaded: Iterable[LoadedExtra]) -> None:
        """Run these project and plugin rules from now on, on every open document."""
        self.extra.configure(loaded)
        for document in self.documents:
            if not document.oversized:
                self._analyse(document)


def _name(uri: str) -> str:
    """The file name of a URI, as a user reads it."""
    return unquote(uri.rstrip("/").rsplit("/", 1)[-1])


def _size(count: int) -> str:
    """A byte count as people read it: 10.5 MB, 2 MB, 1.4 kB, 900 bytes."""
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if count >= scale:
            return f"{count / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"


def analyse_text(
    path: str,
    text: str,
    settings: Settings | None = None,
    language_id: str = "",
    extra: Iterable[LoadedExtra] = (),
) -> tuple[Document, list[Finding]]:
    """Analyse one file's text headless, as `peer check` does (``extra``: the project's rules
    and the plugins')."""
    engine = Engine(settings)
    engine.extra.configure(extra)
    document = engine.open(path, text, language_id)
    return document, engine.findings(path)
