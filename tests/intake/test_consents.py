"""Signed consents: the name rule, signing, versions, the database's guarantees, the
visit gate (dosing and telehealth), the patient's pages, the PDF and the staff's view."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from intake.consent_models import ConsentDocument, ConsentSignature
from intake.consent_selectors import consent_rows, current_document, due_count
from intake.consent_services import consent_document_save, consent_sign
from intake.consents import ConsentKind, normalise_name, signature_problem, text_sha256
from intake.modalities import Modality
from intake.selectors import visit_gate_gaps
from portal.audit import AuditEvent
from portal.models import PatientProfile
from scheduling.forms import slot_value
from scheduling.models import Appointment, RoomKind, ServiceKind
from tests.intake.factories import approve_patient, sign_consents
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    RoomFactory,
    folsom,
    hours_every_day,
    next_local,
    service_of,
)

pytestmark = pytest.mark.django_db

# --- the name rule (no database) ---


@pytest.mark.parametrize(
    ("typed", "legal", "ok"),
    [
        ("Dana Reyes", "Dana Reyes", True),
        ("  dana   REYES ", "Dana Reyes", True),
        ("DANA\tREYES", "Dana  Reyes", True),
        ("José Núñez", "JOSÉ NÚÑEZ", True),
        ("Dana R.", "Dana Reyes", False),
        ("Dana", "Dana Reyes", False),
        ("Reyes Dana", "Dana Reyes", False),
        ("", "Dana Reyes", False),
        ("   ", "Dana Reyes", False),
        ("Dana Reyes", "", False),
    ],
)
def test_a_signature_must_be_the_legal_name_ignoring_case_and_spaces(typed, legal, ok) -> None:
    assert (signature_problem(typed=typed, legal_name=legal) is None) is ok


def test_a_mismatch_says_why_and_names_the_name_on_file() -> None:
    problem = signature_problem(typed="Dana R", legal_name="Dana Reyes")
    assert "does not match the legal name on your file (Dana Reyes)" in problem
    assert "capital letters" in problem
    assert "legal name on file yet" in signature_problem(typed="Dana", legal_name=" ")
    assert normalise_name("  A  b ") == "a b"


# --- helpers ---


def legal(patient, name="Dana Reyes"):
    PatientProfile.objects.filter(user=patient).update(legal_name=name)
    return name


def sign(patient, kind=ConsentKind.TREATMENT_IV, **overrides):
    values = {
        "patient": patient,
        "document": current_document(kind=kind),
        "typed_name": legal(patient),
        "agreed": True,
        "esign_consent": True,
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0 test",
        **overrides,
    }
    return consent_sign(**values)


def new_version(kind=ConsentKind.TREATMENT_IV, body="Revised text.") -> ConsentDocument:
    old = current_document(kind=kind)
    return consent_document_save(
        document=ConsentDocument(
            kind=kind,
            version=old.version + 1,
            title=old.title,
            body=body,
            effective_date=timezone.localdate(),
        )
    )


# --- the seeded clinic data ---


def test_every_kind_of_consent_is_seeded_in_effect_with_real_text() -> None:
    for kind in ConsentKind:
        document = current_document(kind=kind)
        assert document is not None, kind
        assert document.version == 1
        assert len(document.body) > 300
    assert "2290.5" in current_document(kind=ConsentKind.TELEHEALTH).body
    assert "REMS" in current_document(kind=ConsentKind.SPRAVATO_REMS).body


# --- signing ---


def test_a_signature_keeps_the_version_its_fingerprint_time_address_and_browser(patient) -> None:
    document = current_document(kind=ConsentKind.TREATMENT_IV)
    signature = sign(patient, typed_name="  dana  reyes ")
    signature.refresh_from_db()
    assert signature.document == document
    assert signature.text_sha256 == text_sha256(title=document.title, body=document.body)
    assert len(signature.text_sha256) == 64
    assert signature.ip_address == "203.0.113.7"
    assert signature.user_agent == "Mozilla/5.0 test"
    assert signature.typed_name == "dana reyes"
    assert signature.legal_name == "Dana Reyes"
    assert abs(signature.signed_at - timezone.now()) < dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"agreed": False}, "agreed"),
        ({"esign_consent": False}, "esign_consent"),
        ({"typed_name": "Someone Else"}, "typed_name"),
    ],
)
def test_signing_needs_intent_esign_consent_and_the_legal_name(patient, overrides, field) -> None:
    legal(patient)
    with pytest.raises(ValidationError) as refused:
        sign(patient, **overrides)
    assert field in refused.value.message_dict
    assert not ConsentSignature.objects.exists()


def test_an_old_version_cannot_be_signed_once_replaced(patient) -> None:
    old = current_document(kind=ConsentKind.TREATMENT_IV)
    new_version()
    with pytest.raises(ValidationError, match="replaced by a newer one"):
        sign(patient, document=old)
    assert not ConsentSignature.objects.exists()


def test_a_version_is_signed_once(patient) -> None:
    sign(patient)
    with pytest.raises(ValidationError, match="already signed"):
        sign(patient)
    assert ConsentSignature.objects.count() == 1


# --- a signed version never changes ---


def test_the_service_refuses_to_change_a_signed_versions_text(patient) -> None:
    signature = sign(patient)
    document = signature.document
    document.body = "Quietly rewritten."
    with pytest.raises(ValidationError, match="can no longer change"):
        consent_document_save(document=document)
    document.refresh_from_db()
    assert document.body != "Quietly rewritten."
    document.is_active = False  # retiring it is allowed
    consent_document_save(document=document)


def test_the_database_refuses_to_change_a_signed_versions_text(patient) -> None:
    signature = sign(patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentDocument.objects.filter(pk=signature.document_id).update(body="Rewritten in SQL.")
    ConsentDocument.objects.filter(pk=signature.document_id).update(is_active=True)


def test_an_unsigned_version_may_still_be_corrected() -> None:
    updated = ConsentDocument.objects.filter(kind=ConsentKind.TEXT_MESSAGES).update(
        body="Corrected before anyone signed."
    )
    assert updated == 1


def test_the_database_refuses_to_rewrite_a_signature_or_a_wrong_fingerprint(patient) -> None:
    signature = sign(patient)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        ConsentSignature.objects.filter(pk=signature.pk).update(typed_name="Someone Else")
    other = current_document(kind=ConsentKind.TELEHEALTH)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentSignature.objects.create(
            patient=patient,
            document=other,
            typed_name="Dana Reyes",
            legal_name="Dana Reyes",
            agreed=True,
            esign_consent=True,
            text_sha256="0" * 64,
            signed_at=timezone.now(),
        )


def test_the_admin_shows_a_signed_version_read_only(client_for, clinic_admin, patient) -> None:
    signature = sign(patient)
    url = reverse("admin:intake_consentdocument_change", args=[signature.document_id])
    page = client_for(clinic_admin).get(url).content.decode()
    assert 'name="body"' not in page
    assert 'name="is_active"' in page
    unsigned = current_document(kind=ConsentKind.FINANCIAL)
    url = reverse("admin:intake_consentdocument_change", args=[unsigned.pk])
    assert 'name="body"' in client_for(clinic_admin).get(url).content.decode()


def test_the_clinic_admin_adds_a_new_version_in_the_admin(client_for, clinic_admin) -> None:
    response = client_for(clinic_admin).post(
        reverse("admin:intake_consentdocument_add"),
        {
            "kind": ConsentKind.FINANCIAL,
            "version": 2,
            "title": "Financial policy",
            "body": "A new late-cancellation fee.",
            "effective_date": timezone.localdate().isoformat(),
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert current_document(kind=ConsentKind.FINANCIAL).version == 2


# --- the gate ---


def test_a_new_version_asks_for_a_new_signature(patient) -> None:
    approve_patient(patient, Modality.IV, consents=False)
    sign(patient)
    assert visit_gate_gaps(patient=patient, modality=Modality.IV, telehealth=False) == []
    new_version()
    assert visit_gate_gaps(patient=patient, modality=Modality.IV, telehealth=False) == [
        "Consent to IV ketamine treatment (version 2) is not signed."
    ]
    rows = {row.kind: row for row in consent_rows(patient=patient)}
    assert rows[ConsentKind.TREATMENT_IV].due
    assert rows[ConsentKind.TREATMENT_IV].older_signature.document.version == 1
    sign(patient)
    assert visit_gate_gaps(patient=patient, modality=Modality.IV, telehealth=False) == []


def test_a_version_not_yet_in_effect_asks_for_nothing_yet(patient) -> None:
    approve_patient(patient, Modality.IV)
    old = current_document(kind=ConsentKind.TREATMENT_IV)
    ConsentDocument.objects.create(
        kind=ConsentKind.TREATMENT_IV,
        version=old.version + 1,
        title=old.title,
        body="Next month's text.",
        effective_date=timezone.localdate() + dt.timedelta(days=30),
    )
    assert visit_gate_gaps(patient=patient, modality=Modality.IV, telehealth=False) == []


def test_a_telehealth_visit_needs_the_telehealth_consent(patient) -> None:
    assert visit_gate_gaps(patient=patient, modality=None, telehealth=True) == [
        "Consent to telehealth (version 1) is not signed."
    ]
    assert visit_gate_gaps(patient=patient, modality=None, telehealth=False) == []
    sign_consents(patient, ConsentKind.TELEHEALTH)
    assert visit_gate_gaps(patient=patient, modality=None, telehealth=True) == []


def test_the_desk_cannot_confirm_an_iv_request_before_the_iv_consent_is_signed(
    client_for, front_desk, patient, clinician
) -> None:
    approve_patient(patient, Modality.IV, consents=False)
    hours_every_day(clinician, folsom())
    room = RoomFactory(kind=RoomKind.INFUSION_CHAIR, name="Chair 1")
    request = AppointmentRequestFactory(
        patient=patient, service=service_of(ServiceKind.IV_INFUSION)
    )
    url = reverse("scheduling:request-confirm", args=[request.pk])
    value = slot_value(next_local(2, 10), clinician.pk, room.pk)
    client = client_for(front_desk)
    missing = "Consent to IV ketamine treatment (version 1) is not signed."
    assert missing in client.get(url).content.decode()
    refused = client.post(url, {"slot": value})
    assert refused.status_code == 200
    assert missing in refused.content.decode()
    assert not Appointment.objects.exists()
    sign(patient)
    assert client.post(url, {"slot": value}).status_code == 302
    assert Appointment.objects.filter(patient=patient).count() == 1


def test_the_desk_cannot_book_a_telehealth_visit_before_the_telehealth_consent(
    client_for, front_desk, patient, clinician
) -> None:
    hours_every_day(clinician, None)
    request = AppointmentRequestFactory(
        patient=patient, service=service_of(ServiceKind.INTEGRATION)
    )
    url = reverse("scheduling:request-confirm", args=[request.pk])
    value = slot_value(next_local(2, 10), clinician.pk, None)
    client = client_for(front_desk)
    refused = client.post(url, {"slot": value})
    assert "Consent to telehealth (version 1) is not signed." in refused.content.decode()
    assert not Appointment.objects.exists()
    sign(patient, kind=ConsentKind.TELEHEALTH)
    assert client.post(url, {"slot": value}).status_code == 302
    assert Appointment.objects.filter(patient=patient).count() == 1


# --- the patient's pages ---


def test_the_patient_signs_on_the_page_and_sees_it_signed(client_for, patient) -> None:
    legal(patient)
    client = client_for(patient)
    document = current_document(kind=ConsentKind.TREATMENT_IV)
    url = reverse("intake:consent-sign", args=[document.pk])
    page = client.get(url).content.decode()
    assert document.paragraphs[0][:40] in page
    response = client.post(
        url,
        {"typed_name": "DANA REYES", "agreed": "on", "esign_consent": "on"},
        HTTP_USER_AGENT="Firefox/140",
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 302
    signature = ConsentSignature.objects.get(patient=patient)
    assert (signature.ip_address, signature.user_agent) == ("198.51.100.4", "Firefox/140")
    listing = client.get(reverse("intake:consent-list")).content.decode()
    assert 'data-testid="consent-signed-treatment_iv"' in listing
    assert 'data-testid="consent-due-telehealth"' in listing


def test_a_refused_signature_keeps_what_was_typed_and_says_why(client_for, patient) -> None:
    legal(patient)
    document = current_document(kind=ConsentKind.TELEHEALTH)
    response = client_for(patient).post(
        reverse("intake:consent-sign", args=[document.pk]),
        {"typed_name": "Dana Q. Reyes", "agreed": "on"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Dana Q. Reyes"' in html
    assert "does not match the legal name on your file" in html
    assert "sign electronically, or ask the front desk" in html
    assert not ConsentSignature.objects.exists()


def test_an_old_versions_page_leads_to_the_current_one(client_for, patient) -> None:
    old = current_document(kind=ConsentKind.TREATMENT_IV)
    new = new_version()
    response = client_for(patient).get(reverse("intake:consent-sign", args=[old.pk]))
    assert response["Location"] == reverse("intake:consent-sign", args=[new.pk])
    retired = current_document(kind=ConsentKind.FINANCIAL)
    ConsentDocument.objects.filter(pk=retired.pk).update(is_active=False)
    assert (
        client_for(patient).get(reverse("intake:consent-sign", args=[retired.pk])).status_code
        == 404
    )


def test_the_home_panel_and_navigation_lead_to_forms_to_sign(client_for, patient) -> None:
    home = client_for(patient).get(reverse("portal:patient-home")).content.decode()
    assert 'data-testid="consents-panel"' in home
    assert f"{len(ConsentKind)} forms to read and sign" in home
    assert reverse("intake:consent-list") in home
    sign_consents(patient, *ConsentKind.values)
    assert due_count(patient=patient) == 0


def test_the_list_page_reads_in_bounded_queries(
    client_for, patient, django_assert_max_num_queries
) -> None:
    sign_consents(patient, *ConsentKind.values)
    new_version()
    client = client_for(patient)
    with django_assert_max_num_queries(8):
        client.get(reverse("intake:consent-list"))


def test_the_signed_copy_is_a_pdf_with_the_text_and_the_signature(client_for, patient) -> None:
    signature = sign(patient)
    response = client_for(patient).get(reverse("intake:consent-download", args=[signature.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Consent to IV ketamine infusion treatment" in text
    assert "Dana Reyes" in text
    assert signature.text_sha256 in text.replace("\n", "")
    assert "203.0.113.7" in text
    day = signature.document.effective_date
    assert f"in effect from {day:%B} {day.day}, {day.year}" in text, text


def test_a_patient_cannot_read_another_patients_signed_consent_by_any_id(
    client_for, patient, other_patient
) -> None:
    signature = sign(patient)
    client = client_for(other_patient)
    for guess in (signature.pk, signature.pk + 1, 0, 2**31, 2**63 - 1):
        response = client.get(reverse("intake:consent-download", args=[guess]))
        assert response.status_code == 404, guess


# --- staff ---


def test_staff_see_a_patients_consents_and_every_read_is_audited(
    client_for, front_desk, clinician, patient
) -> None:
    signature = sign(patient)
    for staff in (front_desk, clinician):
        client = client_for(staff)
        page = client.get(reverse("intake:staff-patient-consents", args=[patient.pk]))
        html = page.content.decode()
        assert 'data-testid="staff-consent-treatment_iv"' in html
        assert "Signed" in html
        assert "Not signed" in html
        pdf = client.get(reverse("intake:consent-download", args=[signature.pk]))
        assert pdf.status_code == 200
        actions = set(
            AuditEvent.objects.filter(actor=staff, patient=patient).values_list("action", flat=True)
        )
        assert actions == {"consent.status.view", "consent.signed_copy.download"}


def test_staff_consents_page_for_a_non_patient_is_404(client_for, front_desk, clinician) -> None:
    url = reverse("intake:staff-patient-consents", args=[clinician.pk])
    assert client_for(front_desk).get(url).status_code == 404


def test_the_staff_consents_page_reads_in_bounded_queries(
    client_for, front_desk, patient, django_assert_max_num_queries
) -> None:
    sign_consents(patient, *ConsentKind.values)
    new_version()
    client = client_for(front_desk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("intake:staff-patient-consents", args=[patient.pk]))
    assert "New version to sign" in response.content.decode()
