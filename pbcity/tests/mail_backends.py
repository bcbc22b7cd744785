"""Mail backends for tests: a mail server that refuses some recipients (settings.MAIL_REFUSE_TO)."""
from django.conf import settings
from django.core.mail.backends import locmem


class RefusingBackend(locmem.EmailBackend):
    """Like the test outbox, but refuses a message to any address in settings.MAIL_REFUSE_TO ("*": all)."""

    def send_messages(self, messages):
        refused = set(getattr(settings, "MAIL_REFUSE_TO", ()))
        for message in messages:
            if "*" in refused or refused & set(message.recipients()):
                raise ConnectionRefusedError(f"SMTP refused {', '.join(message.recipients())}")
        return super().send_messages(messages)
