"""Lean endpoints: a POST that must be cheap (the ballot) skips what it does not need.

docs/decisions.md, "Election-day speed".

A view marked with ``@lean_post`` is, for POST requests only:

- passed by the messages and history middleware (``MessageMiddleware`` and ``HistoryRequestMiddleware``
  below, which stand in for Django's and simple-history's in MIDDLEWARE): a lean view adds no flash message
  and writes no model with history;
- free to render its answer with ``lean_render``: a page without the site header, so without the
  context processors that cost queries on every page (roles, unread messages).

Everything that protects the request still runs, unchanged and in the same order: security headers,
CSP, the NUL filter, sessions, locale (the ballot URL carries no language), CSRF, authentication,
clickjacking protection and the staff-MFA restriction. The page cache never stores or serves a POST.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware as _DjangoMessageMiddleware
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.html import escape
from django.utils.translation import get_language
from simple_history.middleware import HistoryRequestMiddleware as _history_middleware


def lean_post(view):
    """Mark a view as a lean endpoint for POST (put it outermost, above @login_required)."""
    view.lean_post = True
    return view


def is_lean(request) -> bool:
    return getattr(request, "lean", False)


class LeanRequestMiddleware:
    """Marks a POST to a ``@lean_post`` view as lean (``request.lean``), before the middleware that skip it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._paths: dict[str, bool] = {}  # path -> lean? (URLconf does not change while the process runs)

    def __call__(self, request):
        request.lean = False
        if request.method == "POST":
            path = request.path_info
            lean = self._paths.get(path)
            if lean is None:
                try:
                    lean = bool(getattr(resolve(path).func, "lean_post", False))
                except Resolver404:
                    lean = False
                if len(self._paths) >= 10000:  # bounded: any path may be posted to
                    self._paths.clear()
                self._paths[path] = lean
            request.lean = lean
        return self.get_response(request)


class MessageMiddleware(_DjangoMessageMiddleware):
    """Django's messages, except on a lean request (the admin's check accepts a subclass)."""

    def process_request(self, request):
        if not is_lean(request):
            super().process_request(request)

    def process_response(self, request, response):
        if is_lean(request):
            return response
        return super().process_response(request, response)


def HistoryRequestMiddleware(get_response):  # noqa: N802 — a middleware factory, named like the one it wraps
    """simple-history's request context, except on a lean request."""
    inner = _history_middleware(get_response)

    def middleware(request):
        return get_response(request) if is_lean(request) else inner(request)

    return middleware


# Rendered lean pages with markers in place of their per-request values: (template, language, shell_key) -> text.
_SHELLS: dict[tuple, str] = {}
_SHELLS_MAX = 2000  # rounds × languages × variants; past it the table starts again (bounded memory)


def _marker(name: str) -> str:
    # Control characters no template produces and autoescaping leaves alone.
    return f"\x1e{name}\x1f"


def lean_render(request, template_name: str, context: dict, *, slots: dict | None = None, shell_key=None,
                status: int = 200) -> HttpResponse:
    """Render without context processors: the template gets `context`, SITE_NAME and the CSRF token only.

    For templates that extend ``base_lean.html`` (no site header: no role or unread-message query).

    With `shell_key`, the page is rendered once per process and language: `context` and `shell_key` must
    then identify everything but `slots` for the life of the process (e.g. a round whose names are frozen
    once it opens), and each answer is that text with `slots` and the CSRF token put in, HTML-escaped.
    """
    slots = dict(slots or {})
    slots["csrf_token"] = get_token(request)
    if shell_key is None:
        content = render_to_string(template_name, {**context, **slots, "SITE_NAME": settings.SITE_NAME})
        return HttpResponse(content, status=status)
    key = (template_name, get_language(), shell_key, tuple(sorted(slots)))
    shell = _SHELLS.get(key)
    if shell is None:
        shell = render_to_string(template_name, {**context, **{name: _marker(name) for name in slots},
                                                 "SITE_NAME": settings.SITE_NAME})
        if len(_SHELLS) >= _SHELLS_MAX:
            _SHELLS.clear()
        _SHELLS[key] = shell
    for name, value in slots.items():
        shell = shell.replace(_marker(name), escape(value))
    return HttpResponse(shell, status=status)
