"""My paperwork, on my phone. The front desk cannot confirm my IV infusion because I have
not signed the IV treatment consent; I read it and sign it with my legal name (a wrong
name is refused and says why), and the desk confirms the same request. Then I upload a
photo of my insurance card, and the desk sees it on my page, without where it was taken."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from intake.consent_models import ConsentSignature
from intake.document_models import PatientDocument
from intake.modalities import Modality
from portal.audit import AuditEvent
from scheduling.models import Appointment, RoomKind, ServiceKind
from tests.e2e.conftest import log_in
from tests.factories import TEST_PASSWORD, ClinicianFactory, FrontDeskFactory, PatientFactory
from tests.intake.factories import approve_patient
from tests.scheduling.factories import (
    AppointmentRequestFactory,
    RoomFactory,
    folsom,
    hours_every_day,
    service_of,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MISSING = "Consent to IV ketamine treatment (version 1) is not signed."


def open_the_request(desk: Any, base: str) -> None:
    desk.goto(f"{base}/scheduling/desk/requests/")
    desk.get_by_role("link", name="Open").click()
    desk.get_by_role("heading", name="Confirm a request").wait_for()


def test_i_sign_the_iv_consent_and_the_desk_can_then_confirm_my_infusion(
    live_server: Any, page: Any, new_page: Any, settings: Any
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False  # MFA has its own journey.
    base = live_server.url
    me = PatientFactory(
        email="sam@example.test", profile__legal_name="Samira Haddad", profile__preferred_name="Sam"
    )
    approve_patient(me, Modality.IV, consents=False)
    FrontDeskFactory(email="desk@example.test", full_name="Frankie Desk")
    nurse = ClinicianFactory(email="nurse@example.test", full_name="Nico Alvarez")
    hours_every_day(nurse, folsom(), dt.time(8), dt.time(17))
    RoomFactory(kind=RoomKind.INFUSION_CHAIR, name="Chair 1")
    AppointmentRequestFactory(patient=me, service=service_of(ServiceKind.IV_INFUSION))

    # The desk opens my request: it names what is missing, and confirming is refused.
    desk = new_page()
    log_in(desk, base, "desk@example.test", TEST_PASSWORD)
    open_the_request(desk, base)
    assert MISSING in desk.get_by_test_id("gate-gaps").inner_text()
    desk.get_by_test_id("slot-option").nth(1).click()
    with desk.expect_response(lambda r: r.request.method == "POST") as refused:
        desk.get_by_role("button", name="Confirm this time").click()
    assert refused.value.status == 200  # the page again, not a redirect
    desk.get_by_text(MISSING).first.wait_for()
    assert not Appointment.objects.filter(patient=me).exists()

    # On my phone, my home page says I have forms to sign.
    log_in(page, base, "sam@example.test", TEST_PASSWORD)
    panel = page.get_by_test_id("consents-panel")
    panel.get_by_text("forms to read and sign", exact=False).wait_for()
    panel.get_by_role("link", name="Read and sign").click()
    page.get_by_role("heading", name="Forms to sign").wait_for()
    page.get_by_test_id("consent-due-treatment_iv").get_by_role("link").click()
    page.get_by_role("heading", name="Consent to IV ketamine infusion treatment").wait_for()
    assert "0.5 mg per kg" in page.get_by_test_id("consent-text").inner_text()

    # A name that is not my legal name is refused, with why; what I typed stays.
    page.get_by_label("I have read this form and I agree to it.").check()
    page.get_by_label("I agree to sign this form electronically", exact=False).check()
    page.get_by_label("Type your full legal name to sign").fill("Sam Haddad")
    page.get_by_role("button", name="Sign").click()
    page.get_by_text("does not match the legal name on your file", exact=False).first.wait_for()
    assert page.get_by_label("Type your full legal name to sign").input_value() == "Sam Haddad"
    assert not ConsentSignature.objects.filter(patient=me).exists()

    # My legal name, however I capitalise it, signs it.
    page.get_by_label("I have read this form and I agree to it.").check()
    page.get_by_label("I agree to sign this form electronically", exact=False).check()
    page.get_by_label("Type your full legal name to sign").fill("samira  HADDAD")
    page.get_by_role("button", name="Sign").click()
    page.get_by_text("is signed", exact=False).first.wait_for()
    signed = page.get_by_test_id("consent-signed-treatment_iv")
    with page.expect_download() as download:
        signed.get_by_role("link", name="Download signed copy (PDF)").click()
    assert download.value.suggested_filename == "signed-treatment_iv-v1.pdf"
    signature = ConsentSignature.objects.get(patient=me)
    assert signature.ip_address == "127.0.0.1"
    assert "Chrome" in signature.user_agent

    # The desk looks again: nothing is missing, and the same request is confirmed.
    open_the_request(desk, base)
    assert desk.get_by_test_id("gate-gaps").count() == 0
    desk.get_by_test_id("slot-option").nth(1).click()
    desk.get_by_role("button", name="Confirm this time").click()
    desk.get_by_text("The patient is notified").wait_for()
    assert (
        Appointment.objects.filter(patient=me, service__kind=ServiceKind.IV_INFUSION).count() == 1
    )


def card_photo_with_location(path: Path) -> Path:
    image = Image.new("RGB", (320, 200), (30, 90, 160))
    exif = Image.Exif()
    exif[0x010F] = "PhoneCam"
    exif[0x8825] = {1: "N", 2: (38.0, 40.0, 12.5), 3: "W", 4: (121.0, 10.0, 33.0)}
    image.save(path, format="JPEG", exif=exif.tobytes())
    return path


def test_i_upload_my_insurance_card_and_the_desk_sees_it(
    live_server: Any, page: Any, new_page: Any, settings: Any, tmp_path: Path
) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    me = PatientFactory(email="lee@example.test", profile__preferred_name="Lee")
    desk_user = FrontDeskFactory(email="desk2@example.test", full_name="Frankie Desk")

    # On my phone I open My documents and upload the front of my card.
    log_in(page, base, "lee@example.test", TEST_PASSWORD)
    page.goto(f"{base}/intake/documents/")
    page.get_by_role("heading", name="My documents").wait_for()
    # A program renamed as a photo is refused, whatever its name says.
    fake = tmp_path / "card.jpg"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 500)
    page.get_by_label("Which document").select_option("insurance_front")
    page.get_by_label("File").set_input_files(str(fake))
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("whatever its name says", exact=False).first.wait_for()
    assert page.get_by_label("Which document").input_value() == "insurance_front"

    page.get_by_label("File").set_input_files(str(card_photo_with_location(tmp_path / "front.jpg")))
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("Insurance card, front is uploaded", exact=False).wait_for()
    assert "Uploaded" in page.get_by_test_id("document-insurance_front").inner_text()
    document = PatientDocument.objects.get(patient=me)
    with default_storage.open(document.file.name, "rb") as stored:
        assert not Image.open(io.BytesIO(stored.read())).getexif()

    # At the desk, my page shows the card as a picture.
    desk = new_page()
    log_in(desk, base, "desk2@example.test", TEST_PASSWORD)
    desk.goto(f"{base}/intake/staff/patients/{me.pk}/documents/")
    card = desk.get_by_test_id("staff-document-insurance_front")
    picture = card.get_by_role("img")
    picture.wait_for()
    assert desk.evaluate("img => img.naturalWidth", picture.element_handle()) == 320
    assert "Not uploaded" in desk.get_by_test_id("staff-document-photo_id").inner_text()
    assert AuditEvent.objects.filter(
        actor=desk_user, patient=me, action="document.download"
    ).exists()
