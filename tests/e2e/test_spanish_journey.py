"""A Spanish-speaking patient, on a phone, from the first page to a reminder (issue 21).

I choose Español before I have an account, sign up, confirm my email (the email is in
Spanish), sign in and find the portal in Spanish. I fill in my intake: the PHQ-9 reads
in its published Spanish wording. Once approved I ask for an infusion with Medi-Cal as
my payer and the clinic's refusal is in Spanish. My visit's reminder email is Spanish.

Elements are found by id or test id, not by their English or Spanish names, so the
journey checks the words only where it means to. Intake's Spanish (branch i18n-b) and
scheduling's (branch i18n-c) are checked when they are present; until those branches
are merged in, this journey ends as an expected failure naming what it could not check.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from intake.modalities import Modality
from portal.models import PatientProfile
from portal.notifications.dispatch import notifications_dispatch_due
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from scheduling.models import PayerRule, RoomKind, ServiceKind
from tests.factories import ClinicianFactory
from tests.intake.factories import approve_patient
from tests.scheduling.factories import (
    RoomFactory,
    appointment_booked,
    folsom,
    hours_every_day,
    next_local,
    service_of,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "una-frase-bastante-larga-7"
# The first PHQ-9 item in the published Spanish (USA) version (Pfizer's PHQ screeners).
PHQ9_FIRST_ITEM_ES = "Poco interés o placer en hacer cosas"
NO_TO_EVERYTHING = [
    "cardiac_disease",
    "cardiac_unstable",
    "aneurysm_or_avm",
    "intracerebral_haemorrhage",
    "pregnant_or_breastfeeding",
    "psychosis_history",
    "current_mania",
    "bipolar",
    "mood_stabiliser",
    "substance_use",
    "ketamine_allergy",
]


def next_step(page: Any) -> None:
    page.locator('button[name="go"][value="next"]').click()


def test_a_spanish_speaking_patient_from_sign_up_to_a_reminder(
    live_server: Any, page: Any, settings: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    base = live_server.url

    # Before I have an account, I choose Español.
    page.goto(f"{base}/accounts/signup/")
    page.get_by_test_id("language-switcher").get_by_role("button", name="Español").click()
    page.wait_for_selector('html[lang="es"]')
    assert page.get_by_test_id("crisis-footer").get_by_text("¿Está en crisis").is_visible()
    page.locator("#id_email").fill("lucia@example.test")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_password2").press("Enter")
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    assert page.locator("html").get_attribute("lang") == "es"
    assert PatientProfile.objects.get(user__email="lucia@example.test").language == "es"

    # The confirmation email is in Spanish.
    notifications_dispatch_due()
    [confirm] = mail.outbox
    assert confirm.subject == f"Confirme su correo para {settings.PORTAL_CLINIC_NAME}"
    assert "Para confirmarla, abra este enlace:" in confirm.body
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", confirm.body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()

    # I sign in: the portal greets me in Spanish.
    page.goto(f"{base}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.locator("#id_login").fill("lucia@example.test")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/patient/$"))
    page.get_by_text("Siguiente paso: complete su perfil").wait_for()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hola, ")

    # My intake, step by step.
    page.goto(f"{base}/intake/")
    page.locator("#id_legal_name").wait_for()
    page.locator("#id_legal_name").fill("Lucía Ramírez")
    page.locator("#id_date_of_birth").fill("1988-04-12")
    page.locator("#id_phone").fill("(916) 555-0177")
    page.locator("#id_emergency_contact_name").fill("Marta Ramírez")
    page.locator("#id_emergency_contact_phone").fill("(916) 555-0178")
    next_step(page)
    page.locator("#id_bp_systolic").fill("118")
    page.locator("#id_bp_diastolic").fill("76")
    for name in NO_TO_EVERYTHING:
        page.locator(f"#id_{name}_1").check()
    next_step(page)
    page.locator("#id_antidepressant_0").check()
    for name in ("benzodiazepine", "maoi", "stimulant"):
        page.locator(f"#id_{name}_1").check()
    next_step(page)

    # The PHQ-9, in its validated Spanish wording.
    page.locator("#id_item_1_0").wait_for()
    assert page.get_by_text(PHQ9_FIRST_ITEM_ES, exact=False).first.is_visible()
    for item in range(1, 9):
        page.locator(f"#id_item_{item}_1").check()
    page.locator("#id_item_9_0").check()  # no thoughts of self-harm: no crisis page
    next_step(page)
    page.locator("#id_item_7_0").wait_for()  # the GAD-7
    for item in range(1, 8):
        page.locator(f"#id_item_{item}_0").check()
    next_step(page)
    page.locator("#id_q1_1").check()  # the safety questions: no
    page.locator("#id_q2_1").check()
    next_step(page)
    page.locator("#id_q6_1").check()
    next_step(page)
    page.locator("#id_agree").check()
    page.locator("#id_signature").fill("Lucía Ramírez")
    next_step(page)
    page.get_by_test_id("intake-status").wait_for()
    assert page.locator("html").get_attribute("lang") == "es"

    # A clinician approves an IV course (their side has its own journey).
    me = PatientProfile.objects.get(user__email="lucia@example.test").user
    approve_patient(me, Modality.IV)
    nurse = ClinicianFactory(email="nurse@example.test")
    hours_every_day(nurse, folsom(), dt.time(8), dt.time(17))
    RoomFactory(kind=RoomKind.INFUSION_CHAIR, name="Chair 1")

    # I ask for an infusion and name Medi-Cal: the refusal is in Spanish.
    page.goto(f"{base}/scheduling/requests/new/")
    page.locator("#id_service").select_option(str(service_of(ServiceKind.IV_INFUSION).pk))
    page.locator("#id_preferred_location").select_option(label="Folsom")
    page.locator("#id_date_1").fill((timezone.localdate() + dt.timedelta(days=3)).isoformat())
    page.locator("#id_time_1").select_option("morning")
    page.get_by_label("Medi-Cal", exact=True).check()
    page.locator("#id_note").fill("Mi hermana me lleva.")
    page.locator("main form").filter(has=page.locator("#id_note")).locator(
        "button[type=submit]"
    ).click()
    payer = page.get_by_test_id("payer-field")
    payer.wait_for()
    page.get_by_test_id("error-summary").wait_for()
    assert page.title().startswith("Error:")
    assert page.locator("#id_note").input_value() == "Mi hermana me lleva."
    rule = PayerRule.objects.get(name="Medi-Cal")
    assert payer.get_by_text(rule.message_in("es")).is_visible()
    assert "no acepta Medi-Cal" in payer.inner_text()

    # My visit's reminder email is in Spanish.
    appointment = appointment_booked(patient=me, starts_at=next_local(3, 10))
    reminder = Notification.objects.filter(
        recipient=me, kind=Kind.APPOINTMENT_REMINDER, topic=f"appointment:{appointment.pk}"
    ).first()
    assert reminder is not None, "booking schedules a reminder"
    Notification.objects.filter(pk=reminder.pk).update(
        send_at=timezone.now() - dt.timedelta(minutes=1)
    )
    mail.outbox.clear()
    notifications_dispatch_due()
    [email] = [m for m in mail.outbox if m.subject.startswith("Recordatorio: su visita del ")]
    assert "Le recordamos su visita del " in email.body
    assert "reminder" not in email.body.lower()
