"""Forms of integration. The PHQ-9 and GAD-7 forms are intake's, reused as they are."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.forms import Gad7Form, Phq9Form
from integration.models import Instrument, JournalEntry
from portal.forms import CalendarDateField

CHECKIN_FORMS: dict[str, type[forms.Form]] = {
    Instrument.PHQ9: Phq9Form,
    Instrument.GAD7: Gad7Form,
}

MOOD_CHOICES = [(str(n), str(n)) for n in range(11)]


class MoodForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How is your mood today? (0 = the worst it could be, 10 = the best)"),
        choices=MOOD_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 0 to 10.")},
    )
    note = forms.CharField(
        label=_("A few words about today (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class JournalEntryForm(forms.ModelForm):
    share = forms.BooleanField(
        label=_("Share this entry with my care team"),
        required=False,
        help_text=_("Unshared entries are private: only you can read them."),
    )

    class Meta:
        model = JournalEntry
        fields = ["title", "body"]
        labels = {"title": _("Title (optional)"), "body": _("Your entry")}
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["share"].initial = self.instance.shared_with_therapist


class SlotDayForm(forms.Form):
    """Which day's integration slots to show (GET)."""

    day = CalendarDateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))


class SlotBookForm(forms.Form):
    """One offered slot, posted back. Nothing here is trusted: the service checks it all."""

    starts_at = forms.DateTimeField(widget=forms.HiddenInput)
    service = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    clinician = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    room = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
