"""The invariant registry (pbcity/audit/invariants.py): apps register, the base runs them without importing
any app, a check that cannot run is a finding, and role assignments are historised records."""
import datetime

import pytest
from django.db import connection
from django.utils import timezone

from pbcity.audit import invariants
from pbcity.audit.invariants import Problem, RoleTimeline
from pbcity.audit.verify import chain_verify
from pbcity.models import RoleAssignment
from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, give_role


def test_each_app_registers_its_checks_and_the_ballot_verifier():
    found = invariants.registered()
    assert {"pbcity.roles_match_history", "proposals.transition_actors_held_role",
            "proposals.transitions_follow_lifecycle", "proposals.state_follows_transitions",
            "training.attendance_matches_history", "training.cards_follow_attendance"} <= set(found["invariants"])
    assert found["verifiers"] == ["ballots"] and "voting.round_open" in found["busy"]


def test_the_audit_base_imports_no_app():
    import ast
    import pathlib

    base = pathlib.Path(invariants.__file__).parent
    for path in base.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in {"proposals", "voting", "training", "assemblies", "deliberation",
                                                  "tracking"}, f"{path.name} imports {name}"


@pytest.mark.django_db
def test_a_check_that_cannot_run_is_a_problem_not_a_pass(monkeypatch):
    def broken(*, using):
        raise RuntimeError("table missing")

    monkeypatch.setitem(invariants._INVARIANTS, "test.broken", broken)
    report = chain_verify()
    assert not report.ok
    assert Problem("test.broken", "", "the check could not run: RuntimeError: table missing") in report.problems


@pytest.mark.django_db
def test_a_role_removed_in_sql_is_named_and_still_counts_as_held():
    user = give_role(UserFactory(), Role.CIVIL_AFFAIRS)
    ra = RoleAssignment.objects.get(user=user)
    with connection.cursor() as cur:  # the runtime role may delete roles, but not their history
        cur.execute("DELETE FROM pbcity_roleassignment WHERE id = %s", [ra.pk])
    problems = list(invariants.roles_match_history())
    assert problems == [Problem(ref=f"pbcity.roleassignment:{ra.pk}",
                                detail=f"role assignment {ra.pk} is gone without a history record of its removal")]


@pytest.mark.django_db
def test_role_timeline_follows_grants_and_removals():
    user = give_role(UserFactory(), Role.COMMITTEE)
    granted = timezone.now()
    RoleAssignment.objects.get(user=user).delete()  # the admin's path: a history record of the removal
    removed = timezone.now()
    timeline = RoleTimeline()
    assert timeline.held(user.pk, Role.COMMITTEE, granted)
    assert not timeline.held(user.pk, Role.COMMITTEE, removed + datetime.timedelta(seconds=1))
    assert not timeline.held(user.pk, Role.COMMITTEE, granted - datetime.timedelta(days=1))
    assert not timeline.held(user.pk, Role.CIVIL_AFFAIRS, granted)
    assert list(invariants.roles_match_history()) == []
