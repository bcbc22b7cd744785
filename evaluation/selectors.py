"""Reads for the evaluation report: each section's tables, computed from the records of one cycle.

Ballot secrecy (docs/security.md, "Evaluation report"): voter demographics come from participations
(who voted) and their voter records; satisfaction and the fairness figures come from the anonymous
board (ballots and their choices). The two are never joined: no query here reads a ballot together
with a participation or a voter.
"""
import datetime
from collections import Counter, defaultdict
from fractions import Fraction

from django.db.models import Count, Q
from django.utils import timezone

from assemblies.models import Attendee
from deliberation.models import AgencyOpinion, PanelSeat, Score, Verdict
from pbcity.models import Cycle, District
from proposals.models import Proposal, ProposalProposer, ProposalRevision, TransitionLog
from tracking import selectors as tracking_selectors
from tracking.models import Difficulty
from training.models import CitizenCard
from training.models.cards import LEVEL_ORDER, CardLevel
from voting.models import BallotChoice, Participation, Round, RoundProject, RoundResult, Voter

from . import rules, texts
from .models import EvaluationReport, PopulationFigure
from .sections import section_register


def _bi(key, **args):
    text = texts.LABELS[key]
    if args:
        out = texts.bi(text)
        return {lang: s % {k: (v[lang] if isinstance(v, dict) else v) for k, v in args.items()}
                for lang, s in out.items()}
    return texts.bi(text)


def _district_label(d) -> dict:
    return {"zh-hant": d.name, "en": d.name_en or d.name}


def _table(key, columns, rows, formulas, chart=None) -> dict:
    out = {"key": key, "columns": [list(c) for c in columns], "rows": rows, "formulas": list(formulas)}
    if chart is not None:
        out["chart"] = chart
    return out


def _r(value, places=4):
    return None if value is None else round(float(value), places)


# ---- participation ------------------------------------------------------------------------------------

def _stage_people(year: list[int]) -> dict[str, set]:
    """Account ids per stage, over the cycles of the given years."""
    return {
        "proposers": set(ProposalProposer.objects.filter(proposal__cycle__year__in=year, user__isnull=False)
                         .exclude(proposal__state="draft").values_list("user_id", flat=True)),
        "attendees": set(Attendee.objects.filter(assembly__cycle__year__in=year, signed_in_at__isnull=False,
                                                 user__isnull=False).values_list("user_id", flat=True)),
        "panel": set(PanelSeat.objects.filter(panel__cycle__year__in=year).values_list("user_id", flat=True)),
        "voters": set(Participation.objects.filter(round__cycle__year__in=year)
                      .values_list("voter__user_id", flat=True)),
    }


def participation(*, cycle, period=None) -> list:
    now = _stage_people([cycle.year])
    earlier_years = list(Cycle.objects.filter(year__lt=cycle.year).values_list("year", flat=True))
    before = set().union(*_stage_people(earlier_years).values()) if earlier_years else set()
    year_end = datetime.date(cycle.year, 12, 31)
    everyone = set().union(*now.values())
    holders = set(CitizenCard.objects.filter(holder_id__in=everyone, issued_on__lte=year_end, revoked_at__isnull=True)
                  .values_list("holder_id", flat=True))
    walk_ins = Attendee.objects.filter(assembly__cycle=cycle, signed_in_at__isnull=False, user__isnull=True).count()
    rows = []
    for key, people in [*now.items(), ("everyone", everyone)]:
        extra = walk_ins if key in ("attendees", "everyone") else 0
        first = len(people - before) + extra
        rows.append([_bi(key), len(people) + extra, first, len(people) + extra - first, len(people & holders)])
    by_stage = _table("by_stage", [("label", "text"), ("people", "int"), ("first_timers", "int"),
                                   ("returning", "int"), ("card_holders", "int")], rows,
                      ["people", "first_timers", "card_holders"])
    signed = Attendee.objects.filter(assembly__cycle=cycle, signed_in_at__isnull=False).aggregate(
        online=Count("id", filter=Q(remote=True)), in_person=Count("id", filter=Q(remote=False)))
    voted = (Voter.objects.filter(participations__round__cycle=cycle).distinct()
             .aggregate(online=Count("id", filter=Q(verified_via=Voter.VerifiedVia.ONLINE), distinct=True),
                        in_person=Count("id", filter=Q(verified_via=Voter.VerifiedVia.IN_PERSON), distinct=True)))
    channel = []
    for key, c in (("assembly", signed), ("vote", voted)):
        total = c["online"] + c["in_person"]
        channel.append([_bi(key), c["in_person"], c["online"], _r(rules.share(c["online"], total))])
    return [by_stage, _table("channel", [("label", "text"), ("in_person", "int"), ("online", "int"),
                                         ("online_share", "share")], channel, ["channel"], chart=3)]


# ---- representativeness -------------------------------------------------------------------------------

def population_year(*, year: int) -> int | None:
    """The population table used for a cycle: that year's, else the latest earlier one."""
    return (PopulationFigure.objects.filter(year__lte=year).order_by("-year")
            .values_list("year", flat=True).first())


def representativeness(*, cycle, period=None) -> list:
    pop_year = population_year(year=cycle.year)
    if pop_year is None:
        return []
    pop_band, pop_district = Counter(), Counter()
    for f in PopulationFigure.objects.filter(year=pop_year):
        pop_band[f.age_band] += f.people
        pop_district[f.district_id] += f.people
    att_band, att_district = Counter(), Counter()
    for birth, day, district_id in Attendee.objects.filter(
            assembly__cycle=cycle, signed_in_at__isnull=False).values_list(
            "user__birth_date", "assembly__starts_at", "assembly__district_id"):
        band = rules.age_band(birth, timezone.localdate(day))
        if band:
            att_band[band] += 1
        att_district[district_id] += 1
    vot_band, vot_district = Counter(), Counter()
    # Participations (who voted) and their voter records only: nothing here touches a ballot.
    for birth, closes, district_id in Participation.objects.filter(round__cycle=cycle).values_list(
            "voter__birth_date", "round__closes_at", "voter__district_id"):
        band = rules.age_band(birth, timezone.localdate(closes))
        if band:
            vot_band[band] += 1
        if district_id:
            vot_district[district_id] += 1

    def rows_for(keys, label, pop, att, vot):
        ps, ats, vs = rules.shares({k: pop[k] for k in keys}), rules.shares({k: att[k] for k in keys}), \
            rules.shares({k: vot[k] for k in keys})
        return [[label(k), pop[k], _r(ps[k]), att[k], _r(ats[k]), _r(rules.gap(ats[k], ps[k])), vot[k], _r(vs[k]),
                 _r(rules.gap(vs[k], ps[k]))] for k in keys]

    columns = [("label", "text"), ("population", "int"), ("population_share", "share"), ("attendees", "int"),
               ("attendee_share", "share"), ("attendee_gap", "share"), ("voters", "int"), ("voter_share", "share"),
               ("voter_gap", "share")]
    formulas = ["population_share", "attendee_share", "voter_share", "gap"]
    districts = {d.pk: d for d in District.objects.order_by("pk")}
    age = _table("age", columns, rows_for(rules.AGE_BANDS, lambda b: {"zh-hant": b, "en": b}, pop_band, att_band,
                                          vot_band), formulas, chart=[2, 4, 7])
    dist = _table("district", columns, rows_for(
        [pk for pk in districts if pop_district[pk] or att_district[pk] or vot_district[pk]],
        lambda pk: _district_label(districts[pk]), pop_district, att_district, vot_district), formulas,
        chart=[2, 4, 7])
    age["population_year"] = dist["population_year"] = pop_year
    return [age, dist]


# ---- training effect ----------------------------------------------------------------------------------

def training(*, cycle, period=None) -> list:
    proposals = list(Proposal.objects.filter(cycle=cycle).exclude(state="draft").values_list("pk", "created_at"))
    if not proposals:
        return []
    ids = [pk for pk, _ in proposals]
    proposers = defaultdict(set)
    for pid, uid in ProposalProposer.objects.filter(proposal_id__in=ids, user__isnull=False).values_list(
            "proposal_id", "user_id"):
        proposers[pid].add(uid)
    cards = defaultdict(list)
    for holder, level, issued, revoked in CitizenCard.objects.filter(
            holder_id__in=set().union(*proposers.values()) or [0]).values_list(
            "holder_id", "level", "issued_on", "revoked_at"):
        cards[holder].append((LEVEL_ORDER.index(level), issued, revoked))
    best = {}
    for pid, created in proposals:
        day = timezone.localdate(created)
        ranks = [rank for uid in proposers[pid] for rank, issued, revoked in cards[uid]
                 if issued <= day and (revoked is None or timezone.localdate(revoked) > day)]
        best[pid] = max(ranks, default=-1)
    reached = defaultdict(set)
    for pid, state in TransitionLog.objects.filter(proposal_id__in=ids).values_list("proposal_id", "to_state"):
        reached[pid].add(state)
    verdicts = defaultdict(list)
    for pid, passed in Verdict.objects.filter(proposal_id__in=ids).values_list("proposal_id", "passed"):
        verdicts[pid].append(passed)
    revisions = Counter(ProposalRevision.objects.filter(proposal_id__in=ids, number__gt=1)
                        .values_list("proposal_id", flat=True))

    def row(label, group):
        at_assembly = [p for p in group if reached[p] & {"assembly_passed", "assembly_rejected"}]
        at_panel = [p for p in group if verdicts[p]]
        at_vote = [p for p in group if reached[p] & {"admitted", "not_admitted"}]
        return [label, len(group),
                _r(rules.share(sum(1 for p in at_assembly if "assembly_passed" in reached[p]), len(at_assembly))),
                _r(rules.share(sum(1 for p in at_panel if verdicts[p][-1]), len(at_panel))),
                _r(rules.share(sum(1 for p in at_vote if "admitted" in reached[p]), len(at_vote))),
                _r(sum(revisions[p] for p in group) / len(group)) if group else None]

    rows = []
    for rank, level in enumerate(LEVEL_ORDER):
        card = texts.bi(CardLevel(level).label)
        rows.append(row(_bi("with", card=card), [p for p in ids if best[p] >= rank]))
        rows.append(row(_bi("without", card=card), [p for p in ids if best[p] < rank]))
    return [_table("by_card", [("label", "text"), ("proposals", "int"), ("assembly_pass", "share"),
                               ("panel_pass", "share"), ("vote_pass", "share"), ("revisions", "number")],
                   rows, ["by_card"], chart=2)]


# ---- deliberation -------------------------------------------------------------------------------------

INDICATORS = ("publicness", "legality", "budget")


def deliberation(*, cycle, period=None) -> list:
    out = []
    # A proposal's latest verdict per panel (a later decision supersedes; both rows stay).
    latest = {}
    for v in Verdict.objects.filter(panel__cycle=cycle).order_by("decided_at", "id").values(
            "panel_id", "proposal_id", *INDICATORS):
        latest[(v["panel_id"], v["proposal_id"])] = v
    verdicts = list(latest.values())
    if verdicts:
        rows = []
        for ind in INDICATORS:
            c = Counter(v[ind] for v in verdicts)
            rows.append([_bi(ind), c["green"], c["yellow"], c["red"], c[None]])
        out.append(_table("lights", [("label", "text"), ("green", "int"), ("yellow", "int"), ("red", "int"),
                                     ("none", "int")], rows, ["lights"]))
    groups = defaultdict(list)
    for row in Score.objects.filter(panel__cycle=cycle).order_by("submitted_at", "id").values(
            "panel_id", "proposal_id", "member_id", *INDICATORS):
        groups[(row["panel_id"], row["proposal_id"])].append(row)
    if groups:
        rows = []
        for ind in INDICATORS:
            values = []
            for scores in groups.values():
                latest = {s["member_id"]: s[ind] for s in scores}  # a member's later score supersedes
                a = rules.pairwise_agreement(list(latest.values()))
                if a is not None:
                    values.append(a)
            rows.append([_bi(ind), len(values), _r(sum(values) / len(values)) if values else None])
        out.append(_table("agreement", [("label", "text"), ("groups", "int"), ("agreement", "share")], rows,
                          ["agreement"], chart=2))
    opinions = list(AgencyOpinion.objects.filter(session__cycle=cycle).values_list(
        "recorded_at", "session__starts_at", "session__district_id"))
    if opinions:
        per = defaultdict(lambda: [0, 0])
        for recorded, starts, district_id in opinions:
            per[district_id][0] += 1
            per[district_id][1] += timezone.localdate(recorded) <= timezone.localdate(starts)
        districts = District.objects.in_bulk(list(per))
        rows = [[_district_label(districts[d]), n, ok, _r(rules.share(ok, n))] for d, (n, ok) in sorted(per.items())]
        out.append(_table("opinions", [("label", "text"), ("opinions", "int"), ("on_time", "int"),
                                       ("on_time_share", "share")], rows, ["on_time"], chart=3))
    return out


# ---- outcome fairness ---------------------------------------------------------------------------------

def round_election(round_: Round) -> dict:
    """One counted round as the fairness rules read it: anonymous ballots (sets of project ids) from the
    public board, costs, admitted projects and categories. Never a voter."""
    ballots = defaultdict(set)
    for ballot_id, proposal_id in BallotChoice.objects.filter(round=round_).values_list("ballot_id", "proposal_id"):
        ballots[ballot_id].add(str(proposal_id))
    costs, cats = {}, {}
    for pid, cost, category in RoundProject.objects.filter(round=round_).values_list(
            "proposal_id", "cost", "proposal__category"):
        costs[str(pid)] = Fraction(cost)
        cats[str(pid)] = [category]
    funded = {str(p) for p in RoundResult.objects.filter(round=round_, admitted=True)
              .values_list("proposal_id", flat=True)}
    # Every anonymous ballot on the board, including one naming nothing (it still counts as a voter).
    empty = round_.ballots.exclude(pk__in=list(ballots)).count() if round_.board_size else 0
    return {"ballots": [*ballots.values(), *([set()] * empty)], "costs": costs, "funded": funded,
            "categories": cats}


def counted_rounds(cycle):
    return (Round.objects.filter(cycle=cycle, status=Round.Status.TALLIED, board_size__isnull=False)
            .select_related("district").order_by("district_id"))


def fairness(*, cycle, period=None) -> list:
    rounds = list(counted_rounds(cycle))
    if not rounds:
        return []
    rows, money = [], {}
    for r in rounds:
        e = round_election(r)
        b, f, c = e["ballots"], e["funded"], e["costs"]
        rows.append([_district_label(r.district), len(b), len(f), _r(rules.non_empty_handed(b, f, c)),
                     _r(rules.avg_satisfaction(b, f, c), 2), _r(rules.satisfaction_gini(b, f, c)),
                     _r(rules.category_proportionality(b, f, c, e["categories"]))])
        money[r.district] = int(sum(c[p] for p in f))
    pop_year = population_year(year=cycle.year)
    residents = Counter()
    if pop_year is not None:
        for district_id, people in PopulationFigure.objects.filter(year=pop_year).values_list("district_id",
                                                                                              "people"):
            residents[district_id] += people
    money_rows = [[_district_label(d), amount, residents[d.pk] or None,
                   _r(rules.per_resident(amount, residents[d.pk]), 2)] for d, amount in money.items()]
    return [
        _table("rounds", [("label", "text"), ("ballots", "int"), ("funded", "int"), ("non_empty_handed", "share"),
                          ("avg_satisfaction", "money"), ("gini", "number"), ("category_proportionality", "number")],
               rows, ["non_empty_handed", "avg_satisfaction", "gini", "category_proportionality"], chart=3),
        _table("money", [("label", "text"), ("funded_money", "money"), ("population", "int"),
                         ("per_resident", "money")], money_rows, ["per_resident"]),
    ]


# ---- implementation -----------------------------------------------------------------------------------

def implementation(*, cycle, period=None) -> list:
    rows = tracking_selectors.statuses(tracking_selectors.project_list(cycle=cycle))
    if not rows:
        return []
    fig = tracking_selectors.figures_of(rows)
    ids = [r.project.proposal_id for r in rows]
    admitted, completed = {}, {}
    for pid, state, at in TransitionLog.objects.filter(proposal_id__in=ids, to_state__in=["admitted", "completed"]) \
            .order_by("created_at").values_list("proposal_id", "to_state", "created_at"):
        (admitted if state == "admitted" else completed).setdefault(pid, at)
    days = [(completed[p] - admitted[p]).days for p in completed if p in admitted]
    summary = [[texts.bi(texts.TABLES["summary"]), fig["n"], fig["completed"],
                _r(rules.completion_rate(completed=fig["completed"], total=fig["n"])), fig["approved"],
                fig["executed"], _r(rules.execution_rate(executed=fig["executed"], approved=fig["approved"])),
                rules.median(days)]]
    kinds = Counter(flag for r in rows for flag in r.flags)
    flags = [[_bi(k), kinds[k]] for k in ("overdue", "stalled", "variance", "delayed")]
    diffs = Difficulty.objects.filter(project__proposal__cycle=cycle).aggregate(
        raised=Count("id"), cleared=Count("id", filter=Q(resolved_at__isnull=False)))
    return [
        _table("summary", [("label", "text"), ("projects", "int"), ("completed", "int"), ("completion_rate", "share"),
                           ("approved", "money"), ("executed", "money"), ("execution_rate", "share"),
                           ("median_days", "number")], summary, ["completion_rate", "execution_rate", "median_days"]),
        _table("red_flags", [("label", "text"), ("count", "int")], flags, ["red_flags"]),
        _table("difficulties", [("label", "text"), ("raised", "int"), ("cleared", "int")],
               [[_bi("difficulties"), diffs["raised"], diffs["cleared"]]], ["red_flags"]),
    ]


# ---- places and flags: filled by other parts when they exist ------------------------------------------

def _generic(key, items: list[dict], formulas) -> list:
    """A table from a list of dicts (the first key labels the row), for sections other parts supply."""
    if not items:
        return []
    keys = list(items[0])
    columns = [(k, "int" if isinstance(items[0][k], int) and not isinstance(items[0][k], bool)
                else "number" if isinstance(items[0][k], float) else "text") for k in keys]
    rows = []
    for item in items:
        first = item.get(keys[0])
        label = first if isinstance(first, dict) else {"zh-hant": str(first), "en": str(first)}
        rows.append([label, *[_plain(item.get(k)) for k in keys[1:]]])
    return [_table(key, columns, rows, formulas)]


def _plain(value):
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    if isinstance(value, Fraction):
        return float(value)
    return str(value)


def places(*, cycle, period=None) -> list:
    """Per village with a proposal: raised, passed, on the ballot, funded, money; and for every village of the
    city, how far its centre is from the nearest funded project (the open data has every village)."""
    from .places_data import village_statistics

    rows = village_statistics(cycle=cycle)
    if not any(r.raised for r in rows):
        return []
    active = [[{"zh-hant": f"{r.district_name}{r.name}", "en": f"{r.name_en or r.name}"}, r.raised,
               r.passed_assembly, r.on_ballot, r.funded, r.money_funded_ntd, r.nearest_funded_m]
              for r in rows if r.raised]
    distances = sorted(r.nearest_funded_m for r in rows if r.nearest_funded_m is not None)
    tables = [_table("villages", [("label", "text"), ("proposals", "int"), ("assembly_pass", "int"),
                                  ("on_ballot", "int"), ("funded", "int"), ("funded_money", "money"),
                                  ("distance_m", "int")], active, ["places"], chart=1)]
    if distances:
        within = sum(1 for d in distances if d <= 1000)
        tables.append(_table("distances", [("label", "text"), ("villages", "int"), ("median_m", "int"),
                                           ("within_1km", "share"), ("farthest_m", "int")],
                             [[_bi("all_villages"), len(distances), rules.median(distances),
                               _r(rules.share(within, len(distances))), distances[-1]]], ["distances"]))
    return tables


def flags(*, cycle, period=None) -> list:
    """Each mobilisation flag of the cycle: its measure and numbers, and the decision taken on it."""
    from django.utils import translation

    from mobilisation.selectors import flag_summary

    by_lang = {}
    for lang in texts.LANGUAGES:  # the summary renders its labels in the active language
        with translation.override(lang):
            by_lang[lang] = flag_summary(cycle=cycle)
    rows = []
    for i, f in enumerate(by_lang["zh-hant"]):
        def bi(make, i=i):
            return {lang: make(by_lang[lang][i]) for lang in texts.LANGUAGES}

        rows.append([bi(lambda x: " · ".join(filter(None, [x["kind_label"], x["scope"], x["group"]]))),
                     bi(lambda x: x["measure"]), _r(f["value"]), _r(f["threshold"]), _r(f["baseline"]),
                     bi(lambda x: x["decision_label"] or "—"), f["reason"]])
    if not rows:
        return []
    return [_table("flags", [("label", "text"), ("measure", "text"), ("value", "number"), ("threshold", "number"),
                             ("baseline", "number"), ("decision", "text"), ("reason", "text")], rows, ["flags"])]


def contacts(*, cycle, period=None) -> list:
    """Orphaned proposals: proposers flagged as no longer taking part, and contacts changed on record."""
    from proposals.selectors import accountability_counts

    counts = accountability_counts(cycle=cycle)
    if not any(counts.values()):
        return []
    rows = [[_bi(key), counts[key]] for key in ("orphan_flags", "orphan_flags_open", "contact_changes")]
    return [_table("contacts", [("label", "text"), ("count", "int")], rows, ["contacts"])]


section_register("participation", build=participation)
section_register("representativeness", build=representativeness, empty="no_population")
section_register("training", build=training)
section_register("deliberation", build=deliberation)
section_register("fairness", build=fairness, empty="no_rounds")
section_register("implementation", build=implementation, empty="no_projects")
section_register("places", build=places, empty="no_places")
section_register("flags", build=flags, empty="no_flags")
section_register("contacts", build=contacts, empty="no_contacts")


# ---- pages --------------------------------------------------------------------------------------------

def published(*, cycle=None):
    qs = EvaluationReport.objects.filter(status=EvaluationReport.Status.BUILT).select_related("cycle")
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return qs.order_by("-cycle__year", "-built_at", "-id")


def report_for(*, year: int, period: str | None = None) -> EvaluationReport | None:
    """A cycle's published report for `period`, or its latest when no period is given."""
    qs = published().filter(cycle__year=year)
    if period:
        qs = qs.filter(period=period)
    return qs.first()


def population_summary() -> list[dict]:
    """Population table per year: rows and residents, for the import page."""
    return list(PopulationFigure.objects.values("year").annotate(rows=Count("id")).order_by("-year"))
