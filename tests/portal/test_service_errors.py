"""add_service_errors puts a service's refusal on the form: under the field it names."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from portal.forms import add_service_errors


class VisitForm(forms.Form):
    day = forms.CharField()
    note = forms.CharField(required=False)


def bound() -> VisitForm:
    form = VisitForm({"day": "Tuesday", "note": "typed"})
    assert form.is_valid()
    return form


def test_a_field_error_lands_under_its_field_and_the_form_keeps_what_was_typed() -> None:
    form = bound()
    add_service_errors(form, ValidationError({"day": ["That day is full.", "Pick another."]}))
    assert form.errors == {"day": ["That day is full.", "Pick another."]}
    assert form["note"].value() == "typed"


def test_an_error_for_a_field_the_form_lacks_goes_above_the_form() -> None:
    form = bound()
    add_service_errors(form, ValidationError({"room": "No room is free."}))
    assert form.non_field_errors() == ["No room is free."]


def test_a_plain_refusal_goes_above_the_form() -> None:
    form = bound()
    add_service_errors(form, ValidationError(["Too late to change.", "Call the clinic."]))
    assert form.non_field_errors() == ["Too late to change.", "Call the clinic."]
    assert "day" not in form.errors
