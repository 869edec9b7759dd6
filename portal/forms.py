from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from portal.models import Location, PatientProfile

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
        ]
        help_texts = {"phone": PHONE_HELP, "preferred_name": "What should we call you?"}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("legal_name", "phone", "emergency_contact_name", "emergency_contact_phone"):
            self.fields[name].required = True

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
