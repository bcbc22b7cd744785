"""Counting the coarse traits of an opened box (voting/rules/strata.py; docs/security.md,
"Mobilisation flags and ballot secrecy"): per group of at least ten ballots, never per ballot."""
from collections import Counter

from voting import rules
from voting.models import BoardStratum


def strata_counts(ballots) -> list[tuple[str, int, int, int | None, int]]:
    """(kind, lo, hi, proposal or None, ballots) for `ballots` [(receipt, [(proposal, value)…], (day, band))…]."""
    out = []
    for index, kind in ((0, BoardStratum.Kind.DAY), (1, BoardStratum.Kind.AGE)):
        groups = rules.groups_merge(Counter(t[index] for _k, _c, t in ballots))
        totals: Counter = Counter()
        chosen: Counter = Counter()
        for _k, picks, traits in ballots:
            group = rules.group_of(traits[index], groups)
            if group is None:
                continue
            totals[group] += 1
            for proposal, _v in picks:
                chosen[(group, proposal)] += 1
        out.extend((kind, lo, hi, None, n) for (lo, hi), n in sorted(totals.items()))
        out.extend((kind, lo, hi, p, n) for ((lo, hi), p), n in sorted(chosen.items()))
    return out


def strata_write(*, round_, ballots) -> int:
    """Store the group counts of a box being opened (inside ballot_box_open's transaction)."""
    rows = [BoardStratum(round_id=round_.pk, kind=kind, lo=lo, hi=hi, proposal_id=p, ballots=n)
            for kind, lo, hi, p, n in strata_counts(ballots)]
    BoardStratum.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
