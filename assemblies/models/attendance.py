"""Who came: pre-registered residents, walk-ins and remote attendees, each with a voting code."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pbcity.fields import SingleLineCharField


class Attendee(models.Model):
    assembly = models.ForeignKey("assemblies.Assembly", on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="assembly_attendances")
    name = SingleLineCharField(_("name"), max_length=100)
    contact = SingleLineCharField(_("contact"), max_length=200, blank=True)
    # The sign-in code: shown as text and QR at registration, typed (or scanned) at the door,
    # and the attendee's credential on the voting page.
    code = SingleLineCharField(_("code"), max_length=12)
    remote = models.BooleanField(_("attends online"), default=False)
    table = models.ForeignKey("assemblies.Table", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="attendees", verbose_name=_("table"))
    registered_at = models.DateTimeField(auto_now_add=True)
    signed_in_at = models.DateTimeField(_("signed in"), null=True, blank=True)
    signed_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    # The village (里) the attendee says they live in, asked at the door: the mobilisation flags compare
    # an item's votes by village with the room's mix. A code string (e.g. the city's 里 code), not a
    # foreign key, so that this app does not depend on the places app.
    village_code = SingleLineCharField(_("village"), max_length=20, blank=True, default="")
    # Present when voting opened: only these may vote, and they are the pass rule's denominator.
    voter = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "code"], name="attendee_code_unique"),
            models.UniqueConstraint(fields=["assembly", "user"], condition=Q(user__isnull=False),
                                    name="attendee_user_once"),
            models.CheckConstraint(name="attendee_leaves_after_sign_in",
                                   condition=Q(left_at__isnull=True) | Q(signed_in_at__isnull=False)),
            models.CheckConstraint(name="attendee_voter_signed_in",
                                   condition=Q(voter=False) | Q(signed_in_at__isnull=False)),
        ]

    def __str__(self):
        return self.name

    @property
    def is_present(self) -> bool:
        return self.signed_in_at is not None and self.left_at is None
