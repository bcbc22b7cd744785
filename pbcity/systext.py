"""System-written text stored as a code and its parameters, read in the reader's language.

A reason the platform writes itself ("Raised", the review panel's summary, how a vote threshold was set)
is stored as ``sys:<code> <json parameters>`` and rendered through gettext when it is shown, so an English
page never shows the Chinese sentence of whoever's request wrote the row. Text a person typed is stored
and shown as typed. Apps register their codes in ``AppConfig.ready`` (pbcity imports no app).

Rows written before codes existed hold a rendered sentence; audited tables are append-only and hashed,
so they are not rewritten: a stored sentence that matches a registered message in one of the site's
languages is recognised when read and rendered in the reader's (docs/decisions.md, "One language per page").
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils import translation
from django.utils.translation import gettext, pgettext

PREFIX = "sys:"


@dataclass(frozen=True)
class Code:
    msgid: str
    context: str = ""
    render: Callable[[Mapping], str] | None = None  # for a sentence built from parts


_CODES: dict[str, Code] = {}


def systext_register(code: str, msgid: str = "", *, context: str = "",
                     render: Callable[[Mapping], str] | None = None) -> None:
    """Register a system message: ``msgid`` with %(name)s parameters (or a ``render`` function)."""
    if not re.fullmatch(r"[a-z_]+\.[a-z_]+", code):
        raise ValueError(f"system text codes look like app.name, not {code!r}")
    _CODES[code] = Code(msgid, context, render)
    _legacy_patterns.cache_clear()


def systext(code: str, **params) -> str:
    """The stored form of a system message (a code and its parameters)."""
    if code not in _CODES:
        raise KeyError(f"unregistered system text code {code!r}")
    return f"{PREFIX}{code} {json.dumps(params, ensure_ascii=False, sort_keys=True, default=str)}"


def both_languages(zh: str, en: str) -> dict:
    """A name with two languages as a parameter; rendered in the reader's (falls back to zh)."""
    return {"zh-hant": zh, "en": en or zh}


def _param(value, language: str):
    if isinstance(value, dict) and "zh-hant" in value:
        return value.get(language) or value["zh-hant"]
    return value


def _translate(code: Code, params: Mapping) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    values = {k: _param(v, language) for k, v in params.items()}
    if code.render:
        return code.render(values)
    text = pgettext(code.context, code.msgid) if code.context else gettext(code.msgid)
    return text % values if "%(" in code.msgid else text


def _decode(stored: str) -> tuple[str, dict] | None:
    head, _, body = stored[len(PREFIX):].partition(" ")
    try:
        params = json.loads(body) if body else {}
    except ValueError:
        return None
    return (head, params) if head in _CODES and isinstance(params, dict) else None


@cache
def _legacy_patterns() -> list[tuple[re.Pattern, Code]]:
    out = []
    for code in _CODES.values():
        if code.render:
            continue
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                text = pgettext(code.context, code.msgid) if code.context else gettext(code.msgid)
            parts = re.split(r"%\((\w+)\)[sd]", text)
            if not "".join(parts[::2]).strip():  # nothing but parameters: it would match any text
                continue
            pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
            try:
                out.append((re.compile(f"^{pattern}$", re.S), code))
            except re.error:  # a parameter used twice in one message
                continue
    return out


def systext_render(stored: str) -> str:
    """What a stored reason says in the active language; typed text comes back unchanged."""
    if not stored:
        return stored or ""
    stored = str.__str__(stored)
    if stored.startswith(PREFIX):
        decoded = _decode(stored)
        if decoded:
            try:
                return _translate(_CODES[decoded[0]], decoded[1])
            except (KeyError, TypeError, ValueError):
                return stored
        return stored
    for pattern, code in _legacy_patterns():
        match = pattern.match(stored)
        if match:
            return _translate(code, match.groupdict())
    return stored


class SystemText(str):
    """A stored reason; compares and hashes as stored, prints in the reader's language."""

    def __str__(self) -> str:
        return systext_render(self)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @property
    def stored(self) -> str:
        return str.__str__(self)


class _SystemTextAttribute(DeferredAttribute):
    # Also a row made in this process (objects.create) reads as SystemText, not only a loaded one.
    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        return SystemText(value) if type(value) is str else value

    def __set__(self, instance, value):  # a data descriptor, so reads come through __get__
        instance.__dict__[self.field.attname] = value


class SystemTextField(models.TextField):
    """A text column that may hold system-written text (``systext``) or text a person typed."""

    descriptor_class = _SystemTextAttribute

    def from_db_value(self, value, expression, connection):
        return value if value is None else SystemText(value)

    def deconstruct(self):
        # The column is a plain text column: migrations need not know how it is read.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


class SystemTextCharField(models.CharField):
    descriptor_class = _SystemTextAttribute

    def from_db_value(self, value, expression, connection):
        return value if value is None else SystemText(value)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs
