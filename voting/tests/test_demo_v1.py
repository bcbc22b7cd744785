"""The voting demo's voters and exhibition comments: built through the services, idempotent (V1)."""
import pytest

from pbcity import demo as city
from voting import demo
from voting.models import Comment, CommentModeration, CommentReport, RegisterImport, Voter

pytestmark = pytest.mark.django_db


@pytest.fixture
def ref():
    from proposals.states import State
    from proposals.tests.lifecycle_helpers import Cast

    ref = city.reference_data()
    ref["cycles"] = city.cycles()
    ref["users"] = city.users(ref)
    cast = Cast(ref["districts"]["daan"], ref["districts"]["beitou"])
    for _ in range(2):
        cast.walk(ref["cycles"][2026], State.ON_EXHIBITION)
    return ref


def test_demo_voters_and_comments_in_two_districts_and_idempotent(ref):
    demo.seed_voters(ref)
    demo.seed_comments(ref)
    counts = (Voter.objects.count(), Comment.objects.count(), CommentReport.objects.count(),
              CommentModeration.objects.count(), RegisterImport.objects.count())
    verified = Voter.objects.filter(status="verified")
    pending = Voter.objects.filter(status="pending")
    assert verified.values("district").distinct().count() >= 2 and pending.values("district").distinct().count() >= 2
    assert verified.filter(verified_via="online").exists() and verified.filter(verified_via="in_person").exists()
    assert counts[1] >= 6 and counts[3] >= 1 and Comment.objects.filter(parent__isnull=False).exists()
    assert RegisterImport.objects.get().rejected  # the import report has a rejected row
    demo.seed_voters(ref)
    demo.seed_comments(ref)
    assert (Voter.objects.count(), Comment.objects.count(), CommentReport.objects.count(),
            CommentModeration.objects.count(), RegisterImport.objects.count()) == counts
