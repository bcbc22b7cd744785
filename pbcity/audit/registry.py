"""The list of audit-record models, filled by the `@audited` class decorator."""
_REGISTRY: dict[str, type] = {}


def audited(model):
    """Mark a model as an append-only audit record: its rows enter the hash chain."""
    _REGISTRY[model._meta.label_lower] = model
    return model


def audited_models() -> list[type]:
    """Every registered audit model, in a stable order (by label)."""
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]
