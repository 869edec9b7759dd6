"""The desk's payment form: dollars typed, integer cents kept."""

from __future__ import annotations

from decimal import Decimal

from django import forms

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
