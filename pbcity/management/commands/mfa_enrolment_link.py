from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from pbcity.models import User
from pbcity.services import mfa_enrolment_link_issue


class Command(BaseCommand):
    help = ("Issue a one-time link with which a privileged account turns on its first authenticator "
            "(docs/security.md). Hand it to the person over a channel other than their e-mail.")

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the e-mail address {email!r}.")
        try:
            # The operator has shell access to the server: authorised by being here.
            token = mfa_enrolment_link_issue(account=user, actor=None, authorised=True)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        url = f"{settings.SITE_URL}{reverse('mfa_enrolment', args=[token])}"
        self.stdout.write(url)
        self.stderr.write(f"Valid once, for {user.email}, for {settings.MFA_ENROLMENT_LINK_HOURS} hours. "
                          "Only its hash is stored: it cannot be shown again.")
