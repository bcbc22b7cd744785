"""Whole-page cache for the public pages anonymous visitors read at load (docs/decisions.md, "Public pages at load").

Only a cookieless anonymous GET of an allow-listed page is served from, or stored in, the shared cache
(Redis in deployment, so every node sees one copy and one invalidation). A request that carries a session
or messages cookie is never cached: a logged-in user always has a session, so per-user pages stay per user.

The key holds the host, scheme, path, the sorted query string, the language, the htmx request headers and a
global *generation*. Every committed write to a model the public pages show replaces the generation
(``bump`` on ``transaction.on_commit``), so after a transition the next request renders afresh: cheap and
safe — any change regenerates every cached page. PAGE_CACHE_SECONDS bounds what no signal announces
(writes through ``QuerySet.update``, turnout from ballots, time passing).

A page is stored only if rendering it used no CSRF token, set no cookie, added no message and touched no
session data; otherwise it is served uncached, so one visitor's token or message never reaches another.
"""
from __future__ import annotations

import hashlib
import logging
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve

log = logging.getLogger(__name__)

# What the cache serves and what invalidates it, filled by each app's AppConfig.ready() through register():
# the base names no app (docs/decisions.md, "Architecture: layers").
_cached_views: set[str] = set()  # URL names of the pages served from the cache; others render every time
_watched_apps: set[str] = set()  # app labels whose model writes invalidate every cached page
_ignored_models: set[str] = set()  # lower-case "app_label.model": models of a watched app that do not

GENERATION_KEY = "pagecache:generation"
# Request headers that change what a page renders: htmx asks for fragments of the same URL.
_VARY_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_TARGET", "HTTP_HX_TRIGGER_NAME", "HTTP_HX_BOOSTED")


def register(app_config, *, pages=(), ignore=(), signals=()) -> None:
    """Called from an AppConfig.ready(): every committed write to one of the app's models (a new model
    too) invalidates the cached pages, except the models named in `ignore`; `pages` (URL names) are
    served from the cache; each of `signals` (e.g. a lifecycle transition) invalidates as a write does.

    `ignore` is for models whose rows no cached page shows, or whose writes are so frequent (a ballot, a
    sign-in, a login's last_login) that invalidating on each would empty the cache on election day; what
    they change on a page (turnout) may lag by at most PAGE_CACHE_SECONDS.
    """
    from django.db.models.signals import m2m_changed, post_delete, post_save

    label = app_config.label
    # get_model raises LookupError on a misspelt name, so an ignore list cannot silently miss its model.
    _ignored_models.update(app_config.get_model(name)._meta.label_lower for name in ignore)
    _cached_views.update(pages)
    _watched_apps.add(label)
    for model in app_config.get_models():
        post_save.connect(_on_write, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label_lower}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"pagecache-del-{model._meta.label_lower}")
    for signal in signals:
        signal.connect(_on_signal, dispatch_uid=f"pagecache-signal-{label}-{id(signal)}")
    m2m_changed.connect(_on_m2m, dispatch_uid="pagecache-m2m")


def cached_views() -> frozenset[str]:
    return frozenset(_cached_views)


def watched_apps() -> frozenset[str]:
    return frozenset(_watched_apps)


def ignored_models() -> frozenset[str]:
    return frozenset(_ignored_models)


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE", True)


def generation() -> str:
    gen = cache.get(GENERATION_KEY)
    if gen is None:
        gen = uuid.uuid4().hex
        # add(): two nodes starting at once agree on one generation.
        if not cache.add(GENERATION_KEY, gen, None):
            gen = cache.get(GENERATION_KEY) or gen
    return gen


def bump() -> None:
    """Make every cached page stale (a new generation; old entries expire by themselves)."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # the cache being down must not fail a committed write; pages then expire by TTL
        log.exception("page cache: could not bump the generation")


def bump_on_commit() -> None:
    """Bump once when the current transaction commits (at once outside a transaction)."""
    # One bump per transaction (savepoint level) is enough, however many rows it writes. Only a bump of the
    # same savepoint level counts: one registered in a savepoint that rolls back is discarded with it.
    level = set(connection.savepoint_ids)
    if any(entry[0] == level and entry[1] is bump for entry in connection.run_on_commit):
        return
    transaction.on_commit(bump)


def _on_write(sender, **kwargs) -> None:
    if kwargs.get("raw") or not enabled():  # fixtures loading; cache off: nothing to invalidate
        return
    if sender._meta.label_lower in _ignored_models:
        return
    bump_on_commit()


def _on_m2m(sender, instance, **kwargs) -> None:
    if kwargs.get("action", "").startswith("post_") and instance._meta.app_label in _watched_apps:
        _on_write(type(instance))


def _on_signal(sender, **kwargs) -> None:
    if enabled():
        bump_on_commit()


def _cacheable_request(request) -> bool:
    if request.method != "GET" or not enabled():
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in _cached_views


def _key(request) -> str:
    query = urlencode(sorted((k, v) for k, values in request.GET.lists() for v in values))
    parts = [
        request.scheme, request.get_host(), request.path, query, getattr(request, "LANGUAGE_CODE", ""),
        *(request.META.get(h, "") for h in _VARY_HEADERS),
    ]
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return f"pagecache:{generation()}:{digest}"


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page used a CSRF token: it is this visitor's
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and (getattr(storage, "added_new", False) or getattr(storage, "_queued_messages", None)):
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


class PublicPageCacheMiddleware:
    """Serve allow-listed pages to cookieless anonymous visitors from the shared cache (see module docstring).

    Sits last in MIDDLEWARE, after LocaleMiddleware (the language is part of the key): the outer
    middleware still adds CSP, security headers and the request id to a cached answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        # base.html leaves the htmx CSRF header out of pages rendered for the cache (docs/decisions.md).
        request.pagecache = True
        try:
            key = _key(request)
            hit = cache.get(key)
        except Exception:  # a cache outage degrades to rendering, never to an error page
            log.exception("page cache: lookup failed")
            return self.get_response(request)
        if hit is not None:
            content, headers = hit
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _storable(request, response):
            try:
                cache.set(key, (response.content, dict(response.headers.items())),
                          getattr(settings, "PAGE_CACHE_SECONDS", 60))
            except Exception:
                log.exception("page cache: store failed")
            response["X-Page-Cache"] = "miss"
        return response
