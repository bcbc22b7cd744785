"""Many phones, one code, all at once: the attendee's votes never exceed the allowance."""
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from assemblies import services
from assemblies.models import Vote

from .conftest import record

N_THREADS = 24


@pytest.mark.django_db(transaction=True)
def test_hammering_the_vote_endpoint_with_one_code(in_session, recorder, district_staff):
    assert connection.vendor == "postgresql"
    a, att = in_session["assembly"], in_session["people"][0]
    items = [record(in_session, recorder, f"提案{i}") for i in range(4)]
    services.vote_open(assembly=a, actor=district_staff)
    url = reverse("assemblies:vote_cast", args=[a.pk])
    barrier = threading.Barrier(N_THREADS)
    statuses = []

    def hit(i):
        try:
            client = Client()
            barrier.wait()
            resp = client.post(url, {"code": att.code, "item": items[i % len(items)].pk})
            statuses.append(resp.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=hit, args=(i,)) for i in range(N_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(statuses) == N_THREADS
    votes = Vote.objects.filter(attendee=att)
    assert votes.count() == a.votes_per_attendee == 2
    assert votes.values("item").distinct().count() == 2
    assert statuses.count(302) == 2 and all(s in (302, 400) for s in statuses)
