import io

import pytest
from django.core.management import call_command

from pbcity.models import AuditEntry, District, Follow, NotificationDigest, NotificationPreference, User
from proposals.models import Proposal, TransitionLog


@pytest.mark.django_db
def test_seed_demo_builds_a_city_and_is_idempotent(demo_city):
    from pbcity.demo import DEMO_PASSWORD

    # Cached pages go stale once, at the end, not on each of the demo's thousands of commits (`make run` time):
    # counted while the run's demo city was built with the page cache on, as in `make run` (the bumps left
    # for the commit included; pbcity/tests/demo_city.py).
    assert demo_city.build["bumps"] == 1
    # Every demo login shares one hash of the demo password (hashed once, not per user) and signs in with it.
    # (The round's generated voters have unusable passwords, "!…": they never sign in.)
    demo_users = User.objects.filter(email__endswith="@demo.pbcity.tw").exclude(password__startswith="!")
    assert demo_users.values("password").distinct().count() == 1
    assert demo_users.get(email="civil@demo.pbcity.tw").check_password(DEMO_PASSWORD)
    assert demo_users.get(email="citizen-daan-1@demo.pbcity.tw").check_password(DEMO_PASSWORD)
    counts = (Proposal.objects.count(), User.objects.count(), TransitionLog.objects.count())
    assert District.objects.count() == 12
    assert counts[0] >= 60
    assert Proposal.objects.values("state").distinct().count() >= 10
    assert Proposal.history.count() > counts[0]
    # The demo's audit records all verify (docs/security.md, "Audit chain"), and a second run adds none.
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except Exception:
        raise AssertionError(out.getvalue()) from None
    entries = AuditEntry.objects.count()
    assert entries > counts[2]
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (Proposal.objects.count(), User.objects.count(), TransitionLog.objects.count()) == counts
    assert AuditEntry.objects.count() == entries
    # The notification pages have something to show: follows of each kind, choices, one digest sent.
    reader = User.objects.get(email="resident1@demo.pbcity.tw")
    kinds = set(Follow.objects.filter(user=reader).values_list("target_kind", flat=True))
    assert {"proposal", "project", "round"} <= kinds
    assert NotificationPreference.objects.filter(user=reader, delivery="digest").exists()
    digest = NotificationDigest.objects.get(user=reader)
    assert digest.items >= 3 and digest.emailed


def test_the_proposals_demo_needs_every_step_of_a_higher_app():
    """proposals.demo imports no peer: portal hands it the steps whose records live above it."""
    from portal.demo import higher_steps
    from proposals import demo as proposals_demo

    assert set(higher_steps()) == proposals_demo.HIGHER_STEPS
    with pytest.raises(ValueError, match=r"steps for \['complete'\]"):
        proposals_demo.seed({}, steps={k: v for k, v in higher_steps().items() if k != "complete"})
