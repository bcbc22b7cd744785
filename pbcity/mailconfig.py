"""Which backend and server the workers mail through: one precedence (docs/deployment.md, "Mail").

- `EMAIL_URL` alone names both, e.g. `smtp+tls://user:pass@mail.example:587` or `consolemail://`;
- `EMAIL_BACKEND` alone names a backend (a dotted path) with Django's server defaults;
- neither: the environment's default URL (console in development, `smtp://localhost:25` in production);
- both: they must name the same backend, or start-up stops with ImproperlyConfigured. (They used to be
  both read and the URL silently won: a console backend was ignored and mail went to localhost:25.)
"""
import environ
from django.core.exceptions import ImproperlyConfigured


def email_settings(email_url: str, email_backend: str, *, default_url: str) -> dict:
    """The EMAIL_* settings for the given EMAIL_URL and EMAIL_BACKEND environment values ("" = unset)."""
    email_url, email_backend = email_url.strip(), email_backend.strip()
    if email_backend and not email_url:
        return {"EMAIL_BACKEND": email_backend}
    config = environ.Env.email_url_config(email_url or default_url)
    if email_backend and email_backend != config["EMAIL_BACKEND"]:
        raise ImproperlyConfigured(
            f"EMAIL_URL means {config['EMAIL_BACKEND']} but EMAIL_BACKEND is {email_backend}: "
            "set only one of them (docs/deployment.md, \"Mail\").")
    return {key: value for key, value in config.items() if value is not None}  # unset parts: Django's defaults
