"""Everything that can go wrong with a model call, as one tree the router can act on.

```
LLMError                       kind            router action
├── ConfigurationError         CONFIG          give up: the user must fix settings
├── AuthError                  AUTH            open the breaker, fall through
├── QuotaExhausted             QUOTA           open the breaker long, fall through
├── RateLimited                RATE_LIMITED    retry after the hint, else fall through
├── Overloaded                 OVERLOADED      retry with backoff, then fall through
├── ServerError                SERVER          retry with backoff, then fall through
│   └── UnusableAnswer         SERVER          fall through; the breaker is not told
├── ProviderTimeout            TIMEOUT         retry with backoff, then fall through
├── ConnectFailed              CONNECT         retry with backoff, then fall through
├── ContextOverflow            CONTEXT         never retry as is: smaller prompt, or next
├── InvalidRequest             INVALID         give up (our request is wrong)
├── ModelNotFound              NOT_FOUND       fall through
├── Truncated                  TRUNCATED       retry (a cut stream), else fall through
│   └── OutputLimit            TRUNCATED       fall through; the breaker is not told
├── Refused                    REFUSED         give up, report
├── BudgetExhausted            BUDGET          not sent: a provider's budget falls through,
│                                              the overall one gives up; never the breaker
└── Cancelled / DeadlineExceeded               give up
```

Messages never contain an API key: adapters build them from status and vendor error text.
"""

from __future__ import annotations

import enum


class ErrorKind(enum.StrEnum):
    CONFIG = "config"
    AUTH = "auth"
    QUOTA = "quota"
    RATE_LIMITED = "rate_limited"
    OVERLOADED = "overloaded"
    SERVER = "server"
    TIMEOUT = "timeout"
    CONNECT = "connect"
    CONTEXT = "context_overflow"
    INVALID = "invalid_request"
    NOT_FOUND = "not_found"
    TRUNCATED = "truncated"
    REFUSED = "refused"
    DEADLINE = "deadline"
    BUDGET = "budget"


RETRYABLE = frozenset(
    {
        ErrorKind.RATE_LIMITED,
        ErrorKind.OVERLOADED,
        ErrorKind.SERVER,
        ErrorKind.TIMEOUT,
        ErrorKind.CONNECT,
        ErrorKind.TRUNCATED,
    }
)
"""Kinds worth another attempt on the same provider."""

FALL_THROUGH = RETRYABLE | {ErrorKind.AUTH, ErrorKind.QUOTA, ErrorKind.NOT_FOUND, ErrorKind.CONTEXT}
"""Kinds after which the next provider of the route is tried."""


class LLMError(Exception):
    """A failed model call.

    ``retry_after`` is the server's hint in seconds, when it gave one; ``status`` the HTTP
    status, when there was a response; ``retry`` an explicit server verdict
    (``x-should-retry``) that overrides the kind.
    """

    kind: ErrorKind = ErrorKind.SERVER
    blames_provider: bool = True
    """Whether the failure says the provider is unwell, and counts against its circuit
    breaker. Not when our request was wrong or too large, a budget kept it, or the answer
    came complete but unusable: the provider answered."""

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        status: int | None = None,
        retry_after: float | None = None,
        retry: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status = status
        self.retry_after = retry_after
        self.retry = retry

    @property
    def retryable(self) -> bool:
        if self.retry is not None:
            return self.retry
        return self.kind in RETRYABLE

    @property
    def falls_through(self) -> bool:
        return self.kind in FALL_THROUGH

    def __str__(self) -> str:
        where = f"{self.provider}: " if self.provider else ""
        status = f" (HTTP {self.status})" if self.status else ""
        return f"{where}{self.message}{status}"


class ConfigurationError(LLMError):
    kind = ErrorKind.CONFIG


class AuthError(LLMError):
    kind = ErrorKind.AUTH


class QuotaExhausted(LLMError):
    kind = ErrorKind.QUOTA


class RateLimited(LLMError):
    kind = ErrorKind.RATE_LIMITED


class Overloaded(LLMError):
    kind = ErrorKind.OVERLOADED


class ServerError(LLMError):
    kind = ErrorKind.SERVER


class UnusableAnswer(ServerError):
    """A complete answer without the shape the caller asked for (prose instead of findings
    JSON): not worth asking the same model again, and no sign that the provider is down, so
    it does not count against the circuit breaker (a batch the model could not answer is
    asked again in smaller requests, which must still get through)."""

    blames_provider = False


class ProviderTimeout(LLMError):
    kind = ErrorKind.TIMEOUT


class ConnectFailed(LLMError):
    kind = ErrorKind.CONNECT


class ContextOverflow(LLMError):
    kind = ErrorKind.CONTEXT
    blames_provider = False


class InvalidRequest(LLMError):
    kind = ErrorKind.INVALID
    blames_provider = False


class ModelNotFound(LLMError):
    kind = ErrorKind.NOT_FOUND


class Truncated(LLMError):
    kind = ErrorKind.TRUNCATED


class OutputLimit(Truncated):
    """A complete answer cut at the output token limit (``finish_reason: length``): the
    request asked for too much, the provider is fine (unlike a stream cut off)."""

    blames_provider = False


class Refused(LLMError):
    kind = ErrorKind.REFUSED
    blames_provider = False


class DeadlineExceeded(LLMError):
    kind = ErrorKind.DEADLINE


class BudgetExhausted(LLMError):
    """A request not sent because a token or cost budget is spent (`peer_lsp.llm.budget`).

    ``overall``: the budget of every provider (``dailyTokenLimit``, ...), after which no
    provider is tried; else one provider's own, after which the route's next one is. Never a
    failure of the provider: its breaker does not count it.
    """

    kind = ErrorKind.BUDGET
    blames_provider = False

    def __init__(self, message: str, *, provider: str = "", overall: bool = True) -> None:
        super().__init__(message, provider=provider, retry=False)
        self.overall = overall

    @property
    def falls_through(self) -> bool:
        return not self.overall


ERROR_CLASSES: dict[ErrorKind, type[LLMError]] = {
    cls.kind: cls
    for cls in (
        ConfigurationError, AuthError, QuotaExhausted, RateLimited, Overloaded, ServerError,
        ProviderTimeout, ConnectFailed, ContextOverflow, InvalidRequest, ModelNotFound,
        Truncated, Refused, DeadlineExceeded, BudgetExhausted,
    )
}  # fmt: skip


def error_for(kind: ErrorKind, message: str, **details: object) -> LLMError:
    """An error of the class that belongs to ``kind``."""
    return ERROR_CLASSES[kind](message, **details)  # type: ignore[arg-type]
