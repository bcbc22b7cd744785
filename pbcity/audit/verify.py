"""Recompute the chain and name the first broken link (docs/security.md, "Audit chain").

What is checked, in this order:
1. the sealed entries, by position: each row still exists and hashes to its sealed content hash, each
   entry links the previous one, positions run 1, 2, 3, …, and every published head is still there;
2. every audit row has an entry (a row inserted by raw SQL has none: a forged insert);
3. the invariants across records that the apps register (`pbcity.audit.invariants`): a proposal's state
   is its last transition, each transition's actor held the role it needs then, hours are the sessions
   attended, … — what a runtime role that also forges chain entries cannot keep consistent.
"""
from dataclasses import dataclass, field

from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast

from . import chain
from .entries import chain_seal, ref_of, rows_content
from .invariants import Problem, invariants_check
from .registry import audit_spec, audited_models

BATCH = 2000


@dataclass
class Report:
    head: object = None  # the last sealed AuditEntry, or None for an empty chain
    entries: int = 0
    broken: chain.Break | None = None
    forged: tuple[str, str] | None = None  # (table, row pk) of the first audit row without an entry
    problems: list[Problem] = field(default_factory=list)  # broken invariants, by check

    @property
    def ok(self) -> bool:
        return self.broken is None and self.forged is None and not self.problems

    def all_problems(self) -> list[Problem]:
        """Everything found, as Problems (chain break and forged row first), for storing and alerting."""
        out = []
        if self.broken:
            out.append(Problem("audit.chain", self.broken.ref, str(self.broken), _subject_of(self.broken.ref)))
        if self.forged:
            ref = ref_of(*self.forged)
            out.append(Problem("audit.forged_insert", ref, f"{ref} has no chain entry (inserted outside the "
                                                           "application)", _subject_of(ref)))
        return out + self.problems


def _subject_of(ref: str) -> str:
    """The object whose public page a broken record is about ("proposals.proposal:7"), when the row still
    says: a history row names its object, other rows their `proposal` or `round`. Empty otherwise."""
    from django.apps import apps

    from .registry import is_history_model

    label, _, pk = (ref or "").partition(":")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return ""
    if is_history_model(model):
        row = model._base_manager.filter(pk=pk).values_list("id", flat=True).first()
        return f"{model.instance_type._meta.label_lower}:{row}" if row is not None else ""
    for name in ("proposal", "round"):
        try:
            fk = model._meta.get_field(name)
        except Exception:  # FieldDoesNotExist: not about a proposal or a round
            continue
        value = model._base_manager.filter(pk=pk).values_list(fk.attname, flat=True).first()
        if value is not None:
            return f"{fk.related_model._meta.label_lower}:{value}"
    return ""


def _models_by_label():
    return {m._meta.label_lower: m for m in audited_models()}


def _check_batch(batch, models, heads, start_position, start_prev, using):
    """The first break within `batch` (sealed entries in position order), or None."""
    by_table: dict[str, list[str]] = {}
    for e in batch:
        by_table.setdefault(e.table, []).append(e.row_pk)
    rows = {}
    for table, pks in by_table.items():
        model = models.get(table)
        if model is None:
            continue
        pk_field = model._meta.pk
        content = rows_content(model, [pk_field.to_python(pk) for pk in pks], using=using)
        rows.update({(table, pk): rec for pk, rec in content.items()})
    items = []
    for e in batch:
        ref = ref_of(e.table, e.row_pk)
        record = rows.get((e.table, e.row_pk))
        if record is None:
            broken = chain.verify_chain(items, heads=_heads_in(heads, start_position, e.position - 1),
                                        start_position=start_position, start_prev_hash=start_prev)
            if broken:
                return broken
            why = "its table is not an audit table" if e.table not in models else "the row is gone"
            return chain.Break(e.position, ref, chain.ROW_DELETED, why)
        items.append({"position": e.position, "ref": ref, "content_hash": e.content_hash,
                      "prev_hash": e.prev_hash, "entry_hash": e.entry_hash, "record": record})
    return chain.verify_chain(items, heads=_heads_in(heads, start_position, batch[-1].position),
                              start_position=start_position, start_prev_hash=start_prev)


def _heads_in(heads, first, last):
    return {p: h for p, h in heads.items() if first <= p <= last}


def chain_verify(*, heads: dict[int, str] | None = None, using: str = "default") -> Report:
    """Seal what is pending, then recompute everything; the report names the first problem."""
    from pbcity.models import AuditEntry

    chain_seal(using=using)
    heads = dict(heads or {})
    models = _models_by_label()
    report = Report()
    sealed = AuditEntry.objects.using(using).filter(position__isnull=False).order_by("position")
    position, prev, last = 1, chain.GENESIS, None
    batch = []
    for entry in sealed.iterator(chunk_size=BATCH):
        batch.append(entry)
        if len(batch) == BATCH:
            report.broken = _check_batch(batch, models, heads, position, prev, using)
            if report.broken:
                break
            position, prev, last = batch[-1].position + 1, batch[-1].entry_hash, batch[-1]
            report.entries += len(batch)
            batch = []
    if batch and not report.broken:
        report.broken = _check_batch(batch, models, heads, position, prev, using)
        if not report.broken:
            last, position = batch[-1], batch[-1].position + 1
            report.entries += len(batch)
    if not report.broken:
        beyond = sorted(p for p in heads if p >= position)
        if beyond:
            report.broken = chain.Break(beyond[0], last and ref_of(last.table, last.row_pk) or "",
                                        chain.HEAD_MISSING, f"the chain ends at {position - 1}")
    report.head = sealed.reverse().first()  # the stored head, even when the chain breaks before it
    report.forged = first_forged(using=using)
    report.problems = invariants_check(using=using)
    return report


def _without_entry(model, using):
    from pbcity.models import AuditEntry

    label = model._meta.label_lower
    has_entry = AuditEntry.objects.using(using).filter(table=label, row_pk=Cast(OuterRef("pk"), CharField()))
    qs = model._base_manager.using(using).filter(~Exists(has_entry))
    spec = audit_spec(model)
    if spec.sealed_by:
        qs = qs.filter(**{f"{spec.sealed_by}__isnull": False})
    return qs


def first_forged(*, using="default") -> tuple[str, str] | None:
    """The first audit row (by table, then pk) that has no chain entry."""
    for model in audited_models():
        qs = _without_entry(model, using)
        pk = qs.order_by("pk").values_list("pk", flat=True).first()
        if pk is not None:
            return model._meta.label_lower, str(pk)
    return None


def rows_verify(querysets, *, using="default") -> list[tuple[str, str]]:
    """Problems with the given audit rows (e.g. one proposal's records): missing entry, changed content,
    an entry that does not link to its neighbours. An empty list means they verify."""
    from pbcity.models import AuditEntry

    chain_seal(using=using)
    problems = []
    for qs in querysets:
        model = qs.model._meta.concrete_model
        label = model._meta.label_lower
        spec = audit_spec(model)
        if spec.sealed_by:
            qs = qs.filter(**{f"{spec.sealed_by}__isnull": False})
        pks = [str(pk) for pk in qs.values_list("pk", flat=True)]
        if not pks:
            continue
        content = rows_content(model, pks, using=using)
        entries = {e.row_pk: e for e in AuditEntry.objects.using(using).filter(table=label, row_pk__in=pks)}
        neighbours = {}
        positions = [e.position for e in entries.values() if e.position]
        for e in AuditEntry.objects.using(using).filter(position__in=[p + 1 for p in positions]):
            neighbours[e.position] = e
        for pk in pks:
            ref, e = ref_of(label, pk), entries.get(pk)
            if e is None:
                problems.append((ref, chain.FORGED_INSERT))
            elif chain.content_hash(content[pk]) != e.content_hash:
                problems.append((ref, chain.CONTENT_CHANGED))
            elif e.position is not None and (
                e.entry_hash != chain.link_hash(e.prev_hash, e.content_hash, position=e.position, ref=ref)
                or (e.position + 1 in neighbours and neighbours[e.position + 1].prev_hash != e.entry_hash)
            ):
                problems.append((ref, chain.LINK_BROKEN))
    return problems
