"""The audit trail: which tables are audit records, and the hash chain over them.

Apps mark their append-only record models with `@audited` (in models.py); the chain module
seals every registered table's rows and `manage.py audit_verify` checks them (docs/security.md).
"""
from .registry import audited, audited_models

__all__ = ["audited", "audited_models"]
