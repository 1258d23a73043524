"""A Redis cache that degrades to "always a miss" while Redis is unreachable, so pages still render.

Django's RedisCache raises on a connection error; every page using a cached fragment (navigation, the
dashboard) would then fail with a 500 when Redis stops. Here reads return the default, writes are
dropped and a warning is logged; everything works again as soon as Redis is back. `incr` on a missing key
still raises ValueError, as callers expect.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _guard(name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(ResilientRedisCacheClient, self), name)(*args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("cache unreachable (%s): %s", name, error)
            return fallback(*args, **kwargs)

    method.__name__ = name
    return method


class ResilientRedisCacheClient(RedisCacheClient):
    get = _guard("get", lambda key, default=None: default)
    get_many = _guard("get_many", lambda keys: {})
    has_key = _guard("has_key", lambda key: False)
    add = _guard("add", lambda *a, **k: False)
    set = _guard("set", lambda *a, **k: None)
    set_many = _guard("set_many", lambda *a, **k: [])
    touch = _guard("touch", lambda *a, **k: False)
    delete = _guard("delete", lambda *a, **k: False)
    delete_many = _guard("delete_many", lambda *a, **k: None)
    clear = _guard("clear", lambda *a, **k: False)

    def incr(self, key, delta=1):
        try:
            return super().incr(key, delta)
        except UNREACHABLE as error:
            logger.warning("cache unreachable (incr): %s", error)
            raise ValueError("cache unreachable") from error


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
