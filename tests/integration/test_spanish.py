"""Spanish for patients (issue 21), integration's part: a patient whose profile says
Spanish books integration therapy, reads the booking refusals, their trends and the mood
check-in in Spanish; English patients read them as before."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from integration.window import CLINIC_ZONE, Window, booking_refusal
from portal.models import Language
from scheduling.models import Appointment, RoomKind, Service, ServiceKind
from tests.factories import ClinicianFactory, PatientFactory
from tests.integration.factories import add_phq9
from tests.scheduling.factories import hours_every_day
from tests.treatments.factories import course_started, session_discharged

pytestmark = pytest.mark.django_db

DISCHARGE = dt.datetime(2026, 3, 3, 11, 30, tzinfo=CLINIC_ZONE)  # Tuesday
AFTER = DISCHARGE + dt.timedelta(hours=1)


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


@pytest.fixture
def therapist() -> Any:
    person = ClinicianFactory(full_name="Tara Singh, LMFT", clinician_kind="therapist")
    hours_every_day(person, None)  # telehealth
    return person


def discharged(patient: Any) -> Any:
    with time_machine.travel(DISCHARGE, tick=False):
        return session_discharged(course_started(patient))


@time_machine.travel(AFTER, tick=False)
def test_a_spanish_patient_books_integration_in_spanish(client_for: Any, therapist: Any) -> None:
    session = discharged(spanish_patient())
    url = reverse("integration:slot-list", kwargs={"session_id": session.pk})
    page = client_for(session.patient).get(url).content.decode()
    for spanish in (
        "<title>Programar la terapia de integración",
        "La terapia de integración le ayuda a dar sentido a su sesión",
        "(hora del Pacífico)",
        "Días dentro de su plazo:",
        "Ver horarios",
        ">Programar</button>",
    ):
        assert spanish in page, spanish
    assert 'data-testid="window-text">desde el ' in page


@time_machine.travel(AFTER, tick=False)
def test_a_refused_booking_says_why_in_spanish(client_for: Any, therapist: Any) -> None:
    session = discharged(spanish_patient())
    telehealth = Service.objects.get(kind=ServiceKind.INTEGRATION, room_kind=RoomKind.TELEHEALTH)
    response = client_for(session.patient).post(
        reverse("integration:booking-create", kwargs={"session_id": session.pk}),
        {
            "starts_at": (DISCHARGE + dt.timedelta(days=3)).isoformat(),
            "service": telehealth.pk,
            "clinician": therapist.pk,
            "room": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ese horario es posterior al cierre de su plazo de integración" in html
    assert "integration window has closed" not in html
    assert not Appointment.objects.filter(service__kind=ServiceKind.INTEGRATION).exists()


@pytest.mark.parametrize("for_staff", [False, True])
def test_the_refusal_sentences_read_the_same_in_english_as_before(for_staff: bool) -> None:
    window = Window(
        opens_at=DISCHARGE + dt.timedelta(hours=24), closes_at=DISCHARGE + dt.timedelta(hours=48)
    )
    whose = "the patient's" if for_staff else "your"
    early = booking_refusal(window, DISCHARGE + dt.timedelta(hours=2), for_staff=for_staff)
    late = booking_refusal(window, DISCHARGE + dt.timedelta(days=3), for_staff=for_staff)
    assert early == (
        f"That time is too soon after {whose} session: integration therapy is booked "
        f"{window.describe()} (Pacific time)."
    )
    assert late == (
        f"That time is after {whose} integration window has closed: integration therapy "
        f"for this session is booked {window.describe()} (Pacific time)."
    )


def test_trends_and_the_mood_check_in_are_in_spanish(client_for: Any) -> None:
    patient = spanish_patient()
    add_phq9(patient, timezone.localdate(), 12)  # "moderate"
    client = client_for(patient)
    trends = client.get(reverse("integration:trends")).content.decode()
    for spanish in (
        "<title>Cómo ha estado",
        "Registrar el estado de ánimo de hoy",
        "Seguimiento semanal",
        "12 (moderada) el ",
        "PHQ-9 (depresión, 0-27)",
        "Puntajes en una tabla",
        "Niveles de gravedad",  # the bands' legend, each band named in Spanish
        "Leve 5-9",
        "Moderada 10-14",
    ):
        assert spanish in trends, spanish
    mood = client.get(reverse("integration:mood-edit")).content.decode()
    assert "¿Cómo está su estado de ánimo hoy?" in mood
    assert "0 el peor" in mood
    response = client.post(reverse("integration:mood-edit"), {"note": "cansado"})
    assert "Elija un número del 0 al 10." in response.content.decode()


def _json_script(page: str, element_id: str) -> Any:
    marker = f'<script id="{element_id}" type="application/json">'
    start = page.index(marker) + len(marker)
    return json.loads(page[start : page.index("</script>", start)])


def test_the_words_drawn_on_the_chart_are_in_the_readers_language(
    client_for: Any, patient: Any
) -> None:
    spanish = spanish_patient()
    add_phq9(spanish, timezone.localdate(), 12)
    page = client_for(spanish).get(reverse("integration:trends")).content.decode()
    words = _json_script(page, "chart-words")
    assert words["intake"] == "evaluación inicial"
    assert words["mood"] == "Estado de ánimo"
    assert words["bands"]["mild"] == "leve"

    add_phq9(patient, timezone.localdate(), 12)
    page = client_for(patient).get(reverse("integration:trends")).content.decode()
    assert _json_script(page, "chart-words")["bands"]["mild"] == "mild"


def test_an_english_patient_reads_trends_as_before(client_for: Any, patient: Any) -> None:
    add_phq9(patient, timezone.localdate(), 12)
    trends = client_for(patient).get(reverse("integration:trends")).content.decode()
    assert "12 (moderate) on " in trends
    assert "How you have been" in trends
