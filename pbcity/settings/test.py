import os
import re

# The pytest-xdist workers share one PostgreSQL server and one Redis (scripts/test.sh): each worker gets its
# own test database (pytest-django), its own Redis database number (broker queues and keys do not cross)
# and its own media directory (docs/decisions.md, "Test suite in processes"). Set before base reads it.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = re.sub(r"/\d+$", f"/{int(_WORKER.removeprefix('gw')) + 1}", os.environ["REDIS_URL"])

from .base import *  # noqa: E402,F401,F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests that need a real broker override this; the rest run tasks eagerly.
CELERY_TASK_ALWAYS_EAGER = True
# A process the tests start (scripts/backup.sh, restore.sh) is told its folder through the environment.
MEDIA_ROOT = env("MEDIA_ROOT", default="/tmp/pbcity-test-media" + (f"-{_WORKER}" if _WORKER else ""))  # noqa: F405
# Fast hashing keeps the suite quick; the tuned hasher is measured in benchmarks/.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405

VOTER_ID_HMAC_KEY = VOTER_ID_HMAC_KEY or "test-only-voter-id-key"  # noqa: F405
# The database cache (not the Redis that test.sh starts): rate-limit counters roll back with each test's
# transaction, so no test inherits another's login attempts. test_security_throttling covers Redis too.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pbcity_cache"}}
# The public page cache (pbcity/pagecache.py) stays off so other tests count queries and see fresh pages;
# pbcity/tests/test_pagecache.py turns it on with a local-memory cache.
PAGE_CACHE = False
