"""Spanish for patients (issue 21), treatments' part: a patient whose profile says Spanish
reads their course page, the aftercare checklist, how to get ready and the evening check
in Spanish, the clinic's own lines included; English patients read them as before."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from intake.modalities import Modality
from portal.models import Language
from scheduling.models import Appointment
from tests.factories import PatientFactory
from tests.scheduling.factories import AppointmentFactory, service_of
from tests.treatments.conftest import MONDAY_MORNING
from tests.treatments.factories import course_started, session_discharged
from treatments import protocols, selectors
from treatments.models import AftercareItem, Preparation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_after_each_test() -> Any:
    """A request activates its reader's language for the rest of the thread: put the
    default back so that no later test reads Spanish by accident."""
    yield
    translation.deactivate()


def spanish_patient() -> Any:
    patient = PatientFactory()
    patient.patient_profile.language = Language.SPANISH
    patient.patient_profile.save(update_fields=["language"])
    return patient


def spravato_visit(patient: Any, at: dt.datetime) -> Appointment:
    return AppointmentFactory(
        patient=patient, service=service_of("spravato"), starts_at=at, status="scheduled"
    )


def test_a_spanish_patient_reads_their_course_page_in_spanish(
    client_for: Any, clinician: Any
) -> None:
    patient = spanish_patient()
    course_started(patient, clinician=clinician)
    html = client_for(patient).get(reverse("treatments:my-courses")).content.decode()
    for spanish in (
        "<title>Su tratamiento",
        "Próxima sesión:",
        "(la oficina confirmará la hora)",
        "Avance del tratamiento",
        "Inducción",
        "Planeada",
    ):
        assert spanish in html, spanish
    assert re.search(r"<strong>Infusión \d+ de \d+</strong>", html)
    for english in ("Your treatment", "Next session:", "the office will confirm a time"):
        assert english not in html, english


def test_an_english_patient_reads_the_course_page_as_before(
    client_for: Any, patient: Any, clinician: Any
) -> None:
    course_started(patient, clinician=clinician)
    html = client_for(patient).get(reverse("treatments:my-courses")).content.decode()
    assert "Next session:" in html
    assert re.search(r"<strong>Infusion \d+ of \d+</strong>", html)
    assert "Próxima sesión:" not in html


def test_the_aftercare_checklist_reads_the_clinics_spanish_lines(
    client_for: Any, clinician: Any
) -> None:
    patient = spanish_patient()
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    html = client_for(patient).get(reverse("treatments:aftercare", args=[session.pk])).content
    page = html.decode()
    assert "Cuidados después de su sesión" in page
    assert "No tome alcohol ni use cannabis durante 24 horas." in page
    assert "No alcohol or cannabis for 24 hours." not in page
    # The checkbox labels are the same Spanish lines.
    assert page.count("No tome alcohol ni use cannabis durante 24 horas.") == 2


def test_a_line_the_clinic_wrote_only_in_english_stays_english(
    client_for: Any, clinician: Any
) -> None:
    patient = spanish_patient()
    AftercareItem.objects.create(modality="iv", text="Drink plenty of water.", order=99)
    session = session_discharged(course_started(patient, clinician=clinician), by=clinician)
    page = client_for(patient).get(reverse("treatments:aftercare", args=[session.pk]))
    assert "Drink plenty of water." in page.content.decode()


def test_preparation_follows_the_active_language() -> None:
    english = selectors.preparation_for("spravato")
    with translation.override("es"):
        spanish = selectors.preparation_for("spravato")
    assert (
        len(english)
        == len(spanish)
        == Preparation.objects.filter(modality__in=["spravato", ""], is_active=True).count()
    )
    assert "Do not eat for 2 hours before your visit." in english
    assert "No coma nada durante las 2 horas antes de su cita." in spanish


def test_the_visit_page_and_evening_check_are_in_spanish(client_for: Any, monday: Any) -> None:
    patient = spanish_patient()
    course_started(patient, Modality.SPRAVATO)
    visit = spravato_visit(patient, MONDAY_MORNING + dt.timedelta(days=3, hours=3))
    home = client_for(patient).get(reverse("portal:patient-home")).content.decode()
    assert "Prepárese para jueves" in home
    page = client_for(patient).get(reverse("treatments:my-visit", args=[visit.pk]))
    html = page.content.decode()
    for spanish in (
        "Cómo prepararse",
        "No coma nada durante las 2 horas",
        "Indicar a su acompañante",
    ):
        assert spanish in html, spanish
    check = client_for(patient).get(reverse("treatments:readiness", args=[visit.pk]))
    html = check.content.decode()
    assert "¿Está confirmado quién lo lleva a casa?" in html
    assert "Sí, o no uso ninguno" in html


def test_an_escort_refusal_is_in_spanish_and_keeps_what_was_typed(client_for: Any) -> None:
    patient = spanish_patient()
    response = client_for(patient).post(
        reverse("treatments:my-escort"),
        {"name": "Ana", "phone": "12", "relationship": "hermana", "consent_to_text": "on"},
    )
    html = response.content.decode()
    assert "Indique un número de celular al que podamos enviar mensajes de texto" in html
    assert 'value="hermana"' in html


@pytest.mark.parametrize(
    ("modality", "english", "spanish"),
    [
        ("iv", "infusion 2 of 6", "infusión 2 de 6"),
        ("spravato", "treatment 2 of 6", "tratamiento 2 de 6"),
        ("kap", "session 2 of 6", "sesión 2 de 6"),
    ],
)
def test_the_progress_label_in_both_languages(modality: str, english: str, spanish: str) -> None:
    assert protocols.progress_label(modality, 2, 6) == english
    with translation.override("es"):
        assert protocols.progress_label(modality, 2, 6) == spanish


def test_the_desk_call_list_stays_english_and_says_who_reads_spanish(
    client_for: Any, front_desk: Any, monday: Any
) -> None:
    patient = spanish_patient()
    spravato_visit(patient, MONDAY_MORNING.replace(hour=10) + dt.timedelta(days=1))
    monday.move_to(MONDAY_MORNING.replace(hour=21))
    [row] = selectors.call_list()
    assert row.speaks_spanish
    page = client_for(front_desk).get(reverse("treatments:call-list")).content.decode()
    assert "Call before the visit" in page
    assert 'data-testid="speaks-spanish"' in page
