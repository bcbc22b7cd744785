"""Invariants across records that each app registers, so the base verifies them without importing any app.

The hash chain proves that a sealed record was not changed afterwards; it cannot prove that a record
the runtime role inserted (with its own chain entry) is true. These checks do: every app states, from
its `AppConfig.ready`, what must hold between its records (a proposal's state is its last transition,
hours are the sessions attended, …), and `audit_verify`, the committee's audit page and the scheduled
verification run them all (docs/security.md, "What the runtime role and the owner can still do").

    from pbcity.audit import invariants

    @invariants.invariant("proposals.state_follows_transitions")
    def _(*, using):
        yield invariants.Problem(ref="proposals.proposal:7", detail="…", subject="proposals.proposal:7")

Two more kinds of hooks: `verifier` (another chain with its own verifier, e.g. the ballot boards),
and `busy` (is something under way that deserves a tighter watch, e.g. an open voting round).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """One broken invariant: which check, which record (`ref`), what is wrong, and the page it affects.

    `subject` names the object whose public page must carry the notice ("proposals.proposal:7",
    "voting.round:3"); empty when no single page is concerned.
    """

    check: str = ""
    ref: str = ""
    detail: str = ""
    subject: str = ""

    def __str__(self) -> str:
        return f"{self.check}: {self.ref} — {self.detail}" if self.ref else f"{self.check}: {self.detail}"

    def as_dict(self) -> dict:
        return asdict(self)


_INVARIANTS: dict[str, Callable[..., Iterable[Problem]]] = {}
_VERIFIERS: dict[str, Callable[..., Iterable[Problem]]] = {}
_BUSY: dict[str, Callable[[], bool]] = {}


def invariant(name: str):
    """Register `func(*, using) -> iterable of Problem` as the invariant `name` (idempotent by name)."""

    def register(func):
        _INVARIANTS[name] = func
        return func

    return register


def verifier(name: str):
    """Register another chain's verifier, `func() -> iterable of Problem`, for the scheduled run."""

    def register(func):
        _VERIFIERS[name] = func
        return func

    return register


def busy(name: str):
    """Register `func() -> bool`: True while the chain should be witnessed and verified every few minutes."""

    def register(func):
        _BUSY[name] = func
        return func

    return register


def _run(name: str, func, **kwargs) -> list[Problem]:
    try:
        return [p if p.check else Problem(name, p.ref, p.detail, p.subject) for p in func(**kwargs)]
    except Exception as exc:  # a check that cannot run is itself a finding, never a silent pass
        log.exception("audit check %s failed to run", name)
        return [Problem(name, "", f"the check could not run: {type(exc).__name__}: {exc}")]


def invariants_check(*, using: str = "default") -> list[Problem]:
    """Every registered invariant's problems, by check name."""
    problems = []
    for name in sorted(_INVARIANTS):
        problems += _run(name, _INVARIANTS[name], using=using)
    return problems


def verifiers_run() -> dict[str, list[Problem]]:
    """Each registered verifier's problems (an empty list: it verifies)."""
    return {name: _run(name, _VERIFIERS[name]) for name in sorted(_VERIFIERS)}


def is_busy() -> bool:
    """Something registered says the watch must be tight now (a vote is open)."""
    for name, func in _BUSY.items():
        try:
            if func():
                return True
        except Exception:  # when in doubt, watch closely
            log.exception("busy hook %s failed", name)
            return True
    return False


def registered() -> dict[str, list[str]]:
    return {"invariants": sorted(_INVARIANTS), "verifiers": sorted(_VERIFIERS), "busy": sorted(_BUSY)}


# -- helpers the apps' checks share -------------------------------------------------------------

def history_mismatches(model, fields: Iterable[str], *, using: str = "default") -> list[tuple]:
    """Rows of a simple-history model whose `fields` differ from their latest history record, or that
    have none: a change made without the application (which always writes the history row).

    Returns (pk, field, current value, recorded value) for the first differing field of each row;
    field is "" when the row has no history at all, "deleted" when its last history record is a deletion,
    "missing" when the row is gone without a history record of its deletion.
    """
    fields = list(fields)
    history = model.history.model
    pk_name = model._meta.pk.attname
    latest = {}  # the last record per row wins (portable: no DISTINCT ON, SQLite runs the demo)
    for row in (history._base_manager.using(using).order_by("history_date", "history_id")
                .values(pk_name, "history_type", *fields).iterator(chunk_size=5000)):
        latest[row[pk_name]] = row
    out = []
    present = set()
    for row in model._base_manager.using(using).order_by(pk_name).values(pk_name, *fields):
        pk, last = row[pk_name], latest.get(row[pk_name])
        present.add(pk)
        if last is None:
            out.append((pk, "", None, None))
        elif last["history_type"] == "-":
            out.append((pk, "deleted", None, None))
        else:
            for f in fields:
                if row[f] != last[f]:
                    out.append((pk, f, row[f], last[f]))
                    break
    out += [(pk, "missing", None, None) for pk, last in latest.items()
            if pk not in present and last["history_type"] != "-"]
    return out


class RoleTimeline:
    """Who held which staff role when, replayed from the role assignments' history (append-only, chained)."""

    def __init__(self, *, using: str = "default"):
        from pbcity.models import RoleAssignment

        self._spans: dict[int, list[tuple]] = {}
        opened: dict[int, tuple] = {}
        rows = (RoleAssignment.history.model._base_manager.using(using).order_by("history_date", "history_id")
                .values("id", "user_id", "role", "district_id", "agency_id", "history_date", "history_type"))
        for r in rows:
            if r["id"] in opened:  # a change or a removal ends the span that was open
                user_id, role, district_id, agency_id, since = opened.pop(r["id"])
                self._spans.setdefault(user_id, []).append((role, district_id, agency_id, since, r["history_date"]))
            if r["history_type"] != "-":
                opened[r["id"]] = (r["user_id"], r["role"], r["district_id"], r["agency_id"], r["history_date"])
        for user_id, role, district_id, agency_id, since in opened.values():
            self._spans.setdefault(user_id, []).append((role, district_id, agency_id, since, None))

    def held(self, user_id, role, at, *, district_id=None, agency_ids=None) -> bool:
        """`user_id` held `role` at `at` (in the district, or for one of `agency_ids`, when given)."""
        for span_role, span_district, span_agency, since, until in self._spans.get(user_id, ()):
            if span_role != role or since > at or (until is not None and until <= at):
                continue
            if district_id is not None and span_district != district_id:
                continue
            if agency_ids is not None and span_agency not in agency_ids:
                continue
            return True
        return False


@invariant("pbcity.roles_match_history")
def roles_match_history(*, using: str = "default"):
    """The role assignments are what their history says: a role granted or removed in SQL, without the
    application's history record, would change who the other checks believe held a role."""
    from pbcity.models import RoleAssignment

    what = {"": "has no history record (granted outside the application)", "deleted": "was removed in its history",
            "missing": "is gone without a history record of its removal"}
    for pk, field, now, recorded in history_mismatches(
            RoleAssignment, ["user_id", "role", "district_id", "agency_id"], using=using):
        detail = what.get(field, f"{field} is {now} but its history says {recorded}")
        yield Problem(ref=f"pbcity.roleassignment:{pk}", detail=f"role assignment {pk} {detail}")
