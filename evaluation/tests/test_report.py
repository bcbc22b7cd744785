"""The report: built once per (cycle, period), its fairness figures equal pabutools on a counted round,
its representativeness reads participations only, and the places/flags sections say when data is missing."""
import datetime
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from evaluation import selectors, services
from evaluation.models import EvaluationReport, PopulationFigure
from evaluation.sections import on_publish_register, section_register, sections
from pbcity.models import DistrictQuota
from pbcity.tests.race import race
from proposals.models import Proposal
from voting.models import RoundResult
from voting.services import rounds as round_services
from voting.services import tally as tally_services
from voting.tests.round_helpers import cast, cast_people, civil, close, make_round, projects, verified_voter  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_pdf(monkeypatch):
    """WeasyPrint costs seconds a report; the PDF itself is checked in test_pdf_in_both_languages."""
    monkeypatch.setattr(services, "report_pdf", lambda report, language: b"%PDF-1.7 " + language.encode())


@pytest.fixture
def tallied(civil, cycle, district, projects, django_capture_on_commit_callbacks):
    DistrictQuota.objects.create(cycle=cycle, district=district, admission_cap=2, vote_threshold=1)
    for p, cost in zip(projects, (500, 300, 200, 100), strict=True):
        Proposal.objects.filter(pk=p.pk).update(estimated_cost=cost)
    r = round_services.round_open(round_=make_round(civil, cycle, district, max_choices=3), actor=civil)
    a, b, c, d = projects
    births = [datetime.date(2005, 1, 1), datetime.date(1990, 1, 1), datetime.date(1990, 1, 1),
              datetime.date(1950, 1, 1), datetime.date(1970, 1, 1), datetime.date(1980, 1, 1)]
    for picks, birth in zip([[a, b], [a], [a, c], [d], [c], [b]], births, strict=True):
        cast(r, verified_voter(cycle, district, birth_date=birth), picks)
    r = close(r, civil)
    with django_capture_on_commit_callbacks(execute=True):
        tally_services.round_tally_start(round_=r, actor=civil)
    r.refresh_from_db()
    assert r.status == "tallied"
    return r


def _population(cycle, district):
    text = "district,age_band,people\n" + "".join(
        f"{district.code},{band},{n}\n" for band, n in
        zip(("16-24", "25-34", "35-44", "45-54", "55-64", "65+"), (100, 100, 200, 200, 200, 200), strict=True))
    return services.population_import(year=cycle.year, text=text, source_name="p.csv", actor=None)


def _table(report, section, table):
    s = next(s for s in report.data["sections"] if s["key"] == section)
    return next(t for t in s["tables"] if t["key"] == table)


def test_fairness_of_a_counted_round_equals_pabutools(tallied, projects):
    from pabutools.analysis import avg_satisfaction, gini_coefficient_of_satisfaction, percent_non_empty_handed
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project

    e = selectors.round_election(tallied)
    admitted = RoundResult.objects.filter(round=tallied, admitted=True).values_list("proposal_id", flat=True)
    funded = set(map(str, admitted))
    assert e["funded"] == funded and len(e["ballots"]) == 6
    instance = Instance([Project(pid, cost) for pid, cost in e["costs"].items()], budget_limit=10_000)
    by_name = {p.name: p for p in instance}
    profile = ApprovalProfile([ApprovalBallot([by_name[p] for p in b]) for b in e["ballots"]], instance=instance)
    chosen = [by_name[p] for p in funded]
    row = selectors.fairness(cycle=tallied.cycle)[0]["rows"][0]
    assert row[1:3] == [6, len(funded)]
    assert row[3] == pytest.approx(float(percent_non_empty_handed(instance, profile, chosen)), abs=1e-4)
    assert row[4] == pytest.approx(float(avg_satisfaction(instance, profile, chosen, Cost_Sat)), abs=0.01)
    assert row[5] == pytest.approx(float(gini_coefficient_of_satisfaction(instance, profile, chosen, Cost_Sat)),
                                   abs=1e-4)
    # By hand: a (500) and one more admitted; the d-voter and whoever chose only the loser get nothing.
    assert e["costs"][str(projects[0].pk)] == Fraction(500)


def test_representativeness_reads_who_voted_against_the_population(tallied, cycle, district):
    _population(cycle, district)
    age = {row[0]["en"]: row for row in selectors.representativeness(cycle=cycle)[0]["rows"]}
    # Six voters: one 16-24, two 35-44, one 45-54, one 55-64, one 65+ (ages when the round closed).
    assert [age[b][6] for b in ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")] == [1, 0, 2, 1, 1, 1]
    assert age["35-44"][7] == pytest.approx(2 / 6, abs=1e-4)
    assert age["35-44"][2] == pytest.approx(0.2)                    # 200 of 1,000 residents
    assert age["35-44"][8] == pytest.approx(2 / 6 - 0.2, abs=1e-4)   # over-represented


def test_no_population_table_says_so(cycle, no_pdf):
    report = services.report_make(cycle=cycle, period="vote")
    s = next(s for s in report.data["sections"] if s["key"] == "representativeness")
    assert s["tables"] == [] and s["empty"] == "no_population"


def test_places_and_flags_sections_say_no_data_and_can_be_wired_later(cycle, no_pdf):
    keys = [s.key for s in sections()]
    assert keys.index("places") < keys.index("flags")
    report = services.report_make(cycle=cycle, period="vote")
    by_key = {s["key"]: s for s in report.data["sections"]}
    assert by_key["places"]["tables"] == [] and by_key["places"]["empty"] == "no_places"
    assert by_key["flags"]["empty"] == "no_flags"
    original = next(s for s in sections() if s.key == "places")
    try:
        section_register("places", build=lambda *, cycle, period: selectors._generic(
            "villages", [{"village": "忠義里", "funded": 2, "distance_m": 350.5}], ["places"]), formulas=["places"])
        assert [s.key for s in sections()] == keys  # replaced in place
        data = services.report_data(cycle=cycle, period="2027Q1")
        table = next(s for s in data["sections"] if s["key"] == "places")["tables"][0]
        assert table["rows"] == [[{"zh-hant": "忠義里", "en": "忠義里"}, 2, 350.5]]
    finally:
        section_register("places", build=original.build, formulas=original.formulas, empty=original.empty)


def test_built_once_per_period_and_publish_hooks_run_once(cycle, no_pdf, django_capture_on_commit_callbacks):
    from evaluation import sections as registry

    calls = []
    kept = list(registry._ON_PUBLISH)
    on_publish_register(lambda *, cycle, report: calls.append((cycle.pk, report.period)))
    with django_capture_on_commit_callbacks(execute=True):
        first = services.report_make(cycle=cycle, period="vote")
        again = services.report_make(cycle=cycle, period="vote")
        services.report_make(cycle=cycle, period="2027Q1")
    assert first.pk == again.pk and again.builds == 1 and again.built_at == first.built_at
    assert EvaluationReport.objects.filter(cycle=cycle).count() == 2
    assert calls[-1:] == [(cycle.pk, "vote")] and len([c for c in calls if c[0] == cycle.pk]) == 1
    registry._ON_PUBLISH[:] = kept  # the app's own hooks stay registered for the other tests


def test_the_database_refuses_a_second_row_or_build(cycle, no_pdf):
    from django.db import IntegrityError, transaction

    report = services.report_make(cycle=cycle, period="vote")
    with pytest.raises(IntegrityError, match="evaluation_report_once_per_period"), transaction.atomic():
        EvaluationReport.objects.create(cycle=cycle, period="vote", kind="after_vote")
    with pytest.raises(IntegrityError, match="evaluation_report_built_once"), transaction.atomic():
        EvaluationReport.objects.filter(pk=report.pk).update(builds=2)
    with pytest.raises(IntegrityError, match="evaluation_report_kind_matches_period"), transaction.atomic():
        EvaluationReport.objects.create(cycle=cycle, period="2027Q1", kind="after_vote")
    for bad in ("2027Q5", "2027Q12", "Q1", "", "vote2"):
        with pytest.raises(ValidationError, match="2027Q1"):
            services.report_claim(cycle=cycle, period=bad)


@pytest.mark.django_db(transaction=True)
def test_two_builders_at_once_build_one_report(cycle, no_pdf):
    outcomes = race(lambda _i: services.report_make(cycle=cycle, period="vote").pk, range(3))
    assert len(set(outcomes)) == 1, outcomes
    rows = EvaluationReport.objects.filter(cycle=cycle)
    assert rows.count() == 1 and rows.get().builds == 1


def test_population_import_validates_every_line(cycle, district):
    bad = "district,age_band,people\nnowhere,16-24,10\ndaan,12-15,10\ndaan,65+,lots\ndaan,65+,5\ndaan,65+,6\n"
    with pytest.raises(ValidationError) as exc:
        services.population_import(year=2026, text=bad, source_name="x.csv", actor=None)
    text = " ".join(exc.value.messages)
    for needle in ("2", "3", "4", "6"):
        assert f"第 {needle} 行" in text or f"Line {needle}" in text
    with pytest.raises(ValidationError, match="district, age_band, people"):
        services.population_import(year=2026, text="a,b\n1,2\n", source_name="x.csv", actor=None)
    with pytest.raises(ValidationError, match="CSV"):
        services.population_import(year=2026, text='district,age_band,people\n"' + "x" * 200_000 + '",16-24,1\n',
                                   source_name="x", actor=None)
    assert not PopulationFigure.objects.exists()
    _population(cycle, district)
    _population(cycle, district)  # a second import replaces the year's table
    assert PopulationFigure.objects.filter(year=cycle.year).count() == 6


def test_pdf_in_both_languages(tallied, cycle, district):
    _population(cycle, district)
    report = services.report_make(cycle=cycle, period="vote")
    for field in (report.pdf_zh, report.pdf_en):
        with field.open("rb") as fh:
            assert fh.read(5) == b"%PDF-"
    assert set(report.appendix["gini"]) == {"zh-hant", "en"} and "pabutools" in report.appendix["gini"]["en"]


def test_no_query_of_the_report_reads_a_ballot_beside_a_voter(tallied, cycle, district):
    """Ballot secrecy (docs/security.md, "Evaluation report"): the board and who voted are read apart."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _population(cycle, district)
    with CaptureQueriesContext(connection) as q:
        data = services.report_data(cycle=cycle, period="vote")
    ballots = ('"voting_ballot"', '"voting_ballotchoice"', '"voting_ballotseal"')
    voters = ('"voting_participation"', '"voting_voter"', '"pbcity_user"')
    read_ballots = [x["sql"] for x in q.captured_queries if any(t in x["sql"] for t in ballots)]
    assert read_ballots, "the fairness figures read the board"
    assert not [sql for sql in read_ballots if any(t in sql for t in voters)]
    assert any(s["tables"] for s in data["sections"] if s["key"] == "fairness")
