"""One vocabulary of secret names: what the hard-coded-secret rules flag, the guard redacts."""

from __future__ import annotations

import pytest

from peer_lsp.llm.guard import name_kind
from peer_lsp.rules.credentials import is_secret_name
from peer_lsp.secret_names import identifier_words, name_words

FLAGGED = (
    "password", "db_password", "DATABASE_PASSWORD", "PGPASSWORD", "dbPassword", "db-passwd",
    "MYSQL_PWD", "adminPassphrase", "secret", "client_secret", "clientSecret", "SECRET_KEY",
    "webhookSecret", "api_key", "apiKey", "x-api-key", "APIKEY", "private_key", "privateKey",
    "access_key", "signing_key", "encryption_key", "auth_token", "accessToken", "apiToken",
    "refresh_token", "session_token", "_authToken",
)  # fmt: skip
"""Names that say they hold a stored credential: the rules flag them, the guard redacts."""

GUARD_ONLY = ("token", "TOKEN", "credentials", "auth", "creds", "secret_key_base", "cookie")
"""Names the guard looks at (asking more of the value) that the rules leave alone."""

NEITHER = (
    "password_hash", "password_prompt", "passwordLabel", "PASSWORD_MIN_LENGTH", "tokenizer",
    "keyboard", "monkey", "author", "passport", "bypass_cache",
)  # fmt: skip


@pytest.mark.parametrize("name", FLAGGED)
def test_what_the_rules_flag_the_guard_redacts_as_a_named_secret(name: str) -> None:
    assert is_secret_name(name)
    found = name_kind(name)
    assert found is not None
    assert found[1] != "entropy", found


@pytest.mark.parametrize("name", GUARD_ONLY)
def test_names_only_the_guard_watches(name: str) -> None:
    assert not is_secret_name(name)
    assert name_kind(name) is not None


@pytest.mark.parametrize("name", NEITHER)
def test_names_that_hold_no_secret(name: str) -> None:
    assert not is_secret_name(name)
    found = name_kind(name)
    assert found is None or found[1] == "entropy", found


@pytest.mark.parametrize("key", ["AWS::Secret", "the password", "db password"])
def test_keys_not_spelled_like_names_are_no_secret_names(key: str) -> None:
    assert not is_secret_name(key)


def test_names_split_into_the_same_words_everywhere() -> None:
    spellings = ("dbPassword", "DB_PASSWORD", "db-password", "db.password", "DbPassword")
    assert {name_words(name) for name in spellings} == {("db", "password")}
    assert identifier_words("HTTPToken") == "http_token"
