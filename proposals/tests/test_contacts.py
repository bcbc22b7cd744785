"""No orphaned proposals: proposers who stopped taking part are flagged; a new contact is put on record."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone, translation

from pbcity.models import Notification
from pbcity.tests.factories import UserFactory
from proposals import activity, rules, selectors, services
from proposals.models import OrphanFlag, ProposalContact, ProposalProposer
from proposals.states import ConsentKind, State

from .lifecycle_helpers import Cast

LATER = timezone.now() + datetime.timedelta(days=61)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


def test_orphan_rule_counts_full_days():
    now = timezone.now()
    assert not rules.is_orphaned(last_activity=now - datetime.timedelta(days=60), now=now, days=60)
    assert rules.is_orphaned(last_activity=now - datetime.timedelta(days=60, seconds=1), now=now, days=60)


@pytest.mark.django_db
@override_settings(PB_ORPHAN_AFTER_DAYS=60)
def test_silent_proposer_is_flagged_once_and_the_office_is_told(cast, cycle, django_capture_on_commit_callbacks):
    p = cast.walk(cycle, State.ASSEMBLY_PASSED)
    assert services.orphans_flag() == 0  # just raised: taking part
    with django_capture_on_commit_callbacks(execute=True):
        assert services.orphans_flag(now=LATER) == 1
    assert services.orphans_flag(now=LATER) == 0  # one open flag per proposer
    flag = OrphanFlag.objects.get()
    assert (flag.proposal, flag.proposer.user) == (p, cast.proposer)
    assert Notification.objects.filter(recipient=cast["district"], key=f"orphan:{flag.pk}").exists()
    assert not Notification.objects.filter(recipient=cast["district_other"]).exists()
    assert list(selectors.orphan_flags_open(district=cast.district)) == [flag]


@pytest.mark.django_db
@override_settings(PB_ORPHAN_AFTER_DAYS=60)
def test_a_proposer_who_answers_is_not_flagged(cast, cycle):
    cast.walk(cycle, State.ASSEMBLY_PASSED)
    recent = LATER - datetime.timedelta(days=1)  # e.g. an answer recorded by a higher app's source
    activity.register("test.recent", lambda *, user_id, proposal_ids: {pid: recent for pid in proposal_ids})
    try:
        assert services.orphans_flag(now=LATER) == 0
    finally:
        activity._registry.pop("test.recent")
    assert services.orphans_flag(now=LATER) == 1


@pytest.mark.django_db
@override_settings(PB_ORPHAN_AFTER_DAYS=60)
def test_contact_change_resolves_the_flag_and_is_counted(cast, cycle):
    p = cast.walk(cycle, State.ASSEMBLY_PASSED)
    services.orphans_flag(now=LATER)
    newcomer = UserFactory(name="接手里民")
    with pytest.raises(ValidationError, match="reason"):
        services.contact_change(proposal=p, actor=cast["district"], contact=newcomer, reason=" ")
    row = services.contact_change(proposal=p, actor=cast["district"], contact=newcomer,
                                  reason="原提案人已搬離，里民接手")
    assert (row.is_proposer, row.consented_by) == (False, cast["district"])
    assert selectors.proposal_contact(p) == newcomer
    assert not OrphanFlag.objects.filter(resolved_at__isnull=True).exists()
    assert selectors.accountability_counts(cycle=cycle) == {"orphan_flags": 1, "orphan_flags_open": 0,
                                                            "contact_changes": 1}
    with pytest.raises(ValidationError, match="already the contact"):
        services.contact_change(proposal=p, actor=cast["district"], contact=newcomer, reason="再次")


@pytest.mark.django_db
def test_contact_records_are_guarded_by_the_database(cast, cycle):
    p = cast.walk(cycle, State.ASSEMBLY_PASSED)
    newcomer = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():  # a resident needs the office's consent
        ProposalContact.objects.create(proposal=p, user=newcomer, is_proposer=False, reason="r",
                                       recorded_by=newcomer)
    pp = p.proposers.get()
    OrphanFlag.objects.create(proposal=p, proposer=pp, last_activity_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():  # one open flag per proposer
        OrphanFlag.objects.create(proposal=p, proposer=pp, last_activity_at=timezone.now())


@pytest.mark.django_db
def test_orphans_page_is_the_district_offices(cast, cycle, client):
    p = cast.walk(cycle, State.ASSEMBLY_PASSED)
    OrphanFlag.objects.create(proposal=p, proposer=p.proposers.get(), last_activity_at=timezone.now())
    client.force_login(cast["district"])
    page = client.get("/proposals/orphans/")
    assert page.status_code == 200 and p.title in page.content.decode()
    assert "/proposals/orphans/" in client.get("/proposals/queue/").content.decode()
    newcomer = UserFactory(email="taker@example.org")
    r = client.post(f"/proposals/{p.pk}/contact/", {f"c{p.pk}-email": "taker@example.org",
                                                    f"c{p.pk}-reason": "里民同意接手"})
    assert r.status_code == 302 and selectors.proposal_contact(p) == newcomer
    client.force_login(cast["district_other"])  # its own list: other districts' proposers are not on it
    other = client.get("/proposals/orphans/")
    assert other.status_code == 200 and p.title not in other.content.decode()
    client.force_login(cast["district_no_mfa"])
    assert client.get("/proposals/orphans/").status_code in (302, 403)
    client.force_login(cast["resident"])
    assert client.get("/proposals/orphans/").status_code == 403
    r = client.post(f"/proposals/{p.pk}/contact/", {f"c{p.pk}-email": cast["resident"].email,
                                                    f"c{p.pk}-reason": "我要接手"})
    assert selectors.proposal_contact(p) == newcomer  # refused, nothing changed


@pytest.mark.django_db
def test_proposers_of_merged_proposals_count(cast, cycle):
    survivor = cast.walk(cycle, State.ASSEMBLY_PASSED)
    other = UserFactory()
    merged = services.proposal_create(actor=cast["district"], cycle=cycle, district=cast.district, title="t",
                                      problem="p", solution="s", category="parks", proposers=[other])
    services.proposal_transition(proposal=merged, actor=cast["district"], transition_name="pass_assembly", reason="r")
    services.consent_record(proposer=merged.proposers.get(), kind=ConsentKind.MERGE, given=True, actor=other)
    services.proposal_merge(proposal=merged, into=survivor, actor=cast["district"], reason="併案")
    assert {pp.user for pp in selectors.proposal_proposers(survivor)} == {cast.proposer, other}
    row = services.contact_change(proposal=survivor, actor=other, contact=other, reason="我來當聯絡人")
    assert row.is_proposer and row.consented_by is None
    with pytest.raises(PermissionDenied):
        services.contact_change(proposal=survivor, actor=UserFactory(), contact=other, reason="r")
    assert ProposalProposer.objects.filter(proposal=survivor).count() == 1
