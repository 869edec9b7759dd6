from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.messaging.models import Topic
from portal.messaging.services import MAX_BODY


class ThreadStartForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("What is it about?"), choices=Topic.choices, widget=forms.RadioSelect
    )
    subject = forms.CharField(label=_("Subject"), max_length=120)
    body = forms.CharField(
        label=_("Your message"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 6})
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 5})
    )
