from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from pbcity import pagecache
from pbcity.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from portal import demo
from proposals.models import Proposal


class Command(BaseCommand):
    help = "Build (or complete) the demo city: districts, agencies, users for every role, proposals."

    def handle(self, *args, **options):
        # Notifications still reach the in-app inboxes; the demo e-mails would only flood the console.
        # The page cache is off while building: each of ~4,000 commits would otherwise write a new generation
        # to the cache (a database row on SQLite); one bump at the end makes every cached page stale instead.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", PAGE_CACHE=False):
            demo.build()
        pagecache.bump()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {Proposal.objects.count()} proposals."))
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
        for login, role in demo.LOGINS:
            self.stdout.write(f"  {login:60} {role}")
        self.stdout.write(
            "Staff accounts have two-factor authentication on; get the current code with\n"
            "  python manage.py demo_totp\n"
            f"(or add the secret {DEMO_TOTP_SECRET} to an authenticator app)."
        )
