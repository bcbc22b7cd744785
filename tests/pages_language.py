"""Read a rendered page as a person would and find text of the other language (tests/test_pages_language.py).

What people typed (proposal titles, names, comments, venues …) is whatever language they typed it in, so
it is taken out before the check: every text value stored in the database counts as typed, except the
columns the platform writes or names that have an English twin (those must follow the page). Markup can
also say a passage is in another language with a ``lang`` attribute (the language menu's 繁體中文).
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# Columns whose text the page must show in the reader's language, so they do not count as typed.
NOT_TYPED = {
    ("pbcity", "district", "name"), ("pbcity", "agency", "name"), ("pbcity", "cycle", "name"),
    ("deliberation", "exclusioncategory", "name"),
}
ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
SKIP_TAGS = {"script", "style", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TextParser(HTMLParser):
    """Visible text and labelling attributes, each with the language the markup says it is in."""

    def __init__(self, page_lang: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.page_lang = page_lang
        self.skip = 0
        self.pieces: list[tuple[str, str]] = []  # (lang, text)

    def _lang(self) -> str:
        return self.stack[-1][1] if self.stack else self.page_lang

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        lang = (a.get("lang") or self._lang()).lower()
        if tag in SKIP_TAGS:
            self.skip += 1
        for name in ATTRIBUTES:
            if a.get(name):
                self.pieces.append((lang, a[name]))
        if tag not in VOID:
            self.stack.append((tag, lang))

    def handle_startendtag(self, tag, attrs):
        a = dict(attrs)
        lang = (a.get("lang") or self._lang()).lower()
        for name in ATTRIBUTES:
            if a.get(name):
                self.pieces.append((lang, a[name]))

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.pieces.append((self._lang(), data))


def page_text(html: str, page_lang: str) -> list[str]:
    """The page's text in its own language (passages marked with another ``lang`` left out)."""
    parser = _TextParser(page_lang.lower())
    parser.feed(html)
    family = page_lang.lower()[:2]
    return [text for lang, text in parser.pieces if lang[:2] == family]


def _strings(value, out: set[str]) -> None:
    """Every string inside a JSON value (keys too), names with two languages left out."""
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict):
        if "zh-hant" in value and "en" in value:  # systext.both_languages: must follow the page
            return
        for k, v in value.items():
            out.add(str(k))
            _strings(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _strings(v, out)


def _typed_part(stored: str, out: set[str]) -> None:
    """What people typed inside a system-text column: the whole text, or a code's typed parameters."""
    from django.utils import translation

    from pbcity.systext import PREFIX, systext_render

    if stored.startswith(PREFIX):
        _head, _, body = stored.partition(" ")
        try:
            params = json.loads(body)
        except ValueError:
            return
        _strings(params, out)
        return
    with translation.override("en"):  # a known system sentence renders differently: it is not typed
        if systext_render(stored) == stored:
            out.add(stored)


def typed_values() -> set[str]:
    """Every text value people typed (the platform's own sentences and two-language names left out)."""
    from pbcity.systext import SystemTextCharField, SystemTextField

    values: set[str] = set()
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in ("sessions", "admin", "contenttypes", "auth"):
            continue
        plain, system, data = [], [], []
        for f in meta.concrete_fields:
            if (meta.app_label, meta.model_name, f.name) in NOT_TYPED or f.choices:
                continue
            if isinstance(f, (SystemTextField, SystemTextCharField)):
                system.append(f.attname)
            elif isinstance(f, models.JSONField):
                data.append(f.attname)
            elif isinstance(f, (models.CharField, models.TextField)) and f.name != "history_change_reason":
                plain.append(f.attname)
        if not (plain or system or data):
            continue
        for row in model._base_manager.values(*plain, *system, *data):
            for name in plain:
                if isinstance(row[name], str):
                    values.add(row[name])
            for name in system:
                if row[name]:
                    _typed_part(str.__str__(row[name]), values)
            for name in data:
                _strings(row[name], values)
    return {v.strip() for v in values if v and v.strip()}


def typed_corpus(values: set[str]) -> str:
    """The typed values that hold Chinese, joined for substring search."""
    return "\x00".join(sorted(v for v in values if HAN.search(v)))


def cjk_outside_typed(texts: list[str], corpus: str) -> list[str]:
    """Runs of Chinese characters that no typed value contains."""
    return [run for text in texts for run in HAN_RUN.findall(text) if run not in corpus]


def untranslated_msgids(texts: list[str], msgids: set[str], typed: set[str]) -> list[str]:
    """Text nodes of a Chinese page that are exactly a project msgid (left untranslated), not typed data."""
    return [t.strip() for t in texts if t.strip() in msgids and t.strip() not in typed]
