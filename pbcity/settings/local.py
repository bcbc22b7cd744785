from .base import *  # noqa: F401,F403

DEBUG = True

# Development only: production refuses to start without VOTER_ID_HMAC_KEY.
VOTER_ID_HMAC_KEY = VOTER_ID_HMAC_KEY or "dev-only-voter-id-key"  # noqa: F405

# One-shot setup (scripts/run.sh sets PBCITY_SETUP=1 for migrate and seed_demo only): SQLite without an fsync
# per commit. Migrate and the demo commit ~8,000 small transactions; at ~10 ms of fsync each that was most of
# `make run` (docs/performance.md, "`make run` in under a minute"). WAL keeps the file consistent if the
# process dies; only an OS crash mid-setup could lose it, and then deleting db.sqlite3 and re-running is the cure.
# The served site (runserver) keeps SQLite's default durability.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and env.bool("PBCITY_SETUP", default=False):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (  # noqa: F405
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF"
    )
