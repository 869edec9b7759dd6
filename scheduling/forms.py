"""Forms of scheduling's pages. Each keeps what was typed when it is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import CalendarDateField
from portal.models import Location, Role, User
from scheduling.models import (
    AppointmentRequest,
    ContactPreference,
    DayPart,
    PayerKind,
    Room,
    SchedulingSettings,
    Service,
)
from scheduling.services import payer_check
from scheduling.slot_picker import LocationGroup, Offer, Picker

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DAY_PART_CHOICES = [("", _("Choose a time of day")), *DayPart.choices]


class WindowsMixin(forms.Form):
    """Two required preferred days and times, a third optional one."""

    date_1 = forms.DateField(label=_("First choice: day"), widget=DATE_WIDGET)
    time_1 = forms.ChoiceField(label=_("First choice: time of day"), choices=DAY_PART_CHOICES)
    date_2 = forms.DateField(label=_("Second choice: day"), widget=DATE_WIDGET)
    time_2 = forms.ChoiceField(label=_("Second choice: time of day"), choices=DAY_PART_CHOICES)
    date_3 = forms.DateField(
        label=_("Third choice: day (optional)"), widget=DATE_WIDGET, required=False
    )
    time_3 = forms.ChoiceField(
        label=_("Third choice: time of day (optional)"), choices=DAY_PART_CHOICES, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.localdate()
        for n in (1, 2, 3):
            day = data.get(f"date_{n}")
            if day is not None and day < today:
                self.add_error(f"date_{n}", _("Please choose today or a later day."))
        if data.get("date_3") and not data.get("time_3"):
            self.add_error("time_3", _("Please choose a time of day for your third choice."))
        return data

    def windows(self) -> list[tuple[dt.date, str]]:
        data = self.cleaned_data
        pairs = [(data.get(f"date_{n}"), data.get(f"time_{n}") or "") for n in (1, 2, 3)]
        return [(day, part) for day, part in pairs if day is not None and part]


class AppointmentRequestForm(WindowsMixin):
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(is_active=True).order_by("name"),
        empty_label=_("Choose a kind of visit"),
        label=_("Service"),
    )
    preferred_location = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("No preference / telehealth"),
        label=_("Preferred location"),
    )
    contact_preference = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        initial=ContactPreference.EMAIL,
    )
    payer_kind = forms.ChoiceField(
        label=_("How will the visit be paid?"), choices=PayerKind.choices, widget=forms.RadioSelect
    )
    plan_name = forms.CharField(
        label=_("Insurance plan name"),
        max_length=120,
        required=False,
        help_text=_("For insurance: the plan name on your card."),
    )
    pays_privately = forms.BooleanField(
        label=_("I will pay for this visit myself (self-pay)"), required=False
    )
    note = forms.CharField(
        label=_("Anything the office should know (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text=_("Please do not use this for urgent matters."),
    )

    field_order = [
        "service",
        "preferred_location",
        "date_1",
        "time_1",
        "date_2",
        "time_2",
        "date_3",
        "time_3",
        "contact_preference",
        "payer_kind",
        "plan_name",
        "pays_privately",
        "note",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Self-pay despite an unaccepted plan is a legal call the clinic makes.
        if not SchedulingSettings.load().medi_cal_self_pay_allowed:
            del self.fields["pays_privately"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        payer_kind = data.get("payer_kind")
        if payer_kind == PayerKind.COMMERCIAL and not data.get("plan_name", "").strip():
            self.add_error("plan_name", _("Please give the name of your insurance plan."))
        if payer_kind:
            try:
                payer_check(
                    payer_kind=payer_kind,
                    plan_name=data.get("plan_name", ""),
                    pays_privately=bool(data.get("pays_privately")),
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        service, location = data.get("service"), data.get("preferred_location")
        if service is not None and not service.is_telehealth:
            if location is None:
                self.add_error("preferred_location", _("Please choose a location for this visit."))
            elif not service.locations.filter(pk=location.pk).exists():
                self.add_error(
                    "preferred_location",
                    _("%(service)s is not offered at %(location)s.")
                    % {"service": service, "location": location},
                )
        return data


class RescheduleRequestForm(WindowsMixin):
    note = forms.CharField(
        label=_("Anything the office should know (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


class AppointmentCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)


class StaffCancelForm(forms.Form):
    """The desk's cancel: a reason from the clinic's usual ones, and words if needed."""

    REASONS = [
        ("", "Choose a reason"),
        ("Patient asked by phone", "Patient asked by phone"),
        ("Clinician unavailable", "Clinician unavailable"),
        ("Room or equipment unavailable", "Room or equipment unavailable"),
        ("Not cleared for treatment", "Not cleared for treatment"),
        ("Booked in error", "Booked in error"),
        ("other", "Other (say below)"),
    ]

    reason = forms.ChoiceField(choices=REASONS)
    details = forms.CharField(
        required=False,
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept on the visit's record; the patient is told only that it is cancelled.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        reason, details = data.get("reason"), (data.get("details") or "").strip()
        if reason == "other" and not details:
            self.add_error("details", "Please say why the visit is cancelled.")
        elif reason:
            label = details if reason == "other" else reason
            data["full_reason"] = f"{reason}: {details}" if details and reason != "other" else label
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason the patient will read",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Shown in the patient's portal (not in email or text).",
    )


def slot_value(starts_at: dt.datetime, clinician_id: int, room_id: int | None) -> str:
    return f"{starts_at.isoformat()}|{clinician_id}|{room_id or ''}"


def picker_choices(
    picker: Picker, alternatives: tuple[LocationGroup, ...] = ()
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The picker's options (alternatives after) as ConfirmForm choices: (group, options)."""
    groups = [
        (f"{group.day:%a %-d %b %Y}", [(o.value, _option_label(o.offer)) for o in group.options])
        for group in picker.groups
    ]
    groups += [
        (group.location_name, [(o.value, _option_label(o.offer)) for o in group.options])
        for group in alternatives
    ]
    return groups


def _option_label(offer: Offer) -> str:
    when = f"{offer.starts_at:%H:%M}-{offer.ends_at:%H:%M}"
    return f"{when} · {offer.clinician_name} · {offer.room_name}"


def offer_value(offer: Offer) -> str:
    return slot_value(offer.starts_at, offer.clinician_id, offer.room_id)


class ConfirmForm(forms.Form):
    """The front desk picks one offered slot. The value is parsed, not looked up among the
    offered ones: booking (and the database) decide whether it is still free, so a desk
    that raced another gets a clear "no longer free" rather than a vanished choice."""

    slot = forms.CharField(widget=forms.RadioSelect)

    def __init__(self, *args: Any, slot_choices: list[tuple[str, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["slot"].widget.choices = slot_choices or []

    def clean_slot(self) -> dict[str, Any]:
        raw = self.cleaned_data["slot"]
        try:
            iso, clinician_id, room_id = raw.split("|")
            starts_at = dt.datetime.fromisoformat(iso)
            if timezone.is_naive(starts_at):
                raise ValueError
            clinician = User.objects.get(pk=int(clinician_id), role=Role.CLINICIAN)
            room = Room.objects.select_related("location").get(pk=int(room_id)) if room_id else None
        except (ValueError, User.DoesNotExist, Room.DoesNotExist) as exc:
            raise ValidationError("Please pick one of the offered times.") from exc
        return {"starts_at": starts_at, "clinician": clinician, "room": room}


class SlotSearchForm(forms.Form):
    """Which days (and location) the confirm page looks at for free slots."""

    start = CalendarDateField(required=False, widget=DATE_WIDGET, label="From")
    days = forms.IntegerField(required=False, min_value=1, max_value=14, initial=1, label="Days")
    location = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    # The picker's filters: ids among the offered times (the picker drops what matches
    # none), so validating them costs no query.
    clinician = forms.IntegerField(required=False, min_value=1)
    room = forms.IntegerField(required=False, min_value=1)


class QueueFilterForm(forms.Form):
    """The queue's filters. Location and service choices come from lists the view has
    already read, so validating (and drawing) the form costs no query."""

    status = forms.ChoiceField(
        choices=[("", "Any status"), *AppointmentRequest.Status.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    location = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    service = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(
        self,
        *args: Any,
        locations: list[tuple[int, str]],
        services: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [("", "All locations"), *locations]
        self.fields["service"].choices = [("", "All services"), *services]


class DayViewForm(forms.Form):
    """Which location and day the day view shows. Location choices come from the list
    the view has already read (no query to validate)."""

    location = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    day = CalendarDateField(required=False)

    def __init__(self, *args: Any, locations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = locations


class VideoLinkForm(forms.Form):
    """A telehealth visit's meeting link, pasted from the clinic's video service."""

    video_link = forms.CharField(
        label="Video meeting link",
        max_length=500,
        required=False,
        help_text="From the clinic's video service, starting https://. Leave empty to remove.",
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
