"""Reads for the counting rules: a round or an archived election as an `Election`, `.pb` exports and the
rule comparison (docs/decisions.md, "Counting rules")."""

from fractions import Fraction

from pbcity import search
from voting import rules
from voting.counting import Election, pabulib
from voting.counting import official as official_rules
from voting.models import ArchivedElection, BallotChoice, Round, RoundProject, RoundResult, RuleOutcome

# The counting kinds (voting/counting) as pabulib names them.
PB_VOTE_TYPE = {"approval": "approval", "knapsack": "approval", "cumulative": "cumulative", "ordinal": "ordinal"}


def round_budget(*, round_: Round) -> Fraction:
    """A round's budget for the budget rules: its own if it has one, else what the Taipei rule admitted.

    Taipei admits by threshold and rank, not by money; comparing rules on the money the official rule
    committed shows what another rule would have done with the same amount.
    """
    if round_.budget:
        return Fraction(round_.budget)
    admitted = RoundResult.objects.filter(round=round_, admitted=True).values_list("proposal_id", flat=True)
    costs = RoundProject.objects.filter(round=round_, proposal_id__in=list(admitted)).values_list("cost", flat=True)
    return Fraction(sum(costs))


def round_ballots(*, round_: Round):
    """Each ballot of the round as {proposal id: score} (1 per approval, the points, or the place's score),
    ballots with no choice included as {}: what the budget rules and the comparison count."""
    current, ballot, seen = None, {}, 0
    rows = (BallotChoice.objects.filter(round=round_).order_by("ballot_id")
            .values_list("ballot_id", "proposal_id", "value"))
    for ballot_id, proposal_id, value in rows.iterator(chunk_size=20000):
        if ballot_id != current:
            if current is not None:
                yield ballot
                seen += 1
            current, ballot = ballot_id, {}
        score = rules.score_of_value(round_.spec, value)
        if score > 0:
            ballot[proposal_id] = score
    if current is not None:
        yield ballot
        seen += 1
    yield from ({} for _i in range(round_.ballots.count() - seen))


def round_election(*, round_: Round) -> Election:
    """The round's ballots as an `Election` for the counting rules (proposal ids as project ids)."""
    projects = RoundProject.objects.filter(round=round_).order_by("position").values_list("proposal_id", "cost")
    costs = {str(pid): Fraction(cost) for pid, cost in projects}
    ballots = [{str(k): v for k, v in b.items()} for b in round_ballots(round_=round_)]
    return Election(budget=round_budget(round_=round_), costs=costs, ballots=ballots,
                    kind=rules.COUNTING_KIND[round_.ballot_type])


def round_pb_text(*, round_: Round) -> str:
    """The closed round as a pabulib `.pb` file (META, PROJECTS with cost and votes, VOTES)."""
    election = round_election(round_=round_)
    votes = election.votes()
    titles = dict(RoundProject.objects.filter(round=round_).values_list("proposal_id", "proposal__title"))
    official = set(RoundResult.objects.filter(round=round_, admitted=True).values_list("proposal_id", flat=True))
    kind = PB_VOTE_TYPE[election.kind]
    meta = {
        "description": f"Taipei participatory budgeting {round_.cycle.year}, {round_.district.name_en}",
        "country": "Taiwan",
        "unit": "Taipei",
        "subunit": round_.district.name_en,
        "instance": str(round_.cycle.year),
        "num_projects": len(election.costs),
        "num_votes": len(election.ballots),
        "budget": election.budget,
        "vote_type": kind,
        "rule": round_.counting_rule,
        "date_begin": round_.opens_at.date().strftime("%d.%m.%Y"),
        "date_end": round_.closes_at.date().strftime("%d.%m.%Y"),
        "min_length": round_.min_choices,
        "max_length": round_.max_choices,
        "language": "zh-Hant",
        "currency": "TWD",
    }
    if kind == "ordinal":
        meta["scoring_fn"] = ",".join(str(x) for x in (round_.score_vector or []))
    projects = [
        {
            "project_id": pid,
            "cost": cost,
            "votes": votes[pid],
            "name": titles.get(int(pid), ""),
            "selected": 1 if int(pid) in official else 0,
        }
        for pid, cost in election.costs.items()
    ]
    vote_rows = []
    for i, ballot in enumerate(election.ballots, start=1):
        ordered = sorted(ballot, key=lambda p: -ballot[p]) if kind == "ordinal" else list(ballot)
        row = {"voter_id": i, "vote": ",".join(ordered)}
        if kind == "cumulative":
            row["points"] = ",".join(str(ballot[p]) for p in ordered)
        vote_rows.append(row)
    vote_columns = ["voter_id", "vote"] + (["points"] if kind == "cumulative" else [])
    return pabulib.dump(
        meta=meta,
        projects=projects,
        votes=vote_rows,
        project_columns=["project_id", "cost", "votes", "name", "selected"],
        vote_columns=vote_columns,
    )


def archive_pb_file(*, election: ArchivedElection) -> pabulib.PbFile:
    return pabulib.PbFile(
        meta=dict(election.meta),
        projects=[p.fields for p in election.projects.order_by("position")],
        votes=[b.fields for b in election.ballots.order_by("position")],
        project_columns=list(election.project_columns),
        vote_columns=list(election.vote_columns),
    )


def archive_pb_text(*, election: ArchivedElection) -> str:
    """The canonical text (META sorted by key): uploading it again is recognised as the same election."""
    return pabulib.canonical(archive_pb_file(election=election))


def archived_elections(*, text: str = ""):
    """Imported elections, those whose title, source, file name or description (the file's META:
    country, unit, description…) hold `text` if given. A few dozen rows: `icontains` per token serves."""
    return search.matching(ArchivedElection.objects.select_related("imported_by"), text,
                           fields=("title", "source", "file_name", "meta"))


def _round_side(round_: Round):
    """A round's outcomes, projects (id, title, cost), votes and admitted projects."""
    outcomes = list(RuleOutcome.objects.filter(round=round_))
    projects = [
        (str(rp.proposal_id), rp.proposal.title, Fraction(rp.cost))
        for rp in RoundProject.objects.filter(round=round_).select_related("proposal").order_by("position")
    ]
    votes = {str(r.proposal_id): r.votes for r in RoundResult.objects.filter(round=round_)}
    official = {
        str(p) for p in RoundResult.objects.filter(round=round_, admitted=True).values_list("proposal_id", flat=True)
    }
    return outcomes, projects, votes, official, round_.counting_rule, None


def _election_side(election: ArchivedElection):
    """An imported election's outcomes, projects, votes, the city's winners and what its file declares."""
    outcomes = list(RuleOutcome.objects.filter(election=election))
    pb = archive_pb_file(election=election)
    projects = [(p["project_id"], p.get("name", ""), Fraction(p["cost"].replace(",", "."))) for p in pb.projects]
    counted = pb.election().votes()
    votes = {pid: counted[pid] for pid, _, _ in projects}
    declared = official_rules.declared_rule(pb)
    official = official_rules.recorded_winners(pb, declared) or set()
    own = next((o for o in outcomes if o.rule == "official"), None)
    city = {
        "declared": declared,
        "reason": declared.reason,
        "computed": own is not None,
        "has_selected": official_rules.recorded_winners(pb, declared) is not None,
        "matches": own is not None and set(own.selected) == official,
    }
    return outcomes, projects, votes, official, pb.meta.get("rule", ""), city


def comparison(*, round_: Round | None = None, election: ArchivedElection | None = None) -> dict:
    """Every stored rule outcome side by side, with each project's cost, votes and which rules fund it."""
    side = _round_side(round_) if round_ is not None else _election_side(election)
    outcomes, projects, votes, official, official_rule, city = side
    # The city's own rule (archive) or the round's official rule comes first.
    first = "official" if election is not None else official_rule
    outcomes.sort(key=lambda o: o.rule != first)
    funded = {o.rule: set(o.selected) for o in outcomes}
    rows = [
        {
            "id": pid,
            "name": name,
            "cost": cost,
            "votes": votes.get(pid, 0),
            "official": pid in official,
            "by_rule": [pid in funded[o.rule] for o in outcomes],
        }
        for pid, name, cost in projects
    ]
    rows.sort(key=lambda r: (-r["votes"], r["cost"]))
    summary = [
        {
            "rule": o.rule,
            "count": len(o.selected),
            "cost": Fraction(o.cost),
            "budget": Fraction(o.budget),
            "share": float(Fraction(o.cost) / Fraction(o.budget)) if Fraction(o.budget) else 0.0,
            "served": o.voters_served,
            "voters": o.voters,
            "served_share": o.voters_served / o.voters if o.voters else 0.0,
            "seconds": o.seconds,
        }
        for o in outcomes
    ]
    return {"rows": rows, "summary": summary, "official": official, "official_rule": official_rule, "city": city}
