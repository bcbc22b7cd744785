"""A resident writes a proposal online and picks its village and point; it stays their private draft until the
district office raises it (docs/decisions.md, "Residents propose online")."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from places.models import PlaceChange, Village
from places.tests.helpers import load_taipei
from proposals import permissions as perm
from proposals import selectors, services
from proposals.models import Proposal
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

pytestmark = pytest.mark.django_db

ROLES = ("proposer", "resident", "district", "district_other", "other_agency", "district_no_mfa", "anonymous")


@pytest.fixture
def cast(district, other_district):
    load_taipei()
    return Cast(district, other_district)


def _v(name):
    return Village.objects.get(name=name)


def _propose(cast, cycle, *, actor="proposer", village="龍坡里", point=True, **extra):
    v = _v(village) if village else None
    fields = {"title": "龍坡里巷口反射鏡", "problem": "巷口看不到來車。", "solution": "設置反射鏡。",
              "category": "traffic", "location": "羅斯福路三段 269 巷口", "estimated_cost": 30000, **extra}
    return services.proposal_propose(
        actor=cast[actor] if isinstance(actor, str) else actor, cycle=cycle, district=cast.district, village=v,
        point_lon=v.centroid_lon if v and point else None, point_lat=v.centroid_lat if v and point else None,
        **fields)


# -- writing the draft ---------------------------------------------------------------------------------------

def test_a_residents_proposal_is_their_private_draft_with_its_place_on_record(cast, cycle):
    p = _propose(cast, cycle)
    p.refresh_from_db()
    v = _v("龍坡里")
    assert (p.state, p.published_at, p.village, p.point_lon) == (State.DRAFT, None, v, v.centroid_lon)
    assert [pp.user for pp in p.proposers.all()] == [cast.proposer]
    change = PlaceChange.objects.get(subject="proposal", subject_id=p.pk)
    assert (change.village, change.lon, change.actor) == (v, v.centroid_lon, cast.proposer)
    assert p.history.get().history_user == cast.proposer
    assert p not in Proposal.objects.public()
    assert list(selectors.proposals_for_user(user=cast.proposer)) == [p]


def test_the_village_is_required_once_the_districts_villages_are_loaded(cast, cycle):
    with pytest.raises(ValidationError, match="Choose the village|請選擇提案所在的里"):
        _propose(cast, cycle, village=None)
    with pytest.raises(ValidationError, match="not in this district|不在這個行政區"):
        _propose(cast, cycle, village="關渡里")  # Beitou's, for a Da'an proposal
    with pytest.raises(ValidationError, match="not inside the village|不在.*龍坡里"):
        services.proposal_propose(actor=cast.proposer, cycle=cycle, district=cast.district, village=_v("龍坡里"),
                                  point_lon=Decimal("121.6"), point_lat=Decimal("25.1"), title="t", problem="p",
                                  solution="s", category="other")
    assert not Proposal.objects.exists()


def test_a_city_without_loaded_villages_takes_a_residents_proposal_without_one(cycle, district, other_district):
    cast = Cast(district, other_district)  # no places_load
    p = services.proposal_propose(actor=cast.proposer, cycle=cycle, district=cast.district, title="t", problem="p",
                                  solution="s", category="other")
    assert p.state == State.DRAFT and p.village is None


def test_without_a_cycle_the_resident_is_told_so(cast):
    with pytest.raises(ValidationError, match="No participatory-budgeting cycle|尚無"):
        services.proposal_propose(actor=cast.proposer, cycle=None, district=cast.district, village=_v("龍坡里"),
                                  title="t", problem="p", solution="s", category="other")


# -- who may do what: role × action ------------------------------------------------------------------------

PROPOSE = {"proposer": True, "resident": True, "district": True, "district_other": True, "other_agency": True,
           "district_no_mfa": False, "anonymous": False}
VIEW = {"proposer": True, "resident": False, "district": True, "district_other": False, "other_agency": False,
        "district_no_mfa": False, "anonymous": False}
EDIT = {role: role == "proposer" for role in ROLES}
WITHDRAW = {role: role == "proposer" for role in ROLES}
RAISE = {role: role == "district" for role in ROLES}


def test_the_matrix_names_every_role():
    assert all(set(m) == set(ROLES) for m in (PROPOSE, VIEW, EDIT, WITHDRAW, RAISE))


@pytest.mark.parametrize("role", ROLES)
def test_who_may_write_a_proposal_online(cast, cycle, role):
    actor = cast[role]
    assert perm.can_propose_online(cast.district, actor) is PROPOSE[role]
    if PROPOSE[role]:
        assert _propose(cast, cycle, actor=role).proposers.get().user == actor
    else:
        with pytest.raises(PermissionDenied, match="resident's account|市民帳號"):
            _propose(cast, cycle, actor=role)
        assert not Proposal.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_draft(client, cast, cycle, role):
    p = _propose(cast, cycle)
    assert perm.can_view(p, cast[role]) is VIEW[role]
    if cast[role] is not None:
        client.force_login(cast[role])
    r = client.get(f"/proposals/{p.pk}/")
    assert r.status_code == (200 if VIEW[role] else 302 if role == "district_no_mfa" else 404)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_edit_the_draft(cast, cycle, role):
    p = _propose(cast, cycle)
    assert perm.can_edit_draft(p, cast[role]) is EDIT[role]
    edit = {"village": _v("古莊里"), "title": "古莊里巷口反射鏡", "note": "地點其實在古莊里"}
    if EDIT[role]:
        services.proposal_draft_update(proposal=p, actor=cast[role], **edit)
        p.refresh_from_db()
        assert (p.title, p.village) == ("古莊里巷口反射鏡", _v("古莊里"))
    else:
        with pytest.raises(PermissionDenied, match="Only its proposer|只有提案人"):
            services.proposal_draft_update(proposal=p, actor=cast[role], **edit)
        p.refresh_from_db()
        assert (p.title, p.village) == ("龍坡里巷口反射鏡", _v("龍坡里"))


@pytest.mark.parametrize("role", ROLES)
def test_who_may_withdraw_the_draft(cast, cycle, role):
    p = _propose(cast, cycle)
    assert perm.can_withdraw(p, cast[role]) is WITHDRAW[role]
    if WITHDRAW[role]:
        services.proposal_transition(proposal=p, actor=cast[role], transition_name="withdraw", reason="改變主意")
        p.refresh_from_db()
        assert (p.state, p.published_at) == (State.WITHDRAWN, None)  # withdrawn before raising: still private
    else:
        with pytest.raises(PermissionDenied, match="沒有權限"):
            services.proposal_transition(proposal=p, actor=cast[role], transition_name="withdraw", reason="x")
        assert Proposal.objects.get(pk=p.pk).state == State.DRAFT


@pytest.mark.parametrize("role", ROLES)
def test_who_may_raise_the_draft(cast, cycle, role):
    p = _propose(cast, cycle)
    assert perm.can_raise(p, cast[role]) is RAISE[role]
    if RAISE[role]:
        services.proposal_transition(proposal=p, actor=cast[role], transition_name="raise_proposal",
                                     reason="區公所於住民大會提出")
        p.refresh_from_db()
        assert p.state == State.RAISED and p.published_at is not None and p in Proposal.objects.public()
    else:
        with pytest.raises(PermissionDenied, match="沒有權限"):
            services.proposal_transition(proposal=p, actor=cast[role], transition_name="raise_proposal",
                                         reason="x")
        assert Proposal.objects.get(pk=p.pk).state == State.DRAFT


# -- editing keeps the history ---------------------------------------------------------------------------

def test_each_edit_keeps_who_when_why_and_the_old_values(cast, cycle):
    p = _propose(cast, cycle)
    guzhuang = _v("古莊里")
    services.proposal_draft_update(proposal=p, actor=cast.proposer, village=guzhuang,
                                   point_lon=guzhuang.centroid_lon, point_lat=guzhuang.centroid_lat,
                                   title="古莊里巷口反射鏡", estimated_cost=45000, note="改到古莊里，多一面鏡子")
    records = list(p.history.order_by("history_date", "history_id"))
    assert [(r.title, r.estimated_cost) for r in records] == [("龍坡里巷口反射鏡", 30000), ("古莊里巷口反射鏡", 45000)]
    assert (records[-1].history_user, records[-1].history_change_reason) == (cast.proposer, "改到古莊里，多一面鏡子")
    changes = list(PlaceChange.objects.filter(subject="proposal", subject_id=p.pk).order_by("id"))
    assert [(c.village.name, c.reason) for c in changes] == [("龍坡里", _("As raised")),
                                                             ("古莊里", "改到古莊里，多一面鏡子")]
    assert p.revisions.order_by("-number").first().title == "古莊里巷口反射鏡"


def test_moving_only_the_point_is_on_record_without_a_text_revision(cast, cycle):
    p = _propose(cast, cycle, point=False)
    v = _v("龍坡里")
    services.proposal_draft_update(proposal=p, actor=cast.proposer, village=v, point_lon=v.centroid_lon,
                                   point_lat=v.centroid_lat)
    p.refresh_from_db()
    assert p.point_lat == v.centroid_lat and p.revisions.count() == 1
    last = PlaceChange.objects.filter(subject_id=p.pk).order_by("-id").first()
    assert (last.lon, last.actor, last.reason) == (v.centroid_lon, cast.proposer, _("Draft edited by its proposer"))


def test_an_edit_that_changes_nothing_or_breaks_the_place_rules_is_refused(cast, cycle):
    p = _propose(cast, cycle)
    v = _v("龍坡里")
    same = {"village": v, "point_lon": v.centroid_lon, "point_lat": v.centroid_lat, "title": p.title}
    with pytest.raises(ValidationError, match="Nothing was changed|沒有"):
        services.proposal_draft_update(proposal=p, actor=cast.proposer, **same)
    with pytest.raises(ValidationError, match="Choose the village|請選擇提案所在的里"):
        services.proposal_draft_update(proposal=p, actor=cast.proposer, village=None, title="新標題")
    with pytest.raises(ValidationError, match="不可修訂：state"):
        services.proposal_draft_update(proposal=p, actor=cast.proposer, village=v, state="raised")
    assert Proposal.objects.get(pk=p.pk).title == "龍坡里巷口反射鏡"


def test_a_raised_proposal_is_no_longer_the_proposers_to_edit(cast, cycle):
    p = _propose(cast, cycle)
    services.proposal_transition(proposal=p, actor=cast["district"], transition_name="raise_proposal", reason="提出")
    with pytest.raises(PermissionDenied, match="Only its proposer|只有提案人"):
        services.proposal_draft_update(proposal=Proposal.objects.get(pk=p.pk), actor=cast.proposer,
                                       village=_v("古莊里"))


# -- raising needs the village ------------------------------------------------------------------------------

def test_a_draft_without_its_village_is_not_raised_until_the_office_places_it(cast, cycle):
    p = services.proposal_create(actor=cast["district"], cycle=cycle, district=cast.district, title="t",
                                 problem="p", solution="s", category="parks", proposers=[cast.proposer],
                                 as_draft=True)
    actions = {a["name"]: a for a in selectors.proposal_actions(proposal=p, user=cast["district"])}
    assert actions["raise_proposal"]["unmet"] == [_("Choose the proposal's village (里) before it is raised: correct "
                                                    "its place first.")]
    with pytest.raises(ValidationError, match="before it is raised|提出前"):
        services.proposal_transition(proposal=p, actor=cast["district"], transition_name="raise_proposal",
                                     reason="提出")
    assert Proposal.objects.get(pk=p.pk).state == State.DRAFT
    services.proposal_place_set(proposal=p, actor=cast["district"], village=_v("龍坡里"), reason="補上里別")
    services.proposal_transition(proposal=p, actor=cast["district"], transition_name="raise_proposal", reason="提出")
    assert Proposal.objects.get(pk=p.pk).state == State.RAISED


def test_the_offices_queue_lists_the_districts_drafts_to_raise(cast, cycle, other_district):
    mine = _propose(cast, cycle)
    rows = selectors.proposals_awaiting(user=cast["district"])
    assert [(r["proposal"], [str(s) for s in r["steps"]]) for r in rows] == [(mine, [_("Raise the proposal")])]
    assert selectors.proposals_awaiting(user=cast["district_other"]) == []


# -- how many drafts may wait ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("waiting", "limit", "may"), [(0, 5, True), (4, 5, True), (5, 5, False), (6, 5, False),
                                                        (0, 0, False), (0, 1, True), (1, 1, False)])
def test_a_resident_may_open_another_draft_below_the_limit(waiting, limit, may):
    from proposals import rules

    assert rules.may_open_another_draft(open_drafts=waiting, limit=limit) is may


def test_a_resident_keeps_at_most_the_limit_of_drafts_waiting(cast, cycle, settings):
    settings.PB_RESIDENT_DRAFT_LIMIT = 2
    first, second = _propose(cast, cycle), _propose(cast, cycle, title="第二件")
    with pytest.raises(ValidationError, match="已有 2 件草案待提出"):
        _propose(cast, cycle, title="第三件")
    services.proposal_transition(proposal=first, actor=cast.proposer, transition_name="withdraw", reason="不提了")
    services.proposal_transition(proposal=second, actor=cast["district"], transition_name="raise_proposal",
                                 reason="提出")
    _propose(cast, cycle, title="第三件")  # a withdrawn or raised draft no longer waits
    _propose(cast, cycle, title="第四件")
    assert _propose(cast, cycle, actor="resident").proposers.get().user == cast["resident"]  # each their own
    assert Proposal.objects.filter(state=State.DRAFT, proposers__user=cast.proposer).count() == 2
