from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.models import Location, PatientProfile


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form that asked for it: each message under the
    field it names when the form has that field, else above the form. The form keeps
    what was typed."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            for each in errors:
                form.add_error(target, each)
    else:
        for message in error.messages:
            form.add_error(None, message)


# The days a calendar page will show. Far-off dates (year 1, year 9999) are valid dates
# to Python, but the day before or two weeks after them is not: they overflowed into
# 500s. The range is wide enough for any appointment, booking or history a clinic has.
CALENDAR_FIRST_DAY = dt.date(2000, 1, 1)
CALENDAR_LAST_DAY = dt.date(2100, 12, 31)


class CalendarDateField(forms.DateField):
    """A date a calendar page can show: one between CALENDAR_FIRST_DAY and
    CALENDAR_LAST_DAY, refused with a message that says so otherwise."""

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if value is not None and not CALENDAR_FIRST_DAY <= value <= CALENDAR_LAST_DAY:
            raise forms.ValidationError(
                f"Pick a day between {CALENDAR_FIRST_DAY:%-d %b %Y} and "
                f"{CALENDAR_LAST_DAY:%-d %b %Y}.",
                code="out_of_range",
            )


PHONE_HELP = "A number we can call or text, e.g. (916) 555-0123."


def clean_phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    if value and not 10 <= len(digits) <= 15:
        raise forms.ValidationError("Enter a phone number with 10 to 15 digits.")
    return value.strip()


class PatientProfileForm(forms.ModelForm):
    date_of_birth = forms.DateField(
        required=True, widget=forms.DateInput(attrs={"type": "date"}), help_text="MM/DD/YYYY"
    )
    preferred_location = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True), required=False
    )

    class Meta:
        model = PatientProfile
        fields = [
            "legal_name",
            "preferred_name",
            "date_of_birth",
            "phone",
            "emergency_contact_name",
            "emergency_contact_phone",
            "preferred_location",
            "language",
        ]
        help_texts = {"phone": PHONE_HELP, "preferred_name": "What should we call you?"}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("legal_name", "phone", "emergency_contact_name", "emergency_contact_phone"):
            self.fields[name].required = True
        # Chosen before sign-up (portal.i18n); a form sent without it keeps it.
        self.fields["language"].required = False

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or self.instance.language

    def clean_date_of_birth(self) -> dt.date:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("Date of birth cannot be in the future.")
        if born < dt.date(today.year - 120, 1, 1):
            raise forms.ValidationError("Please check the year of birth.")
        return born

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_emergency_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data["emergency_contact_phone"])


class InvitationAcceptForm(forms.Form):
    """A staff member's first visit: a password (twice) and the code their app shows."""

    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password or one like your email.",
    )
    password2 = forms.CharField(
        label="The same password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    code = forms.CharField(
        label="The 6-digit code your authenticator app shows",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data
