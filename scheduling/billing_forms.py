"""Billing's forms: the desk's payment (dollars typed, integer cents kept), a superbill's
period, a prescriber's diagnosis code."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scheduling.billing import superbill_period_problem
from scheduling.billing_models import PaymentMethod


class PaymentForm(forms.Form):
    method = forms.ChoiceField(choices=PaymentMethod.choices, label="How the patient paid")
    amount = forms.DecimalField(
        label="Amount ($)", min_value=Decimal("0.01"), max_value=Decimal(100000), decimal_places=2
    )
    reference = forms.CharField(
        label="Terminal or receipt reference (optional)", max_length=60, required=False
    )

    def amount_cents(self) -> int:
        return int(self.cleaned_data["amount"] * 100)


class SuperbillForm(forms.Form):
    """The period a superbill covers; checked by billing.superbill_period_problem."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            problem = superbill_period_problem(start, end, today=timezone.localdate())
            if problem:
                raise forms.ValidationError(problem)
        return data


class DiagnosisForm(forms.Form):
    code = forms.CharField(label="ICD-10-CM code", max_length=10, help_text="e.g. F33.2")
    description = forms.CharField(label="Description", max_length=200)
