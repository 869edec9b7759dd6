"""The upload form. Size and type are decided by the service from the file's content
(intake.uploads); the form only carries the choice and the file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from intake.document_models import PatientDocument
from intake.uploads import megabytes

ACCEPT = "image/jpeg,image/png,application/pdf"


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Which document"), choices=PatientDocument.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = megabytes(settings.PORTAL_UPLOAD_MAX_BYTES)
        self.fields["file"].help_text = _(
            "A photo (JPEG or PNG) or a PDF, at most %(limit)s. We remove a photo's hidden "
            "details (such as where it was taken) before we keep it."
        ) % {"limit": limit}
