"""Reads about rounds, ballots, the board and results. Counts never leave here before a round is tallied."""
import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch

from pbcity.rows import RowReader
from pbcity.uploads import IMAGE_TYPES
from proposals.models import Attachment
from voting import rules
from voting.models import BallotChoice, BallotSeal, BoardHead, Participation, Round, RoundResult, Voter

# Rules and ballot lists of a round can be cached once it has opened: the database freezes them.
_FROZEN_CACHE: dict[int, "BallotInfo"] = {}


@dataclass(frozen=True)
class BallotInfo:
    round_id: int
    cycle_id: int
    district_id: int
    status_at_load: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    spec: object
    costs: dict  # proposal id -> cost, in ballot order
    public_key: str = ""  # the ballot box's key (frozen with the rules once the round opens)


def round_voter(*, user, cycle_id) -> Voter | None:
    """The user's verified voter record in the cycle, cached on the user object for one request."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = user.__dict__.setdefault("_pb_voters", {})
    if cycle_id not in cache:
        # Asked on every ballot POST: a plain statement skips building and compiling a queryset (≈ 0.6 ms of
        # the ballot's CPU; docs/performance.md). Same row as filter(cycle, user, status=verified).first().
        cache[cycle_id] = _voter_fetch(cycle_id, user.pk)
    return cache[cycle_id]


_VOTER_READER = RowReader(Voter, "v",
                          "WHERE v.cycle_id = %s AND v.user_id = %s AND v.status = %s ORDER BY v.id LIMIT 1")


def _voter_fetch(cycle_id, user_id) -> Voter | None:
    return _VOTER_READER.fetch([cycle_id, user_id, Voter.Status.VERIFIED])[0]


def ballot_info(*, round_id) -> BallotInfo:
    """The round's rules and projects (cached per process once the round is no longer a draft)."""
    info = _FROZEN_CACHE.get(round_id)
    if info is not None:
        return info
    r = Round.objects.get(pk=round_id)
    costs = dict(r.projects.order_by("position").values_list("proposal_id", "cost"))
    info = BallotInfo(r.pk, r.cycle_id, r.district_id, r.status, r.opens_at, r.closes_at, r.spec, costs,
                      r.public_key)
    if r.status != Round.Status.DRAFT:
        _FROZEN_CACHE[round_id] = info
    return info


_DISPLAY_CACHE: dict[int, Round] = {}


def round_display(*, round_id) -> Round | None:
    """The round with its cycle and district for page headings; cached once it has opened. Only its
    frozen columns and names may be read from the cached copy (its status moves on)."""
    r = _DISPLAY_CACHE.get(round_id)
    if r is None:
        r = Round.objects.select_related("cycle", "district").filter(pk=round_id).first()
        if r is not None and r.status != Round.Status.DRAFT:
            _DISPLAY_CACHE[round_id] = r
    return r


def rounds_of_cycle(*, cycle):
    return Round.objects.filter(cycle=cycle).select_related("district", "cycle").order_by("district_id")


def round_for_voter(*, user, cycle) -> Round | None:
    """The round of the district the user is a verified voter of, if any."""
    voter = round_voter(user=user, cycle_id=cycle.pk)
    if voter is None or voter.district_id is None:
        return None
    return Round.objects.filter(cycle=cycle, district_id=voter.district_id).select_related("district").first()


def has_voted(*, round_, user) -> bool:
    voter = round_voter(user=user, cycle_id=round_.cycle_id)
    return voter is not None and Participation.objects.filter(round=round_, voter=voter).exists()


def ballot_projects(*, round_):
    """The ballot in order, each proposal with its `photos` (image attachments, first uploaded first): one
    query for the projects and one for all their photos, however long the ballot (docs/performance.md)."""
    photos = Attachment.objects.filter(content_type__in=list(IMAGE_TYPES)).order_by("uploaded_at", "id")
    return (round_.projects.select_related("proposal")
            .prefetch_related(Prefetch("proposal__attachments", queryset=photos, to_attr="photos"))
            .order_by("position"))


# -- after close ------------------------------------------------------------------------------

def board_entries(*, round_, receipt: str = ""):
    """The public board: every sealed ballot with its receipt and choices, in chain order."""
    if round_.status not in (Round.Status.CLOSED, Round.Status.TALLIED):
        return BallotSeal.objects.none()
    qs = BallotSeal.objects.filter(round=round_).select_related("ballot").order_by("position")
    if receipt:
        qs = qs.filter(ballot__receipt=receipt)
    return qs


def choices_by_ballot(ballot_ids) -> dict:
    out: dict = {}
    for bid, pid, value in BallotChoice.objects.filter(ballot_id__in=list(ballot_ids)).values_list(
            "ballot_id", "proposal_id", "value"):
        out.setdefault(bid, []).append((pid, value))
    return out


def board_heads(*, round_):
    """The heads published per day; the positions stay hidden until the round closes."""
    return BoardHead.objects.filter(round=round_).order_by("day")


def results(*, round_):
    """Result lines of a tallied round (empty before: counts are never shown earlier)."""
    if round_.status != Round.Status.TALLIED:
        return RoundResult.objects.none()
    return RoundResult.objects.filter(round=round_).select_related("proposal").order_by("rank", "proposal_id")


AGE_BANDS = rules.AGE_BANDS  # one place: voting/rules/strata.py


def _age(birth: datetime.date, on: datetime.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def turnout(*, round_) -> dict | None:
    """Ballots, eligible population and ballots by age band (on the first day of the vote); None before tally."""
    if round_.status != Round.Status.TALLIED:
        return None
    on = round_.opens_at.date()
    bands = {b: 0 for b in AGE_BANDS}
    rows = (Participation.objects.filter(round=round_).values("voter__birth_date")
            .annotate(n=Count("id")).values_list("voter__birth_date", "n"))
    total = 0
    for birth, n in rows:
        total += n
        age = _age(birth, on)
        for lo, hi in AGE_BANDS:
            if age >= lo and (hi is None or age <= hi):
                bands[(lo, hi)] += n
                break
    population = round_.district.eligible_population
    return {
        "ballots": total, "population": population,
        "percent": (total * 100.0 / population) if population else None,
        "bands": [{"lo": lo, "hi": hi, "ballots": n, "share": (n * 100.0 / total) if total else 0.0}
                  for (lo, hi), n in bands.items()],
    }


def city_turnout(*, cycle) -> list:
    """Turnout per district for the tallied rounds of a cycle."""
    out = []
    for r in rounds_of_cycle(cycle=cycle).filter(status=Round.Status.TALLIED):
        t = turnout(round_=r)
        out.append({"round": r, **t})
    return out
