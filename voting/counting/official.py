"""The city's own rule: what a pabulib file declares in META, counted the way the city counted it.

pabulib's META names the rule (`rule`) and its parameters; the `selected` column records what the
city funded. Each declared rule string maps to one of our counts (docs/counting.md):

- `greedy`: by score (votes, points or rank score), skip what does not fit;
- `greedy-threshold`: the same, only projects whose score reaches `min_project_score_threshold`;
- `greedy-no-skip`: stop at the first project that does not fit;
- `greedy-custom` in Poznań: no-skip, then the first project that does not fit is still funded if
  what is left covers at least 80 % of its cost (from reserve funds; `selected` = 2);
- `equalshares/add1`: MES, then Add1 until the next step would exceed the budget;
- `equalshares/add1-comparison` (Wieliczka): the same, then compared with greedy: the outcome more
  voters prefer (more of their approved projects funded) wins, MES on a tie;
- `equalshares`, `equalshares-comparison`: MES without completion (pabulib names them; no file uses them yet).

Ordinal ballots are scored by `scoring_fn` when META has one ("Borda" or a vector such as "3,2,1"),
else by the vector k, k-1, …, 1 for ballots of at most k = `max_length` ranks (Kraków's 3-2-1), else
Borda. `min_project_score_threshold` applies to the score the city ranked by.

Some declared rules cannot be reproduced from the file alone; `Declared.reason` says why (a code for
the page, an English sentence for the script). No Django here.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .election import Election, Outcome
from .greedy import SKIP, STOP, greedy
from .mes import BUDGET, equal_shares
from .pabulib import VOTE_TYPES, PbFile

# pabulib marks a project withdrawn after the vote with this artificial cost (see the files' comments).
WITHDRAWN_COST = 999_999_999

# Why a declared rule cannot be (fully) reproduced from the file: code → English sentence.
REASONS = {
    "unknown": "The file does not say which rule the city used (rule: unknown).",
    "unsupported": "The declared rule is not one pabulib documents; nothing is counted.",
    "custom": "The city used a rule of its own, described only in the file's comment.",
    "exclusive": "The city excluded projects that conflict with a better-voted one (named only in the "
                 "file's comment); plain greedy is shown.",
    "reserve": "Some projects were funded afterwards from reserve funds whose amount is not in the file "
               "(selected = 3); they are not counted.",
    "outside": "Some projects were funded outside the budget (selected = 2, e.g. turnout awards); they are "
               "not counted.",
    "scoring": "The scores in the file's PROJECTS section are not what the scoring vector gives.",
    "meta": "META's min_project_score_threshold or scoring_fn cannot be read (scoring_fn must be Borda or "
            "a list of points); nothing is counted.",
}


@dataclass(frozen=True)
class Declared:
    rule: str                      # the META string, e.g. "greedy-threshold"
    vote_type: str
    method: str | None             # what we count: "greedy", "greedy/stop", "poznan", "mes/add1-budget", …
    threshold: Fraction = Fraction(0)
    scoring: tuple[int, ...] | None = None
    reason: str = ""               # a key of REASONS when the rule cannot be fully reproduced

    @property
    def reproducible(self) -> bool:
        return self.method is not None


@dataclass
class Official:
    declared: Declared
    outcome: Outcome | None        # None when the rule cannot be counted
    recorded: set[str] | None      # the `selected` column's regular winners; None without the column
    seconds: float = 0.0

    @property
    def matches(self) -> bool | None:
        if self.outcome is None or self.recorded is None:
            return None
        return set(self.outcome.selected) == self.recorded


def scoring_vector(meta: dict[str, str], n_projects: int) -> tuple[int, ...] | None:
    """Points by rank for ordinal ballots, from META (`scoring_fn`, `max_length`); None for approval etc."""
    if VOTE_TYPES.get(meta.get("vote_type", "approval")) != VOTE_TYPES["ordinal"]:
        return None
    fn = meta.get("scoring_fn", "").strip()
    if fn.lower() == "borda":
        return tuple(range(n_projects, 0, -1))
    if fn:
        parts = [x for x in fn.replace("-", ",").replace(" ", ",").split(",") if x]
        try:
            vector = tuple(int(x) for x in parts)
        except ValueError:
            raise ValueError(f"scoring_fn {fn!r} is neither Borda nor a list of points") from None
        if not vector or any(v < 0 for v in vector):
            raise ValueError(f"scoring_fn {fn!r} is neither Borda nor a list of points")
        return vector
    k = meta.get("max_length", "").strip()
    if k.isdigit() and 0 < int(k) < n_projects:
        return tuple(range(int(k), 0, -1))
    return tuple(range(n_projects, 0, -1))


_PLAIN = re.compile(r"-?\d{1,30}(?:[.,]\d{1,30})?")


def _plain_number(text: str) -> Fraction:
    """A META number as cities write it; no exponents ("1e999999" would be a megabyte integer)."""
    text = text.strip() or "0"
    if not _PLAIN.fullmatch(text):
        raise ValueError(f"{text[:40]!r} is not a plain number")
    return Fraction(text.replace(",", "."))


def declared_rule(pb: PbFile) -> Declared:
    """The rule the file declares, with its parameters, and what we count for it."""
    meta = pb.meta
    rule = meta.get("rule", "unknown").strip() or "unknown"
    vote_type = meta.get("vote_type", "approval")
    try:
        threshold = _plain_number(meta.get("min_project_score_threshold", "0"))
        scoring = scoring_vector(meta, len(pb.projects))
    except (ValueError, ZeroDivisionError):
        # A META value we cannot read: say so on the page rather than guess (or fail).
        return Declared(rule=rule, vote_type=vote_type, method=None, reason="meta")
    marks = {p.get("selected", "") for p in pb.projects}
    method, reason = None, ""
    if rule in ("greedy", "greedy-threshold", "greedy-exclusive"):
        method = "greedy"
        reason = "exclusive" if rule == "greedy-exclusive" else ""
    elif rule == "greedy-no-skip":
        method = "greedy/stop"
    elif rule == "greedy-custom":
        if meta.get("unit") == "Poznań":
            method = "poznan"
            reason = "reserve" if "3" in marks else ""
        else:
            reason = "custom"
    elif rule in ("equalshares", "equalshares-comparison"):
        method = "mes" if rule == "equalshares" else "mes+compare"
    elif rule == "equalshares/add1":
        method = "mes/add1-budget"
    elif rule == "equalshares/add1-comparison":
        method = "mes/add1-budget+compare"
    elif rule == "unknown":
        reason = "unknown"
    else:
        reason = "unsupported"
    if scoring is not None and not meta.get("scoring_fn", "").strip():
        # No declared vector: take the one (k..1 or Borda) that gives the scores the file records.
        borda = tuple(range(len(pb.projects), 0, -1))
        for candidate in (scoring, borda):
            if score_column_agrees(pb, candidate) is not False:
                scoring = candidate
                break
        else:
            reason = reason or "scoring"
    elif scoring is not None and score_column_agrees(pb, scoring) is False:
        reason = reason or "scoring"
    if not reason and rule != "greedy-custom" and "2" in marks and method is not None:
        reason = "outside"
    return Declared(rule=rule, vote_type=vote_type, method=method, threshold=threshold, scoring=scoring,
                    reason=reason)


def recorded_winners(pb: PbFile, declared: Declared | None = None) -> set[str] | None:
    """What the city funded under its rule, from the `selected` column (None if the file has none).

    1 = funded; in Poznań 2 = funded by the 80 % rule (part of the rule); elsewhere 2 and 3 mark
    projects funded outside the rule (turnout awards, reserve funds), which the rule cannot give.
    """
    if "selected" not in pb.project_columns and not any("selected" in p for p in pb.projects):
        return None
    declared = declared or declared_rule(pb)
    marks = {"1", "2"} if declared.method == "poznan" else {"1"}
    return {p["project_id"] for p in pb.projects if p.get("selected", "").strip() in marks}


def _poznan(election: Election, withdrawn: frozenset[str]) -> Outcome:
    """No-skip greedy; then the first project that did not fit is funded if the rest covers 80 % of it."""
    out = greedy(election, variant=STOP, withdrawn=withdrawn, ties="lot")
    scores, rank = election.scores(), election.lot_rank()
    left = election.budget - out.cost
    rest = sorted((p for p in election.projects if p not in out.selected and p not in withdrawn and scores[p] > 0),
                  key=lambda p: (-scores[p], rank[p]))
    if rest and left >= Fraction(4, 5) * election.costs[rest[0]]:
        pid = rest[0]
        out.selected.append(pid)
        out.cost += election.costs[pid]
        out.notes[pid] = "Poznań: the rest covers at least 80 % of its cost"
    out.rule = "poznan"
    return out


def _prefer(election: Election, mes: Outcome, other: Outcome) -> Outcome:
    """Wieliczka's comparison: each voter prefers the outcome funding more of their approved projects."""
    a, b = set(mes.selected), set(other.selected)
    for_mes = for_other = 0
    for ballot in election.ballots:
        x, y = len(a.intersection(ballot)), len(b.intersection(ballot))
        for_mes += x > y
        for_other += y > x
    return other if for_other > for_mes else mes


def official_outcome(pb: PbFile, declared: Declared | None = None) -> Outcome | None:
    """Count the file with its declared rule; None when it cannot be counted (see `Declared.reason`)."""
    declared = declared or declared_rule(pb)
    if declared.method is None:
        return None
    election = pb.election(scoring=declared.scoring)
    withdrawn = frozenset(p for p, c in election.costs.items() if c == WITHDRAWN_COST)
    m = declared.method
    if m in ("greedy", "greedy/stop"):
        out = greedy(election, variant=SKIP if m == "greedy" else STOP, min_score=declared.threshold,
                     withdrawn=withdrawn, ties="lot")
    elif m == "poznan":
        out = _poznan(election, withdrawn)
    else:
        out = equal_shares(election, add1="add1" in m, add1_until=BUDGET)
        if m.endswith("+compare"):
            out = _prefer(election, out, greedy(election))
    out.rule = declared.rule
    return out


def official(pb: PbFile) -> Official:
    import time

    declared = declared_rule(pb)
    t = time.perf_counter()
    outcome = official_outcome(pb, declared)
    return Official(declared=declared, outcome=outcome, recorded=recorded_winners(pb, declared),
                    seconds=time.perf_counter() - t)


def score_column_agrees(pb: PbFile, scoring: Sequence[int] | None) -> bool | None:
    """Do the PROJECTS `score` column and our scores agree (None when the file has no score column)?"""
    if not pb.projects or "score" not in pb.projects[0]:
        return None
    ours = pb.election(scoring=scoring).scores()
    try:
        return all(_plain_number(p["score"]) == ours[p["project_id"]] for p in pb.projects)
    except ValueError:
        return None
