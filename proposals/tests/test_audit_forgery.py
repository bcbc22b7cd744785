"""Issue 15, item 4: forgeries by the runtime role that keep the chain intact are named by audit_verify.

Each forgery is done in SQL on the runtime role's connection and sealed into the chain like a genuine
record (pbcity/tests/forgery.py); the cross-record invariants of proposals/audit_checks.py catch it.
"""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pbcity.audit.verify import chain_verify
from pbcity.dbroles import owner_credentials
from pbcity.roles import Role
from pbcity.tests import forgery
from pbcity.tests.factories import UserFactory
from pbcity.tests.forgery import verify
from proposals.models import Proposal, TransitionLog
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

pytestmark = pytest.mark.skipif(owner_credentials() is None, reason="needs DATABASE_OWNER_URL (scripts/test.sh)")


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)




def _forge_transition(p, *, name, from_state, to_state, actor_id, with_history=True) -> int:
    """Everything the application writes for a transition, as the runtime role: the log, the state, the
    proposal's history record, and their chain entries."""
    log = forgery.insert("proposals_transitionlog", {
        "proposal_id": p.pk, "transition": name, "from_state": from_state, "to_state": to_state,
        "actor_id": actor_id, "reason": "提案人撤回", "created_at": timezone.now()})
    forgery.sql("UPDATE proposals_proposal SET state = %s WHERE id = %s", [to_state, p.pk])
    forgery.seal(TransitionLog, log)
    if with_history:
        h = forgery.history_copy(Proposal, p.pk, state=to_state, history_user_id=actor_id)
        forgery.seal(Proposal.history.model, h)
    return log


def test_a_consistent_forged_withdrawal_by_someone_without_the_role_is_named(cast, cycle):
    p = cast.walk(cycle, State.IN_ASSESSMENT)
    stranger = UserFactory()
    log = _forge_transition(p, name="withdraw", from_state=State.IN_ASSESSMENT, to_state=State.WITHDRAWN,
                            actor_id=stranger.pk)
    report = chain_verify()
    assert report.broken is None and report.forged is None  # the chain alone is fooled
    ok, out = verify()
    assert not ok
    assert (f"INVARIANT proposals.transition_actors_held_role: proposals.transitionlog:{log} — user {stranger.pk} "
            "did 'withdraw'") in out
    assert [(pr.check, pr.subject) for pr in chain_verify().problems] == [
        ("proposals.transition_actors_held_role", f"proposals.proposal:{p.pk}")]


def test_a_forged_withdrawal_in_the_name_of_a_role_granted_in_sql_is_named(cast, cycle):
    p = cast.walk(cycle, State.IN_ASSESSMENT)
    insider = UserFactory()
    role = forgery.insert("pbcity_roleassignment", {"user_id": insider.pk, "role": Role.CIVIL_AFFAIRS,
                                                    "granted_at": timezone.now()})
    log = _forge_transition(p, name="withdraw", from_state=State.IN_ASSESSMENT, to_state=State.WITHDRAWN,
                            actor_id=insider.pk)
    ok, out = verify()
    assert not ok
    assert f"INVARIANT pbcity.roles_match_history: pbcity.roleassignment:{role} — role assignment {role} has no " \
           "history record" in out
    assert f"proposals.transitionlog:{log} — user {insider.pk} did 'withdraw'" in out


def test_a_transition_the_lifecycle_does_not_allow_is_named(cast, cycle):
    p = cast.walk(cycle, State.RAISED)
    log = _forge_transition(p, name="admit", from_state=State.RAISED, to_state=State.ADMITTED,
                            actor_id=cast.people["civil"].pk)
    ok, out = verify()
    assert not ok
    assert (f"INVARIANT proposals.transitions_follow_lifecycle: proposals.transitionlog:{log} — 'admit' from "
            "'raised' to 'admitted' is not a transition of the lifecycle") in out


def test_a_state_changed_without_its_history_is_named(cast, cycle):
    p = cast.walk(cycle, State.IN_ASSESSMENT)
    log = _forge_transition(p, name="withdraw", from_state=State.IN_ASSESSMENT, to_state=State.WITHDRAWN,
                            actor_id=None, with_history=False)
    ok, out = verify()
    assert not ok
    assert f"proposal {p.pk} is 'withdrawn' but its history says 'in_assessment'" in out
    assert f"proposals.transitionlog:{log} — 'withdraw' names no actor" in out


def test_role_history_is_append_only_for_the_runtime_role(db):
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM pbcity_historicalroleassignment")


def test_the_genuine_lifecycle_verifies(cast, cycle):
    for state in (State.IN_EXECUTION, State.ASSEMBLY_REJECTED, State.DIRECT_EXECUTION):
        cast.walk(cycle, state)
    p = cast.walk(cycle, State.IN_WORKSHOP)
    from proposals import services

    services.proposal_transition(proposal=p, actor=cast.proposer, transition_name="withdraw", reason="改變主意")
    ok, out = verify()
    assert ok, out
