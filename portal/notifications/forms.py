from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.notifications.channels import sms_enabled
from portal.notifications.models import Channel, NotificationPreference


class NotificationPreferenceForm(forms.ModelForm):
    channel = forms.ChoiceField(
        label=_("How should we reach you?"),
        widget=forms.RadioSelect,
        choices=Channel.choices,
    )

    class Meta:
        model = NotificationPreference
        fields = ["channel", "quiet_hours_start", "quiet_hours_end"]
        labels = {
            "quiet_hours_start": _("No texts after"),
            "quiet_hours_end": _("No texts before"),
        }
        help_texts = {
            "quiet_hours_end": (
                _("A text due in these quiet hours waits until they end. Emails are not held back.")
            ),
        }
        widgets = {
            "quiet_hours_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_hours_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not sms_enabled():
            self.fields["channel"].choices = [(Channel.EMAIL.value, Channel.EMAIL.label)]
