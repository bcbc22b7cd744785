from .base import *  # noqa: F401,F403

DEBUG = True

# Development only: production refuses to start without VOTER_ID_HMAC_KEY.
VOTER_ID_HMAC_KEY = VOTER_ID_HMAC_KEY or "dev-only-voter-id-key"  # noqa: F405
