"""Django's Redis cache, with one Redis client object per connection pool instead of one per call.

Django builds a new ``redis.Redis`` for every cache operation (``RedisCacheClient.get_client``); its
constructor fills a table of ~170 response callbacks each time, which was ≈ 4 % of a ballot POST's CPU
(a session read, a rate-limit check). A ``redis.Redis`` is thread-safe and holds no connection of its
own (the pool does), so one per pool is kept. Behaviour, keys and the pools are Django's.
"""
from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
