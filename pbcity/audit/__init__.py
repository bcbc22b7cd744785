"""The audit trail: which tables are audit records, and the hash chain over them.

Apps mark their append-only record models with `@audited` (in models.py); every simple-history table
is an audit record too. On PostgreSQL a `post_migrate` pass makes them append-only and grants the
runtime role INSERT/SELECT only (`dbsetup`); `entries` writes each new row's chain entry in the same
transaction and seals it on commit; `manage.py audit_verify` checks everything (docs/security.md).
`chain` is the pure hash-chain module, shared with the ballot board.
"""
from .registry import audit_spec, audited, audited_models

__all__ = ["audit_spec", "audited", "audited_models"]
