"""The model-answer cache: one small async interface over a disk backend and a shared Redis one.

A review costs seconds and money; the same unit reviewed again with the same prompt and model
costs neither. `key.cache_key` names everything that changes a model's answer; `answers`
holds the stored answer and the interface the router uses (`AnswerCache`, `store_response`).

Backends (`from_settings.open_cache` picks one from the settings):

- `disk_cache.DiskCache`: diskcache in the user cache directory (or ``cacheDir``), bounded by
  ``cacheMaxMb`` with least-recently-used eviction. The default.
- `redis_cache.RedisCache`: a ``redis://`` URL (``redisUrl``), so a team shares its answers.

Entries older than ``cacheTtlDays`` are misses; the age is checked on read against an
injectable clock, and the backends also expire entries themselves. A re-review skips
`AnswerCache.get` but still stores.

A cache only ever speeds things up: a corrupt, unreadable or unreachable cache is a miss (and
a no-op for writes) with one warning per kind of failure, never an exception (`backend`).
Hit, miss and error counts are kept per process and added to counters persisted beside the
entries when the cache is closed, so `peer cache stats` shows them across runs (concurrent
processes may lose an update; the counts are a guide, not a ledger). Every module of the
package logs under the package's name, ``peer_lsp.llm.cache``.
"""
