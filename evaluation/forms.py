from django import forms
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 2 * 1024 * 1024


class PopulationImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    file = forms.FileField(label=_("Population file (CSV, UTF-8)"),
                           help_text=_("Columns: district, age_band, people. Age bands: 16-24, 25-34, 35-44, "
                                       "45-54, 55-64, 65+."))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            return f.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


class BuildReportForm(forms.Form):
    period = forms.RegexField(label=_("Period"), regex=r"^(vote|[0-9]{4}Q[1-4])$", max_length=6,
                              error_messages={"invalid": _("A period is “vote” or a quarter such as 2027Q1.")})
