"""One language per page, part 2: every page of the demo city, as each role, read in both languages.

An English page shows no Chinese outside what people typed; a Chinese page shows no project msgid left
untranslated. Each route is read once per language, by the first role (staff first) that reaches it.
"""
import time

import pytest
from django.conf import settings

from pbcity.models import User
from pbcity.tests.hostile_crawl import _PageParser, local_path, route_of, url_patterns
from tests.catalogues import ROOT, parse_po
from tests.pages_language import cjk_outside_typed, page_text, typed_corpus, typed_values, untranslated_msgids

ROLES = ["daan-office@demo.pbcity.tw", "civil@demo.pbcity.tw", "parks@demo.pbcity.tw", "committee@demo.pbcity.tw",
         "trainer@demo.pbcity.tw", "councillor-daan@demo.pbcity.tw", "citizen-daan-11@demo.pbcity.tw",
         "resident1@demo.pbcity.tw", None]
SKIP = ("/accounts/", "/admin/", "/i18n/", "/static/", "/media/", "/__")
SKIP_SUFFIXES = (".pdf", ".csv", ".json", ".svg", ".png", ".jpg", ".zip", ".txt", ".xml", ".ics", ".pb")


def _project_msgids() -> set[str]:
    """Project msgids a Chinese page would show in English if left untranslated (not names like "i-Voting")."""
    out = set()
    for po in [ROOT / "locale/zh_Hant/LC_MESSAGES/django.po", *ROOT.glob("*/locale/zh_Hant/LC_MESSAGES/django.po")]:
        for (_ctx, msgid), entry in parse_po(po).items():
            if any(c.isalpha() and c.isascii() for c in msgid) and entry.msgstr and entry.msgstr[0] != msgid:
                out.add(msgid)
    return out


def _get(client, path, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(path)


def _read_role(client, starts, done, typed, corpus, msgids, problems, budget):
    queue, visited, routes = list(starts), set(), set()
    while queue and time.monotonic() < budget:
        path = queue.pop(0)
        route = route_of(path.split("?")[0])
        # One page per route and role: enough to find the role's links (and a page of every route).
        if path in visited or route is None or route in routes or path.startswith(SKIP) \
                or path.endswith(SKIP_SUFFIXES):
            continue
        visited.add(path)
        routes.add(route)
        english = _get(client, path, "en")
        if english.status_code != 200 or "html" not in english.get("Content-Type", ""):
            continue
        html = english.content.decode()
        page = _PageParser("http://testserver" + path)
        page.feed(html)
        queue.extend(t for t in (local_path(link) for link in page.links) if t and t not in visited)
        if route in done:
            continue
        done.add(route)
        leaks = cjk_outside_typed(page_text(html, "en"), corpus)
        if leaks:
            problems.append(f"EN {path}: {sorted(set(leaks))[:8]}")
        chinese = _get(client, path, "zh-hant")
        if chinese.status_code == 200:
            left = untranslated_msgids(page_text(chinese.content.decode(), "zh-hant"), msgids, typed)
            if left:
                problems.append(f"ZH {path}: {sorted(set(left))[:8]}")


@pytest.mark.django_db
def test_every_demo_page_reads_in_one_language(client, demo_city):
    typed = typed_values()
    corpus, msgids = typed_corpus(typed), _project_msgids()
    starts = ["/"] + ["/" + r for r, _p in url_patterns() if "<" not in r]
    done, problems = set(), []
    budget = time.monotonic() + 120  # a guard against a runaway crawl, not the expected time
    for email in ROLES:
        client.logout()
        if email:
            client.force_login(User.objects.get(email=email))
        _read_role(client, starts, done, typed, corpus, msgids, problems, budget)
    # The crawl must really reach the pages of every app (a broken crawl would pass vacuously).
    apps_reached = {r.split("/")[0] for r in done}
    assert {"proposals", "assemblies", "deliberation", "voting", "tracking", "training"} <= apps_reached, done
    assert len(done) >= 60, len(done)
    assert not problems, "\n".join(problems)


def test_the_reader_skips_markup_in_another_language_scripts_and_typed_text():
    html = ('<html lang="en"><body><h1 title="標題">Results</h1><script>var x = "中文";</script>'
            '<option lang="zh-Hant">繁體中文</option><p>Proposal 路燈改善 by 王小明</p><p>提出提案</p></body></html>')
    texts = page_text(html, "en")
    assert "繁體中文" not in " ".join(texts) and "中文" not in " ".join(t for t in texts if "var" in t)
    corpus = typed_corpus({"路燈改善", "王小明", "Lamps"})
    assert cjk_outside_typed(texts, corpus) == ["標題", "提出提案"]


def test_a_chinese_page_with_an_untranslated_msgid_is_caught_but_typed_english_is_not():
    texts = page_text('<html lang="zh-Hant"><p>場次</p><p>Sessions</p><p>Assen 2024</p></html>', "zh-hant")
    assert untranslated_msgids(texts, {"Sessions", "Assen 2024"}, typed={"Assen 2024"}) == ["Sessions"]
