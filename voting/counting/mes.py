"""The Method of Equal Shares (MES), exact, with Add1 completion and optional greedy after it.

Every voter starts with an equal share of the budget (budget / number of ballots, empty ballots
included). Repeatedly, among the projects whose supporters can still pay for them, the one that is
cheapest *per unit of utility* for its supporters is funded: each supporter pays λ·w (or all they have
left, if less), where w is their weight for the project and λ is the smallest value that covers the
cost. Utilities (docs/decisions.md, "Counting rules"): approval and knapsack ballots use the
project's cost (so every supporter pays the same amount λ and the order is λ / cost), points and
ranking ballots use the points (λ is then the order itself).

Exactness without slowness: voters with the same remaining budget are one group; a project's support
is a small table of (group, weight, count), so the arithmetic runs on a few hundred fractions rather
than on every voter. Floats are used only to *order* candidates and are confirmed with fractions
wherever two values are within 1e-9 of each other, so a float can never flip an outcome.

Ties (equal λ order): lower cost, then more votes, then the recorded lot (`Election.tie_key`).
Add1 (as pabutools' `voter_budget_increment=1`): while the outcome is not exhaustive, raise every
voter's budget by one unit and run again; stop at the first exhaustive outcome, or return the previous
one as soon as an outcome would cost more than the budget.
"""
from __future__ import annotations

import heapq
from fractions import Fraction

import numpy as np

from .election import COST_UTILITY_KINDS, Election, Outcome
from .greedy import greedy

_TOL = 1e-9


class _Prepared:
    """Per-project supporter arrays, built once and reused by every Add1 run."""

    def __init__(self, election: Election):
        self.election = election
        self.n = len(election.ballots)
        self.ids = election.projects
        index = {pid: j for j, pid in enumerate(self.ids)}
        self.costs = [Fraction(election.costs[p]) for p in self.ids]
        cost_utility = election.kind in COST_UTILITY_KINDS
        voters: list[list[int]] = [[] for _ in self.ids]
        weights: list[list[int]] = [[] for _ in self.ids]
        for i, ballot in enumerate(election.ballots):
            for pid, value in ballot.items():
                j = index[pid]
                voters[j].append(i)
                weights[j].append(1 if cost_utility else int(value))
        self.supp = [np.asarray(v, dtype=np.int64) for v in voters]
        self.weight = [np.asarray(w, dtype=np.int64) for w in weights]
        self.max_w = max((int(w.max()) for w in self.weight if len(w)), default=1)
        # Order key: λ itself for points; λ / cost for cost utilities (utility = cost · weight).
        self.cost_utility = cost_utility
        self.tie = election.tie_key()
        self.supported = [j for j in range(len(self.ids)) if len(self.supp[j])]
        # Voter → projects (CSR), to find the projects whose supporters paid for a selection.
        sizes = np.fromiter((len(b) for b in election.ballots), dtype=np.int64, count=self.n)
        self.ptr = np.concatenate(([0], sizes.cumsum()))
        self.proj_of = np.fromiter((index[p] for b in election.ballots for p in b), dtype=np.int64,
                                   count=int(self.ptr[-1]))
        self._cosupport: dict[int, np.ndarray] = {}

    def cosupported(self, j: int) -> np.ndarray:
        """Projects sharing at least one supporter with project j (j included)."""
        if j not in self._cosupport:
            v = self.supp[j]
            starts, ends = self.ptr[v], self.ptr[v + 1]
            lengths = ends - starts
            idx = np.repeat(starts - np.concatenate(([0], lengths.cumsum()[:-1])), lengths) + np.arange(lengths.sum())
            self._cosupport[j] = np.unique(self.proj_of[idx])
        return self._cosupport[j]


def _order_value(prep: _Prepared, j: int, lam: Fraction) -> Fraction:
    return lam / prep.costs[j] if prep.cost_utility else lam


def _run(prep: _Prepared, b0: Fraction):
    """One run of MES with every voter starting at `b0`; returns (selected indices, group state, λs).

    Lazy evaluation: budgets only fall during a run, so a project's λ only rises; a λ computed
    earlier is a lower bound, and only the project at the top of the heap is recomputed when some of
    its supporters paid since.
    """
    budgets: list[Fraction] = [b0]
    budgets_f: list[float] = [float(b0)]
    budgets_np = np.array(budgets_f)
    # Keyed by (numerator, denominator): hashing a Fraction costs a modular inverse.
    gid_of: dict[tuple[int, int], int] = {(b0.numerator, b0.denominator): 0}
    voter_group = np.zeros(prep.n, dtype=np.int64)
    stride = prep.max_w + 1
    selected = [j for j in prep.supported if prep.costs[j] == 0]
    lambdas: dict[int, Fraction] = {}
    dirty = np.zeros(len(prep.ids), dtype=bool)

    def table(j):
        key = voter_group[prep.supp[j]] * stride + prep.weight[j]
        counts = np.bincount(key)
        nz = np.flatnonzero(counts)
        return nz // stride, nz % stride, counts[nz]

    def exact_lambda_walk(j, g, w, c):
        """The smallest λ with Σ c·min(b_g, λ·w) ≥ cost, walking supporters by b/w (as pabutools does)."""
        order = sorted(range(len(g)), key=lambda k: budgets[g[k]] / int(w[k]))
        rest = prep.costs[j]
        denom = sum(int(c[k]) * int(w[k]) for k in range(len(g)))
        for k in order:
            lam = rest / denom
            if lam * int(w[k]) <= budgets[g[k]]:
                return lam
            rest -= int(c[k]) * budgets[g[k]]
            denom -= int(c[k]) * int(w[k])
        return None

    def exact_lambda(j, g, w, c, order, first):
        """λ from the float-found split (poor = entries before `first`), confirmed exactly.

        Entries whose ratio b/w is within 1e-9 of λ are re-checked with fractions; if any is on the
        wrong side the exact walk decides.
        """
        poor, rich = order[:first], order[first:]
        rest = prep.costs[j] - sum((int(c[k]) * budgets[g[k]] for k in poor.tolist()), Fraction(0))
        denom = int((c[rich] * w[rich]).sum())
        lam = rest / denom
        lam_f = float(lam)
        ratio = budgets_np[g] / w
        near = np.flatnonzero(np.abs(ratio - lam_f) <= max(abs(lam_f), 1e-300) * 1e-9)
        rich_set = set(rich.tolist())
        for k in near.tolist():
            is_rich = lam * int(w[k]) <= budgets[g[k]]
            if is_rich != (k in rich_set) and not (lam * int(w[k]) == budgets[g[k]]):
                return exact_lambda_walk(j, g, w, c)
        return lam

    def evaluate(j):
        """(float order value, exact λ or None if floats were clear, table); None if unaffordable."""
        g, w, c = table(j)
        cost = prep.costs[j]
        bf = budgets_np[g]
        avail_f = float(np.dot(c, bf))
        cost_f = float(cost)
        if avail_f < cost_f * (1 - _TOL) or (
            avail_f <= cost_f * (1 + _TOL) and sum(int(ck) * budgets[gk] for gk, ck in zip(g, c)) < cost
        ):
            return None
        ratio = bf / w
        order = np.argsort(ratio, kind="stable")
        r = ratio[order]
        cw = (c * w)[order].astype(np.float64)
        rich_w = cw[::-1].cumsum()[::-1]
        poor_b = np.concatenate(([0.0], (c * bf)[order].cumsum()[:-1]))
        lam_k = (cost_f - poor_b) / rich_w
        ok = lam_k <= r * (1 + _TOL)
        first = int(np.argmax(ok)) if ok.any() else len(ok) - 1
        margins = np.abs(lam_k[: first + 1] - r[: first + 1])
        lam = None
        if np.any(margins <= np.maximum(np.abs(lam_k[: first + 1]), 1e-300) * _TOL * 10):
            lam = exact_lambda_walk(j, g, w, c)  # too close to call in floats
            lam_f = float(lam)
        else:
            lam_f = float(lam_k[first])
        return (lam_f / cost_f if prep.cost_utility else lam_f), lam, (g, w, c, order, first)

    heap = []
    cache = {}
    for j in prep.supported:
        if prep.costs[j] > 0:
            ev = evaluate(j)
            if ev is not None:
                cache[j] = ev
                heap.append((ev[0], prep.tie(prep.ids[j]), j))
    heapq.heapify(heap)
    while heap:
        value_f, tk, j = heapq.heappop(heap)
        if dirty[j]:
            dirty[j] = False
            ev = evaluate(j)
            if ev is not None:
                cache[j] = ev
                heapq.heappush(heap, (ev[0], tk, j))
            continue
        # j is fresh and minimal in floats; gather every entry too close to call, make them fresh too.
        close = [(value_f, tk, j)]
        while heap and heap[0][0] <= value_f * (1 + 1e-7):
            entry = heapq.heappop(heap)
            k = entry[2]
            if dirty[k]:
                dirty[k] = False
                ev = evaluate(k)
                if ev is not None:
                    cache[k] = ev
                    heapq.heappush(heap, (ev[0], entry[1], k))
                continue
            close.append(entry)
        exact = []
        for _, tk2, k in close:
            _, lam, tab = cache[k]
            if lam is None:
                lam = exact_lambda(k, *tab)
            tab = tab[:3]
            exact.append((_order_value(prep, k, lam), tk2, k, tab, lam))
        exact.sort(key=lambda x: (x[0], x[1]))
        _, _, s, (g, w, c), lam = exact[0]
        for _, tk2, k, _, _ in exact[1:]:
            heapq.heappush(heap, (cache[k][0], tk2, k))
        # Pay: each (group, weight) of supporters moves to the group of its new remaining budget.
        keys = g * stride + w
        remap = np.full(int(keys.max()) + 1, -1, dtype=np.int64)
        grew = False
        for gk, wk, key in zip(g.tolist(), w.tolist(), keys.tolist()):
            b = budgets[gk]
            nb = b - min(b, lam * wk)
            nk = (nb.numerator, nb.denominator)
            if nk not in gid_of:
                gid_of[nk] = len(budgets)
                budgets.append(nb)
                budgets_f.append(float(nb))
                grew = True
            remap[key] = gid_of[nk]
        if grew:
            budgets_np = np.array(budgets_f)
        sv = prep.supp[s]
        voter_group[sv] = remap[voter_group[sv] * stride + prep.weight[s]]
        dirty[prep.cosupported(s)] = True
        dirty[s] = False
        selected.append(s)
        lambdas[s] = lam
    return selected, budgets, voter_group, lambdas


def _outcome(prep, rule, selected, budgets, voter_group, lambdas, b0) -> Outcome:
    spent_by_group = [b0 - b for b in budgets]
    spending = [spent_by_group[g] for g in voter_group.tolist()]
    ids = [prep.ids[j] for j in selected]
    notes = {prep.ids[j]: f"MES: λ = {lambdas[j]}" if j in lambdas else "MES: costs nothing" for j in selected}
    return Outcome(rule=rule, selected=ids, cost=sum((prep.costs[j] for j in selected), Fraction(0)),
                   budget=prep.election.budget, spending=spending, notes=notes)


EXHAUSTIVE = "exhaustive"
BUDGET = "budget"


def _add1_exhaustive(prep, budget, b0, result):
    """pabutools' Add1: b0, b0 + 1, …; stop at the first exhaustive outcome, or keep the previous one as
    soon as an outcome costs more than the budget."""
    available = [j for j in prep.supported if prep.costs[j] > 0]
    previous = (result, b0)
    while True:
        chosen = set(result[0])
        total = sum((prep.costs[j] for j in chosen), Fraction(0))
        if total > budget:
            return previous
        if all(j in chosen or total + prep.costs[j] > budget for j in available):
            return result, b0
        previous = (result, b0)
        b0 += 1
        result = _run(prep, b0)


def _add1_budget(prep, budget, b0, result):
    """The cities' Add1 (Assen, Świecie, Wieliczka; equalshares.net): budget / n, then every voter's
    budget raised to ⌊budget / n⌋ + 1, + 2, …, keeping the last outcome that costs at most the budget —
    "until the next step would exceed the budget", even past an exhaustive outcome. Stops as well once
    every project with a supporter is funded (more money cannot change anything)."""
    everything = len(prep.supported)
    step = Fraction(b0.numerator // b0.denominator)
    while len(result[0]) < everything:
        step += 1
        nxt = _run(prep, step)
        if sum((prep.costs[j] for j in nxt[0]), Fraction(0)) > budget:
            break
        result, b0 = nxt, step
    return result, b0


def equal_shares(election: Election, *, add1: bool = False, then_greedy: bool = False,
                 add1_until: str = EXHAUSTIVE) -> Outcome:
    """MES; with `add1`, Add1 completion (`add1_until`: EXHAUSTIVE as pabutools, BUDGET as the cities);
    with `then_greedy`, greedy by votes on what is left."""
    if add1_until not in (EXHAUSTIVE, BUDGET):
        raise ValueError(f"unknown Add1 variant {add1_until!r}")
    prep = _Prepared(election)
    budget = Fraction(election.budget)
    if prep.n == 0:
        out = Outcome(rule="mes", selected=[], cost=Fraction(0), budget=budget, spending=[])
    else:
        b0 = budget / prep.n
        result = _run(prep, b0)
        rule = "mes"
        if add1:
            rule = "mes/add1" if add1_until == EXHAUSTIVE else "mes/add1-budget"
            complete = _add1_exhaustive if add1_until == EXHAUSTIVE else _add1_budget
            result, b0 = complete(prep, budget, b0, result)
        out = _outcome(prep, rule, *result, b0)
    if then_greedy:
        rest = greedy(election, already=tuple(out.selected))
        for pid in rest.selected[len(out.selected):]:
            out.notes[pid] = rest.notes[pid]
        out.selected, out.cost, out.rule = rest.selected, rest.cost, out.rule + "+greedy"
    return out
