from django import forms
from django.utils.translation import gettext_lazy as _

from pbcity.fields import MultiLineField, SingleLineField
from pbcity.models import Agency, Cycle, District
from pbcity.validators import validate_single_line
from places import rules as place_rules
from places.selectors import village_choices

from .models import Proposal
from .states import MERGEABLE_STATES, Category, ConsentKind, State


class ProposalFilterForm(forms.Form):
    q = SingleLineField(label=_("Search"), required=False, max_length=100)
    cycle = forms.ModelChoiceField(label=_("Cycle"), queryset=Cycle.objects.all(), required=False,
                                   empty_label=_("All cycles"))
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False, empty_label=_("All districts")
    )
    state = forms.ChoiceField(label=_("Stage"), choices=[("", _("All stages")), *State.choices], required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("All categories")), *Category.choices],
                                 required=False)


class ReasonForm(forms.Form):
    transition = SingleLineField(widget=forms.HiddenInput, max_length=40)
    reason = MultiLineField(label=_("Reason (public)"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DesignateForm(forms.Form):
    lead = forms.ModelChoiceField(label=_("Lead agency"), queryset=Agency.objects.all())
    co_agencies = forms.ModelMultipleChoiceField(
        label=_("Co-agencies"), queryset=Agency.objects.all(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    reason = MultiLineField(label=_("Reason (public)"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Proposal.objects.none())
    reason = MultiLineField(label=_("Reason (public)"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Proposal.objects.filter(
                cycle=proposal.cycle_id, district=proposal.district_id, state__in=MERGEABLE_STATES
            )
            .exclude(pk=proposal.pk)
            .only("id", "title", "state")  # the FSM mixin reads `state` on load: leaving it out costs a query a row
        )


class ConsentForm(forms.Form):
    proposer = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Consent to"), choices=ConsentKind.choices)
    given = forms.TypedChoiceField(
        label=_("Answer"), choices=[("1", _("Yes, I consent")), ("0", _("No"))], coerce=lambda v: v == "1"
    )
    note = SingleLineField(label=_("Note"), required=False, max_length=300)


class PlaceFieldsMixin:
    """The village (one <optgroup> per district, places.selectors.village_choices) and the optional point,
    checked by places.rules with the rest of the form; the error goes on the field it is about."""

    village_field, lon_field, lat_field = "village", "point_lon", "point_lat"

    def place_choices(self, district_id=None):
        if district_id is None:
            self.fields[self.village_field].choices = [("", "---------"), *village_choices()]
        else:
            from places.models import Village

            self.fields[self.village_field].queryset = Village.objects.filter(district_id=district_id)

    def check_place(self, data, *, district, track="district", now=True) -> None:
        """`now=False`: a draft, whose village is required only when it is raised (a point must still be
        inside its village)."""
        if district is None or self.village_field in self.errors:
            return
        # A city that has not loaded its boundaries (places_load) proposes as before.
        required = now and place_rules.village_needed(track=track, villages_loaded=district.villages.exists())
        try:
            place_rules.place_check(
                district_id=district.pk, village=data.get(self.village_field), lon=data.get(self.lon_field),
                lat=data.get(self.lat_field), village_required=required,
            )
        except forms.ValidationError as exc:
            field = self.village_field if exc.code in place_rules.VILLAGE_CODES else self.lon_field
            self.add_error(field, exc)


class DistrictPlaceForm(PlaceFieldsMixin, forms.Form):
    """A form that places a proposal in one known district (an assembly's table, the consultation desk):
    its villages only, and the point picked on the village's map (places/templates/places/_picker.html)."""

    village = forms.ModelChoiceField(label=_("Village (里)"), queryset=None, required=False)
    point_lon = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False,
                                   help_text=_("Optional: choose the point on the village's map below, or type it."))
    point_lat = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False)
    # Required only when the proposal is raised at once (an assembly); a draft needs it before it is raised.
    village_now = True

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        self.place_choices(district.pk)

    def clean(self):
        data = super().clean()
        self.check_place(data, district=self.district, now=self.village_now)
        return data


class ProposalForm(PlaceFieldsMixin, forms.ModelForm):
    proposer_emails = MultiLineField(
        label=_("Proposers' e-mail addresses"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, for proposers who have an account."),
    )
    proposer_names = MultiLineField(
        label=_("Other proposers (name, contact)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, e.g. “王小明, 0912-345-678”."),
    )

    class Meta:
        model = Proposal
        fields = ["cycle", "district", "village", "track", "category", "title", "problem", "solution", "location",
                  "estimated_cost", "point_lon", "point_lat"]
        field_classes = {"problem": MultiLineField, "solution": MultiLineField}
        help_texts = {"village": _("Required for a district proposal."),
                      "point_lon": _("Optional: choose the point on the village's map below, or type it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place_choices()

    def clean(self):
        data = super().clean()
        self.check_place(data, district=data.get("district"), track=data.get("track"))
        return data

    def clean_proposer_names(self):
        # One proposer per line: each line is a single-line name and contact (docs/decisions.md, "Input …").
        value = self.cleaned_data["proposer_names"]
        for line in value.splitlines():
            validate_single_line(line)
        return value


class ResidentProposalForm(PlaceFieldsMixin, forms.ModelForm):
    """A resident writes a proposal online (proposals.services.proposal_propose): a district proposal."""

    class Meta:
        model = Proposal
        fields = ["district", "village", "category", "title", "problem", "solution", "location", "estimated_cost",
                  "point_lon", "point_lat"]
        field_classes = {"problem": MultiLineField, "solution": MultiLineField}
        labels = {"location": _("Address or landmark")}
        help_texts = {
            "village": _("The village (里) where it is; choose the district first."),
            "point_lon": _("Optional: choose the point on the village's map below, or type it."),
            "estimated_cost": _("Optional, in New Taiwan dollars; the agencies will estimate it too."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].empty_label = _("Choose the district")
        self.place_choices()

    def clean(self):
        data = super().clean()
        self.check_place(data, district=data.get("district"))
        return data


class DraftEditForm(ResidentProposalForm):
    """The proposer edits the draft (proposals.services.proposal_draft_update)."""

    note = SingleLineField(label=_("What you changed (optional)"), max_length=300, required=False)


class PlaceForm(forms.Form):
    """Staff correct where a proposal is (proposals.services.proposal_place_set)."""

    village = forms.ModelChoiceField(label=_("Village (里)"), queryset=None, required=False)
    point_lon = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False)
    point_lat = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False)
    reason = MultiLineField(label=_("Reason (kept in the audit trail)"), widget=forms.Textarea(attrs={"rows": 2}),
                            max_length=2000)

    def __init__(self, *args, proposal, **kwargs):
        from places.models import Village

        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.filter(district_id=proposal.district_id)


class RevisionForm(forms.ModelForm):
    note = SingleLineField(label=_("What changed and why"), max_length=300)

    class Meta:
        model = Proposal
        fields = ["title", "problem", "solution", "location", "estimated_cost"]
        field_classes = {"problem": MultiLineField, "solution": MultiLineField}


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class ContactForm(forms.Form):
    """A new contact: another proposer, or a resident's account (by e-mail) taking it over with the office's consent."""

    proposer = forms.ModelChoiceField(label=_("Another proposer"), queryset=None, required=False)
    email = forms.EmailField(label=_("Or a resident's account e-mail"), required=False,
                             help_text=_("The resident agreed to take the proposal over; the office consents."))
    reason = SingleLineField(label=_("Why"), max_length=300)

    def __init__(self, *args, proposers=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .models import ProposalProposer

        self.fields["proposer"].queryset = ProposalProposer.objects.filter(
            pk__in=[p.pk for p in proposers if p.user_id])

    def clean(self):
        data = super().clean()
        if bool(data.get("proposer")) == bool(data.get("email")):
            raise forms.ValidationError(_("Choose another proposer or give a resident's e-mail (one of the two)."))
        return data

    def contact(self):
        from django.contrib.auth import get_user_model

        if self.cleaned_data.get("proposer"):
            return self.cleaned_data["proposer"].user
        return get_user_model().objects.filter(email__iexact=self.cleaned_data["email"], is_active=True).first()
