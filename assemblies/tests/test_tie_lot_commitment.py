"""The assembly's tie lot is committed when voting opens and reproducible from the seed revealed at close
(pbcity/lot.py; docs/decisions.md, "Cycle kit")."""
import hashlib

import pytest
from django.urls import reverse

from assemblies import services
from assemblies.models import Assembly, TieBreak
from pbcity import lot

from .conftest import record

pytestmark = pytest.mark.django_db


def _vote_all(assembly, people, choices):
    for att, picks in zip(people, choices):
        for it in picks:
            services.vote_cast(assembly=assembly, code=att.code, item_id=it.pk)


@pytest.fixture
def tied(in_session, recorder, district_staff):
    """5 present, K=2: one has 4 votes; two and three tie at rank 2 with 3 votes for one place."""
    a, people = in_session["assembly"], in_session["people"]
    items = [record(in_session, recorder, t) for t in ("一", "二", "三")]
    a = services.vote_open(assembly=a, actor=district_staff)
    one, two, three = items
    _vote_all(a, people, [[one, two], [one, two], [one, three], [one, three], [two, three]])
    return a, items


def test_the_commitment_is_published_when_voting_opens_and_the_lot_follows_from_its_seed(tied, district_staff):
    a, (one, two, three) = tied
    assert len(a.lot_commitment) == 64 and a.lot_nonce and a.lot_seed == ""
    services.assembly_close(assembly=a, actor=district_staff)
    a.refresh_from_db()
    assert hashlib.sha256(a.lot_seed.encode()).hexdigest() == a.lot_commitment
    tb = TieBreak.objects.get(assembly=a)
    assert tb.drawn_order == lot.committed_order(a.lot_seed, [two.proposal_id, three.proposal_id])
    winner = tb.drawn_order[0]
    passed = set(a.items.filter(passed=True).values_list("proposal_id", flat=True))
    assert passed == {one.proposal_id, winner}


def test_a_changed_key_refuses_to_close_rather_than_break_the_commitment(tied, district_staff, settings):
    a, _items = tied
    settings.TIE_LOT_KEY = "a key other than the one that made the commitment"
    with pytest.raises(Exception, match="tie-lot key has changed"):
        services.assembly_close(assembly=a, actor=district_staff)
    assert Assembly.objects.get(pk=a.pk).status == Assembly.Status.VOTING


def test_an_assembly_opened_before_commitments_still_closes_with_a_legacy_lot(tied, district_staff, client):
    a, (one, two, three) = tied
    Assembly.objects.filter(pk=a.pk).update(lot_nonce="", lot_commitment="")
    services.assembly_close(assembly=a, actor=district_staff)
    a.refresh_from_db()
    assert a.lot_seed == "" and TieBreak.objects.filter(assembly=a).exists()
    page = client.get(reverse("assemblies:results", args=[a.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "cannot be reproduced" in page


def test_the_pages_show_the_commitment_before_the_lot_and_the_seed_after(tied, district_staff, client):
    a, _items = tied
    during = client.get(a.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert a.lot_commitment in during and "stays secret until the vote closes" in during
    services.assembly_close(assembly=a, actor=district_staff)
    a.refresh_from_db()
    assert a.lot_seed not in during
    after = client.get(reverse("assemblies:results", args=[a.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert a.lot_commitment in after and a.lot_seed in after and "How to check" in after
    assert after.index(a.lot_commitment) < after.index(a.lot_seed)
    body = client.get(reverse("assemblies:results_json", args=[a.pk])).json()
    assert body["assembly"]["lot_commitment"] == a.lot_commitment and body["assembly"]["lot_seed"] == a.lot_seed
    assert body["assembly"]["lot_algorithm"] == {"name": "pbcity-tie-lot", "version": "1"}
