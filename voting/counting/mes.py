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
import math
from fractions import Fraction as PyFraction

import numpy as np
from gmpy2 import mpq

from .election import COST_UTILITY_KINDS, Election, Outcome
from .greedy import greedy

# Exact rationals in GMP: the same values as fractions.Fraction, computed in C (a run of Toulouse does
# tens of thousands of them; 19.5 → 11.7 s of CPU for its 669 Add1 runs). Outcomes leave this module
# as fractions.Fraction (`_py`), so nothing outside sees the difference.
Fraction = mpq

_TOL = 1e-9
_ZERO = Fraction(0)


class _Prepared:
    """Per-project supporter arrays, built once and reused by every Add1 run."""

    def __init__(self, election: Election):
        self.election = election
        self.n = len(election.ballots)
        self.ids = election.projects
        index = {pid: j for j, pid in enumerate(self.ids)}
        self.costs = [mpq(PyFraction(election.costs[p])) for p in self.ids]
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
        # At the start of a run every voter is in group 0: each project's table, total weight and
        # largest weight are the same in every run, so the first evaluation is closed-form.
        self.start: dict[int, tuple] = {}
        for j in self.supported:
            w, c = np.unique(self.weight[j], return_counts=True)
            self.start[j] = (np.zeros(len(w), dtype=np.int64), w, c, int((w * c).sum()), int(w.max()))

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


class _Stability:
    """How far the per-voter budget can rise above b0 before the run could choose differently.

    With the run's choices held fixed, every group's remaining budget is an affine function α + β·b of
    the per-voter budget b (poor supporters pay all they have, rich ones λ(b)·w), and so is every λ a
    project is evaluated at. Each decision of the run — this split of supporters into poor and rich,
    this project cheaper than that one, that project unaffordable — is one linear inequality in b that
    holds at b0. `until` is the smallest b above b0 at which one of them could fail: on [b0, until) the
    run makes the same choices, so Add1 can skip every step in between (docs/decisions.md, "Add1").
    Floats only filter out inequalities that clearly hold up to `until`; the others are solved exactly.
    """

    def __init__(self, b0: Fraction, horizon: Fraction, floor: Fraction):
        # floor: the next step Add1 would try; a bound at or below it cannot save a run, so stop there.
        self.b0, self.until, self.floor = b0, horizon, floor
        self.active = horizon > floor

    def give_up(self):
        self.until, self.active = self.b0, False

    def linear(self, p: Fraction, q: Fraction, strict: bool = False):
        """Keep p + q·b ≥ 0 (> 0 if strict) on [b0, until)."""
        if not self.active:
            return
        at0 = p + q * self.b0
        if at0 < 0 or (strict and at0 == 0 and q <= 0):
            self.give_up()
        elif q < 0:
            root = -p / q
            if root < self.until:
                self.until = root
                if root <= self.floor:
                    self.give_up()

    def clear(self, p_f, q_f):
        """Which of the inequalities p + q·b ≥ 0 (float arrays) surely hold on [b0, until]: clearly
        positive at both ends (a linear function positive at both ends is positive in between)."""
        lo, hi = float(self.b0), float(self.until)
        v0, v1 = p_f + q_f * lo, p_f + q_f * hi
        return (v0 > 1e-9 * (np.abs(p_f) + np.abs(q_f) * lo) + 1e-300) & \
            (v1 > 1e-9 * (np.abs(p_f) + np.abs(q_f) * hi) + 1e-300)


def _run(prep: _Prepared, b0: Fraction, horizon: Fraction | None = None, floor: Fraction | None = None):
    """One run of MES with every voter starting at `b0`; returns (selected indices, group state, λs,
    until): with a `horizon` above b0, `until` > b0 means the run's outcome is the same for every
    starting budget in [b0, until) (see `_Stability`), else it is b0.

    Lazy evaluation: budgets only fall during a run, so a project's λ only rises; a λ computed
    earlier is a lower bound, and only the project at the top of the heap is recomputed when some of
    its supporters paid since.
    """
    st = _Stability(b0, horizon if horizon is not None else b0, floor if floor is not None else b0)
    budgets: list[Fraction] = [b0]
    # Float copies of the group budgets, in a buffer that doubles (groups are only ever appended).
    budgets_np = np.empty(1024)
    budgets_np[0] = float(b0)
    # Each group's budget as α + β·b (only while tracking stability; groups then keyed by the form).
    alpha: list[Fraction] = [Fraction(0)]
    beta: list[Fraction] = [Fraction(1)]
    alpha_fl, beta_fl = [0.0], [1.0]
    alpha_np, beta_np = np.zeros(1), np.ones(1)
    # Keyed by (numerator, denominator): hashing a Fraction costs a modular inverse.
    gid_of: dict[tuple, int] = {(0, 1, 1, 1) if st.active else (b0.numerator, b0.denominator): 0}
    voter_group = np.zeros(prep.n, dtype=np.int64)
    stride = prep.max_w + 1
    selected = [j for j in prep.supported if prep.costs[j] == 0]
    lambdas: dict[int, Fraction] = {}
    dirty = np.zeros(len(prep.ids), dtype=bool)
    # Per project, ρ(b) = RA + RB·b in floats from its last evaluation (for the comparisons), and the table.
    RA = np.zeros(len(prep.ids))
    RB = np.zeros(len(prep.ids))
    tables: dict[int, tuple] = {}

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
        rest = prep.costs[j]
        if first:
            rest -= sum((int(c[k]) * budgets[g[k]] for k in poor.tolist()), Fraction(0))
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

    def affine_exact(j, g, w, c, poor):
        """λ(b) = A + B·b for this split (poor: a boolean mask over the table), exactly."""
        idx = np.flatnonzero(poor).tolist()
        sa = sum((int(c[k]) * alpha[g[k]] for k in idx), Fraction(0))
        sb = sum((int(c[k]) * beta[g[k]] for k in idx), Fraction(0))
        denom = int((c[~poor] * w[~poor]).sum())
        return (prep.costs[j] - sa) / denom, -sb / denom

    def keep_split(j, g, w, c, poor, A_f, B_f, exact=None):
        """Require this split to stay right on [b0, until): poor pay all (b_g ≤ λw), rich b_g ≥ λw."""
        sign = np.where(poor, 1.0, -1.0)
        p_f = sign * (A_f * w - alpha_np[g])
        q_f = sign * (B_f * w - beta_np[g])
        unclear = np.flatnonzero(~st.clear(p_f, q_f))
        if len(unclear) == 0:
            return exact
        A, B = exact or affine_exact(j, g, w, c, poor)
        for k in unclear.tolist():
            s_ = 1 if poor[k] else -1
            wk = int(w[k])
            st.linear(s_ * (A * wk - alpha[g[k]]), s_ * (B * wk - beta[g[k]]))
            if not st.active:
                break
        return A, B

    def track_evaluation(j, g, w, c, order, first):
        """Record ρ_j(b) for this split in floats. Any split's formula is a lower bound on the true λ
        (with it, Σ c·min(b_g, λw) ≤ cost), so no validity is needed: it is only compared from below."""
        poor = np.zeros(len(g), dtype=bool)
        poor[order[:first]] = True
        rich = ~poor
        denom = float((c[rich] * w[rich]).sum())
        if denom == 0:
            st.give_up()
            return
        A_f = (float(prep.costs[j]) - float(np.dot(c[poor], alpha_np[g[poor]]))) / denom
        B_f = -float(np.dot(c[poor], beta_np[g[poor]])) / denom
        scale = float(prep.costs[j]) if prep.cost_utility else 1.0
        RA[j], RB[j] = A_f / scale, B_f / scale
        tables[j] = (g, w, c, poor)

    def track_unaffordable(j, g, c):
        """An unaffordable project is dropped for good: its supporters must stay short of its cost."""
        p_f = float(prep.costs[j]) - float(np.dot(c, alpha_np[g]))
        q_f = -float(np.dot(c, beta_np[g]))
        if st.clear(np.array([p_f]), np.array([q_f]))[0]:
            return
        sa = sum((int(ck) * alpha[gk] for gk, ck in zip(g.tolist(), c.tolist())), Fraction(0))
        sb = sum((int(ck) * beta[gk] for gk, ck in zip(g.tolist(), c.tolist())), Fraction(0))
        st.linear(prep.costs[j] - sa, -sb, strict=True)

    def rho_exact(j):
        g, w, c, poor = tables[j]
        A, B = affine_exact(j, g, w, c, poor)
        return (A / prep.costs[j], B / prep.costs[j]) if prep.cost_utility else (A, B)

    def track_choice(s, tk_s, A, B):
        """s (exactly λ_s(b) = A + B·b) beats every project still in the heap, whose stored ρ is a lower
        bound of its true one (ties by the tie key), for every b in [b0, until)."""
        if not heap:
            return
        scale = prep.costs[s] if prep.cost_utility else 1
        As, Bs = A / scale, B / scale
        others = np.fromiter((e[2] for e in heap), dtype=np.int64, count=len(heap))
        p_f, q_f = RA[others] - float(As), RB[others] - float(Bs)
        unclear = np.flatnonzero(~st.clear(p_f, q_f))
        if len(unclear) == 0:
            return
        for k in unclear.tolist():
            j = int(others[k])
            Aj, Bj = rho_exact(j)
            st.linear(Aj - As, Bj - Bs, strict=heap[k][1] < tk_s)
            if not st.active:
                return

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
            if st.active:
                track_unaffordable(j, g, c)
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
        if st.active:
            track_evaluation(j, g, w, c, order, first)
        return (lam_f / cost_f if prep.cost_utility else lam_f), lam, (g, w, c, order, first)

    def start(j):
        """The first evaluation: every supporter holds b0, so if the richest-weighted one can pay
        λ = cost / Σw, all are rich and λ is exact at once; otherwise the general evaluation."""
        g, w, c, total, max_w = prep.start[j]
        cost = prep.costs[j]
        if b0 * int(c.sum()) < cost:
            if st.active:
                track_unaffordable(j, g, c)
            return None
        lam = cost / total
        if lam * max_w > b0:
            return evaluate(j)
        if st.active:
            scale = float(cost) if prep.cost_utility else 1.0
            RA[j], RB[j] = float(lam) / scale, 0.0
            tables[j] = (g, w, c, np.zeros(len(g), dtype=bool))
        value = float(lam / cost) if prep.cost_utility else float(lam)
        return value, lam, (g, w, c, np.arange(len(g)), 0)

    heap = []
    cache = {}
    for j in prep.supported:
        if prep.costs[j] > 0:
            ev = start(j)
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
        _, tk_s, s, (g, w, c), lam = exact[0]
        for _, tk2, k, _, _ in exact[1:]:
            heapq.heappush(heap, (cache[k][0], tk2, k))
        paying = None
        if st.active:
            # The exact split at b0 (a supporter with exactly λw left counts as rich), and λ(b) from it.
            poor = np.fromiter((budgets[gk] < lam * wk for gk, wk in zip(g.tolist(), w.tolist())),
                               dtype=bool, count=len(g))
            if poor.all():
                st.give_up()
            else:
                A, B = affine_exact(s, g, w, c, poor)
                if A + B * b0 != lam:
                    st.give_up()
                else:
                    keep_split(s, g, w, c, poor, float(A), float(B), exact=(A, B))
                    track_choice(s, tk_s, A, B)
                    paying = (poor, A, B) if st.active else None
        # Pay: each (group, weight) of supporters moves to the group of its new remaining budget.
        keys = g * stride + w
        remap = np.full(int(keys.max()) + 1, -1, dtype=np.int64)
        grew = False
        for idx, (gk, wk, key) in enumerate(zip(g.tolist(), w.tolist(), keys.tolist())):
            b = budgets[gk]
            pay = lam if wk == 1 else lam * wk
            nb = b - pay if pay < b else _ZERO
            if paying is not None:
                poor, A, B = paying
                na, nbeta = (Fraction(0), Fraction(0)) if poor[idx] else (alpha[gk] - wk * A, beta[gk] - wk * B)
                nk = (na.numerator, na.denominator, nbeta.numerator, nbeta.denominator)
            else:
                na = nbeta = None
                nk = (nb.numerator, nb.denominator)
            if nk not in gid_of:
                gid_of[nk] = len(budgets)
                budgets.append(nb)
                if len(budgets) > len(budgets_np):
                    budgets_np = np.concatenate((budgets_np, np.empty(len(budgets_np))))
                budgets_np[len(budgets) - 1] = float(nb)
                alpha.append(na)
                beta.append(nbeta)
                alpha_fl.append(float(na) if na is not None else 0.0)
                beta_fl.append(float(nbeta) if nbeta is not None else 0.0)
                grew = True
            remap[key] = gid_of[nk]
        if grew:
            if st.active:
                alpha_np, beta_np = np.array(alpha_fl), np.array(beta_fl)
        sv = prep.supp[s]
        voter_group[sv] = remap[voter_group[sv] * stride + prep.weight[s]]
        dirty[prep.cosupported(s)] = True
        dirty[s] = False
        selected.append(s)
        lambdas[s] = lam
    return selected, budgets, voter_group, lambdas, st.until


def _py(x) -> PyFraction:
    return PyFraction(int(x.numerator), int(x.denominator))


def _outcome(prep, rule, selected, budgets, voter_group, lambdas, b0) -> Outcome:
    spent_by_group = [_py(b0 - b) for b in budgets]
    spending = [spent_by_group[g] for g in voter_group.tolist()]
    ids = [prep.ids[j] for j in selected]
    notes = {prep.ids[j]: f"MES: λ = {_py(lambdas[j])}" if j in lambdas else "MES: costs nothing" for j in selected}
    return Outcome(rule=rule, selected=ids, cost=_py(sum((prep.costs[j] for j in selected), Fraction(0))),
                   budget=prep.election.budget, spending=spending, notes=notes)


EXHAUSTIVE = "exhaustive"
BUDGET = "budget"


def _cost(prep, result) -> Fraction:
    return sum((prep.costs[j] for j in result[0]), Fraction(0))


def _first_step_from(start: Fraction, after: Fraction, until: Fraction) -> Fraction:
    """The first of start + 1, start + 2, … that is above `after` and at or above `until`."""
    k = max(math.floor(after - start) + 1, math.ceil(until - start))
    return start + k


class _Stepper:
    """Runs Add1 steps, proving skips where it can. A tracked run costs up to 2-4 plain ones when it
    succeeds (the exact roots), so once four runs have been tracked it goes on only while it has saved
    two runs per tracked run, and otherwise tries every 16th run (Toulouse: the run changes at 16 of 20
    consecutive steps; Świecie skips one or two steps at a time). Which runs are tracked never changes
    the outcome."""

    def __init__(self, prep, budget, skip):
        self.prep, self.budget, self.skip = prep, budget, skip
        self.count = self.tracked = 0
        self.saved = Fraction(0)

    def __call__(self, b, after_floor):
        self.count += 1
        paying = self.tracked < 4 or self.saved >= 2 * self.tracked
        if not (self.skip and (paying or self.count % 16 == 0)):
            return _run(self.prep, b)
        self.tracked += 1
        result = _run(self.prep, b, horizon=b + self.budget + 1, floor=after_floor)
        if result[4] > b:
            self.saved += math.ceil(result[4] - b) - 1
        return result


def _add1_exhaustive(prep, budget, b0, result, skip):
    """pabutools' Add1: b0, b0 + 1, …; stop at the first exhaustive outcome, or keep the previous one as
    soon as an outcome costs more than the budget. With `skip`, steps on which the run provably makes
    the same choices as the last one computed are not run (`_Stability`)."""
    available = [j for j in prep.supported if prep.costs[j] > 0]
    run = _Stepper(prep, budget, skip)
    b = b0
    last = b0  # the last step known to give `result`
    previous = (result, b, last)
    while True:
        total = _cost(prep, result)
        if total > budget:
            res, at, last = previous
            return (res if at == last else _run(prep, last)), last
        chosen = set(result[0])
        if all(j in chosen or total + prep.costs[j] > budget for j in available):
            return result, b
        nxt = _first_step_from(b, b, result[4]) if skip else b + 1
        previous = (result, b, nxt - 1)
        b = nxt
        result = run(b, b + 1)


def _add1_budget(prep, budget, b0, result, skip):
    """The cities' Add1 (Assen, Świecie, Wieliczka; equalshares.net): budget / n, then every voter's
    budget raised to ⌊budget / n⌋ + 1, + 2, …, keeping the last outcome that costs at most the budget —
    "until the next step would exceed the budget", even past an exhaustive outcome. Stops as well once
    every project with a supporter is funded (more money cannot change anything). With `skip`, steps
    on which the run provably makes the same choices as the last one computed are not run."""
    everything = len(prep.supported)
    run = _Stepper(prep, budget, skip)
    start = Fraction(math.floor(b0))
    b = b0
    while len(result[0]) < everything:
        nxt = _first_step_from(start, b, result[4]) if skip else _first_step_from(start, b, b)
        after = run(nxt, nxt + 1)
        if _cost(prep, after) > budget:
            if nxt - 1 > b:  # the steps skipped since b give this outcome; report the last of them
                return _run(prep, nxt - 1), nxt - 1
            break
        result, b = after, nxt
    return result, b


def equal_shares(election: Election, *, add1: bool = False, then_greedy: bool = False,
                 add1_until: str = EXHAUSTIVE, skip: bool = True) -> Outcome:
    """MES; with `add1`, Add1 completion (`add1_until`: EXHAUSTIVE as pabutools, BUDGET as the cities);
    with `then_greedy`, greedy by votes on what is left. `skip=False` runs every Add1 step (for tests)."""
    if add1_until not in (EXHAUSTIVE, BUDGET):
        raise ValueError(f"unknown Add1 variant {add1_until!r}")
    prep = _Prepared(election)
    budget = mpq(PyFraction(election.budget))
    if prep.n == 0:
        out = Outcome(rule="mes", selected=[], cost=PyFraction(0), budget=election.budget, spending=[])
    else:
        b0 = budget / prep.n
        rule = "mes"
        if add1:
            rule = "mes/add1" if add1_until == EXHAUSTIVE else "mes/add1-budget"
            complete = _add1_exhaustive if add1_until == EXHAUSTIVE else _add1_budget
            first = _run(prep, b0, horizon=b0 + budget + 1, floor=b0 + 1) if skip else _run(prep, b0)
            result, b0 = complete(prep, budget, b0, first, skip)
        else:
            result = _run(prep, b0)
        out = _outcome(prep, rule, *result[:4], b0)
    if then_greedy:
        rest = greedy(election, already=tuple(out.selected))
        for pid in rest.selected[len(out.selected):]:
            out.notes[pid] = rest.notes[pid]
        out.selected, out.cost, out.rule = rest.selected, rest.cost, out.rule + "+greedy"
    return out
