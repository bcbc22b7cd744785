"""Who sees and reviews flags (district office of the flag's district, committee; MFA), never anyone else —
before, during or after the vote; reviews are append-only on the audit chain; network hashes are deleted."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from mobilisation import selectors, services
from mobilisation.models import CastTrace, Flag, FlagReview, NetworkErasure
from mobilisation.rules import Measure
from pbcity.models import AuditEntry
from voting.services import rounds as round_services
from voting.tests.round_helpers import cast_people, civil, exhibited, make_round  # noqa: F401

pytestmark = pytest.mark.django_db

SEES = {"district", "committee"}
PEOPLE = ["anonymous", "resident", "proposer", "district", "district_other", "district_no_mfa", "civil",
          "civil_no_mfa", "committee", "lead", "co_agency", "councillor", "trainer"]


@pytest.fixture
def running(cast_people, civil, cycle, district):
    """A round open for voting with one network flag raised during the vote."""
    exhibited(cast_people, cycle, 2)
    r = round_services.round_open(round_=make_round(civil, cycle, district), actor=civil)
    batch = services._Batch(cycle_id=cycle.pk, district_id=district.pk, round_=r)
    batch.add(Flag.Kind.NETWORK, Measure(raised=True, value=40, baseline=0.1, threshold=20, tail=1e-30),
              subject="abcdef0123456789", scope_label=services._round_label(r), subject_label="Network abcdef01…",
              count=40, total=45, details={"network": "abcdef0123456789"})
    return r, batch.raised[0]


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_district_office_and_the_committee_see_flags_while_the_vote_runs(client, cast_people, running,
                                                                                   who):
    r, flag = running
    assert r.status == "open"
    c = _client(client, cast_people[who])
    listing = c.get("/mobilisation/")
    detail = c.get(f"/mobilisation/{flag.pk}/")
    review = c.post(f"/mobilisation/{flag.pk}/", {"decision": "benign", "reason": "行動網路共用位址，查無異常"})
    if who == "anonymous":
        assert listing.status_code == detail.status_code == review.status_code == 302
    elif who.endswith("_no_mfa"):  # staff without MFA are sent to enrol first (pbcity/middleware.py)
        assert listing.status_code == detail.status_code == review.status_code == 302
        assert listing["Location"].startswith("/accounts/enrolment/")
    elif who in SEES:
        assert listing.status_code == 200 and "abcdef01" in listing.content.decode()
        assert detail.status_code == 200 and review.status_code == 302
    elif who == "district_other":  # the list opens, without another district's flags
        assert listing.status_code == 200 and "abcdef01" not in listing.content.decode()
        assert detail.status_code == review.status_code == 403
    else:
        assert listing.status_code == detail.status_code == review.status_code == 403
    reviews = FlagReview.objects.filter(flag=flag).count()
    assert reviews == (1 if who in SEES else 0)
    # Nothing about the flag on the public pages of the round while it runs.
    public = _client(client, None).get(f"/voting/rounds/{r.pk}/")
    assert "abcdef01" not in public.content.decode()


def test_the_menu_links_to_flags_for_those_who_see_them(client, cast_people):
    assert "/mobilisation/" in _client(client, cast_people["committee"]).get("/").content.decode()
    client.logout()
    assert "/mobilisation/" not in _client(client, cast_people["resident"]).get("/").content.decode()


def test_a_review_needs_a_decision_and_a_reason_and_goes_on_the_chain(cast_people, running):
    _r, flag = running
    with pytest.raises(ValidationError, match="review is kept on the audit chain|稽核鏈"):
        services.flag_review(flag=flag, actor=cast_people["committee"], decision="benign", reason=" ")
    with pytest.raises(ValidationError):
        services.flag_review(flag=flag, actor=cast_people["committee"], decision="maybe", reason="查證後無異常")
    with pytest.raises(PermissionDenied):
        services.flag_review(flag=flag, actor=cast_people["councillor"], decision="benign", reason="查證後無異常")
    first = services.flag_review(flag=flag, actor=cast_people["district"], decision="investigate",
                                 reason="同一網段 40 票，請資訊室查核")
    services.flag_review(flag=flag, actor=cast_people["committee"], decision="benign", reason="電信業者共用位址")
    assert AuditEntry.objects.filter(table="mobilisation.flagreview", row_pk=str(first.pk)).exists()
    [row] = selectors.flag_summary(cycle=flag.cycle)
    assert (row["kind"], row["decision"], row["reason"]) == ("network", "benign", "電信業者共用位址")
    assert row["value"] == 40 and row["threshold"] == 20 and row["baseline"] == 0.1 and row["measure"]
    # Append-only in the database: the runtime role cannot rewrite or delete a review.
    if connection.vendor == "postgresql":
        for sql in ("UPDATE mobilisation_flagreview SET reason = 'x' WHERE id = %s",
                    "DELETE FROM mobilisation_flagreview WHERE id = %s"):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql, [first.pk])


def test_the_ballot_page_records_a_coarse_trace_and_nothing_that_names_the_voter(client, cast_people, running):
    from voting.tests.round_helpers import verified_voter

    r, _flag = running
    voter = verified_voter(r.cycle, r.district)
    client.force_login(voter.user)
    project = r.projects.first().proposal_id
    page = client.get(f"/voting/rounds/{r.pk}/ballot/")
    key = page.context["key"]
    response = client.post(f"/voting/rounds/{r.pk}/ballot/", {"step": "confirm", "key": key, f"p{project}": "1"},
                           REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 "
                           "like Mac OS X) Version/17.4 Mobile Safari/604.1")
    assert response.status_code == 200 and r.participations.count() == 1
    [trace] = CastTrace.objects.filter(round=r)
    assert trace.network == services.network_hash("198.51.100.200")  # the /24, not the address
    assert trace.network != services.network_hash("198.51.101.23") and "198.51" not in trace.network
    assert trace.device == "iOS Safari 17" and trace.minute.second == 0
    assert {f.name for f in CastTrace._meta.concrete_fields} == {"id", "round", "network", "device", "minute"}
    # The same form again (a replay) records nothing more.
    client.post(f"/voting/rounds/{r.pk}/ballot/", {"step": "confirm", "key": key, f"p{project}": "1"})
    assert CastTrace.objects.filter(round=r).count() == 1


def test_network_prefixes():
    assert services.network_prefix("203.0.113.77") == "203.0.113.0/24"
    assert services.network_prefix("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert services.network_prefix("::ffff:203.0.113.5") == "203.0.113.0/24"
    assert services.network_prefix("not an address") == "" and services.network_hash("") == ""
    assert len(services.network_hash("203.0.113.77")) == 16


def test_forgetting_the_networks_of_a_cycle(cast_people, running, cycle):
    r, flag = running
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    services.cast_trace_record(request=request, round_id=r.pk, now=timezone.now() - datetime.timedelta(minutes=5))
    with pytest.raises(PermissionDenied):
        services.mobilisation_forget_networks(cycle=cycle, by=cast_people["district"])
    assert services.mobilisation_forget_networks(cycle=cycle, by=cast_people["civil"]) == 1
    assert not CastTrace.objects.exclude(network="").exists() and CastTrace.objects.count() == 1
    flag.refresh_from_db()
    assert "abcdef" not in flag.subject and "network" not in flag.details and flag.count == 40
    assert NetworkErasure.objects.get(cycle=cycle).traces == 1
    call_command("mobilisation_forget_networks", "--cycle", str(cycle.year))
    assert NetworkErasure.objects.filter(cycle=cycle).count() == 2
    # Recomputing after the erasure finds no network any more; the old flag stays with its review.
    assert not [f for f in services.round_flags_compute(round_=r) if f.kind == Flag.Kind.NETWORK]


def test_the_task_queues_running_assemblies_and_rounds(running, monkeypatch):
    from mobilisation import tasks
    from pbcity.celery import app

    assert app.conf.beat_schedule["mobilisation-flags"]["task"] == tasks.flags_tick.name

    queued = []
    monkeypatch.setattr("pbcity.tasks.enqueue", lambda name, *args: queued.append((name, args)))
    r, _flag = running
    assert tasks.flags_tick() >= 1
    assert ("mobilisation.tasks.round_flags", (r.pk,)) in queued
    assert tasks.round_flags(r.pk) == 0  # no traces: the planted flag lapses
    assert not Flag.objects.get(round=r).active


def test_recompute_from_the_flag_page(client, cast_people, running, django_capture_on_commit_callbacks):
    r, flag = running
    page = _client(client, cast_people["committee"]).get(f"/mobilisation/{flag.pk}/").content.decode()
    assert f'name="round" value="{r.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/mobilisation/recompute/", {"round": r.pk})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert not flag.active  # recomputed (the task runs eagerly in tests): no traces, so it lapsed
    client.logout()
    assert _client(client, cast_people["district_other"]).post("/mobilisation/recompute/",
                                                               {"round": r.pk}).status_code == 403
    assert client.post("/mobilisation/recompute/", {"round": "x"}).status_code == 403


def test_the_desk_asks_for_the_village(client, district_staff, cycle, district):
    from assemblies import services as assembly_services
    from assemblies.models import Attendee

    a = assembly_services.assembly_plan(actor=district_staff, cycle=cycle, district=district, title="里別測試",
                                        starts_at=timezone.now(), venue="禮堂", top_k=2, votes_per_attendee=2)
    assembly_services.assembly_open(assembly=a, actor=district_staff)
    c = _client(client, district_staff)
    assert 'id="id_walk_village"' in c.get(f"/assemblies/{a.pk}/desk/").content.decode()
    c.post(f"/assemblies/{a.pk}/desk/walk-in/", {"name": "林阿姨", "village_code": "a01-3"})
    assert Attendee.objects.get(assembly=a, name="林阿姨").village_code == "A01-3"
    bad = c.post(f"/assemblies/{a.pk}/desk/walk-in/", {"name": "陳伯伯", "village_code": "大安;里"})
    assert bad.status_code == 400 and not Attendee.objects.filter(name="陳伯伯").exists()
    registered = Attendee.objects.create(assembly=a, name="王小姐", code="ABC123")
    c.post(f"/assemblies/{a.pk}/desk/sign-in/", {"code": "ABC123", "village_code": "B02"})
    registered.refresh_from_db()
    assert registered.village_code == "B02" and registered.signed_in_by_id == district_staff.pk
