"""Other cities' elections imported from `.pb`, exported back, and every rule compared — over HTTP."""
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation

from pbcity.roles import Role
from pbcity.tests.factories import UserFactory, staff
from voting.counting import pabulib
from voting.models import ArchivedBallot, ArchivedElection, ArchivedProject, Round, RuleOutcome
from voting.selectors import counting as sel
from voting.services import archive as services
from voting.services import tally as tally_services

from .round_helpers import cast, cast_people, civil, close, open_round, projects, voters  # noqa: F401

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pabulib"
ASSEN = FIXTURES / "Netherlands_Assen_2024.pb"


def upload(path=ASSEN, content=None, name=None):
    return SimpleUploadedFile(name or path.name, content if content is not None else path.read_bytes())


def imported(actor, path=ASSEN):
    job = services.archive_import_start(actor=actor, upload=upload(path), source="pabulib.org")
    return services.archive_import_run(job_id=job.pk)


@pytest.fixture
def civil_staff():
    return staff(Role.CIVIL_AFFAIRS)


def test_civil_affairs_imports_a_pb_file_and_everyone_sees_the_comparison(client, civil_staff,
                                                                           django_capture_on_commit_callbacks):
    client.force_login(civil_staff)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("voting:archive_list"),
                           {"file": upload(), "title": "", "source": "pabulib.org, Assen 2024"})
    election = ArchivedElection.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("voting:archive_detail", args=[election.pk])
    assert election.status == ArchivedElection.Status.DONE and election.title == "Assen Top Idee"
    assert election.projects.count() == 14 and election.ballots.count() == 84
    # Every rule ran once the file was in; the official winners are MES with Add1's.
    outcomes = {o.rule: set(o.selected) for o in RuleOutcome.objects.filter(election=election)}
    official = {p.fields["project_id"] for p in election.projects.all() if p.fields["selected"] == "1"}
    assert outcomes["mes/add1"] == official
    client.logout()
    page = client.get(reverse("voting:archive_detail", args=[election.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Equal Shares with Add1 completion" in html and "PopUp Podium" in html
    assert "Voters with at least one project they voted for" in html


def test_export_gives_back_the_file_and_reimports_the_same(civil_staff, client):
    election = imported(civil_staff)
    text = client.get(reverse("voting:archive_pb", args=[election.pk])).content.decode()
    again, first = pabulib.parse(text), pabulib.parse(ASSEN.read_text(encoding="utf-8"))
    assert (again.meta, again.projects, again.votes) == (first.meta, first.projects, first.votes)
    # The same file is not imported twice.
    with translation.override("en"), pytest.raises(Exception, match="already been imported"):
        services.archive_import_start(actor=civil_staff, upload=upload(), source="x")


def test_a_malformed_file_imports_nothing_and_says_which_line(civil_staff, client):
    bad = ASSEN.read_text(encoding="utf-8").replace("9;21000;42;", "9;twenty;42;")
    job = services.archive_import_start(actor=civil_staff, upload=upload(content=bad.encode(), name="bad.pb"),
                                        source="x")
    job = services.archive_import_run(job_id=job.pk)
    assert job.status == ArchivedElection.Status.FAILED
    assert job.error.startswith("line 21: 'twenty' is not a number")
    assert not ArchivedProject.objects.exists() and not ArchivedBallot.objects.exists()
    client.force_login(civil_staff)
    page = client.get(reverse("voting:archive_detail", args=[job.pk])).content.decode()
    assert "line 21" in page
    # Not UTF-8, or not a .pb at all: refused at the door with the reason; what was typed stays.
    resp = client.post(reverse("voting:archive_list"),
                       {"file": upload(content=b"\xff\xfe\x00x", name="x.pb"), "source": "my source"})
    assert resp.status_code == 400 and "UTF-8" in resp.content.decode() and "my source" in resp.content.decode()
    resp = client.post(reverse("voting:archive_list"), {"file": upload(name="x.csv"), "source": "s"})
    assert resp.status_code == 400 and ".pb" in resp.content.decode()


def test_import_progress_is_shown_while_reading(civil_staff, client):
    job = services.archive_import_start(actor=civil_staff, upload=upload(), source="x")
    client.force_login(civil_staff)
    part = client.get(reverse("voting:archive_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<progress" in part and 'hx-trigger="every 1s"' in part
    seen = []
    services.archive_import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.percent == 100 and job.processed_lines == job.total_lines
    seen.append(job.percent)


@pytest.mark.parametrize("who", ["resident", "anonymous", "district", "committee", "civil_no_mfa"])
def test_only_civil_affairs_with_mfa_may_import(client, who, district):
    user = {
        "resident": UserFactory, "anonymous": lambda: None,
        "district": lambda: staff(Role.DISTRICT_OFFICE, district=district),
        "committee": lambda: staff(Role.COMMITTEE),
        "civil_no_mfa": lambda: staff(Role.CIVIL_AFFAIRS, mfa=False),
    }[who]()
    if user:
        client.force_login(user)
    resp = client.post(reverse("voting:archive_list"), {"file": upload(), "source": "x"})
    assert resp.status_code in (302, 403)
    assert not ArchivedElection.objects.exists()
    with translation.override("en"), pytest.raises(Exception, match="Only civil-affairs staff"):
        services.archive_import_start(actor=user or UserFactory(), upload=upload(), source="x")


def test_a_queued_or_refused_import_is_not_public(civil_staff, client):
    job = services.archive_import_start(actor=civil_staff, upload=upload(), source="x")
    assert client.get(reverse("voting:archive_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("voting:archive_pb", args=[job.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_archived_ballots_refuse_changes_in_sql(civil_staff):
    if connection.vendor != "postgresql":
        pytest.skip("triggers are PostgreSQL's")
    election = imported(civil_staff)
    for sql in ("UPDATE voting_archivedballot SET fields = '{}' WHERE election_id = %s",
                "DELETE FROM voting_archivedproject WHERE election_id = %s"):
        with pytest.raises(Exception, match="append-only|permission denied"), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql, [election.pk])


def test_a_tallied_round_exports_pb_and_compares_rules(client, open_round, voters, projects, civil,
                                                        django_capture_on_commit_callbacks):
    for i, v in enumerate(voters):
        cast(open_round, v, projects[:2] if i < 3 else projects[1:3])
    r = close(open_round, civil)
    # Before the tally: no comparison, no file (counts stay hidden).
    assert client.get(reverse("voting:round_compare", args=[r.pk])).status_code == 404
    assert client.get(reverse("voting:round_pb", args=[r.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        tally_services.round_tally_start(round_=r, actor=civil)
    r = Round.objects.get(pk=r.pk)
    text = client.get(reverse("voting:round_pb", args=[r.pk])).content.decode()
    pb = pabulib.parse(text)
    assert len(pb.votes) == 5 and pb.meta["vote_type"] == "approval"
    votes = {p["project_id"]: int(p["votes"]) for p in pb.projects}
    assert votes[str(projects[1].pk)] == 5 and votes[str(projects[0].pk)] == 3
    assert pb.election().ballots == sel.round_election(round_=r).ballots
    # Staff start the comparison; everyone sees it.
    client.force_login(civil)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("voting:round_compare_compute", args=[r.pk]))
    assert RuleOutcome.objects.filter(round=r).count() == 5
    client.logout()
    page = client.get(reverse("voting:round_compare", args=[r.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Method of Equal Shares" in page and projects[1].title in page
    assert 'action="' + reverse("voting:round_compare_compute", args=[r.pk]) not in page
    resident = UserFactory()
    client.force_login(resident)
    assert client.post(reverse("voting:round_compare_compute", args=[r.pk])).status_code == 302
    assert RuleOutcome.objects.filter(round=r).count() == 5


def test_the_citys_own_rule_comes_first_with_its_threshold_and_agrees_with_the_city(civil_staff, client):
    election = imported(civil_staff, FIXTURES / "Poland_Lodz_2020_Nr_33.pb")
    services.rule_outcomes_compute(election_id=election.pk)
    own = RuleOutcome.objects.get(election=election, rule="official")
    city = {p.fields["project_id"] for p in election.projects.all() if p.fields["selected"] == "1"}
    assert set(own.selected) == city
    # Plain greedy funds one project more: the threshold (50 votes) is what keeps it out.
    assert set(RuleOutcome.objects.get(election=election, rule="greedy").selected) > city
    cmp = sel.comparison(election=election)
    assert cmp["summary"][0]["rule"] == "official" and cmp["city"]["matches"]
    html = client.get(reverse("voting:archive_detail", args=[election.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.index('id="own-rule-h">The city') < html.index("What each rule funds")
    # First row of the rule table (and first rule column): the city's own rule.
    greedy = "Greedy by votes within the budget (skip what does not fit)"
    assert html.index("The city&#x27;s own rule") < html.index(greedy)
    assert "Only projects with a score of at least 50 could be funded." in html
    assert "the ballots give exactly the projects the city funded" in html
    with translation.override("zh-hant"):
        html = client.get(reverse("voting:archive_detail", args=[election.pk])).content.decode()
    assert "城市自己的規則" in html


def test_a_file_without_a_declared_rule_says_it_cannot_be_reproduced(civil_staff, client):
    election = imported(civil_staff, FIXTURES / "Switzerland_Zurich_D10.pb")
    services.rule_outcomes_compute(election_id=election.pk)
    assert not RuleOutcome.objects.filter(election=election, rule="official").exists()
    html = client.get(reverse("voting:archive_detail", args=[election.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The file does not say which rule the city used (rule: unknown), so it cannot be reproduced." in html
