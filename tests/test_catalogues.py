"""One language per page, part 1: every msgid the project uses reads, in zh-Hant, as its own catalogue says.

Django merges all catalogues into one (LOCALE_PATHS, then apps in INSTALLED_APPS order, then Django's);
the first to translate a msgid wins everywhere. See tests/catalogues.py and docs/decisions.md.
"""
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext, pgettext

from tests.catalogues import ROOT, Catalogue, Entry, compare, find_problems, parse_po

SHARED = Path("locale/zh_Hant/LC_MESSAGES/django.po")
TRACKING = Path("tracking/locale/zh_Hant/LC_MESSAGES/django.po")
VOTING = Path("voting/locale/zh_Hant/LC_MESSAGES/django.po")


def test_every_used_msgid_is_translated_by_its_own_catalogue_and_read_so(tmp_path):
    problems = find_problems(tmp_path)
    assert not problems, "\n".join(str(p) for p in problems)


def _cat(name, rel):
    return Catalogue(name, ROOT / rel, {})


def _used(*keys):
    return {key: Entry(("",), references=["somewhere.html:1"]) for key in keys}


def test_checker_names_the_catalogue_that_wins_a_collision():
    project = ("", "Project")
    catalogues = [_cat("LOCALE_PATHS:locale", SHARED), _cat("voting", VOTING), _cat("tracking", TRACKING)]
    catalogues[1].entries = {project: Entry(("提案",))}
    catalogues[2].entries = {project: Entry(("專案",))}
    [finding] = compare({TRACKING: _used(project), VOTING: _used(project)}, catalogues)
    assert (finding.kind, finding.catalogue, finding.seen, finding.winner) == (
        "collision", "tracking", ("提案",), "voting")


def test_checker_accepts_a_message_context_and_the_shared_catalogue():
    catalogues = [_cat("LOCALE_PATHS:locale", SHARED), _cat("voting", VOTING), _cat("tracking", TRACKING)]
    catalogues[0].entries = {("", "Projects"): Entry(("執行專案",))}
    catalogues[1].entries = {("ballot item", "Project"): Entry(("提案",))}
    catalogues[2].entries = {("", "Project"): Entry(("專案",)), ("", "Projects"): Entry(("執行專案",))}
    used = {TRACKING: _used(("", "Project"), ("", "Projects")), VOTING: _used(("ballot item", "Project")),
            SHARED: _used(("", "Projects"))}
    assert compare(used, catalogues) == []


def test_checker_reports_untranslated_fuzzy_and_borrowed_msgids():
    catalogues = [_cat("LOCALE_PATHS:locale", SHARED), _cat("voting", VOTING), _cat("tracking", TRACKING)]
    catalogues[1].entries = {("", "Borrowed"): Entry(("借來的",))}
    catalogues[2].entries = {("", "Fuzzy"): Entry(("模糊",), fuzzy=True)}
    used = {TRACKING: _used(("", "Missing"), ("", "Fuzzy"), ("", "Borrowed"))}
    found = {(f.kind, f.msgid) for f in compare(used, catalogues)}
    assert found == {("untranslated", "Missing"), ("untranslated", "Fuzzy"), ("untranslated", "Borrowed")}


def test_po_parser_reads_contexts_plurals_continuations_and_skips_obsolete(tmp_path):
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: zh_Hant\\n"\n\n'
                  '#: a.html:1\nmsgctxt "course"\nmsgid "Sessions"\nmsgstr "場次"\n\n'
                  'msgid "%(n)s proposal"\nmsgid_plural "%(n)s proposals"\nmsgstr[0] "%(n)s 件提案"\n\n'
                  '#, fuzzy\nmsgid "Long"\nmsgstr ""\n"長"\n"句"\n\n'
                  '#~ msgid "Old"\n#~ msgstr "舊"\n', encoding="utf-8")
    entries = parse_po(po)
    assert entries[("course", "Sessions")].msgstr == ("場次",)
    assert entries[("course", "Sessions")].references == ["a.html:1"]
    assert entries[("", "%(n)s proposal")].msgstr == ("%(n)s 件提案",)
    assert entries[("", "Long")].msgstr == ("長句",) and entries[("", "Long")].fuzzy
    assert ("", "Old") not in entries and ("", "") not in entries


def test_words_with_two_meanings_read_by_context_in_chinese():
    # The labels issue 18 found wrong, through Django's real merged catalogue.
    with translation.override("zh-hant"):
        assert pgettext("course", "Sessions") == "場次"  # not Django's own sessions app's "Sessions"
        assert gettext("Project") == "專案"  # tracking's, no longer voting's 提案
        assert pgettext("ballot item", "Project") == "提案"
        assert pgettext("voting period", "Voting") == "投票期間"
        assert gettext("Voting") == "投票中"  # an assembly's status
        assert pgettext("audit chain", "hash") == "雜湊值"  # not Django auth's 哈希
        assert pgettext("verb", "Seat") == "入座" and gettext("Seat") == "席次"
