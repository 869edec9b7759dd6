"""The signing form: typed name, "I agree", and consent to sign electronically."""

from __future__ import annotations

from django import forms


class ConsentSignForm(forms.Form):
    agreed = forms.BooleanField(
        label="I have read this form and I agree to it.",
        required=False,
    )
    esign_consent = forms.BooleanField(
        label="I agree to sign this form electronically, and that my typed name is my "
        "signature, with the same effect as signing on paper.",
        required=False,
    )
    typed_name = forms.CharField(
        label="Type your full legal name to sign",
        max_length=150,
        required=False,
        help_text="As it appears on your file. Capital letters and extra spaces do not matter.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
