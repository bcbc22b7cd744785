"""The review panel through its services: composition, pools, the draw, alternates, scoring, outcome."""
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from deliberation import draw, rules, selectors, services
from deliberation.models import Allowance, DrawEntry, DrawRecord, PanelSeat, ReviewPanel, Score, Verdict
from pbcity.roles import Role
from pbcity.tests.factories import staff
from proposals.models import TransitionLog
from proposals.states import State
from proposals.tests.factories import add_proposer
from training.tests.factories import card_holder

from .panel_fixtures import *  # noqa: F401,F403
from .panel_fixtures import commit, score_all

pytestmark = pytest.mark.django_db


def seats_of(panel, **filters):
    return list(PanelSeat.objects.filter(panel=panel, **filters))


# -- composition and pools -------------------------------------------------------------------

def test_a_draw_that_would_seat_an_incomplete_panel_rolls_back(world, planned, monkeypatch):
    commit(world, planned)
    real_run = draw.run

    def short_run(doc, value):  # a defective draw: one basic seat left empty
        result = real_run(doc, value)
        result["selected"]["basic"] = result["selected"]["basic"][1:]
        return result

    monkeypatch.setattr(draw, "run", short_run)
    with pytest.raises(ValidationError, match="missing:basic"):
        services.panel_draw(panel=planned, actor=world.office, random_value="03,11,19,27,38,42")
    planned.refresh_from_db()
    assert not DrawRecord.objects.filter(panel=planned).exists()
    assert not PanelSeat.objects.filter(panel=planned, source="drawn").exists()
    assert planned.state != ReviewPanel.State.DRAWN


def test_drawn_panel_has_every_quota_and_members_from_the_right_pools(world, drawn):
    seats = seats_of(drawn)
    assert rules.composition_problems([(s.seat_type, s.user_id) for s in seats]) == []
    assert len(seats) == rules.PANEL_SIZE == 12
    by_type = {t: {s.user_id for s in seats if s.seat_type == t} for t in rules.SEAT_QUOTAS}
    assert by_type["host"] == {world.host.pk} and by_type["co_host"] == {world.co_host.pk}
    assert by_type["deliberator"] == {world.deliberator.pk}
    assert by_type["basic"] <= {u.pk for u in world.basic}
    assert by_type["advanced"] <= {u.pk for u in world.advanced}
    assert by_type["proposer"] <= {u.pk for u in world.prev_ok}
    assert drawn.state == ReviewPanel.State.DRAWN


def test_previous_year_proposers_from_the_district_under_review_are_not_in_the_pool(world, planned):
    c = commit(world, planned)
    pool = set(DrawEntry.objects.filter(commitment=c, seat_type="proposer").values_list("user_id", flat=True))
    assert pool == {u.pk for u in world.prev_ok}
    assert world.prev_here.pk not in pool  # proposed in this district last year
    assert world.prev_lives_here.pk not in pool  # lives in this district


def test_appointed_members_are_in_no_pool_and_pools_hold_pseudonyms_only(world, planned):
    c = commit(world, planned)
    users = set(DrawEntry.objects.filter(commitment=c).values_list("user_id", flat=True))
    assert not users & {world.host.pk, world.co_host.pk, world.deliberator.pk}
    doc = json.loads(c.document)
    assert c.sha256 == draw.commitment_of(doc)
    assert doc["quotas"] == {"advanced": 2, "basic": 5, "proposer": 2}
    assert len(doc["pools"]["basic"]) == 8 and len(doc["pools"]["advanced"]) == 4
    text = c.document
    assert all(u.name not in text and u.email not in text for u in world.basic + world.advanced + world.prev_ok)
    assert doc["randomness"]["date"] == "2026-06-12"


def test_a_card_holding_previous_year_proposer_is_in_the_proposer_pool_only(world, planned):
    both = world.prev_ok[0]
    from training.tests.factories import attended

    attended(both, 3)  # now also a basic-card holder
    c = commit(world, planned)
    assert list(DrawEntry.objects.filter(commitment=c, user=both).values_list("seat_type", flat=True)) == ["proposer"]


def test_appointment_rules(world, planned):
    other = staff(Role.COMMITTEE)
    resident = card_holder("advanced")
    with pytest.raises(ValidationError, match="not a committee member"):
        services.panel_appoint(panel=planned, actor=world.civil, host=resident, co_host=other,
                               deliberator=world.deliberator, reason="r")
    with pytest.raises(ValidationError, match="deliberation card"):
        services.panel_appoint(panel=planned, actor=world.civil, host=world.host, co_host=other,
                               deliberator=resident, reason="r")
    with pytest.raises(ValidationError, match="three different"):
        services.panel_appoint(panel=planned, actor=world.civil, host=world.host, co_host=world.host,
                               deliberator=world.deliberator, reason="r")
    with pytest.raises(PermissionDenied):
        services.panel_appoint(panel=planned, actor=world.office, host=world.host, co_host=other,
                               deliberator=world.deliberator, reason="r")
    # The committee may change the co-host before the commitment; the history keeps the first.
    services.panel_appoint(panel=planned, actor=world.cast["committee"], host=world.host, co_host=other,
                           deliberator=world.deliberator, reason="改派")
    assert PanelSeat.objects.get(panel=planned, seat_type="co_host").user == other
    assert PanelSeat.history.filter(seat_type="co_host", user=world.co_host, history_type="-").exists()
    commit(world, planned)
    planned.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.panel_appoint(panel=planned, actor=world.civil, host=world.host, co_host=world.co_host,
                               deliberator=world.deliberator, reason="r")


def test_commitment_needs_the_hosts_and_a_randomness_source(world):
    import datetime

    from django.utils import timezone

    panel = services.panel_plan(actor=world.office, cycle=world.cycle, district=world.district,
                                starts_at=timezone.now(), online_url="https://meet.example.tw/x")
    with pytest.raises(ValidationError, match="Appoint"):
        commit(world, panel)
    with pytest.raises(ValidationError, match="source of randomness"):
        services.panel_commit(panel=panel, actor=world.office, randomness_source=" ",
                              randomness_date=datetime.date.today())
    with pytest.raises(ValidationError, match="already has a review panel"):
        services.panel_plan(actor=world.office, cycle=world.cycle, district=world.district,
                            starts_at=timezone.now(), venue="x")
    with pytest.raises(ValidationError, match="place"):
        services.panel_plan(actor=staff(Role.DISTRICT_OFFICE, district=world.cast.proposer.home_district)
                            if world.cast.proposer.home_district else world.office,
                            cycle=world.cycle, district=world.district, starts_at=timezone.now())


def test_a_draw_that_cannot_fill_its_quotas_is_refused_with_the_reason(world, planned):
    """Two proposer seats with one eligible previous-year proposer: refused, never drawn as "0/2"."""
    from proposals.models import ProposalProposer

    ProposalProposer.objects.filter(user__in=world.prev_ok[1:]).delete()
    with pytest.raises(ValidationError, match=r"previous-year proposer: 1 eligible for 2 seats"):
        commit(world, planned)
    planned.refresh_from_db()
    assert planned.state == ReviewPanel.State.PLANNED and not DrawEntry.objects.exists()


def test_unfillable_seats_names_each_short_seat_type():
    quotas = {"advanced": 2, "basic": 5, "proposer": 2}
    pools = {"advanced": ["a", "b"], "basic": list("abcd"), "proposer": []}
    assert rules.unfillable_seats(pools, quotas) == {"basic": (5, 4), "proposer": (2, 0)}
    pools["basic"].append("e")
    pools["proposer"] = ["x", "y", "z"]
    assert rules.unfillable_seats(pools, quotas) == {}


# -- the draw ----------------------------------------------------------------------------------

def test_draw_matches_the_pure_algorithm_and_is_stored_with_who_ran_it(world, drawn):
    record = DrawRecord.objects.get(panel=drawn)
    doc = json.loads(drawn.commitment.document)
    assert json.loads(record.result) == draw.run(doc, "03,11,19,27,38,42")
    assert record.drawn_by == world.office and record.random_value == "03,11,19,27,38,42"
    users = dict(DrawEntry.objects.filter(commitment=drawn.commitment).values_list("pseudonym", "user_id"))
    for seat in seats_of(drawn, source="drawn"):
        assert users[seat.pseudonym] == seat.user_id
        assert seat.pseudonym in json.loads(record.result)["selected"][seat.seat_type]


def test_a_draw_is_never_rerun_with_another_value(world, drawn):
    with pytest.raises(ValidationError, match="never re-run"):
        services.panel_draw(panel=drawn, actor=world.office, random_value="01,02,03,04,05,06")
    record = DrawRecord.objects.get(panel=drawn)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a second record
        DrawRecord.objects.create(panel=drawn, commitment=drawn.commitment, random_value="x", seed="0" * 64,
                                  result="{}", drawn_by=world.office)
    with pytest.raises(PermissionError):
        DrawRecord.objects.filter(pk=record.pk).update(random_value="x")


def test_database_refuses_to_rewrite_a_draw_or_a_score(world, scoring):
    assert connection.vendor == "postgresql"
    seat = PanelSeat.objects.filter(panel=scoring, seat_type="basic").first()
    services.score_submit(panel=scoring, actor=seat.user, proposal=scoring.agenda.first(), publicness="green",
                          legality="green", budget="green")
    refused = "append-only|permission denied"  # the trigger, or the hardened role's missing privilege
    for table in ("deliberation_drawrecord", "deliberation_drawcommitment", "deliberation_drawentry",
                  "deliberation_score"):
        with pytest.raises(Exception, match=refused), transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"UPDATE {table} SET id = id")  # noqa: S608 - fixed table names
        with pytest.raises(Exception, match=refused), transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"DELETE FROM {table}")  # noqa: S608


def test_draw_needs_a_commitment_and_a_value(world, planned):
    with pytest.raises(ValidationError, match="Publish the commitment"):
        services.panel_draw(panel=planned, actor=world.office, random_value="1")
    commit(world, planned)
    with pytest.raises(ValidationError, match="random value"):
        services.panel_draw(panel=planned, actor=world.office, random_value="   ")
    with pytest.raises(ValidationError, match="already published"):
        commit(world, planned)


# -- absences and alternates ---------------------------------------------------------------

def test_absent_member_is_replaced_by_the_next_alternate_of_the_same_seat_type(world, drawn):
    result = drawn.draw.doc
    seat = PanelSeat.objects.get(panel=drawn, pseudonym=result["selected"]["basic"][0])
    new = services.panel_mark_absent(panel=drawn, actor=world.office, seat=seat, reason="請假")
    assert new.seat_type == "basic" and new.pseudonym == result["alternates"]["basic"][0]
    assert new.replaces == seat and new.source == "alternate"
    seat.refresh_from_db()
    assert seat.status == "absent"
    # The alternate is absent too: the one after them comes.
    newer = services.panel_mark_absent(panel=drawn, actor=world.host, seat=new, reason="未到")
    assert newer.pseudonym == result["alternates"]["basic"][1]
    # The advanced pool has 4: two alternates, then nobody.
    adv = PanelSeat.objects.get(panel=drawn, pseudonym=result["selected"]["advanced"][0])
    a1 = services.panel_mark_absent(panel=drawn, actor=world.office, seat=adv, reason="r")
    a2 = services.panel_mark_absent(panel=drawn, actor=world.office, seat=a1, reason="r")
    assert a2.pseudonym == result["alternates"]["advanced"][1]
    assert services.panel_mark_absent(panel=drawn, actor=world.office, seat=a2, reason="r") is None
    seated = [(s.seat_type, s.user_id) for s in seats_of(drawn, status="seated")]
    assert rules.composition_problems(seated) == ["missing:advanced"]


def test_an_absent_host_or_vice_host_is_not_refilled_and_never_fills_a_seat(world, drawn):
    for seat_type in ("host", "co_host", "deliberator"):
        seat = PanelSeat.objects.get(panel=drawn, seat_type=seat_type)
        assert services.panel_mark_absent(panel=drawn, actor=world.office, seat=seat, reason="請假") is None
        assert not PanelSeat.objects.filter(replaces=seat).exists()
    for seat in PanelSeat.objects.filter(panel=drawn, seat_type="basic", status="seated")[:3]:
        new = services.panel_mark_absent(panel=drawn, actor=world.office, seat=seat, reason="請假")
        if new is None:  # the basic alternates are spent
            break
        assert new.user_id not in {world.host.pk, world.co_host.pk, world.deliberator.pk}
        assert new.seat_type == "basic"


def test_absence_needs_a_reason_and_cannot_follow_a_score(world, scoring):
    seat = PanelSeat.objects.filter(panel=scoring, seat_type="basic").first()
    with pytest.raises(ValidationError, match="reason"):
        services.panel_mark_absent(panel=scoring, actor=world.office, seat=seat, reason="")
    p = scoring.agenda.first()
    services.score_submit(panel=scoring, actor=seat.user, proposal=p, publicness="green", legality="green",
                          budget="green")
    with pytest.raises(ValidationError, match="already scored"):
        services.panel_mark_absent(panel=scoring, actor=world.office, seat=seat, reason="離席")


# -- scoring ------------------------------------------------------------------------------------

def test_hosts_and_the_vice_host_do_not_score(world, scoring):
    p = scoring.agenda.first()
    for user in (world.host, world.co_host, world.deliberator):
        with pytest.raises(PermissionDenied):
            services.score_submit(panel=scoring, actor=user, proposal=p, publicness="green", legality="green",
                                  budget="green")
    assert not Score.objects.exists()


def test_nobody_scores_a_proposal_they_proposed(world, scoring):
    seat = PanelSeat.objects.filter(panel=scoring, seat_type="basic").first()
    p = scoring.agenda.first()
    add_proposer(p, seat.user)
    with pytest.raises(PermissionDenied, match="proposed"):
        services.score_submit(panel=scoring, actor=seat.user, proposal=p, publicness="green", legality="green",
                              budget="green")
    # … and closing does not wait for that score.
    score_all(scoring, lambda s, q: ("green", "green", "green"))
    services.panel_close(panel=scoring, actor=world.host)
    assert Verdict.objects.get(panel=scoring, proposal=p).n_scores == 8


def test_a_score_is_final_complete_and_on_the_agenda(world, scoring):
    seat = PanelSeat.objects.filter(panel=scoring, seat_type="proposer").first()
    p = scoring.agenda.first()
    with pytest.raises(ValidationError, match="light"):
        services.score_submit(panel=scoring, actor=seat.user, proposal=p, publicness="green", legality="blue",
                              budget="green")
    services.score_submit(panel=scoring, actor=seat.user, proposal=p, publicness="green", legality="red",
                          budget="green", note="  用地待確認 ")
    assert Score.objects.get(member=seat.user).note == "用地待確認"
    with pytest.raises(ValidationError, match="final"):
        services.score_submit(panel=scoring, actor=seat.user, proposal=p, publicness="green", legality="green",
                              budget="green")
    elsewhere = world.cast.walk(world.cycle, State.RAISED)
    with pytest.raises(ValidationError, match="agenda"):
        services.score_submit(panel=scoring, actor=seat.user, proposal=elsewhere, publicness="green",
                              legality="green", budget="green")


def test_absent_members_and_strangers_do_not_score_and_not_before_opening(world, drawn):
    seat = PanelSeat.objects.filter(panel=drawn, seat_type="basic").first()
    p = world.proposals[0]
    with pytest.raises(PermissionDenied):  # scoring not open yet
        services.score_submit(panel=drawn, actor=seat.user, proposal=p, publicness="green", legality="green",
                              budget="green")
    services.panel_mark_absent(panel=drawn, actor=world.office, seat=seat, reason="請假")
    services.panel_open_scoring(panel=drawn, actor=world.office)
    for user in (seat.user, world.cast["resident"], world.office):
        with pytest.raises(PermissionDenied):
            services.score_submit(panel=drawn, actor=user, proposal=p, publicness="green", legality="green",
                                  budget="green")


def test_scores_stay_hidden_until_scoring_closes(world, scoring):
    seat = PanelSeat.objects.filter(panel=scoring, seat_type="basic").first()
    p = scoring.agenda.first()
    services.score_submit(panel=scoring, actor=seat.user, proposal=p, publicness="red", legality="green",
                          budget="green")
    assert selectors.panel_results(panel=scoring) == []
    assert selectors.scores_open_data(panel=scoring) == []
    other = PanelSeat.objects.filter(panel=scoring, seat_type="basic").exclude(pk=seat.pk).first()
    assert selectors.panel_my_scores(panel=scoring, user=other.user) == {}
    assert set(selectors.panel_my_scores(panel=scoring, user=seat.user)) == {p.pk}
    progress = {row["seat"].pk: row["scored"] for row in selectors.panel_scoring_progress(panel=scoring)}
    assert progress[seat.pk] == 1 and len(progress) == 9


# -- closing: lights, lifecycle, audit, allowances ---------------------------------------------------

def test_close_moves_each_proposal_by_its_panel_lights(world, scoring):
    good, red_budget, split = sorted(world.proposals, key=lambda p: p.pk)
    seats = sorted((s for s in seats_of(scoring, status="seated") if s.is_scoring), key=lambda s: s.pk)
    reds = {s.pk for s in seats[:5]}  # 5 of 9 give red on budget to the second; 4 of 9 on publicness to the third

    def lights(seat, p):
        if p.pk == red_budget.pk:
            return ("green", "yellow", "red" if seat.pk in reds else "green")
        if p.pk == split.pk:
            return ("red" if seat.pk in set(list(reds)[:4]) else "yellow", "green", "green")
        return ("green", "yellow", "yellow")

    with pytest.raises(ValidationError, match="missing"):
        services.panel_close(panel=scoring, actor=world.host)
    score_all(scoring, lights)
    verdicts = {v.proposal_id: v for v in services.panel_close(panel=scoring, actor=world.co_host)}
    assert (verdicts[good.pk].publicness, verdicts[good.pk].legality, verdicts[good.pk].budget) == (
        "green", "yellow", "yellow")
    assert verdicts[good.pk].passed and not verdicts[red_budget.pk].passed and verdicts[split.pk].passed
    assert verdicts[red_budget.pk].budget == "red" and verdicts[split.pk].publicness == "yellow"
    for p in (good, red_budget, split):
        p.refresh_from_db()
    assert (good.state, red_budget.state, split.state) == (
        State.REVIEW_PASSED, State.REVIEW_FAILED, State.REVIEW_PASSED)
    log = TransitionLog.objects.get(proposal=red_budget, transition="fail_review")
    assert log.actor == world.co_host and "budget feasibility red" in str(log.reason) and "9 scores" in str(log.reason)
    assert TransitionLog.objects.get(proposal=good, transition="pass_review").from_state == State.IN_WORKSHOP
    # allowances: each seated member (hosts and vice-host included) once, the cycle's amount
    allowances = list(Allowance.objects.filter(panel=scoring))
    assert len(allowances) == 12 and {a.amount_ntd for a in allowances} == {world.cycle.panel_allowance_ntd}
    scoring.refresh_from_db()
    assert scoring.state == "closed"
    assert len(selectors.scores_open_data(panel=scoring)) == 3 * 9 + 3
    with pytest.raises(ValidationError, match="not open"):
        services.panel_close(panel=scoring, actor=world.host)


def test_a_red_median_fails_and_every_record_enters_the_audit_chain(world, scoring):
    from pbcity.audit.entries import chain_seal
    from pbcity.audit.verify import chain_verify
    from pbcity.models import AuditEntry

    score_all(scoring, lambda s, p: ("green", "red", "green"))
    services.panel_close(panel=scoring, actor=world.office)
    assert not Verdict.objects.filter(panel=scoring, passed=True).exists()
    assert all(p.state == State.REVIEW_FAILED for p in scoring.agenda.all())
    chain_seal()
    tables = set(AuditEntry.objects.values_list("table", flat=True))
    assert {"deliberation.drawcommitment", "deliberation.drawentry", "deliberation.drawrecord", "deliberation.score",
            "deliberation.verdict", "deliberation.allowance"} <= tables
    assert chain_verify().ok


def test_database_refuses_a_passing_verdict_with_a_red_light(world, scoring):
    p = scoring.agenda.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.create(panel=scoring, proposal=p, publicness="green", legality="red", budget="green",
                               n_scores=9, passed=True, decided_by=world.host)


def test_a_proposal_withdrawn_during_scoring_is_skipped(world, scoring):
    from proposals import services as proposal_services

    gone = scoring.agenda.order_by("id").last()
    proposal_services.proposal_transition(proposal=gone, actor=world.cast.proposer, transition_name="withdraw",
                                          reason="搬家")
    score_all(scoring, lambda s, p: ("green", "green", "green"))
    services.panel_close(panel=scoring, actor=world.host)
    assert not Verdict.objects.filter(proposal=gone).exists()
    assert Verdict.objects.filter(panel=scoring).count() == 2


def test_drawn_members_and_alternates_are_notified(world, planned, django_capture_on_commit_callbacks):
    from pbcity.models import Notification

    commit(world, planned)
    with django_capture_on_commit_callbacks(execute=True):
        services.panel_draw(panel=planned, actor=world.office, random_value="42")
    drawn = set(PanelSeat.objects.filter(panel=planned, source="drawn").values_list("user_id", flat=True))
    assert set(Notification.objects.filter(key__startswith="panel-seat:").values_list("recipient_id", flat=True)) \
        >= drawn
    seat = PanelSeat.objects.filter(panel=planned, seat_type="advanced").first()
    with django_capture_on_commit_callbacks(execute=True):
        new = services.panel_mark_absent(panel=planned, actor=world.office, seat=seat, reason="請假")
    assert Notification.objects.filter(recipient=new.user, key=f"panel-seat:{new.pk}").exists()
