"""The intake as a Spanish-reading patient sees it: the pages in Spanish, the PHQ-9 and
GAD-7 in their published Spanish-for-USA wording, the C-SSRS in English with a Spanish
note, the crisis resources and the signed consent PDF in Spanish, and the same scores
as in English."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.dates import MONTHS
from pypdf import PdfReader

from intake.models import Intake
from portal.models import Language
from tests.intake.test_consents import sign
from tests.intake.test_instrument_languages import (
    ANSWERS_SPANISH_FOR_USA,
    GAD7_SPANISH_FOR_USA,
    PHQ9_SPANISH_FOR_USA,
    STEM_SPANISH_FOR_USA,
)
from tests.intake.test_patient_intake import contact, step_url, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish_patient(patient):
    profile = patient.patient_profile
    profile.language = Language.SPANISH
    profile.save(update_fields=["language"])
    return patient


def test_the_phq9_page_shows_the_published_spanish_text(spanish_patient, client_for) -> None:
    client = client_for(spanish_patient)
    walk_to(client, "medications")
    page = client.get(step_url("phq9")).content.decode()
    assert "Estado de ánimo (PHQ-9)" in page
    assert STEM_SPANISH_FOR_USA in page
    for number, item in enumerate(PHQ9_SPANISH_FOR_USA, start=1):
        assert f"{number}. {item}" in page
    for _value, label in ANSWERS_SPANISH_FOR_USA:
        assert label in page
    assert "Little interest or pleasure" not in page
    assert "Over the last 2 weeks" not in page
    assert "Guardar y continuar" in page


def test_the_gad7_page_shows_the_published_spanish_text(spanish_patient, client_for) -> None:
    client = client_for(spanish_patient)
    walk_to(client, "phq9")
    page = client.get(step_url("gad7")).content.decode()
    assert STEM_SPANISH_FOR_USA in page
    for number, item in enumerate(GAD7_SPANISH_FOR_USA, start=1):
        assert f"{number}. {item}" in page
    assert "Feeling nervous" not in page


def test_the_cssrs_is_english_with_a_spanish_note(spanish_patient, client_for) -> None:
    client = client_for(spanish_patient)
    walk_to(client, "gad7")
    page = client.get(step_url("cssrs")).content.decode()
    assert 'data-testid="cssrs-language-note"' in page
    assert "se muestran en inglés" in page
    assert "have you wished you were dead" in page
    assert "Preguntas de seguridad" in page
    assert 'href="tel:988"' in page


def test_an_english_patient_sees_no_language_note(patient, client_for) -> None:
    client = client_for(patient)
    walk_to(client, "gad7")
    page = client.get(step_url("cssrs")).content.decode()
    assert 'data-testid="cssrs-language-note"' not in page
    assert "Over the last 2 weeks" not in page  # the C-SSRS has no two-week stem


def test_scores_do_not_depend_on_the_language(patient, other_patient, client_for) -> None:
    profile = other_patient.patient_profile
    profile.language = Language.SPANISH
    profile.save(update_fields=["language"])
    phq9 = (3, 2, 1, 0, 3, 2, 1, 0, 0)
    for person in (patient, other_patient):
        walk_to(client_for(person), "gad7", phq9=phq9)
    english, spanish = (Intake.objects.get(patient=p) for p in (patient, other_patient))
    assert (spanish.phq9_total, spanish.phq9_band) == (english.phq9_total, english.phq9_band)
    assert (spanish.gad7_total, spanish.gad7_band) == (english.gad7_total, english.gad7_band)
    stored = {f"item_{n}": value for n, value in enumerate(phq9, start=1)}
    assert spanish.answers["phq9"] == english.answers["phq9"] == stored


def test_a_refused_spanish_step_explains_in_spanish(spanish_patient, client_for) -> None:
    client = client_for(spanish_patient)
    walk_to(client, "medications")
    page = client.post(step_url("phq9"), {"go": "next"}).content.decode()
    assert "Por favor, elija una respuesta." in page
    assert "Algunas respuestas necesitan revisarse" in page


def test_the_crisis_page_is_in_spanish(spanish_patient, client_for) -> None:
    page = client_for(spanish_patient).get(reverse("intake:intake-support")).content.decode()
    assert "Si está pensando en hacerse daño" in page
    assert "oprima 2 para español" in page
    assert 'href="tel:911"' in page


def test_choosing_spanish_on_the_contact_step_turns_the_next_page_spanish(
    patient, client_for
) -> None:
    client = client_for(patient)
    response = client.post(
        step_url("contact"), {**contact(language=Language.SPANISH), "go": "next"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Historial médico" in page
    assert "¿Alguna vez le han dicho que tiene una enfermedad del corazón?" in page


def test_the_signed_consent_pdf_speaks_the_patients_language(patient, client_for) -> None:
    profile = patient.patient_profile
    profile.language = Language.SPANISH
    profile.save(update_fields=["language"])
    signature = sign(patient)
    response = client_for(patient).get(reverse("intake:consent-download", args=[signature.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Firma electrónica" in text
    assert "Firmado por: Dana Reyes" in text
    assert "Electronic signature" not in text
    # Its dates spell out the month in Spanish (portal.formats.format_long_date).
    day = signature.document.effective_date
    with translation.override("es"):
        month = str(MONTHS[day.month])
    assert f"vigente desde el {day.day} de {month} de {day.year}" in text, text
