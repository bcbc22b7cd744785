from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pbcity.fields import SingleLineCharField
from pbcity.roles import AGENCY_SCOPED, DISTRICT_SCOPED, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person; logs in by e-mail. Roles come from RoleAssignment."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = SingleLineCharField(_("name"), max_length=100, blank=True)
    phone = SingleLineCharField(_("phone"), max_length=30, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    home_district = models.ForeignKey(
        "pbcity.District", verbose_name=_("district"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="residents",
    )

    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="zh-hant"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name or self.email.split("@")[0]


class RoleAssignment(models.Model):
    """A staff role held by a user, scoped to a district, an agency or the city."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    district = models.ForeignKey(
        "pbcity.District", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("district")
    )
    agency = models.ForeignKey(
        "pbcity.Agency", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("agency")
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    # Who held which role when: the audit checks replay this history (append-only, in the chain) to
    # verify that each recorded action's actor held the role it needs (pbcity.audit.invariants).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "district", "agency"],
                nulls_distinct=False,
                name="role_assignment_unique",
            ),
            models.CheckConstraint(
                name="role_scope_matches",
                condition=(
                    (Q(role__in=[r.value for r in DISTRICT_SCOPED]) & Q(district__isnull=False)
                     & Q(agency__isnull=True))
                    | (Q(role__in=[r.value for r in AGENCY_SCOPED]) & Q(agency__isnull=False)
                       & Q(district__isnull=True))
                    | (
                        ~Q(role__in=[r.value for r in DISTRICT_SCOPED + AGENCY_SCOPED])
                        & Q(district__isnull=True)
                        & Q(agency__isnull=True)
                    )
                ),
            ),
        ]

    def __str__(self):
        scope = self.district or self.agency or _("city-wide")
        return f"{self.get_role_display()} ({scope})"


class MFAEnrolmentLink(models.Model):
    """A one-time link with which a privileged account turns on its first authenticator.

    A password alone must never enrol TOTP for an account with staff powers (docs/security.md,
    "Enrolling the first authenticator"): an administrator or the operator issues this link, the
    account's owner signs in with the password and opens it. Only the token's SHA-256 is stored.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mfa_enrolment_links",
                             verbose_name=_("account"))
    token_hash = SingleLineCharField(max_length=64, unique=True, editable=False)
    # None: issued by the operator with `manage.py mfa_enrolment_link`.
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("two-factor enrolment link")
        verbose_name_plural = _("two-factor enrolment links")
        constraints = [
            # At most one live link per account: issuing a new one retires the old.
            models.UniqueConstraint(fields=["user"], condition=Q(used_at__isnull=True),
                                    name="mfa_enrolment_one_unused_link"),
        ]

    def __str__(self):
        return f"{self.user} ({self.issued_at:%Y-%m-%d %H:%M})"
