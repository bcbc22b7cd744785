"""Single-line text fields: the form field and the model field refuse control characters."""
from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .validators import validate_multi_line, validate_single_line


class SingleLineField(forms.CharField):
    """A form's one-line text input (titles, names, places): control characters are refused."""

    default_validators = [validate_single_line]


class SingleLineCharField(models.CharField):
    """A model's one-line text: `full_clean` and every save refuse control characters.

    Checking on save too means a service that builds rows without `full_clean` (or a bulk create)
    cannot store a line break either. It deconstructs as a plain CharField, so adopting it needs
    no migration in any app.
    """

    default_validators = [validate_single_line]

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        try:
            validate_single_line(value)
        except ValidationError as exc:
            raise ValidationError({self.name: exc.error_list}) from None
        return value

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SingleLineField, **kwargs})


class MultiLineField(forms.CharField):
    """A form's free text (reasons, minutes, notes): control characters are refused, line breaks and tabs kept."""

    default_validators = [validate_multi_line]
