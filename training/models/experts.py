"""The officials–academics alliance (官學聯盟): experts who can be invited to review workshops."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from pbcity.fields import SingleLineCharField


class ExpertField(models.Model):
    name = SingleLineCharField(_("field"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("field of expertise")
        verbose_name_plural = _("fields of expertise")

    def __str__(self):
        return self.name


class Expert(models.Model):
    name = SingleLineCharField(_("name"), max_length=100)
    affiliation = SingleLineCharField(_("affiliation"), max_length=150)
    fields = models.ManyToManyField(ExpertField, related_name="experts", verbose_name=_("fields"))
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = SingleLineCharField(_("phone"), max_length=30, blank=True)
    available_for_workshops = models.BooleanField(_("available for review workshops"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self):
        return f"{self.name}（{self.affiliation}）"
