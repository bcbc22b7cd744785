"""The assembly from plan to results, through the real services and the proposal lifecycle."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import translation

from assemblies import services
from assemblies.models import Assembly, Attendee, TieBreak, Vote
from pbcity.models import Notification
from proposals.models import Proposal, TransitionLog
from training.tests.factories import card_holder

from .conftest import record, walk_ins

pytestmark = pytest.mark.django_db


def test_plan_checks_k_and_place(cycle, district, district_staff):
    kwargs = dict(actor=district_staff, cycle=cycle, district=district, title="t", starts_at="2026-03-01T10:00+08:00",
                  votes_per_attendee=2)
    with pytest.raises(ValidationError, match="K must be 2 or 3"):
        services.assembly_plan(top_k=4, venue="禮堂", **kwargs)
    with pytest.raises(ValidationError, match="Give a venue, an online meeting link, or both"):
        services.assembly_plan(top_k=2, **kwargs)  # neither venue nor link
    a = services.assembly_plan(top_k=3, online_url="https://meet.example.tw/pb", **kwargs)
    assert a.is_online and a.status == "planned"


def test_k_constraint_in_database(planned):
    with pytest.raises(IntegrityError):
        Assembly.objects.filter(pk=planned.pk).update(top_k=5)


def test_registration_code_and_door_sign_in(planned, district_staff, registered_user):
    att = services.attendee_register(assembly=planned, user=registered_user)
    assert services.attendee_register(assembly=planned, user=registered_user).pk == att.pk
    assert len(att.code) == 8 and att.signed_in_at is None
    services.assembly_open(assembly=planned, actor=district_staff)
    signed = services.attendee_sign_in(assembly=planned, actor=district_staff, code=att.code.lower())
    assert signed.is_present
    with pytest.raises(ValidationError, match="is already signed in"):
        services.attendee_sign_in(assembly=planned, actor=district_staff, code=att.code)


def test_unknown_code_at_the_door_changes_nothing(planned, district_staff):
    services.assembly_open(assembly=planned, actor=district_staff)
    with pytest.raises(ValidationError, match="ZZZZ"):
        services.attendee_sign_in(assembly=planned, actor=district_staff, code="zzzz")
    assert not Attendee.objects.filter(signed_in_at__isnull=False).exists()


def test_recorder_without_card_is_refused_and_nothing_changes(planned, district_staff, lead):
    services.assembly_open(assembly=planned, actor=district_staff)
    no_card = card_holder(level="advanced")
    with pytest.raises(ValidationError, match="deliberation card"):
        services.table_add(assembly=planned, actor=district_staff, number=1, lead=lead, recorder=no_card)
    with pytest.raises(ValidationError, match="deliberation card"):
        services.table_add(assembly=planned, actor=district_staff, number=1, lead=no_card, recorder=lead)
    assert not planned.tables.exists()


def test_recorder_enters_proposal_raised(in_session, recorder):
    item = record(in_session, recorder, "公園增設遮陽棚", proposers=in_session["people"][:2])
    p = item.proposal
    assert p.state == "raised" and p.district_id == in_session["assembly"].district_id
    assert [pp.name for pp in p.proposers.all()] == ["與會者0", "與會者1"]
    assert TransitionLog.objects.filter(proposal=p, transition="raise_proposal").exists()


def test_other_card_holder_cannot_record_at_a_table(in_session):
    stranger = card_holder()
    with pytest.raises(PermissionDenied):
        record(in_session, stranger, "不該出現")
    assert not Proposal.objects.exists()


def test_proposers_must_sit_at_the_table(in_session, recorder, district_staff):
    other = walk_ins(in_session["assembly"], district_staff, 1)
    with pytest.raises(ValidationError, match="seated"):
        record(in_session, recorder, "外桌提案", proposers=other)
    assert not Proposal.objects.exists()


def _vote_all(assembly, people, choices):
    """choices: one list of items per attendee."""
    for att, picks in zip(people, choices):
        for it in picks:
            services.vote_cast(assembly=assembly, code=att.code, item_id=it.pk)


def test_full_vote_and_close(in_session, recorder, district_staff, django_capture_on_commit_callbacks):
    a, people = in_session["assembly"], in_session["people"]
    x, y, z = (record(in_session, recorder, t) for t in ("甲案", "乙案", "丙案"))
    services.attendee_mark_left(attendee=people[4], actor=district_staff)  # 4 present now
    a = services.vote_open(assembly=a, actor=district_staff)
    assert a.present_at_vote == 4
    # x: 3 of 4, y: 2 of 4 (exactly half), z: 3 of 4
    _vote_all(a, people[:4], [[x, z], [x, z], [x, z], [y]])
    with django_capture_on_commit_callbacks(execute=True):
        services.assembly_close(assembly=a, actor=district_staff)
    states = {p.title: p.state for p in Proposal.objects.all()}
    assert states == {"甲案": "assembly_passed", "乙案": "assembly_rejected", "丙案": "assembly_passed"}
    x.refresh_from_db()
    assert (x.votes, x.rank, x.has_majority, x.passed) == (3, 1, True, True)
    # The proposer (a walk-in has no account) — the lifecycle logged the decision with the reason.
    log = TransitionLog.objects.get(proposal=y.proposal, transition="reject_at_assembly")
    assert "2" in log.reason and log.actor == district_staff


def test_proposers_with_accounts_are_notified(planned, district_staff, lead, recorder, registered_user,
                                              django_capture_on_commit_callbacks):
    att = services.attendee_register(assembly=planned, user=registered_user)
    services.assembly_open(assembly=planned, actor=district_staff)
    services.attendee_sign_in(assembly=planned, actor=district_staff, code=att.code)
    t = services.table_add(assembly=planned, actor=district_staff, number=1, lead=lead, recorder=recorder)
    services.attendee_seat(table=t, actor=district_staff, attendees=[att])
    with django_capture_on_commit_callbacks(execute=True):
        item = services.assembly_proposal_record(table=t, actor=recorder, title="河濱照明", problem="暗",
                                                 solution="裝燈", proposers=[att])
        services.vote_open(assembly=planned, actor=district_staff)
        services.vote_cast(assembly=planned, code=att.code, item_id=item.pk)
        services.assembly_close(assembly=planned, actor=district_staff)
    assert Notification.objects.filter(recipient=registered_user).count() >= 1
    item.proposal.refresh_from_db()
    assert item.proposal.state == "assembly_passed"


def test_tie_at_rank_k_is_drawn_and_recorded(in_session, recorder, district_staff):
    a, people = in_session["assembly"], in_session["people"]
    items = [record(in_session, recorder, t) for t in ("一", "二", "三")]
    a = services.vote_open(assembly=a, actor=district_staff)  # 5 present, K=2, 2 votes each
    # one: 4 votes (rank 1); two and three: 3 each (a tie at rank 2 with one place left)
    one, two, three = items
    _vote_all(a, people, [[one, two], [one, two], [one, three], [one, three], [two, three]])
    services.assembly_close(assembly=a, actor=district_staff, draw=lambda keys: sorted(keys, reverse=True))
    tb = TieBreak.objects.get(assembly=a)
    assert tb.slots == 1 and tb.votes == 3 and tb.drawn_by == district_staff
    assert sorted(tb.drawn_order) == sorted([two.proposal_id, three.proposal_id])
    winner_pid = tb.drawn_order[0]
    states = {p.pk: p.state for p in Proposal.objects.all()}
    assert states[items[0].proposal_id] == "assembly_passed"
    assert states[winner_pid] == "assembly_passed"
    loser = ({items[1].proposal_id, items[2].proposal_id} - {winner_pid}).pop()
    assert states[loser] == "assembly_rejected"
    reason = TransitionLog.objects.get(proposal_id=loser, to_state="assembly_rejected").reason
    with translation.override("en"):
        assert "not drawn by lot" in str(reason)
    with translation.override("zh-hant"):
        assert "lot" not in str(reason)


def test_vote_allowance_and_once_per_proposal(in_session, recorder, district_staff):
    a, att = in_session["assembly"], in_session["people"][0]
    items = [record(in_session, recorder, t) for t in ("一", "二", "三")]
    a = services.vote_open(assembly=a, actor=district_staff)
    services.vote_cast(assembly=a, code=att.code, item_id=items[0].pk)
    with pytest.raises(ValidationError, match="already"):
        services.vote_cast(assembly=a, code=att.code, item_id=items[0].pk)
    services.vote_cast(assembly=a, code=att.code, item_id=items[1].pk)
    with pytest.raises(ValidationError, match="all 2"):
        services.vote_cast(assembly=a, code=att.code, item_id=items[2].pk)
    assert Vote.objects.filter(attendee=att).count() == 2


def test_bad_votes_change_nothing(in_session, recorder, district_staff):
    a, people = in_session["assembly"], in_session["people"]
    item = record(in_session, recorder, "一")
    with pytest.raises(ValidationError, match="not open"):
        services.vote_cast(assembly=a, code=people[0].code, item_id=item.pk)
    late = walk_ins(a, district_staff, 1)[0]
    a = services.vote_open(assembly=a, actor=district_staff)
    with pytest.raises(ValidationError, match="not valid"):
        services.vote_cast(assembly=a, code="NOPE1234", item_id=item.pk)
    with pytest.raises(ValidationError, match="Sign-in is open while the assembly is in session"):
        services.attendee_walk_in(assembly=a, actor=district_staff, name="太晚")
    # Signed in before voting opened: a voter, in the denominator; the refused walk-in is in neither.
    late.refresh_from_db()
    assert late.voter and a.present_at_vote == len(people) + 1
    assert not a.attendees.filter(name="太晚").exists()
    services.vote_cast(assembly=a, code=late.code, item_id=item.pk)
    services.assembly_close(assembly=a, actor=district_staff)
    with pytest.raises(ValidationError, match="closed"):
        services.vote_cast(assembly=a, code=people[0].code, item_id=item.pk)
    assert list(Vote.objects.values_list("attendee", flat=True)) == [late.pk]  # only the late arrival's vote


def test_leaving_after_vote_opens_does_not_change_the_count(in_session, recorder, district_staff):
    a, people = in_session["assembly"], in_session["people"]
    record(in_session, recorder, "一")
    a = services.vote_open(assembly=a, actor=district_staff)
    services.attendee_mark_left(attendee=people[0], actor=district_staff)
    a.refresh_from_db()
    assert a.present_at_vote == 5


def test_paper_count_needs_a_second_staff_member(in_session, recorder, district_staff, second_staff):
    a = in_session["assembly"]
    services.assembly_update(assembly=a, actor=district_staff, vote_method="paper")
    x, y = record(in_session, recorder, "一"), record(in_session, recorder, "二")
    a = services.vote_open(assembly=a, actor=district_staff)
    with pytest.raises(ValidationError, match="votes are counted on paper or by hand"):
        services.vote_cast(assembly=a, code=in_session["people"][0].code, item_id=x.pk)
    with pytest.raises(ValidationError, match="A count must be between 0 and the 5 attendees present"):
        services.hand_count_enter(item=x, actor=district_staff, votes=6)  # more than the 5 present
    services.hand_count_enter(item=x, actor=district_staff, votes=3)
    services.hand_count_enter(item=y, actor=district_staff, votes=2)
    with pytest.raises(ValidationError, match="second"):
        services.hand_count_confirm(item=x, actor=district_staff, votes=3)
    with pytest.raises(ValidationError, match="differ"):
        services.hand_count_confirm(item=x, actor=second_staff, votes=4)
    services.hand_count_confirm(item=x, actor=second_staff, votes=3)
    with pytest.raises(ValidationError, match="confirmed"):
        services.assembly_close(assembly=a, actor=district_staff)
    services.hand_count_confirm(item=y, actor=second_staff, votes=2)
    services.assembly_close(assembly=a, actor=district_staff)
    x.proposal.refresh_from_db(), y.proposal.refresh_from_db()
    assert (x.proposal.state, y.proposal.state) == ("assembly_passed", "assembly_rejected")


def test_online_attendee_signs_in_and_votes(cycle, district, district_staff, registered_user, lead, recorder):
    a = services.assembly_plan(actor=district_staff, cycle=cycle, district=district, title="線上住民大會",
                               starts_at="2026-03-01T19:00+08:00", online_url="https://meet.example.tw/pb",
                               top_k=3, votes_per_attendee=1)
    att = services.attendee_register(assembly=a, user=registered_user)
    with pytest.raises(ValidationError, match="Online sign-in is open to registered attendees"):
        services.attendee_self_sign_in(assembly=a, user=registered_user)  # not in session yet
    services.assembly_open(assembly=a, actor=district_staff)
    att = services.attendee_self_sign_in(assembly=a, user=registered_user)
    assert att.is_present and att.remote
    t = services.table_add(assembly=a, actor=district_staff, number=1, lead=lead, recorder=recorder)
    services.attendee_seat(table=t, actor=district_staff, attendees=[att])
    item = services.assembly_proposal_record(table=t, actor=recorder, title="線上提案", problem="p", solution="s",
                                             proposers=[att])
    a = services.vote_open(assembly=a, actor=district_staff)
    services.vote_cast(assembly=a, code=att.code, item_id=item.pk)
    services.assembly_close(assembly=a, actor=district_staff)
    item.refresh_from_db()
    assert item.passed


def test_staff_of_another_district_cannot_run_it(planned, other_district):
    from pbcity.roles import Role
    from pbcity.tests.factories import staff

    outsider = staff(Role.DISTRICT_OFFICE, district=other_district)
    with pytest.raises(PermissionDenied):
        services.assembly_open(assembly=planned, actor=outsider)
    planned.refresh_from_db()
    assert planned.status == "planned"
