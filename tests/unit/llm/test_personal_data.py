"""Personal data masked before code leaves the machine: each kind found where people write
it, checked where a checksum exists, and left alone in the shapes code is full of."""

from __future__ import annotations

import json
import sysconfig
from collections import Counter
from pathlib import Path

import pytest

from peer_lsp.llm.guard import Guard
from peer_lsp.llm.redaction.personal import KINDS, personal_detectors
from peer_lsp.llm.redaction.redact import redact, redact_prompt
from peer_lsp.llm.types import LLMRequest, Task
from peer_lsp.settings.model import Settings

FOUND = [
    ("email", 'owner = "jane.doe@example.com"', "jane.doe@example.com"),
    ("email", "# reach j.doe+alerts@mail.co.uk", "j.doe+alerts@mail.co.uk"),
    ("phone", 'support = "+1 (415) 555-0132"', "+1 (415) 555-0132"),
    ("phone", 'office = "+44 20 7946 0958"', "+44 20 7946 0958"),
    ("phone", "call (415) 555-0132 today", "(415) 555-0132"),
    ("phone", 'fax = "415-555-0199"', "415-555-0199"),
    ("payment-card", 'card = "4111 1111 1111 1111"', "4111 1111 1111 1111"),
    ("payment-card", "CARD = 5500005555555559", "5500005555555559"),
    ("payment-card", 'amex = "3782 822463 10005"', "3782 822463 10005"),
    ("iban", 'iban = "GB82 WEST 1234 5698 7654 32"', "GB82 WEST 1234 5698 7654 32"),
    ("iban", "'DE89370400440532013000'", "DE89370400440532013000"),
    ("national-id", 'ssn = "123-45-6789"', "123-45-6789"),
    ("national-id", 'nino = "AB 12 34 56 C"', "AB 12 34 56 C"),
]

LEFT_ALONE = [
    "result = matrix@weights.shape",  # Python's matmul, not an address
    "@dataclass(frozen=True)",
    'card = "4111 1111 1111 1112"',  # fails the Luhn check
    "BIG = 2305843009213693951",  # a Mersenne prime: 19 digits, no separators
    "NANOS = 1700000000000000",  # a timestamp
    'iban = "GB83 WEST 1234 5698 7654 32"',  # fails mod 97
    'ssn = "666-45-6789"',  # never issued
    'day = "2024-01-15"',
    'ip = "192.168.100.200"',
    'version = "10.2.3.4"',
    'uid = "123e4567-e89b-12d3-a456-426614174000"',
    "pi = 3.14159265358979",
    'sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',
    "range(1000000, 2000000)",
]


@pytest.mark.parametrize(("kind", "line", "value"), FOUND)
def test_each_kind_is_masked_where_people_write_it(kind: str, line: str, value: str) -> None:
    masked = redact(line, personal=KINDS)

    assert value not in masked.text
    assert f"<redacted:{kind}:" in masked.text
    assert masked.kinds == Counter({kind: 1})


@pytest.mark.parametrize("line", LEFT_ALONE)
def test_shapes_code_is_full_of_are_left_alone(line: str) -> None:
    assert redact(line, personal=KINDS).text == line


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_can_be_switched_off(kind: str) -> None:
    lines = "\n".join(line for k, line, _ in FOUND if k == kind)
    others = tuple(k for k in KINDS if k != kind)

    assert kind not in redact(lines, personal=others).kinds
    assert redact(lines, personal=()).text == lines


def test_no_personal_data_found_in_the_standard_librarys_own_code() -> None:
    """Real code nobody here wrote: outside its tests, the standard library holds authors'
    e-mail addresses (which are masked) and no number of any personal kind."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    numbers = [k for k in KINDS if k != "email"]
    found = []
    files = 0
    for path in stdlib.rglob("*.py"):
        if {"test", "tests", "idlelib", "site-packages"} & set(path.parts):
            continue
        files += 1
        text = path.read_text(encoding="utf-8", errors="replace")
        for detector in personal_detectors(numbers):
            found += [(path.name, text[s:e]) for s, e, _ in detector.spans(text)]
    assert files > 500
    assert found == []


def test_numbered_code_in_a_prompt_is_masked_line_by_line() -> None:
    prompt = "Review this:\n  1 | def notify():\n  2 |     send('ops@example.org')\n"

    masked = redact_prompt(prompt, personal=KINDS)

    assert "ops@example.org" not in masked.text
    assert masked.text.count("\n") == prompt.count("\n")
    assert masked.text.splitlines()[2].startswith("  2 |     send('<redacted:email:")


def _request(user: str) -> LLMRequest:
    return LLMRequest("system", user, task=Task.REVIEW, file="app.py", unit="notify")


def test_the_guard_masks_by_default_and_audits_each_kind(tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    guard = Guard(Settings(audit_log=str(audit)))
    code = "def notify():\n    send('ops@example.org', card='4111 1111 1111 1111')\n"

    prepared = guard.prepare(_request(code), "fake", "m")
    guard.audit(prepared, "fake", "m", "sent")

    assert "ops@example.org" not in prepared.user
    assert "4111" not in prepared.user
    record = json.loads(audit.read_text(encoding="utf-8"))
    assert record["redaction_kinds"] == {"email": 1, "payment-card": 1}
    assert "ops@example.org" not in audit.read_text(encoding="utf-8")


def test_the_guard_sends_what_the_settings_leave_unmasked(tmp_path: Path) -> None:
    guard = Guard(Settings(audit_log=str(tmp_path / "a.jsonl"), mask_personal_data=("phone",)))
    code = "send('ops@example.org', '+44 20 7946 0958')"

    prepared = guard.prepare(_request(code), "fake", "m")

    assert "ops@example.org" in prepared.user
    assert "+44 20 7946 0958" not in prepared.user
