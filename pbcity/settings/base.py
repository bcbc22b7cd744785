"""Settings shared by every environment; values come from the environment."""
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from pbcity.logs import logging_config
from pbcity.mailconfig import email_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "pbcity.apps.PbcityAdminConfig",  # django.contrib.admin behind allauth + TOTP
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_fsm",
    "simple_history",
    "django_htmx",
    "pbcity",
    "places",
    "proposals",
    "assemblies",
    "deliberation",
    "voting",
    "tracking",
    "training",
    "accountability",
    "mobilisation",
    "evaluation",
    "cyclekit",
    "portal",  # the top layer: home page, root URLconf, demo city (docs/decisions.md, "Architecture: layers")
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pbcity.logs.RequestIdMiddleware",
    "csp.middleware.CSPMiddleware",
    "pbcity.middleware.RejectNulMiddleware",
    # Marks a POST to a @lean_post view (the ballot); the two middleware below marked "lean" let it pass
    # (pbcity/lean.py, docs/decisions.md "Election-day speed"). Everything protective still runs.
    "pbcity.lean.LeanRequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pbcity.lean.MessageMiddleware",  # lean: Django's, skipped by lean POSTs
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pbcity.lean.HistoryRequestMiddleware",  # lean: simple-history's, skipped by lean POSTs
    "pbcity.middleware.StaffMFAMiddleware",
    # Last, after LocaleMiddleware: cached public pages for cookieless anonymous visitors (pbcity/pagecache.py).
    "pbcity.pagecache.PublicPageCacheMiddleware",
]

# Content-Security-Policy in every environment, tests included (docs/security.md): scripts, styles and
# everything else only from this site; no inline script or style, no eval (htmx is configured in
# base.html not to need it); data: images for the favicon and allauth's TOTP QR code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "portal.urls"  # the top layer: it names every app (docs/decisions.md)
WSGI_APPLICATION = "pbcity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pbcity.context_processors.site",
            ],
        },
    },
]

# The first run needs no server: SQLite unless DATABASE_URL says otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# PostgreSQL with two roles (docs/security.md, "Database roles"): DATABASE_URL is the runtime role;
# DATABASE_OWNER_URL, same database, owns the tables and runs `migrate`. Unset: one role, as before.
DATABASE_OWNER_URL = env("DATABASE_OWNER_URL", default="")
DATABASE_RUNTIME_USER = DATABASES["default"].get("USER", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "pbcity.User"
# Django's and allauth's backends, loading the signed-in user with one statement (pbcity/auth_backends.py).
AUTHENTICATION_BACKENDS = [
    "pbcity.auth_backends.ModelBackend",
    "pbcity.auth_backends.AuthenticationBackend",
]
# Argon2 tuned to OWASP's minimum (m=19 MiB, t=2, p=1); see docs/passwords.md.
PASSWORD_HASHERS = [
    "pbcity.hashers.TunedArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# allauth: e-mail only, verified, MFA by TOTP with recovery codes.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[pbcity] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "pbcity"
# Accept the previous and next 30-second code too (RFC 6238's one-step drift allowance): staff type
# codes from phones whose clocks drift, and a code typed at the turn of a period must still work.
MFA_TOTP_TOLERANCE = 1
# A privileged account's first authenticator needs an enrolment link (pbcity.services.mfa_enrolment_link_issue);
# allauth's own activation form refuses such accounts (pbcity.accounts.ActivateTOTPForm).
MFA_ENROLMENT_LINK_HOURS = 24
MFA_FORMS = {"activate_totp": "pbcity.accounts.ActivateTOTPForm"}
# Login throttling (pbcity.accounts; docs/security.md): counters in the shared cache below. Per address
# and per (account, address) tightly, per account generously, so one address cannot lock the owner out.
ACCOUNT_ADAPTER = "pbcity.accounts.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "30/10m/ip,5/5m/key",
    "login_failed_account": "100/h/key",
}
# Reverse proxies in front of the app that append to X-Forwarded-For (nginx: 1); 0 = use the socket address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Uploaded files: the local folder MEDIA_ROOT by default (one node, `make run`); with S3_BUCKET set, an
# S3-compatible object store shared by every node (MinIO, Ceph, a cloud's S3). Nothing in the bucket is
# public: every download goes through a view that checks who may see the file, then redirects to a
# presigned URL that lives S3_SIGNED_URL_SECONDS (docs/decisions.md, "Shared file storage and Add1 at scale").
S3_BUCKET = env("S3_BUCKET", default="")
S3_SIGNED_URL_SECONDS = env.int("S3_SIGNED_URL_SECONDS", default=60)


def s3_storage(*, bucket, endpoint=None, region=None, access_key=None, secret_key=None, addressing_style="path",
               expire=60):
    """STORAGES["default"] for an S3-compatible bucket (django-storages); the tests' bucket uses it too."""
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": bucket,
        "endpoint_url": endpoint or None,  # None: the provider's own (AWS)
        "region_name": region or None,
        "access_key": access_key or None,  # None: boto3's own chain (an instance role, ~/.aws)
        "secret_key": secret_key or None,
        "addressing_style": addressing_style,  # MinIO, Ceph and moto want path style
        "signature_version": "s3v4",
        "default_acl": None,  # the bucket's own policy, which must be private
        "querystring_auth": True,
        "querystring_expire": expire,
        "file_overwrite": False,  # a taken name is never overwritten (names are random anyway)
        "object_parameters": {"CacheControl": "private, no-store"},
    }}


STORAGES = {
    "default": (
        s3_storage(bucket=S3_BUCKET, endpoint=env("S3_ENDPOINT_URL", default=""), region=env("S3_REGION", default=""),
                   access_key=env("S3_ACCESS_KEY_ID", default=""), secret_key=env("S3_SECRET_ACCESS_KEY", default=""),
                   addressing_style=env("S3_ADDRESSING_STYLE", default="path"), expire=S3_SIGNED_URL_SECONDS)
        if S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Outgoing mail: EMAIL_URL or EMAIL_BACKEND (one precedence, pbcity/mailconfig.py; both set and contradicting
# is refused). Every mail goes through the mail outbox (pbcity.models.OutgoingMail) and a worker.
vars().update(email_settings(env.str("EMAIL_URL", default=""), env.str("EMAIL_BACKEND", default=""),
                             default_url="consolemail://"))
# Seconds a worker waits on the mail server before it counts as refused (the mail is kept and tried again).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Kept mails not sent after this many seconds are given up (a password-reset link expires after 3 days).
MAIL_OUTBOX_MAX_AGE = env.int("MAIL_OUTBOX_MAX_AGE", default=3 * 24 * 3600)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="pbcity <noreply@pbcity.example>")

# One cache for every process (rate-limit counters must be shared): Redis when configured, otherwise
# the database (`manage.py createcachetable`, run by scripts/run.sh; the test runner creates it itself).
CACHES = {
    "default": (
        # Django's Redis cache with one client object per pool (pbcity/cache.py).
        {"BACKEND": "pbcity.cache.RedisCache", "LOCATION": env("REDIS_URL", default="")}
        if env("REDIS_URL", default="")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pbcity_cache"}
    )
}

# Sessions: read from the cache above (Redis), written through to the database (pbcity/sessions.py; docs/
# decisions.md, "Election-day speed"): a signed-in request costs a Redis GET, not a SELECT; Redis going away
# logs nobody out. A cached copy lives at most SESSION_CACHE_SECONDS (bounds a logout Redis missed).
SESSION_ENGINE = "pbcity.sessions"
SESSION_CACHE_SECONDS = env.int("SESSION_CACHE_SECONDS", default=600)

# Public pages for anonymous visitors from the cache above, invalidated by every write they show; the
# lifetime bounds what no write announces (docs/decisions.md, "Public pages at load"). PAGE_CACHE=0 turns it off.
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)

# The CJK font cut for batches of PDFs (pbcity/pdf.py): built once, on first use or by `manage.py pdf_fonts`.
# Under systemd the services' CacheDirectory (deploy/systemd) sets it, outside the read-only code.
PDF_FONT_CACHE_DIR = env.path("PDF_FONT_CACHE_DIR", default=BASE_DIR / ".cache" / "pdf-fonts")

# Celery: with no broker configured, tasks run eagerly in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
# A worker process is replaced after the task that takes it past this resident size (KiB): WeasyPrint's
# font data and caches are the largest part (≈ 185 MiB after 500 quarterly reports, docs/performance.md).
# Concurrency is left to Celery's default, one process per core.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400 * 1024)

SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Attachments: what a proposer may upload.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# A proposer who has not answered or attended for this many days is flagged to the district office
# (proposals.services.orphans_flag; docs/decisions.md, "Accountability: sign-off, contacts, questions").
PB_ORPHAN_AFTER_DAYS = env.int("PB_ORPHAN_AFTER_DAYS", default=60)
# Drafts a resident may have waiting (written online, not yet raised) per cycle (proposals.rules).
PB_RESIDENT_DRAFT_LIMIT = env.int("PB_RESIDENT_DRAFT_LIMIT", default=5)
ATTACHMENT_ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
# Private files (attachments) are served by a view that checks visibility. Behind nginx set this to the
# `internal` location that aliases MEDIA_ROOT (e.g. "/_private/"; docs/security.md) and nginx sends the bytes.
PRIVATE_FILES_X_ACCEL_PREFIX = env("PRIVATE_FILES_X_ACCEL_PREFIX", default="")

# Key of the HMAC that is the only stored form of a voter's ID number (docs/decisions.md, "Voting:
# eligibility"). Never in the database; local and test settings add a development key, production requires it.
VOTER_ID_HMAC_KEY = env("VOTER_ID_HMAC_KEY", default="")
# Key that seals the receipt e-mail's task argument (user, round, receipt), so no task record, outbox row
# or log line holds a user id beside a receipt (docs/security.md, "Ballot secrecy"). Never in the
# database; empty means a key derived from SECRET_KEY.
RECEIPT_MAIL_KEY = env("RECEIPT_MAIL_KEY", default="")
# Key of the HMAC that makes each tie lot's seed from a stored nonce (pbcity/lot.py): the seed's hash is
# published before the vote, the seed itself only with the results. Never in the database; empty means a
# key derived from SECRET_KEY. Keep it for as long as an assembly's vote or a round is open.
TIE_LOT_KEY = env("TIE_LOT_KEY", default="")
# The key of the mobilisation flags' network hashes (HMAC of the /24 or /48 prefix): outside the
# database; empty means a key derived from SECRET_KEY.
MOBILISATION_KEY = env("MOBILISATION_KEY", default="")

SITE_NAME = _("Taipei Participatory Budgeting")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# The audit watch (docs/security.md, "What the runtime role and the owner can still do"): each witnessed
# chain head is also appended to `audit-heads.txt` in this directory, outside the database. Put it on
# storage the database roles cannot reach (another host's mount, an append-only volume) and copy it off
# the machine; `manage.py audit_verify --heads <dir>/audit-heads.txt` checks a database against it.
# Empty: no file (the heads are still published and e-mailed).
AUDIT_WITNESS_DIR = env("AUDIT_WITNESS_DIR", default="")
# How often the watch witnesses the head and runs both verifiers (pbcity/audit/tasks.py, audit_watch_tick):
# every tick while a vote is open, hourly (verification) and daily (witness) otherwise.
AUDIT_WATCH_TICK_SECONDS = env.int("AUDIT_WATCH_TICK_SECONDS", default=300)

# Role assignments use NULLS NOT DISTINCT; PostgreSQL (deployment, tests) enforces it, SQLite cannot.
SILENCED_SYSTEM_CHECKS = ["models.W047"]
FORMAT_MODULE_PATH = ["pbcity.formats"]

# Logs (pbcity/logs.py): plain lines with the request id here; production writes one JSON object a line.
LOGGING = logging_config(json_lines=env.bool("LOG_JSON", default=False), level=env("LOG_LEVEL", default="INFO"))
