"""Personal data in code, masked before it leaves the machine: e-mail addresses, phone
numbers, payment cards, IBANs and national ID numbers.

Code holds such data in fixtures, seeds, comments and test cases; a reviewer needs its
shape, never its value. Each kind is a `Detector` like the secrets' (`detectors`), so the
same placeholders and audit counts apply. Numbers are checked beyond their shape wherever a
check exists (Luhn for cards, mod 97 for IBANs, the issuers' rules for SSNs and NINOs), and
phone numbers need the punctuation people write them with, so that ids, timestamps, version
numbers and hashes in code stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from peer_lsp.llm.redaction.detectors import Detector

EMAIL = "email"
PHONE = "phone"
PAYMENT_CARD = "payment-card"
IBAN = "iban"
NATIONAL_ID = "national-id"
KINDS = (EMAIL, PHONE, PAYMENT_CARD, IBAN, NATIONAL_ID)
"""Every kind of personal data peer masks, in the order they are looked for."""

_NOT_WORD = r"(?<![A-Za-z0-9_.+\-])"
_END_NUMBER = r"(?![0-9A-Za-z])"

_TLDS = frozenset(
    {
        "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "io",
        "dev", "app", "ai", "co", "me", "tv", "cc", "xyz", "tech", "email", "online", "site",
        "cloud", "mail", "today", "news", "blog", "shop", "store", "page",
    }
)  # fmt: skip
"""Generic top-level domains accepted besides every two-letter (country) one: a name after
``@`` in code is as likely ``matrix@weights.shape`` (Python's matmul) as an address."""


def _email_domain(address: str) -> bool:
    tld = address.rsplit(".", 1)[-1]
    return (len(tld) == 2 and tld.isalpha()) or tld.lower() in _TLDS


def _luhn(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        doubled = digit * 2 if index % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


_CARD_PREFIX = re.compile(r"4|5[1-5]|2[2-7]|3[47]|6(?:011|5|4[4-9])|3(?:0[0-5]|[68])|35")
"""Visa, Mastercard, American Express, Discover, Diners Club and JCB issuer prefixes."""


def _payment_card(text: str) -> bool:
    """Luhn-valid with an issuer's prefix. Without separators, only the commonest lengths
    (16 digits, or 15 for American Express), since code is full of long integer constants."""
    digits = re.sub(r"[ -]", "", text)
    if not 13 <= len(digits) <= 19 or len(set(digits)) < 2:
        return False
    amex = digits.startswith(("34", "37"))
    if digits == text and len(digits) != (15 if amex else 16):
        return False
    return bool(_CARD_PREFIX.match(digits)) and _luhn(digits)


def _iban(text: str) -> bool:
    compact = text.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1


def _ssn(text: str) -> bool:
    area, group, serial = text.split("-")
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def _phone(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    return 8 <= digits <= 15


def _detector(kind: str, regex: str, check: Callable[[str], bool] | None = None) -> Detector:
    return Detector(kind, re.compile(regex, re.ASCII), check=check)


DETECTORS: dict[str, tuple[Detector, ...]] = {
    EMAIL: (
        _detector(
            EMAIL,
            _NOT_WORD + r"(?P<secret>[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@"
            r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})"
            r"(?![A-Za-z0-9\-])",
            _email_domain,
        ),
    ),
    PAYMENT_CARD: (
        _detector(
            PAYMENT_CARD,
            r"(?<![0-9A-Za-z_.\-])(?P<secret>[2-6][0-9]{3}(?:[ -]?[0-9]{2,4}){2,4}[0-9]{0,3})"
            + _END_NUMBER,
            _payment_card,
        ),
    ),
    IBAN: (
        _detector(
            IBAN,
            r"(?<![0-9A-Za-z_])(?P<secret>[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}"
            r"(?: ?[A-Z0-9]{1,3})?)" + _END_NUMBER,
            _iban,
        ),
    ),
    NATIONAL_ID: (
        # United States Social Security number, written with its dashes.
        _detector(
            NATIONAL_ID,
            r"(?<![0-9A-Za-z_\-])(?P<secret>[0-9]{3}-[0-9]{2}-[0-9]{4})" + r"(?![0-9A-Za-z\-])",
            _ssn,
        ),
        # United Kingdom National Insurance number (the prefixes HMRC never issues left out).
        _detector(
            NATIONAL_ID,
            r"(?<![0-9A-Za-z_])(?P<secret>(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z]"
            r"[A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D])(?![0-9A-Za-z])",
        ),
    ),
    PHONE: (
        # International: +CC and groups separated by spaces, dots, dashes or a parenthesis.
        _detector(
            PHONE,
            r"(?<![0-9A-Za-z_+])(?P<secret>\+[1-9][0-9]{0,2}[ .\-]?(?:\([0-9]{1,4}\)[ .\-]?)?"
            r"[0-9]{1,4}(?:[ .\-][0-9]{2,4}){1,4})(?![0-9A-Za-z])",
            _phone,
        ),
        # North American: (555) 123-4567, 555-123-4567 or 555.123.4567.
        _detector(
            PHONE,
            r"(?<![0-9A-Za-z_\-.])(?P<secret>\([2-9][0-9]{2}\) ?[2-9][0-9]{2}-[0-9]{4}"
            r"|[2-9][0-9]{2}-[2-9][0-9]{2}-[0-9]{4}|[2-9][0-9]{2}\.[2-9][0-9]{2}\.[0-9]{4})"
            r"(?![0-9A-Za-z\-.])",
        ),
    ),
}


def personal_detectors(kinds: Iterable[str]) -> tuple[Detector, ...]:
    """The detectors of the ``kinds`` asked for (names from `KINDS`), in `KINDS` order."""
    wanted = set(kinds)
    return tuple(d for kind in KINDS if kind in wanted for d in DETECTORS[kind])
