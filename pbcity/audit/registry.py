"""Which tables are audit records: models marked `@audited`, plus every django-simple-history table."""
from dataclasses import dataclass

_REGISTRY: dict[str, "AuditSpec"] = {}


@dataclass(frozen=True)
class AuditSpec:
    model: type
    # None: append-only from the first INSERT. A column name: the row may change until that column is
    # set (e.g. an assembly item's result), then it is sealed: no UPDATE/DELETE, and it enters the chain.
    sealed_by: str | None = None

    def is_sealed(self, instance) -> bool:
        return self.sealed_by is None or getattr(instance, self.sealed_by) is not None


def audited(model=None, *, sealed_by: str | None = None):
    """Mark a model as an append-only audit record: its rows enter the hash chain.

    `@audited` for rows never changed after INSERT; `@audited(sealed_by="column")` for rows completed
    once (the column set), append-only from then on.
    """

    def mark(cls):
        _REGISTRY[cls._meta.label_lower] = AuditSpec(cls, sealed_by)
        return cls

    return mark(model) if model is not None else mark


def is_history_model(model) -> bool:
    """A django-simple-history table (a model's history or a history of its many-to-many field)."""
    instance_type = getattr(model, "instance_type", None)
    return isinstance(instance_type, type) and model.__name__.startswith("Historical")


def audit_spec(model) -> AuditSpec | None:
    """How `model` is audited, or None when it is not an audit record."""
    model = getattr(model, "_meta", None) and model._meta.concrete_model
    if model is None:
        return None
    spec = _REGISTRY.get(model._meta.label_lower)
    if spec is None and is_history_model(model):
        spec = AuditSpec(model)
    return spec


def audited_models() -> list[type]:
    """Every audit-record model (registered and simple-history), in a stable order (by label)."""
    from django.apps import apps

    return sorted((m for m in apps.get_models() if audit_spec(m)), key=lambda m: m._meta.label_lower)
