"""What the llm package reads from the user's settings, as protocols.

`peer_lsp.settings.model.Settings` satisfies each of them, so the settings can name llm's
defaults and check provider entries without llm ever importing the settings.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence


class GuardSettings(typing.Protocol):
    """The settings the guard reads (`peer_lsp.settings.model.Settings` has them)."""

    @property
    def send_exclude(self) -> Sequence[str]: ...
    @property
    def max_request_tokens(self) -> int: ...
    @property
    def audit_log(self) -> str: ...
    @property
    def mask_personal_data(self) -> Sequence[str]: ...


class CacheSettings(typing.Protocol):
    """The settings the cache reads (`peer_lsp.settings.model.Settings` has them)."""

    @property
    def cache_dir(self) -> str: ...
    @property
    def cache_max_mb(self) -> int: ...
    @property
    def cache_ttl_days(self) -> float: ...
    @property
    def redis_url(self) -> str: ...


class BudgetSettings(typing.Protocol):
    """The settings the budgets read (`peer_lsp.settings.model.Settings` has them)."""

    @property
    def usage_ledger(self) -> str: ...
    @property
    def daily_token_limit(self) -> int: ...
    @property
    def daily_cost_limit(self) -> float: ...
    @property
    def run_token_limit(self) -> int: ...
    @property
    def run_cost_limit(self) -> float: ...


class RouterSettings(GuardSettings, CacheSettings, BudgetSettings, typing.Protocol):
    """The settings a router is built from (`peer_lsp.settings.model.Settings` has them)."""

    @property
    def providers(self) -> Sequence[Mapping[str, typing.Any]]: ...
    @property
    def routes(self) -> Sequence[Mapping[str, typing.Any]]: ...
    @property
    def ollama_autodetect(self) -> bool: ...
