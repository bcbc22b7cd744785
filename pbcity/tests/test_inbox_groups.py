"""The inbox: a heading per proposal/project/round with its items newest first, a filter, paging, mark all read."""
import pytest

from pbcity.models import Notification
from pbcity.selectors import inbox_groups
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


def _note(user, key, topic="", read=False):
    from django.utils import timezone

    return Notification.objects.create(recipient=user, key=key, subject=f"主旨 {key}", body="內容", topic=topic,
                                       read_at=timezone.now() if read else None)


@pytest.mark.django_db
def test_groups_by_subject_in_order_of_the_newest_item(cast, cycle, resident):
    a = cast.walk(cycle, State.RAISED)
    b = cast.walk(cycle, State.RAISED)
    b.title = "人行道拓寬"
    b.save()
    _note(resident, "a1", f"proposal:{a.pk}")
    _note(resident, "x1")
    _note(resident, "b1", f"proposal:{b.pk}")
    _note(resident, "a2", f"proposal:{a.pk}")
    groups = inbox_groups(notes=resident.notifications.all())
    assert [(g["title"], [n.key for n in g["items"]]) for g in groups] == [
        (a.title, ["a2", "a1"]), ("人行道拓寬", ["b1"]), ("", ["x1"])]
    assert groups[0]["url"] == a.get_absolute_url()


@pytest.mark.django_db
def test_a_private_proposals_title_is_not_a_heading(cast, cycle, resident):
    draft = cast.new_proposal(cycle)
    _note(resident, "d1", f"proposal:{draft.pk}")
    assert [g["title"] for g in inbox_groups(notes=resident.notifications.all())] == [""]


@pytest.mark.django_db
def test_inbox_page_shows_headings_and_filters_unread(client, cast, cycle, resident):
    a = cast.walk(cycle, State.RAISED)
    _note(resident, "old", f"proposal:{a.pk}", read=True)
    _note(resident, "new", f"proposal:{a.pk}")
    client.force_login(resident)
    page = client.get("/inbox/").content.decode()
    assert f'<a href="{a.get_absolute_url()}">{a.title}</a></h2>' in page
    assert "主旨 old" in page and "主旨 new" in page
    page = client.get("/inbox/?show=unread").content.decode()
    assert "主旨 new" in page and "主旨 old" not in page


@pytest.mark.django_db
def test_paging_keeps_the_filter(client, resident):
    for i in range(25):
        _note(resident, f"k{i}")
    client.force_login(resident)
    page = client.get("/inbox/?show=unread").content.decode()
    assert 'href="?show=unread&amp;page=2"' in page
    assert "主旨 k0<" in client.get("/inbox/?show=unread&page=2").content.decode()


@pytest.mark.django_db
def test_mark_all_read_and_go_back(client, resident):
    for i in range(3):
        _note(resident, f"k{i}")
    client.force_login(resident)
    response = client.post("/inbox/read-all/", {"next": "/inbox/?show=unread"})
    assert response["Location"] == "/inbox/?show=unread"
    assert not Notification.objects.filter(recipient=resident, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_inbox_costs_the_same_queries_for_3_or_15_subjects(client, cast, cycle, resident):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    proposals = [cast.walk(cycle, State.RAISED) for _i in range(15)]
    client.force_login(resident)
    counts = []
    for n in (3, 15):
        Notification.objects.filter(recipient=resident).delete()
        for p in proposals[:n]:
            _note(resident, f"p{p.pk}", f"proposal:{p.pk}")
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/inbox/").content.decode()
        assert page.count('<section class="inbox-group"') == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
