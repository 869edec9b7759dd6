"""Consent documents in the admin: the clinic admin adds versions; a signed version is
read-only (only retiring it remains). Signatures are patients' records: staff read them
in the portal (audited), never in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from intake.consent_models import ConsentDocument
from intake.consent_services import consent_document_is_signed, consent_document_save

_TEXT_FIELDS = ("kind", "version", "title", "body", "effective_date")


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "version", "effective_date", "is_active", "updated_at"]
    list_filter = ["kind", "is_active"]
    fields = ["kind", "version", "title", "body", "effective_date", "is_active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and consent_document_is_signed(obj):
            return _TEXT_FIELDS
        return ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and consent_document_is_signed(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            consent_document_save(document=obj)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
