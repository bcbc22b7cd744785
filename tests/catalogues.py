"""What a zh-Hant reader really sees for each msgid the project uses (docs/decisions.md, "One language
per page").

Django merges every catalogue into one: ``LOCALE_PATHS`` first, then each installed app's ``locale/``
in ``INSTALLED_APPS`` order (earlier wins), then Django's own. A msgid that two catalogues translate
differently shows one arbitrary translation on every page that uses it. This module rebuilds that merge
from the files (the project's ``.po`` and the installed packages' ``.mo``) and finds which msgids the
project's sources use by running ``makemessages`` on a scratch copy of the tree, so the check needs no
compiled project catalogue and sees uncommitted work.
"""
from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANG = "zh_Hant"
# What makemessages reads; tests and tools do not reach a reader.
SOURCE_SUFFIXES = (".py", ".html", ".txt", ".po")
SKIP_DIRS = {".venv", ".git", "node_modules", "tests", "benchmarks", "scripts", "docs", "static",
             "media", "seed", "data", "deploy", "__pycache__", "migrations"}


@dataclass
class Entry:
    msgstr: tuple[str, ...]
    fuzzy: bool = False
    references: list[str] = field(default_factory=list)

    @property
    def translated(self) -> bool:
        return not self.fuzzy and all(self.msgstr)


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def parse_po(path: Path) -> dict[tuple[str, str], Entry]:
    """(context, msgid) → Entry of a .po file, without obsolete (#~) entries or the header."""
    entries: dict[tuple[str, str], Entry] = {}
    state: dict = {}
    current = None

    def flush():
        if "msgid" in state and state["msgid"]:
            strs = state.get("msgstr", {})
            values = tuple(strs[i] for i in sorted(strs))
            entries[(state.get("msgctxt", ""), state["msgid"])] = Entry(
                values, fuzzy=state.get("fuzzy", False), references=state.get("refs", []))
        state.clear()

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            flush()
            current = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if "msgid" in state:
                flush()
            state["fuzzy"] = "fuzzy" in line
            continue
        if line.startswith("#:"):
            if "msgid" in state:
                flush()
            state.setdefault("refs", []).extend(line[2:].split())
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword, index, text = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword == "msgctxt" and "msgid" in state:
                flush()
            if keyword.startswith("msgstr"):
                current = ("msgstr", int(index or 0))
                state.setdefault("msgstr", {})[current[1]] = text
            else:
                current = (keyword, None)
                state[keyword] = text
        elif line.startswith('"') and current:
            text = _unquote(line)
            if current[0] == "msgstr":
                state["msgstr"][current[1]] += text
            else:
                state[current[0]] += text
    return entries


def parse_mo(path: Path) -> dict[tuple[str, str], Entry]:
    with path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    grouped: dict[tuple[str, str], dict[int, str]] = {}
    for key, value in catalog.items():
        msgid, index = key if isinstance(key, tuple) else (key, 0)
        if not msgid:
            continue
        context, _, msgid = msgid.rpartition("\x04")
        grouped.setdefault((context, msgid), {})[index] = value
    return {key: Entry(tuple(v[i] for i in sorted(v))) for key, v in grouped.items()}


@dataclass
class Catalogue:
    name: str
    path: Path
    entries: dict[tuple[str, str], Entry]


def reader_catalogues() -> list[Catalogue]:
    """Every zh-Hant catalogue Django merges, highest precedence first (trans_real.DjangoTranslation)."""
    from django.apps import apps
    from django.conf import settings

    found: list[Catalogue] = []

    def add(name: str, locale_dir: Path):
        base = locale_dir / LANG / "LC_MESSAGES"
        po, mo = base / "django.po", base / "django.mo"
        if po.is_file() and str(po).startswith(str(ROOT)):
            found.append(Catalogue(name, po, parse_po(po)))
        elif mo.is_file():
            found.append(Catalogue(name, mo, parse_mo(mo)))

    for path in settings.LOCALE_PATHS:
        add(f"LOCALE_PATHS:{Path(path).relative_to(ROOT) if str(path).startswith(str(ROOT)) else path}",
            Path(path))
    for config in apps.get_app_configs():
        add(config.label, Path(config.path) / "locale")
    import django
    add("django", Path(django.__file__).parent / "conf" / "locale")
    return found


def extract_used(tmp: Path) -> dict[Path, dict[tuple[str, str], Entry]]:
    """Run makemessages on a scratch copy: catalogue path (relative to ROOT) → msgids its sources use."""
    copy = tmp / "tree"
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        rel = Path(dirpath).relative_to(ROOT)
        for name in filenames:
            if name.endswith(SOURCE_SUFFIXES) or name == "manage.py":
                (copy / rel).mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(dirpath) / name, copy / rel / name)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE",
                                                                   "pbcity.settings.test")}
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", LANG, "--no-wrap", "-v0"],
                   cwd=copy, env=env, check=True, capture_output=True, text=True)
    used = {}
    for po in copy.rglob(f"locale/{LANG}/LC_MESSAGES/django.po"):
        used[po.relative_to(copy)] = parse_po(po)
    return used


@dataclass
class Finding:
    kind: str  # "untranslated" | "collision"
    catalogue: str
    context: str
    msgid: str
    own: tuple[str, ...] = ()
    seen: tuple[str, ...] = ()
    winner: str = ""
    where: str = ""

    def __str__(self) -> str:
        label = f"{self.context}|{self.msgid}" if self.context else self.msgid
        if self.kind == "untranslated":
            return f"untranslated in {self.catalogue}: {label!r} (used at {self.where})"
        return (f"collision: {label!r} is {self.own} in {self.catalogue} but readers see {self.seen} "
                f"from {self.winner} (used at {self.where})")


def find_problems(tmp: Path) -> list[Finding]:
    return compare(extract_used(tmp), reader_catalogues())


def compare(used_by_catalogue: dict[Path, dict[tuple[str, str], Entry]],
            catalogues: list[Catalogue]) -> list[Finding]:
    """Each used msgid must be translated by its own catalogue (or the project-wide one) and read so."""
    by_path = {c.path.relative_to(ROOT): c for c in catalogues if str(c.path).startswith(str(ROOT))}
    shared = next(c for c in catalogues if c.name.startswith("LOCALE_PATHS"))
    findings: list[Finding] = []
    for po_path, used in sorted(used_by_catalogue.items()):
        own = by_path.get(po_path)
        name = str(po_path.parts[0]) if po_path.parts[0] != "locale" else "locale/"
        for key, extracted in sorted(used.items()):
            where = ", ".join(extracted.references[:2])
            # A msgid of an app's sources belongs in the app's catalogue; the project-wide one
            # (LOCALE_PATHS) serves everything and is where msgids of app-less sources live.
            mine = own.entries.get(key) if own else None
            if mine is None or not mine.translated:
                mine = shared.entries.get(key)
            if mine is None or not mine.translated:
                findings.append(Finding("untranslated", name, key[0], key[1], where=where))
                continue
            winner = next(c for c in catalogues if key in c.entries and c.entries[key].translated)
            seen = winner.entries[key].msgstr
            if seen != mine.msgstr:
                findings.append(Finding("collision", name, key[0], key[1], own=mine.msgstr, seen=seen,
                                        winner=winner.name, where=where))
    return findings
