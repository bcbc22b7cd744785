"""The public page cache (pbcity/pagecache.py; docs/decisions.md, "Public pages at load")."""
import pytest

from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast


@pytest.fixture(autouse=True)
def page_cache(settings):
    # Local memory: a cache hit then costs no database query at all (the test settings use the DB cache).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "pagecache-tests"}}
    settings.PAGE_CACHE = True
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


@pytest.fixture
def raised(cast, cycle):
    return cast.walk(cycle, State.RAISED)


def _pages(p):
    return ["/", "/proposals/", f"/proposals/?district={p.district_id}&state=raised", f"/proposals/{p.pk}/",
            "/voting/rounds/"]


@pytest.mark.django_db
def test_second_anonymous_get_is_served_from_the_cache_without_queries(client, raised, django_assert_num_queries):
    for url in _pages(raised):
        first = client.get(url)
        assert first.status_code == 200 and first["X-Page-Cache"] == "miss", url
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second["X-Page-Cache"] == "hit", url
        assert second.content == first.content
        # The outer middleware still dresses a cached answer.
        assert "Content-Security-Policy" in second and second["Content-Language"] == "zh-hant"


@pytest.mark.django_db
def test_the_query_string_is_part_of_the_key_in_any_order(client, raised, other_district):
    mine = client.get(f"/proposals/?district={raised.district_id}").content.decode()
    other = client.get(f"/proposals/?district={other_district.pk}").content.decode()
    assert f"/proposals/{raised.pk}/" in mine and f"/proposals/{raised.pk}/" not in other
    client.get(f"/proposals/?state=raised&district={raised.district_id}")
    assert client.get(f"/proposals/?district={raised.district_id}&state=raised")["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_a_cached_page_carries_no_csrf_token_and_sets_no_cookie(client, raised):
    for url in _pages(raised):
        response = client.get(url)
        html = response.content.decode()
        assert "X-CSRFToken" not in html and "csrfmiddlewaretoken" not in html, url
        assert not response.cookies, url


@pytest.mark.django_db
def test_a_transition_shows_on_the_next_get(client, cast, raised, django_capture_on_commit_callbacks):
    detail = f"/proposals/{raised.pk}/"
    listing = "/proposals/?state=assembly_passed"
    client.get(detail), client.get(listing)
    assert client.get(detail)["X-Page-Cache"] == "hit"
    assert f"/proposals/{raised.pk}/" not in client.get(listing).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        cast.step(raised, "pass_assembly")
    after = client.get(detail)
    assert after["X-Page-Cache"] == "miss"
    assert "state-assembly_passed" in after.content.decode()
    assert f"/proposals/{raised.pk}/" in client.get(listing).content.decode()


@pytest.mark.django_db
def test_a_rolled_back_write_keeps_the_cache(client, raised, django_capture_on_commit_callbacks):
    from django.db import transaction

    client.get("/")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                raised.title = "改過的標題"
                raised.save()
                raise RuntimeError
        except RuntimeError:
            pass
    assert not callbacks
    assert client.get("/")["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_each_language_has_its_own_copy(client, raised):
    zh = client.get("/proposals/")
    client.cookies["django_language"] = "en"
    en = client.get("/proposals/")
    assert en["X-Page-Cache"] == "miss"
    assert '<html lang="en">' in en.content.decode() and '<html lang="zh-Hant">' in zh.content.decode()
    assert client.get("/proposals/")["X-Page-Cache"] == "hit"
    assert '<html lang="en">' in client.get("/proposals/").content.decode()
    del client.cookies["django_language"]
    again = client.get("/proposals/")
    assert again["X-Page-Cache"] == "hit" and '<html lang="zh-Hant">' in again.content.decode()


@pytest.mark.django_db
def test_logged_in_users_never_get_or_fill_a_cached_page(client, cast, raised, django_assert_max_num_queries):
    client.get("/proposals/")  # an anonymous copy is in the cache
    client.force_login(cast.proposer)
    for url in _pages(raised):
        response = client.get(url)
        assert "X-Page-Cache" not in response, url
        html = response.content.decode()
        assert "X-CSRFToken" in html and "/accounts/logout/" in html, url
    client.logout()
    client.cookies.clear()
    anonymous = client.get("/proposals/")
    assert anonymous["X-Page-Cache"] == "hit" and "/accounts/logout/" not in anonymous.content.decode()


@pytest.mark.django_db
def test_a_visitor_with_a_session_or_a_message_is_not_cached(client, raised):
    client.cookies["sessionid"] = "whatever"
    assert "X-Page-Cache" not in client.get("/")
    del client.cookies["sessionid"]
    client.cookies["messages"] = "x"
    assert "X-Page-Cache" not in client.get("/")


@pytest.mark.django_db
def test_other_pages_and_methods_are_not_cached(client, raised):
    assert "X-Page-Cache" not in client.get("/accounts/login/")
    assert "X-Page-Cache" not in client.get("/proposals/999999/")  # 404s are not stored
    assert "X-Page-Cache" not in client.get("/proposals/999999/")


@pytest.mark.django_db
def test_off_switch(client, raised, settings):
    settings.PAGE_CACHE = False
    client.get("/")
    assert "X-Page-Cache" not in client.get("/")


@pytest.mark.django_db
def test_the_language_switch_works_for_an_anonymous_visitor(client, raised):
    response = client.get("/i18n/switch/", {"language": "en", "next": "/proposals/?state=raised"})
    assert response.status_code == 302 and response["Location"] == "/proposals/?state=raised"
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get("/proposals/?state=raised").content.decode()
    # The form on a cached page is a plain GET form, no token.
    html = client.get("/").content.decode()
    assert 'action="/i18n/switch/" method="get"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language, target, location, cookie", [
    ("en", "https://evil.example/", "/", "en"),
    ("en", "//evil.example/", "/", "en"),
    ("xx", "/proposals/", "/proposals/", None),
    ("", "", "/", None),
    ("../../etc", "/", "/", None),
])
def test_the_language_switch_refuses_foreign_targets_and_unknown_languages(client, language, target, location, cookie):
    response = client.get("/i18n/switch/", {"language": language, "next": target})
    assert response.status_code == 302 and response["Location"] == location
    assert (response.cookies["django_language"].value if "django_language" in response.cookies else None) == cookie


def test_every_app_of_the_project_registers_with_the_page_cache():
    """The base names no app (docs/decisions.md, "Architecture: layers"): each app's AppConfig.ready()
    registers its models and pages, so one that forgets would leave its writes showing stale pages."""
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings

    from pbcity import pagecache

    ours = {c.label for c in apps.get_app_configs() if Path(c.path).parent == Path(settings.BASE_DIR)}
    assert ours == {"pbcity", "places", "proposals", "assemblies", "deliberation", "voting", "tracking", "training",
                    "accountability", "mobilisation", "evaluation", "cyclekit", "portal"}
    assert ours == pagecache.watched_apps()
    assert pagecache.cached_views() >= {"home", "proposals:list", "proposals:detail", "assemblies:results",
                                        "voting:results", "voting:rounds", "accountability:minutes"}
    assert {"pbcity.user", "voting.ballot", "assemblies.vote", "mobilisation.casttrace"} <= pagecache.ignored_models()


def test_an_ignore_list_naming_no_model_fails_at_start():
    from django.apps import apps

    from pbcity import pagecache

    with pytest.raises(LookupError, match="ballott"):
        pagecache.register(apps.get_app_config("voting"), ignore=["ballott"])


@pytest.mark.django_db
@pytest.mark.parametrize("write, invalidates", [
    ("district", True),  # the base's own models
    ("course", True),  # a model of an app that registered without pages (training)
    ("notification", False),  # ignored by the base's registration
])
def test_a_write_to_a_registered_model_invalidates_an_ignored_one_does_not(
        client, raised, cast, write, invalidates, django_capture_on_commit_callbacks):
    from django.db import transaction

    from pbcity.models import Notification
    from training.tests.factories import CourseFactory

    client.get("/")
    # In its own atomic block, as a service writes: the test's outer transaction already holds the bump
    # that building the fixtures registered.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        if write == "district":
            raised.district.name_en = "Da'an (renamed)"
            raised.district.save()
        elif write == "course":
            CourseFactory()
        else:
            Notification.objects.create(recipient=cast.proposer, key="pagecache-test", subject="x", body="y")
    assert client.get("/")["X-Page-Cache"] == ("miss" if invalidates else "hit")
