"""The ballot a voter reads: each project's cost, first photo and exhibition page, in flat queries."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pbcity.tests.upload_samples import png_bytes
from proposals.models import Attachment
from voting.services import rounds as round_services

from .round_helpers import (  # noqa: F401
    cast_people,
    civil,
    exhibited,
    make_round,
    open_round,
    projects,
    verified_voter,
    voters,
)

pytestmark = pytest.mark.django_db


def _attach(proposal, name, content_type, data=b""):
    return Attachment.objects.create(proposal=proposal, file=SimpleUploadedFile(name, data or png_bytes()),
                                     original_name=name, content_type=content_type, size=len(data or png_bytes()))


def _ballot(client, voter, r):
    client.force_login(voter.user)
    return client.get(reverse("voting:ballot", args=[r.pk]), HTTP_ACCEPT_LANGUAGE="en")


def test_each_project_shows_its_cost_first_photo_and_exhibition_page(client, open_round, voters, projects):
    pdf = _attach(projects[0], "plan.pdf", "application/pdf", b"%PDF-1.4")
    first = _attach(projects[0], "first.png", "image/png")
    _attach(projects[0], "second.png", "image/png")
    page = _ballot(client, voters[0], open_round).content.decode()
    entries = {rp.proposal_id: rp for rp in open_round.projects.all()}
    for p in projects:
        assert f"NT${entries[p.pk].cost:,}" in page
        # The link names the project and leads to the same exhibition page the voter can read.
        link = reverse("voting:exhibition_detail", args=[p.pk])
        assert f'<a href="{link}">“{p.title}” on the exhibition</a>' in page
        assert client.get(link).status_code == 200
    photo_url = reverse("proposals:attachment", args=[projects[0].pk, first.pk])
    assert f'src="{photo_url}" alt="{projects[0].title}"' in page
    assert reverse("proposals:attachment", args=[projects[0].pk, pdf.pk]) not in page  # a document is no photo
    assert page.count('class="choice-photo"') == 1  # only the first photo, only where there is one
    assert client.get(photo_url).status_code == 200  # served through the download that checks visibility


# Measured: 9 queries whatever the length of the ballot (session, user, round, voter, projects, their
# photos...). Reading each project's photos row by row would add one query per project (8 here).
BALLOT_PAGE_QUERIES = 9


def test_the_ballot_page_query_count_does_not_grow_with_the_projects(client, cast_people, civil, cycle, district,
                                                                      django_assert_max_num_queries):
    ps = exhibited(cast_people, cycle, 8)
    for p in ps:
        _attach(p, f"photo-{p.pk}.png", "image/png")
        _attach(p, f"more-{p.pk}.png", "image/png")
    r = round_services.round_open(round_=make_round(civil, cycle, district, max_choices=2), actor=civil)
    voter = verified_voter(cycle, district)
    client.force_login(voter.user)
    with django_assert_max_num_queries(BALLOT_PAGE_QUERIES):
        page = client.get(reverse("voting:ballot", args=[r.pk])).content.decode()
    assert page.count('class="choice-photo"') == 8
