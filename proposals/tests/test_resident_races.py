"""Two posts of one resident at once: the draft cap holds (the resident's row is locked while counting)."""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from places.models import Village
from places.tests.helpers import load_taipei
from proposals import services
from proposals.models import Proposal
from proposals.tests.lifecycle_helpers import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_drafts_posted_at_once_do_not_pass_the_cap(district, other_district, cycle, settings):
    assert connection.vendor == "postgresql"
    load_taipei()
    cast = Cast(district, other_district)
    settings.PB_RESIDENT_DRAFT_LIMIT = 1
    v = Village.objects.get(name="龍坡里")
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = services.proposal_propose(actor=cast.proposer, cycle=cycle, district=cast.district,
                                                    village=v, title=f"同時 {i}", problem="p", solution="s",
                                                    category="other")
        except ValidationError as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Proposal.objects.filter(proposers__user=cast.proposer).count() == 1
    assert sorted(type(o).__name__ for o in outcomes) == ["Proposal", "ValidationError"]
