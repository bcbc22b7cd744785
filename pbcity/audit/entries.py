"""Writing and sealing chain entries (docs/decisions.md, "Audit chain").

Every new audit row gets an unsealed `AuditEntry` (its content hash, read back from the database) in
the same transaction, from application code: `post_save` of audited and simple-history models, and
`QuerySet.bulk_create` of them (simple-history's many-to-many and bulk paths, any app's bulk insert).
After commit, `chain_seal` links pending entries in order in a short transaction of its own, so no
city-wide lock is held across long transactions; `audit_verify` and a periodic task seal too (an entry
whose on-commit seal failed).
"""
import logging
from decimal import Decimal

from django.db import connections, router, transaction
from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.utils import timezone

from . import chain
from .registry import audit_spec

log = logging.getLogger(__name__)
_SEAL_LOCK = 0x7062636974790001  # the PostgreSQL advisory lock key of the sealer ("pbcity" + 1)


def ref_of(table: str, row_pk) -> str:
    """The record reference an entry's link hash binds: "<app.model>:<pk>"."""
    return f"{table}:{row_pk}"


def _value(value):
    # The canonical form refuses floats (chain.py); a FloatField reads back as the same repr.
    return Decimal(repr(value)) if isinstance(value, float) else value


def rows_content(model, pks, *, using="default") -> dict[str, dict]:
    """The canonical record of each row as stored now, by primary key (as text)."""
    fields = [f.attname for f in model._meta.concrete_fields]
    pk_name = model._meta.pk.attname
    out = {}
    pks = list(pks)
    for start in range(0, len(pks), 1000):
        for row in model._base_manager.using(using).filter(pk__in=pks[start:start + 1000]).values(*fields):
            out[str(row[pk_name])] = {k: _value(v) for k, v in row.items()}
    return out


def entries_record(*, model, pks, using="default") -> int:
    """Write unsealed entries for new audit rows of `model` (same transaction) and seal them on commit."""
    from pbcity.models import AuditEntry

    label = model._meta.concrete_model._meta.label_lower
    records = rows_content(model._meta.concrete_model, pks, using=using)
    if not records:
        return 0
    now = timezone.now()
    AuditEntry.objects.using(using).bulk_create(
        [AuditEntry(table=label, row_pk=pk, content_hash=chain.content_hash(rec), recorded_at=now)
         for pk, rec in records.items()],
        ignore_conflicts=True,  # a sealed-by row saved again keeps its first entry (the trigger refuses the change)
    )
    _seal_on_commit(using)
    return len(records)


def _seal_after_commit(using):
    chain_seal(using=using)


def _seal_on_commit(using):
    conn = connections[using]
    queued = getattr(conn, "run_on_commit", None) or []
    if conn.in_atomic_block and any(getattr(f, "pbcity_seal", None) == using for _, f, *__ in queued):
        return

    def seal():
        _seal_after_commit(using)

    seal.pbcity_seal = using
    # robust: a failed seal never turns a committed action into an error; the next seal links it.
    transaction.on_commit(seal, using=using, robust=True)


def chain_seal(*, using="default") -> int:
    """Link every committed unsealed entry to the chain, in order; returns how many were sealed."""
    from pbcity.models import AuditEntry

    conn = connections[using]
    with transaction.atomic(using=using):
        if conn.vendor == "postgresql":
            with conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK])
        pending = list(AuditEntry.objects.using(using).filter(position__isnull=True).order_by("id"))
        if not pending:
            return 0
        head = AuditEntry.objects.using(using).filter(position__isnull=False).order_by("-position").first()
        position, prev = (head.position, head.entry_hash) if head else (0, chain.GENESIS)
        now = timezone.now()
        for entry in pending:
            position += 1
            entry.position, entry.prev_hash, entry.sealed_at = position, prev, now
            entry.entry_hash = chain.link_hash(prev, entry.content_hash, position=position,
                                               ref=ref_of(entry.table, entry.row_pk))
            prev = entry.entry_hash
        AuditEntry.objects.using(using).bulk_update(pending, ["position", "prev_hash", "entry_hash", "sealed_at"],
                                                    batch_size=500)
    return len(pending)


# -- signals -------------------------------------------------------------------------------------

def _on_save(sender, instance, created, raw=False, using=None, **kwargs):
    if raw:
        return
    spec = audit_spec(sender)
    if spec is None or not spec.is_sealed(instance):
        return
    entries_record(model=sender, pks=[instance.pk], using=using or router.db_for_write(sender))


def _wrap_bulk_create():
    # bulk_create sends no signal: simple-history's many-to-many history and bulk_create_with_history,
    # and any app's bulk insert of an audited model, all pass here (docs/decisions.md, "Audit chain").
    original = QuerySet.bulk_create
    if getattr(original, "pbcity_audited", False):
        return

    def bulk_create(self, objs, *args, **kwargs):
        created = original(self, objs, *args, **kwargs)
        spec = audit_spec(self.model)
        if spec is not None and created:
            pks = [o.pk for o in created if o.pk is not None and spec.is_sealed(o)]
            if pks:
                entries_record(model=self.model, pks=pks, using=self.db)
        return created

    bulk_create.pbcity_audited = True
    QuerySet.bulk_create = bulk_create


def connect():
    """Called once from PbcityConfig.ready()."""
    post_save.connect(_on_save, dispatch_uid="pbcity_audit_entries")
    _wrap_bulk_create()
