"""The waitlist's form: what a patient (or the desk for them) waits for. It keeps what
was typed when the service refuses it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import CalendarDateField
from portal.models import Location
from scheduling.models import DayPart, Service

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
# The request form's parts of day and labels; none ticked is "any" (so not offered).
DAY_PART_CHOICES = [(part, label) for part, label in DayPart.choices if part != DayPart.ANY]


class WaitlistEntryForm(forms.Form):
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(is_active=True).order_by("name"),
        empty_label=_("Choose a kind of visit"),
        label=_("Visit"),
    )
    locations = forms.ModelMultipleChoiceField(
        queryset=Location.objects.filter(is_active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Locations you can come to"),
        help_text=_("Not needed for a video visit."),
    )
    earliest = CalendarDateField(label=_("From"), widget=DATE_WIDGET)
    latest = CalendarDateField(label=_("Until"), widget=DATE_WIDGET)
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Days of the week"),
        help_text=_("None ticked: any day."),
    )
    day_parts = forms.MultipleChoiceField(
        choices=DAY_PART_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Times of day"),
        help_text=_("None ticked: any time."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("earliest", today)
            self.initial.setdefault("latest", today + dt.timedelta(days=28))
