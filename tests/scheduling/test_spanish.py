"""Spanish for patients (issue 21), scheduling's part: a patient whose profile says
Spanish reads the request form, the Medi-Cal refusal, their appointments and their
superbill in Spanish; staff and English patients read them as before."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from pypdf import PdfReader

from portal.models import Language
from scheduling.billing_pdf import superbill_pdf
from scheduling.billing_selectors import superbill_for
from scheduling.billing_services import payment_record
from scheduling.models import Appointment, AppointmentRequest, PayerRule, ServiceKind
from scheduling.payers import PayerBlock
from scheduling.services import appointment_set_status, payer_blocks
from tests.factories import PatientFactory
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    appointment_booked,
    folsom,
    next_local,
    service_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_after_each_test() -> Any:
    """A request activates its reader's language for the rest of the thread: put the
    default back so that no later test reads Spanish by accident."""
    yield
    translation.deactivate()


CREATE = "/scheduling/requests/new/"


def spanish_patient() -> Any:
    patient = PatientFactory()
    patient.patient_profile.language = Language.SPANISH
    patient.patient_profile.save(update_fields=["language"])
    return patient


def form_data(**overrides: str) -> dict[str, Any]:
    today = timezone.localdate()
    data = {
        "service": service_of(ServiceKind.CONSULTATION).pk,
        "preferred_location": folsom().pk,
        "date_1": (today + dt.timedelta(days=3)).isoformat(),
        "time_1": "morning",
        "date_2": (today + dt.timedelta(days=4)).isoformat(),
        "time_2": "afternoon",
        "contact_preference": "text",
        "payer_kind": "self_pay",
        "plan_name": "",
        "note": "Por las mañanas, por favor.",
    }
    data.update(overrides)
    return data


def test_a_spanish_patient_reads_the_request_form_in_spanish(client_for: Any) -> None:
    html = client_for(spanish_patient()).get(CREATE).content.decode()
    for spanish in (
        "<title>Solicitar una cita",
        "Esto es una solicitud.",
        "No es para emergencias.",
        'href="tel:988">988</a>',
        "Primera opción: día",
        "¿Cómo se pagará la cita?",
        "Pago por cuenta propia",
        "Mañana (8 a. m. - 12 p. m.)",
        "Enviar la solicitud",
    ):
        assert spanish in html, spanish
    assert "Request an appointment" not in html
    assert "How will the visit be paid?" not in html


def test_an_english_patient_reads_the_same_form_in_english(client_for: Any, patient: Any) -> None:
    html = client_for(patient).get(CREATE).content.decode()
    assert "How will the visit be paid?" in html
    assert "¿Cómo se pagará la cita?" not in html


def test_the_medi_cal_refusal_is_in_spanish_and_keeps_the_form(client_for: Any) -> None:
    response = client_for(spanish_patient()).post(
        CREATE, form_data(payer_kind="medi_cal", time_2="evening")
    )
    assert response.status_code == 200
    assert not AppointmentRequest.objects.exists()
    rule = PayerRule.objects.get(name="Medi-Cal")
    form = response.context["form"]
    assert form.errors["payer_kind"] == [rule.message_es]
    html = response.content.decode()
    assert "nuestra clínica no acepta Medi-Cal" in html
    assert "does not currently accept Medi-Cal" not in html
    assert form["time_2"].value() == "evening"
    assert "Por las mañanas, por favor." in html


def test_the_payer_aliases_still_match_when_the_patient_reads_spanish(client_for: Any) -> None:
    """The rule's aliases are the payer's English names: a Spanish patient's plan name
    "Medi-Cal de Health Net" is refused like an English one."""
    response = client_for(spanish_patient()).post(
        CREATE, form_data(payer_kind="other", plan_name="Health Net Medi-Cal")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["payer_kind"]
    assert not AppointmentRequest.objects.exists()


def test_a_rule_without_spanish_falls_back_to_the_clinics_english(db: None) -> None:
    PayerRule.objects.filter(name="Medi-Cal").update(message_es="")
    with translation.override("es"):
        blocks: list[PayerBlock] = payer_blocks()
    assert [b.message for b in blocks] == [PayerRule.objects.get(name="Medi-Cal").message]


def test_the_spanish_medi_cal_message_says_what_the_english_one_says() -> None:
    rule = PayerRule.objects.get(name="Medi-Cal")
    # Where else to get care, self-pay and the crisis lines survive the translation.
    for words in ("condado", "pago por cuenta propia", "988", "911"):
        assert words in rule.message_es


def test_a_spanish_patient_reads_their_appointments_in_spanish(client_for: Any) -> None:
    patient = spanish_patient()
    appointment_booked(patient=patient, starts_at=next_local(3, 10))
    html = client_for(patient).get(reverse("scheduling:appointment-list")).content.decode()
    for spanish in ("Sus citas", "Programada", "Agregar al calendario (.ics)", "Pedir otra fecha"):
        assert spanish in html, spanish


def _completed_visit(patient: Any, front_desk: Any) -> Appointment:
    appointment = appointment_booked(patient=patient, starts_at=next_local(2, 10))
    with time_machine.travel(appointment.starts_at + dt.timedelta(minutes=70)):
        appointment_set_status(
            appointment=appointment, status=Appointment.Status.COMPLETED, by=front_desk
        )
    return appointment


def _pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_a_spanish_patients_superbill_prints_its_labels_in_spanish(
    client_for: Any, front_desk: Any
) -> None:
    patient = spanish_patient()
    appointment = _completed_visit(patient, front_desk)
    visit_day = timezone.localdate(appointment.starts_at)
    start = visit_day.replace(day=1)
    with time_machine.travel(appointment.starts_at + dt.timedelta(days=1)):
        response = client_for(patient).get(
            reverse("scheduling:superbill"),
            {"start": start.isoformat(), "end": visit_day.isoformat()},
        )
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for spanish in (
        "Superbill (resumen para el reembolso del seguro)",
        "Proveedor",
        "Paciente",
        "NPI de la clínica",
        "Diagnósticos (ICD-10-CM)",
        "Servicios",
        "lugar de servicio",
        "Total cobrado:",
        "Total pagado en este período:",
        f"Período: del {start.day} de ",
    ):
        assert spanish in text, text
    assert "Total charged" not in text


def test_the_desk_prints_a_spanish_patients_superbill_in_spanish_too(
    client_for: Any, front_desk: Any
) -> None:
    """A document about a patient is in the patient's language whoever downloads it, as a
    signed consent is (the desk's pages around it stay English)."""
    patient = spanish_patient()
    today = timezone.localdate()
    url = reverse("scheduling:billing-account-superbill", kwargs={"patient_id": patient.pk})
    response = client_for(front_desk).get(
        url, {"start": (today - dt.timedelta(days=30)).isoformat(), "end": today.isoformat()}
    )
    text = _pdf_text(response.content)
    assert "No hay citas en este período." in text
    assert "No visits in this period." not in text
    page = client_for(front_desk).get(
        reverse("scheduling:billing-account", kwargs={"patient_id": patient.pk})
    )
    assert '<html lang="en">' in page.content.decode()


def test_the_superbill_pdf_speaks_the_patients_language_whatever_is_active(
    front_desk: Any,
) -> None:
    spanish_reader = spanish_patient()
    english_reader = PatientFactory()
    prints = {}
    for patient in (spanish_reader, english_reader):
        appointment = _completed_visit(patient, front_desk)
        day = timezone.localdate(appointment.starts_at)
        bill = superbill_for(patient=patient, start=day, end=day)
        for active in ("en", "es"):
            with translation.override(active):
                prints[patient.pk, active] = _pdf_text(superbill_pdf(bill))
        # The clinic's stored words (the service's name) print as stored in both.
        assert appointment.service.name in prints[patient.pk, "en"]
    for active in ("en", "es"):
        spanish = prints[spanish_reader.pk, active]
        english = prints[english_reader.pk, active]
        assert f"Period: {day:%B} {day.day}, {day.year}" in english
        assert "Total charged:" in english
        assert "Total cobrado:" in spanish
        assert "Total charged:" not in spanish
        assert "Total cobrado:" not in english


def test_the_desk_downloads_a_spanish_patients_receipt_and_estimate_in_spanish(
    client_for: Any, front_desk: Any
) -> None:
    from scheduling.billing_services import estimate_request

    patient = spanish_patient()
    payment = payment_record(patient=patient, method="card", amount_cents=35000, by=front_desk)
    desk = client_for(front_desk)
    with translation.override("en"):
        receipt = desk.get(
            reverse("scheduling:receipt-download", kwargs={"payment_id": payment.pk})
        )
    text = _pdf_text(receipt.content)
    for spanish in (f"Recibo R-{payment.pk}", "Recibido de:", "Pago: $350.00"):
        assert spanish in text, text
    appointment_booked(patient=patient, starts_at=next_local(3, 10))
    with translation.override("en"):
        estimate = estimate_request(patient=patient)
        response = desk.get(
            reverse("scheduling:estimate-download", kwargs={"estimate_id": estimate.pk})
        )
    text = _pdf_text(response.content)
    assert "Cálculo de buena fe" in text, text
    assert "Costo total previsto:" in text
    # (Not "Good Faith Estimate": the clinic's stored dispute notice says it, as stored.)
    assert "Total estimated cost" not in text
    issued = timezone.localtime(estimate.issued_at)
    with translation.override("es"):
        month = str(MONTHS[issued.month])
    assert f"{issued.day} de {month} de {issued.year}" in text, text


def test_a_spanish_patients_receipt_and_billing_page_are_in_spanish(
    client_for: Any, front_desk: Any
) -> None:
    patient = spanish_patient()
    payment = payment_record(patient=patient, method="card", amount_cents=35000, by=front_desk)
    client = client_for(patient)
    page = client.get(reverse("scheduling:billing")).content.decode()
    for spanish in (
        "<title>Facturación",
        "Cargos y pagos",
        "Saldo",
        "Recibo (PDF)",
        "Pedir un cálculo",
    ):
        assert spanish in page, spanish
    receipt = client.get(reverse("scheduling:receipt-download", kwargs={"payment_id": payment.pk}))
    text = _pdf_text(receipt.content)
    for spanish in (f"Recibo R-{payment.pk}", "Recibido de:", "Pago: $350.00", "Forma de pago:"):
        assert spanish in text, text


def test_the_desk_queue_stays_english_and_says_who_reads_spanish(
    client_for: Any, front_desk: Any, patient: Any, django_assert_max_num_queries: Any
) -> None:
    """The desk calls a patient back to confirm: the queue says which patients read
    Spanish, in one query whatever the number of rows."""
    spanish = AppointmentRequestFactory(patient=spanish_patient())
    english = AppointmentRequestFactory(patient=patient)
    client = client_for(front_desk)
    with django_assert_max_num_queries(10) as small:
        client.get("/scheduling/desk/requests/")
    for _ in range(10):
        AppointmentRequestFactory(patient=spanish_patient())
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get("/scheduling/desk/requests/").content.decode()
    assert "Waiting for the office" in html
    row = html.split(f'data-testid="queue-row-{spanish.pk}"')[1].split("</tr>")[0]
    assert 'data-testid="speaks-spanish"' in row
    row = html.split(f'data-testid="queue-row-{english.pk}"')[1].split("</tr>")[0]
    assert 'data-testid="speaks-spanish"' not in row


def test_a_telehealth_reminder_written_in_english_reads_spanish_to_a_spanish_patient(
    front_desk: Any,
) -> None:
    """The place is stored as data (telehealth), not as words in the language of whoever
    booked: the reminder speaks the patient's language when it is sent."""
    from portal.i18n import language_of
    from portal.notifications.kinds import Kind
    from portal.notifications.models import Notification
    from portal.notifications.rendering import render_message

    patient = spanish_patient()
    with translation.override("en"):  # the desk books; staff read English
        appointment_booked(
            patient=patient,
            service=service_of(ServiceKind.INTEGRATION),
            starts_at=next_local(3, 10),
        )
    reminder = Notification.objects.filter(
        recipient=patient, kind=Kind.APPOINTMENT_REMINDER
    ).first()
    assert reminder is not None
    assert reminder.context["telehealth"] is True
    assert reminder.context["location"] == ""
    message = render_message(reminder.kind, reminder.context, language=language_of(patient))
    for part in (message.text, message.sms, message.html):
        assert "Telesalud (video)" in part, part
        assert "Telehealth" not in part
    english = render_message(reminder.kind, reminder.context, language="en")
    assert "Telehealth (video)" in english.text
