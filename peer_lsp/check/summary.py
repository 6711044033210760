"""`peer check --summary`: a model's short summary of the run, what changed and the top risks.

The model sees what the run found, not the code: the files checked and each finding's place,
severity, rule and message (the guard redacts them like any prompt). So the summary costs one
small request whatever the size of the change, and an unchanged set of findings is answered
from the cache.
"""

from __future__ import annotations

import hashlib
import typing

from peer_lsp.findings.model import Severity
from peer_lsp.llm.types import LLMRequest, Task
from peer_lsp.review.prompt.templates import load_template, render_template

if typing.TYPE_CHECKING:
    from collections.abc import Sequence

    from peer_lsp.check.report import Located
    from peer_lsp.llm.router import Router

SUMMARY_PROMPT_VERSION = "review-summary-v1"
MAX_FINDINGS = 80
MAX_FILES = 50
MAX_OUTPUT_TOKENS = 700
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2, Severity.HINT: 3}


def summary_request(located: Sequence[Located], files: int) -> LLMRequest:
    """The request asking for the summary of a run that checked ``files`` files and found
    ``located`` (the most severe and surest first, at most `MAX_FINDINGS` of them)."""
    ranked = sorted(
        located, key=lambda item: (_ORDER[item.finding.severity], -item.finding.confidence)
    )
    shown = ranked[:MAX_FINDINGS]
    lines = [
        f"- {item.path}:{item.line} {item.finding.severity.name.lower()} "
        f"[{item.finding.rule_id}] {item.finding.message} ({item.finding.confidence:.0%})"
        for item in shown
    ]
    omitted = len(ranked) - len(shown)
    with_findings = list(dict.fromkeys(item.path for item in located))
    user = render_template(
        load_template(f"{SUMMARY_PROMPT_VERSION}.user"),
        {
            "files_count": str(files),
            "files": "\n".join(f"- {name}" for name in with_findings[:MAX_FILES]),
            "findings_count": str(len(located)),
            "findings": "\n".join(lines) or "(none)",
            "omitted": f"({omitted} less severe findings not listed)" if omitted else "",
        },
    )
    return LLMRequest(
        system=load_template(SUMMARY_PROMPT_VERSION).strip(),
        user=user,
        max_tokens=MAX_OUTPUT_TOKENS,
        task=Task.SUMMARY,
        unit="(summary)",
        prompt_version=SUMMARY_PROMPT_VERSION,
    )


async def summarize(router: Router, request: LLMRequest) -> str:
    """The model's summary; raises `LLMError` when no provider could give one."""
    key = hashlib.sha256(request.user.encode("utf-8")).hexdigest()
    response = await router.complete(request, normalized_code=key)
    return response.text.strip()
