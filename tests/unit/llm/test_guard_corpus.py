"""No secret of the corpus reaches a model: not through the prompt a unit becomes, not through
the guard's own scan of raw text; and files without secrets are sent exactly as written.

The corpus (secret_corpus.py) holds each secret in the syntaxes real files use. The prompt
path is the one the server and `peer check` take: a `Document` opened from the file's path
(its language picks units, or line chunks when no grammar knows it), `build_review_request`
for every unit, then `Guard.prepare`, whose result is what a provider receives.
"""

from __future__ import annotations

import random

import pytest
from secret_corpus import NEGATIVES, SAMPLES, Filled, Sample, leaks, materialize

from peer_lsp.documents.store import Document
from peer_lsp.llm.guard import Guard, redact
from peer_lsp.review.prompts import build_review_request
from peer_lsp.settings import Settings

SEED = 0x5EC2E7


def _filled(sample: Sample) -> Filled:
    """The sample with values of its own: the same for a sample in every test, per seed."""
    return materialize(sample, random.Random(f"{SEED}:{sample.id}"))


def sent_for(path: str, text: str) -> list[str]:
    """Every message a provider would receive for ``path`` holding ``text``."""
    document = Document.open(f"file:///project/{path}", text)
    guard = Guard(Settings(send_exclude=()))
    messages = []
    for unit in document.units:
        request = guard.prepare(build_review_request(unit, document, path=path), "p", "m")
        messages += [request.system, request.user]
    return messages


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_no_secret_in_what_is_sent(sample: Sample) -> None:
    filled = _filled(sample)
    sent = "\n".join(sent_for(sample.path, filled.text))
    assert sent, "the file became no request at all"
    assert leaks(filled, sent) == []


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_the_guard_alone_redacts_the_raw_file(sample: Sample) -> None:
    filled = _filled(sample)
    assert leaks(filled, redact(filled.text).text) == []


@pytest.mark.parametrize("sample", NEGATIVES, ids=lambda s: s.id)
def test_files_without_secrets_are_sent_as_written(sample: Sample) -> None:
    assert redact(sample.text).text == sample.text
    sent = "\n".join(sent_for(sample.path, sample.text))
    assert "<redacted:" not in sent
    document = Document.open(f"file:///project/{sample.path}", sample.text)
    for unit in document.units:
        for line in unit.text.splitlines():
            assert line.strip() in sent
