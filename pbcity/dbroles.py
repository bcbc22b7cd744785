"""Two PostgreSQL roles (docs/security.md, "Database roles").

`DATABASE_URL` is the runtime role the web and the workers use: it may read and write rows, only
INSERT and SELECT on audit tables, and never TRUNCATE, ALTER or DISABLE TRIGGER (it owns nothing).
`DATABASE_OWNER_URL` is the owner of the schema, in the same database: `manage.py migrate` (and the
test runner's create/flush) switch the connection to it. Without it (SQLite, a single role) nothing
changes.
"""
from contextlib import contextmanager

import environ
from django.conf import settings

_SWITCHED = ("USER", "PASSWORD", "HOST", "PORT")


def owner_credentials() -> dict | None:
    """USER/PASSWORD/HOST/PORT of the owner role, or None when no owner role is configured."""
    url = getattr(settings, "DATABASE_OWNER_URL", "")
    if not url:
        return None
    cfg = environ.Env.db_url_config(url)
    return {k: cfg.get(k, "") for k in _SWITCHED}


def runtime_role() -> str | None:
    """The runtime role to grant to, when a distinct owner role is configured (PostgreSQL)."""
    owner = owner_credentials()
    runtime = getattr(settings, "DATABASE_RUNTIME_USER", "")
    if owner is None or not runtime or runtime == owner["USER"]:
        return None
    return runtime


@contextmanager
def as_owner(connection):
    """Run the block on `connection` as the owner role (same database), then go back."""
    owner = owner_credentials()
    if owner is None or connection.vendor != "postgresql" or connection.settings_dict.get("USER") == owner["USER"]:
        yield connection
        return
    saved = {k: connection.settings_dict.get(k) for k in _SWITCHED}
    connection.close()
    connection.settings_dict.update(owner)
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(saved)
