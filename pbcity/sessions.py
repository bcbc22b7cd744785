"""Sessions read from the shared cache (Redis), written through to the database.

docs/decisions.md, "Election-day speed".

Django's ``cached_db`` backend with three changes for the failure modes that matter here:

- **Redis down**: a read falls back to the database row and the page is served (Django's own ``load``
  swallows a failed read but not the failed write that follows it); a failed write or delete is logged.
- **Logout while Redis is unreachable**: the database row goes whatever happens, and the cached copy lives
  at most ``SESSION_CACHE_SECONDS`` (default 10 minutes, not the session's two weeks), so a copy that
  survived in a Redis that comes back cannot bring the session back for longer than that.
- **Redis restarted or emptied** (no persistence, eviction under memory pressure): nobody is logged out;
  the next request reads the row and caches it again.

A request of a signed-in user therefore costs one Redis GET instead of one SELECT on the session table;
the database still holds every session (the ``clearsessions`` job, the admin, and the fallback above).
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.sessions.backends import cached_db

log = logging.getLogger(__name__)


def cache_seconds() -> int:
    return int(getattr(settings, "SESSION_CACHE_SECONDS", 600))


class SessionStore(cached_db.SessionStore):
    cache_key_prefix = "pbcity.session:"

    def _cache_ttl(self, expiry_age: int) -> int:
        return max(0, min(expiry_age, cache_seconds()))

    def load(self):
        return _backend_renamed(self._load())

    def _load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # Redis unreachable: the database has every session
            log.warning("session cache: read failed, using the database", exc_info=True)
            data = None
        if data is not None:
            return data
        s = self._get_session_from_db()
        if not s:
            return {}
        data = self.decode(s.session_data)
        try:
            self._cache.set(self.cache_key, data, self._cache_ttl(self.get_expiry_age(expiry=s.expire_date)))
        except Exception:
            log.warning("session cache: could not store a session read from the database", exc_info=True)
        return data

    def save(self, must_create=False):
        # The database first (the authority), then the cache; a failed cache write only costs a SELECT later.
        super(cached_db.SessionStore, self).save(must_create)
        try:
            self._cache.set(self.cache_key, self._session, self._cache_ttl(self.get_expiry_age()))
        except Exception:
            log.exception("session cache: store failed")

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:  # the copy expires within SESSION_CACHE_SECONDS (module docstring)
            log.exception("session cache: delete failed; the cached copy expires by itself")
        super(cached_db.SessionStore, self).delete(session_key)

    def exists(self, session_key):
        # Only the database decides whether a new key is free (a cache miss proves nothing).
        return super(cached_db.SessionStore, self).exists(session_key)


def _backend_renamed(data: dict) -> dict:
    """A session signed in under Django's or allauth's backend names the backend that now extends it
    (pbcity.auth_backends), so upgrading signs nobody out. The stored copy is left as it is."""
    from django.contrib.auth import BACKEND_SESSION_KEY

    from pbcity.auth_backends import RENAMED

    backend = data.get(BACKEND_SESSION_KEY) if data else None
    if backend in RENAMED:
        data = {**data, BACKEND_SESSION_KEY: RENAMED[backend]}
    return data
