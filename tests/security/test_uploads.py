"""File uploads: the portal takes one kind, the patient's documents (ID, insurance card),
whose size and type limits are decided by content in intake.uploads and tested in
tests/intake/test_documents.py. The day another form or model adds one, this fails and
asks for the same limits (and a test of them) before it ships."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from django import forms
from django.apps import apps
from django.conf import settings
from django.db import models

OUR_APPS = ("portal", "notifications", "intake", "scheduling", "treatments", "integration")


def our_form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for config in apps.get_app_configs():
        if config.label not in OUR_APPS:
            continue
        for info in pkgutil.iter_modules([config.path]):
            if info.name == "forms" or info.name.endswith("_forms"):
                module = importlib.import_module(f"{config.name}.{info.name}")
                found += [
                    obj
                    for _, obj in inspect.getmembers(module, inspect.isclass)
                    if issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__
                ]
    return found


def test_only_patient_documents_store_files() -> None:
    file_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert file_fields == ["intake.PatientDocument.file"], (
        "uploads need size/type limits and tests: " + ", ".join(file_fields)
    )


def test_only_the_document_form_accepts_files() -> None:
    classes = our_form_classes()
    assert classes, "premise: the forms modules were found"
    file_fields = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.FileField)
    ]
    assert file_fields == ["intake.document_forms.DocumentUploadForm.file"], (
        "uploads need size/type limits and tests: " + ", ".join(file_fields)
    )


def test_request_bodies_stay_bounded() -> None:
    # Django's defaults: 2.5 MB of form data, 1000 fields. Raising them needs a reason.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 1000
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
