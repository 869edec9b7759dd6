"""The signing form: typed name, "I agree", and consent to sign electronically."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConsentSignForm(forms.Form):
    agreed = forms.BooleanField(
        label=_("I have read this form and I agree to it."),
        required=False,
    )
    esign_consent = forms.BooleanField(
        label=_(
            "I agree to sign this form electronically, and that my typed name is my "
            "signature, with the same effect as signing on paper."
        ),
        required=False,
    )
    typed_name = forms.CharField(
        label=_("Type your full legal name to sign"),
        max_length=150,
        required=False,
        help_text=_("As it appears on your file. Capital letters and extra spaces do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
