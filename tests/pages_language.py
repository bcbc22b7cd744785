"""Read a rendered page as a person would and find text of the other language (tests/test_pages_language.py).

What people typed (proposal titles, names, comments, venues …) is whatever language they typed it in, so
it is taken out before the check: every text value stored in the database counts as typed, except the
columns the platform writes or names that have an English twin (those must follow the page). Markup can
also say a passage is in another language with a ``lang`` attribute (the language menu's 繁體中文).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff60]+")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
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


def typed_corpus() -> str:
    """Every text value people typed, joined (the platform's own columns and two-language names left out)."""
    from pbcity.systext import SystemTextCharField, SystemTextField

    values: set[str] = set()
    for model in apps.get_models():
        meta = model._meta
        fields = [
            f.attname for f in meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
            and not isinstance(f, (SystemTextField, SystemTextCharField))
            and (meta.app_label, meta.model_name, f.name) not in NOT_TYPED
            and not f.choices and f.name != "history_change_reason"
        ]
        if not fields or meta.app_label in ("sessions", "admin", "contenttypes", "auth"):
            continue
        for row in model._base_manager.values_list(*fields):
            values.update(v for v in row if isinstance(v, str) and HAN.search(v))
    return "\x00".join(sorted(values))


def cjk_outside_typed(texts: list[str], corpus: str) -> list[str]:
    """Runs of Chinese characters that no typed value contains."""
    found = []
    for text in texts:
        for run in CJK.findall(text):
            if HAN.search(run) and run not in corpus:
                found.append(run)
    return found


def untranslated_msgids(texts: list[str], msgids: set[str]) -> list[str]:
    """Text nodes of a Chinese page that are exactly a project msgid (left untranslated)."""
    return [t.strip() for t in texts if t.strip() in msgids]
