from .base import *  # noqa: F401,F403
from .base import email_settings, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
# No default: without the key voters could neither register nor be matched (docs/decisions.md).
VOTER_ID_HMAC_KEY = env("VOTER_ID_HMAC_KEY")
if len(VOTER_ID_HMAC_KEY) < 32:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("VOTER_ID_HMAC_KEY must be at least 32 characters.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])  # noqa: F405

# HTTPS only (docs/security.md). Behind a TLS-terminating proxy, the header it sets tells Django the
# request was secure; set SECURE_PROXY_SSL_HEADER="" when Django faces the clients itself.
_ssl_header = env("SECURE_PROXY_SSL_HEADER", default="HTTP_X_FORWARDED_PROTO")
SECURE_PROXY_SSL_HEADER = (_ssl_header, "https") if _ssl_header else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is a promise to browsers' built-in lists that is slow to undo; turn it off before the first
# deployment if any subdomain cannot serve HTTPS yet (the deploy check then no longer asks for it).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405

# Static files from the app itself (WhiteNoise, right after SecurityMiddleware), hashed and compressed
# by `manage.py collectstatic` at deployment (docs/security.md).
MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "whitenoise.middleware.WhiteNoiseMiddleware")
# Uploads as base.py chose them (the file system, or the S3 bucket when S3_BUCKET is set).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}  # noqa: F405
# Production mails through SMTP unless EMAIL_URL or EMAIL_BACKEND says otherwise (pbcity/mailconfig.py).
vars().update(email_settings(env.str("EMAIL_URL", default=""), env.str("EMAIL_BACKEND", default=""),
                             default_url="smtp://localhost:25"))

# One JSON object a line, with the request id (pbcity/logs.py), for the log collector.
LOGGING = logging_config(json_lines=env.bool("LOG_JSON", default=True), level=env("LOG_LEVEL", default="INFO"))  # noqa: F405

# Persistent database connections (one per gunicorn worker, kept for DB_CONN_MAX_AGE seconds) with a
# health check at the start of each request: a connection broken by a PostgreSQL restart is replaced
# instead of failing the request, so the nodes recover by themselves (docs/deployment.md).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
