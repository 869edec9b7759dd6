"""Uploaded documents: accepted by content only, within the size limit, images stripped
of their metadata; stored privately; downloads permission-checked and audited."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from intake import uploads
from intake.document_models import PatientDocument
from portal.audit import AuditEvent

pytestmark = pytest.mark.django_db

GPS = 0x8825  # the EXIF GPS IFD
MAKE = 0x010F


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG as a phone writes it: EXIF with the camera's make and a GPS position."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[MAKE] = "PhoneCam"
    exif[GPS] = {1: "N", 2: (38.0, 40.0, 12.5), 3: "W", 4: (121.0, 10.0, 33.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"taken at home")
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 90, 200)).save(out, format="PNG")
    return out.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200  # a Windows .exe's header
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 100


@pytest.fixture(autouse=True)
def _private_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, kind: str, name: str, content: bytes, content_type: str = "image/jpeg"):
    return client.post(
        reverse("intake:my-documents"),
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


# --- the rule, without the database ---


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0", uploads.JPEG),
        (b"\x89PNG\r\n\x1a\n", uploads.PNG),
        (b"%PDF-1.7", uploads.PDF),
        (b"MZ\x90\x00", None),
        (b"\x7fELF", None),
        (b"GIF89a", None),
        (b"<svg xmlns", None),
        (b"", None),
    ],
)
def test_the_type_is_read_from_the_first_bytes(head, expected) -> None:
    assert uploads.sniff(head) == expected


def test_a_file_with_a_jpeg_header_that_is_not_a_picture_is_refused() -> None:
    with pytest.raises(uploads.UploadRefusedError, match="could not read this picture"):
        uploads.clean_upload(b"\xff\xd8\xff\xe0" + b"not really" * 20, max_bytes=10_000)


def test_a_pdf_with_javascript_is_refused() -> None:
    data = b"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n%%EOF\n"
    with pytest.raises(uploads.UploadRefusedError, match="scripts"):
        uploads.clean_upload(data, max_bytes=10_000)


def test_a_png_is_reencoded_without_its_text_chunks() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address")
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG", pnginfo=info)
    clean = uploads.clean_upload(out.getvalue(), max_bytes=10_000)
    assert b"home address" not in clean.content
    assert Image.open(io.BytesIO(clean.content)).format == "PNG"


# --- uploads through the page ---


def test_a_jpeg_is_stored_without_its_gps_location_or_camera(client_for, patient) -> None:
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS)  # premise: GPS present
    response = upload(client_for(patient), "insurance_front", "card.jpg", original)
    assert response.status_code == 302
    document = PatientDocument.objects.get(patient=patient)
    with default_storage.open(document.file.name, "rb") as stored:
        data = stored.read()
    kept = Image.open(io.BytesIO(data))
    assert kept.format == "JPEG"
    assert kept.size == (64, 48)
    assert not kept.getexif()  # no EXIF at all: no GPS, no camera
    assert "exif" not in kept.info
    assert "comment" not in kept.info
    assert b"PhoneCam" not in data
    assert b"taken at home" not in data
    assert document.content_type == "image/jpeg"
    assert document.size_bytes == len(data)


def test_a_renamed_executable_is_refused_and_nothing_is_kept(client_for, patient) -> None:
    client = client_for(patient)
    for name, content in (("photo.jpg", EXECUTABLE), ("card.pdf", ELF), ("id.png", EXECUTABLE)):
        response = upload(client, "photo_id", name, content)
        assert response.status_code == 200
        assert "This file is not one of those, whatever its name says." in response.content.decode()
    assert not PatientDocument.objects.exists()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_an_oversized_file_is_refused(client_for, patient, settings) -> None:
    settings.PORTAL_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    big = jpeg_with_gps() + b"\x00" * (10 * 1024 * 1024)
    response = upload(client_for(patient), "photo_id", "id.jpg", big)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This file is larger than 10 MB" in html
    assert 'value="photo_id" selected' in html  # the choice is kept
    assert not PatientDocument.objects.exists()


def test_a_pdf_and_a_png_are_accepted(client_for, patient) -> None:
    client = client_for(patient)
    assert (
        upload(client, "insurance_back", "back.pdf", PDF_BYTES, "application/pdf").status_code
        == 302
    )
    assert upload(client, "photo_id", "id.png", png_bytes(), "image/png").status_code == 302
    kinds = dict(PatientDocument.objects.values_list("kind", "content_type"))
    assert kinds == {"insurance_back": "application/pdf", "photo_id": "image/png"}


def test_the_stored_name_keeps_nothing_of_the_original(client_for, patient) -> None:
    upload(client_for(patient), "photo_id", "Dana Reyes license.jpg", jpeg_with_gps())
    name = PatientDocument.objects.get().file.name
    assert name.startswith("patient-documents/")
    assert "Dana" not in name
    assert name.endswith(".jpg")


def test_my_documents_shows_the_latest_of_each_kind(
    client_for, patient, django_assert_max_num_queries
) -> None:
    client = client_for(patient)
    upload(client, "insurance_front", "a.jpg", jpeg_with_gps())
    upload(client, "insurance_front", "b.jpg", jpeg_with_gps((30, 30)))
    latest = PatientDocument.objects.filter(kind="insurance_front").order_by("-id").first()
    with django_assert_max_num_queries(8):
        html = client.get(reverse("intake:my-documents")).content.decode()
    assert reverse("intake:document-download", args=[latest.pk]) in html
    assert html.count("Not uploaded") == 2


# --- downloads ---


def test_a_patient_downloads_their_own_document_and_it_is_audited(client_for, patient) -> None:
    client = client_for(patient)
    upload(client, "photo_id", "id.jpg", jpeg_with_gps())
    document = PatientDocument.objects.get()
    response = client.get(reverse("intake:document-download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"
    assert AuditEvent.objects.filter(
        actor=patient, patient=patient, action="document.download", object_id=str(document.pk)
    ).exists()


def test_a_pdf_is_downloaded_as_an_attachment(client_for, patient) -> None:
    client = client_for(patient)
    upload(client, "insurance_back", "back.pdf", PDF_BYTES, "application/pdf")
    document = PatientDocument.objects.get()
    response = client.get(reverse("intake:document-download", args=[document.pk]))
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_patient_cannot_read_another_patients_document_by_any_id(
    client_for, patient, other_patient
) -> None:
    upload(client_for(patient), "photo_id", "id.jpg", jpeg_with_gps())
    document = PatientDocument.objects.get()
    client = client_for(other_patient)
    for guess in (document.pk, document.pk + 1, 0, 2**31, 2**63 - 1):
        assert client.get(reverse("intake:document-download", args=[guess])).status_code == 404
    assert client.get(f"/intake/documents/{document.pk}/file/").status_code == 404
    assert not AuditEvent.objects.filter(actor=other_patient).exists()


def test_no_public_url_serves_the_files(client, patient, client_for) -> None:
    upload(client_for(patient), "photo_id", "id.jpg", jpeg_with_gps())
    name = PatientDocument.objects.get().file.name
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"
    for guess in (f"/{name}", f"/media/{name}", f"/static/{name}"):
        assert client.get(guess).status_code == 404


def test_the_desk_sees_the_patients_documents_and_each_read_is_audited(
    client_for, patient, front_desk, clinician
) -> None:
    upload(client_for(patient), "insurance_front", "card.jpg", jpeg_with_gps())
    document = PatientDocument.objects.get()
    for staff in (front_desk, clinician):
        client = client_for(staff)
        page = client.get(reverse("intake:staff-patient-documents", args=[patient.pk]))
        html = page.content.decode()
        file_url = reverse("intake:document-download", args=[document.pk])
        assert f'src="{file_url}"' in html
        assert client.get(file_url).status_code == 200
        actions = set(
            AuditEvent.objects.filter(actor=staff, patient=patient).values_list("action", flat=True)
        )
        assert actions == {"document.list.view", "document.download"}


def test_the_staff_documents_page_reads_in_bounded_queries(
    client_for, patient, front_desk, django_assert_max_num_queries
) -> None:
    client = client_for(patient)
    for kind in ("photo_id", "insurance_front", "insurance_back"):
        upload(client, kind, "x.jpg", jpeg_with_gps())
        upload(client, kind, "y.jpg", jpeg_with_gps())
    staff = client_for(front_desk)
    with django_assert_max_num_queries(12):
        html = staff.get(
            reverse("intake:staff-patient-documents", args=[patient.pk])
        ).content.decode()
    assert html.count("<img") == 3
