"""One rate limit and one daily budget per provider, shared through Redis by every process
that uses the same ``redisUrl``: the runners of a CI matrix (``peer check --shard K/N``)
together stay within what one API key allows, instead of each taking all of it.

`peer_lsp.llm.factory` uses them for command-line runs (`peer check`, ``fix``, ``explain``)
when ``redisUrl`` is set; the editor's server keeps its own bucket and the user's SQLite
ledger. Keys live under ``peer-lsp:`` beside the cached answers, never elsewhere.

**Rate limit** (`SharedBucket`, a provider's ``requestsPerMinute``): one token bucket per
provider id in ``peer-lsp:rate:<provider>``, with the in-process bucket's rate and burst
(`peer_lsp.llm.resilience.TokenBucket`). One Lua script, atomic in Redis, refills it by the
time passed on the Redis server's clock (the runners' clocks do not matter) and takes a
token; when none is left the balance goes negative and the caller is told how long to wait
for its own turn, so callers are served in the order they asked, one round trip each. Over
any stretch of T seconds all processes together start at most ``burst + rate * T`` requests.
When Redis cannot be reached the lane warns once and limits itself alone for
``REDIS_RETRY_AFTER`` seconds before asking Redis again: a rate limit that fails only costs
429s, which the router retries.

**Daily budget** (`RedisLedger`, ``dailyTokenLimit`` / ``dailyCostLimit``, overall and per
provider): the usage ledger of `peer_lsp.llm.ledger` with the same contract, kept in Redis:
per UTC day a hash of tokens, cost and requests per provider
(``peer-lsp:usage:<day>``) and one of live reservations (``peer-lsp:reserved:<day>``), both
expiring a week after their last write. `RedisLedger.reserve` reads the day's use and the
live reservations and adds its own in one optimistic transaction (WATCH / MULTI, retried
when another process wrote in between), so two runners near a limit cannot both take the
last of it. Redis unreachable is a `LedgerError`: with a daily limit the request is refused,
as `peer_lsp.llm.budget` does for a SQLite ledger that cannot be written. Run limits
(``runTokenLimit``, ``runCostLimit``) stay each process's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
import typing

from peer_lsp.llm.cache.redis_cache import REDIS_NAMESPACE, REDIS_RETRY_AFTER, redacted_url
from peer_lsp.llm.ledger import DayUse, LedgerError, Spent
from peer_lsp.llm.resilience import Clock, Sleep, TokenBucket

if typing.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import redis
    import redis.asyncio

log = logging.getLogger(__name__)

LIMITS_TIMEOUT_S = 5.0
"""Connect and operation timeout: longer than the cache's, because a limit that is not asked
is not held, and a process busy analysing files answers its sockets late."""
DAY_KEY_TTL_S = 7 * 86_400
"""How long a day's usage and reservations are kept after their last write."""
WATCH_RETRIES = 100
"""Attempts of one reservation while other processes keep writing the same day."""

_TAKE = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or now
if now > updated then
  tokens = math.min(capacity, tokens + (now - updated) * rate)
  updated = now
end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens),
           'updated', string.format('%.17g', updated))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 60)
if tokens >= 0 then return '0' end
return string.format('%.17g', -tokens / rate)
"""
"""Refill by the server's time, take a token, and answer the seconds to wait (0: none)."""


class SharedLimits:
    """The Redis client the shared buckets use, and the buckets, one per provider."""

    def __init__(
        self, url: str, *, namespace: str = REDIS_NAMESPACE, sleep: Sleep = asyncio.sleep
    ) -> None:
        """Raise ValueError when ``url`` is not a Redis URL; nothing is connected yet."""
        import redis.asyncio
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        self.location = redacted_url(url)
        self.prefix = f"{namespace}:rate:"
        self._sleep = sleep
        self._client: redis.asyncio.Redis = redis.asyncio.Redis.from_url(
            url,
            socket_connect_timeout=LIMITS_TIMEOUT_S,
            socket_timeout=LIMITS_TIMEOUT_S,
            retry=Retry(NoBackoff(), 0),
        )
        self._take = self._client.register_script(_TAKE)

    def bucket(self, provider: str, per_minute: float) -> SharedBucket:
        """The shared bucket of ``provider`` at ``per_minute`` requests a minute."""
        return SharedBucket(self, provider, per_minute)

    async def take(self, provider: str, rate: float, capacity: float) -> float:
        """Take a token of ``provider``'s bucket: the seconds to wait for it."""
        answer = await self._take(keys=[self.prefix + provider], args=[rate, capacity])
        text = answer.decode() if isinstance(answer, bytes) else str(answer)
        return max(float(text), 0.0)

    async def aclose(self) -> None:
        await self._client.aclose()


class SharedBucket:
    """A provider's ``requestsPerMinute``, shared by every process on the same Redis."""

    def __init__(
        self, limits: SharedLimits, provider: str, per_minute: float, clock: Clock = time.monotonic
    ) -> None:
        self.provider = provider
        self.local = TokenBucket(per_minute, clock=clock, sleep=limits._sleep)
        """The same limit for this process alone, used while Redis cannot be reached."""
        self._limits = limits
        self._clock = clock
        self._local_until = 0.0
        self._warned = False

    async def acquire(self) -> None:
        """Wait for this request's turn across all processes."""
        if self._clock() < self._local_until:
            await self.local.acquire()
            return
        try:
            wait = await self._limits.take(self.provider, self.local.rate, self.local.capacity)
        except Exception as error:  # any Redis failure: limit this process alone for a while
            self._local_until = self._clock() + REDIS_RETRY_AFTER
            if not self._warned:
                self._warned = True
                log.warning(
                    "shared rate limit of provider %r in Redis (%s) cannot be used (%s); "
                    "limiting this process alone meanwhile",
                    self.provider,
                    self._limits.location,
                    error or type(error).__name__,
                )
            await self.local.acquire()
            return
        if wait > 0:
            await self._limits._sleep(wait)


class RedisLedger:
    """The usage ledger (`peer_lsp.llm.ledger.Ledger`'s contract) kept in Redis."""

    def __init__(self, url: str, *, namespace: str = REDIS_NAMESPACE) -> None:
        """Raise ValueError when ``url`` is not a Redis URL; nothing is connected yet."""
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.path = f"Redis {redacted_url(url)}"
        """Where the ledger is, for messages (the SQLite ledger's is its file)."""
        self.namespace = namespace
        self._client: redis.Redis = redis.Redis.from_url(
            url,
            socket_connect_timeout=LIMITS_TIMEOUT_S,
            socket_timeout=LIMITS_TIMEOUT_S,
            retry=Retry(NoBackoff(), 0),
        )

    def _keys(self, day: str) -> tuple[str, str]:
        return f"{self.namespace}:usage:{day}", f"{self.namespace}:reserved:{day}"

    def close(self) -> None:
        self._client.close()

    def use(self, day: str, *, reserved: bool = False, now: float = 0.0) -> DayUse:
        """The day's use per provider; with ``reserved``, also the live reservations."""
        usage_key, reserved_key = self._keys(day)
        with self._errors():
            used = self._client.hgetall(usage_key)
            held = self._client.hgetall(reserved_key) if reserved else None
        return _day_use(used, held, now)

    def reserve(
        self,
        day: str,
        provider: str,
        want: Spent,
        expires: float,
        *,
        now: float,
        refuse: Callable[[DayUse], str | None],
    ) -> int | str:
        """Reserve ``want`` unless ``refuse`` (shown the day's use, reservations included)
        gives a reason: the reservation's id, or the reason."""
        from redis.exceptions import WatchError

        usage_key, reserved_key = self._keys(day)
        with self._errors():
            # redis-py types its commands for both clients: sync result or awaitable
            counter = typing.cast("int", self._client.incr(f"{self.namespace}:reservation"))
            number = int(counter)
            for _ in range(WATCH_RETRIES):
                with self._client.pipeline(transaction=True) as pipe:
                    try:
                        pipe.watch(usage_key, reserved_key)  # type: ignore[no-untyped-call]
                        held = pipe.hgetall(reserved_key)
                        use = _day_use(pipe.hgetall(usage_key), held, now)
                        reason = refuse(use)
                        if reason is not None:
                            return reason
                        pipe.multi()
                        expired = _expired(held, now)
                        if expired:
                            pipe.hdel(reserved_key, *expired)
                        entry = {"provider": provider, "tokens": want.tokens}
                        entry |= {"cost": want.cost, "expires": expires}
                        pipe.hset(reserved_key, str(number), json.dumps(entry))
                        pipe.expire(reserved_key, DAY_KEY_TTL_S)
                        pipe.execute()
                        return number
                    except WatchError:
                        continue
        raise LedgerError(f"the usage ledger in {self.path}: too busy to reserve")

    def settle(
        self,
        reservation: int | None,
        day: str,
        provider: str,
        model: str,
        used: tuple[int, int, float] | None,
    ) -> None:
        """Drop a reservation and record what was used: (input, output tokens, cost); None
        when the request got no answer (nothing is recorded). ``model`` is not kept: the
        budgets count per provider."""
        usage_key, reserved_key = self._keys(day)
        with self._errors(), self._client.pipeline(transaction=True) as pipe:
            if reservation is not None:
                pipe.hdel(reserved_key, str(reservation))
            if used is not None:
                pipe.hincrby(usage_key, f"tokens:{provider}", used[0] + used[1])
                pipe.hincrbyfloat(usage_key, f"cost:{provider}", used[2])
                pipe.hincrby(usage_key, f"requests:{provider}", 1)
                pipe.expire(usage_key, DAY_KEY_TTL_S)
            pipe.execute()

    def _errors(self) -> contextlib.AbstractContextManager[None]:
        return _ledger_errors(self.path)


@contextlib.contextmanager
def _ledger_errors(where: str) -> Iterator[None]:
    """Any Redis failure as a `LedgerError` naming where the ledger is."""
    from redis.exceptions import RedisError

    try:
        yield
    except (RedisError, OSError) as error:
        raise LedgerError(f"the usage ledger in {where} cannot be used: {error}") from None


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _day_use(used: object, held: object | None, now: float) -> DayUse:
    """A `DayUse` from the day's usage hash and, when given, its reservations hash."""
    tokens: dict[str, int] = {}
    costs: dict[str, float] = {}
    for field, value in typing.cast("dict[object, object]", used or {}).items():
        kind, _, provider = _text(field).partition(":")
        if kind == "tokens":
            tokens[provider] = int(_text(value))
        elif kind == "cost":
            costs[provider] = float(_text(value))
    providers = {pid: Spent(tokens.get(pid, 0), costs.get(pid, 0.0)) for pid in {*tokens, *costs}}
    if held is None:
        return DayUse(providers)
    reserved: dict[str, Spent] = {}
    for value in typing.cast("dict[object, object]", held).values():
        entry = _reservation(value)
        if entry is None or entry[3] <= now:
            continue
        pid, amount = entry[0], Spent(entry[1], entry[2])
        reserved[pid] = reserved.get(pid, Spent()) + amount
    return DayUse(providers, reserved)


def _reservation(value: object) -> tuple[str, int, float, float] | None:
    """(provider, tokens, cost, expires) of a stored reservation; None when unreadable."""
    try:
        entry = json.loads(_text(value))
        return (
            str(entry["provider"]),
            int(entry["tokens"]),
            float(entry["cost"]),
            float(entry["expires"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


def _expired(held: object, now: float) -> list[str]:
    """The ids of reservations past their expiry (or unreadable)."""
    gone = []
    for field, value in typing.cast("dict[object, object]", held or {}).items():
        entry = _reservation(value)
        if entry is None or entry[3] <= now or math.isnan(entry[3]):
            gone.append(_text(field))
    return gone
