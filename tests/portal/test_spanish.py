"""Spanish for patients (issue 21): who reads which language, and where it is kept.

The language chosen before sign-in is the new profile's; after sign-in the profile's
language wins (pages, emails, texts, the calendar file); staff pages stay English.
"""

from __future__ import annotations

import datetime as dt
import gettext
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import unquote_plus
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as gettext_
from icalendar import Calendar

from portal import formats
from portal.catalogs import mo_bytes, parse_po
from portal.extensions import nav_items
from portal.models import Language, PatientProfile, User
from portal.notifications.dispatch import notifications_dispatch_due
from portal.notifications.models import Channel
from portal.permissions import Capability
from tests.factories import TEST_PASSWORD
from tests.notifications.factories import outbox_row
from tests.scheduling.factories import appointment_booked, next_local

PASSWORD = "a-long-enough-passphrase-42"
LA = ZoneInfo("America/Los_Angeles")


def speaks(user: User, language: str) -> User:
    PatientProfile.objects.filter(user=user).update(language=language)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def twilio(settings: Any) -> Any:
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    settings.TWILIO_FROM_NUMBER = "+19165550100"
    with mock.patch("urllib.request.urlopen") as urlopen:
        urlopen.return_value.__enter__.return_value.read.return_value = b'{"sid": "SM1"}'
        yield urlopen


def sent_text(twilio: Any) -> str:
    body = twilio.call_args.args[0].data.decode()
    return unquote_plus(dict(pair.split("=", 1) for pair in body.split("&"))["Body"])


# --- messages follow the recipient's profile --------------------------------------------


@pytest.mark.django_db
def test_a_spanish_patients_reminder_email_is_in_spanish(patient: User) -> None:
    outbox_row(speaks(patient, "es"))
    assert notifications_dispatch_due().sent == 1
    [email] = mail.outbox
    # 2026-03-03 18:00 UTC is Tuesday 3 March, 10:00 in the morning in California.
    assert email.subject == "Recordatorio: su visita del mar 3 mar, 10:00 a.m."
    assert "Le recordamos su visita del mar 3 mar, 10:00 a.m. en Folsom." in email.body
    assert "¿Preguntas? Llámenos" in email.body
    html = email.alternatives[0][0]
    assert '<html lang="es">' in html
    assert "Abrir su portal" in html
    assert "reminder" not in (email.subject + email.body).lower()


@pytest.mark.django_db
def test_an_english_patients_reminder_email_stays_english(patient: User) -> None:
    outbox_row(patient)
    assert notifications_dispatch_due().sent == 1
    [email] = mail.outbox
    assert email.subject == "Reminder: your visit on Tue 3 Mar, 10:00 AM"
    assert "This is a reminder of your visit on Tue 3 Mar, 10:00 AM at Folsom." in email.body
    assert '<html lang="en">' in email.alternatives[0][0]


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 3, 3, 12, 0, tzinfo=LA), tick=False)
def test_texts_follow_each_patients_language(
    patient: User, other_patient: User, twilio: Any
) -> None:
    outbox_row(speaks(patient, "es"), channel=Channel.SMS)
    assert notifications_dispatch_due().sent == 1
    spanish = sent_text(twilio)
    assert "recordatorio de su visita del mar 3 mar, 10:00 a.m. en Folsom" in spanish
    assert "Detalles en su portal" in spanish

    PatientProfile.objects.filter(user=other_patient).update(phone="+19165550143")
    outbox_row(other_patient, channel=Channel.SMS)
    assert notifications_dispatch_due().sent == 1
    assert "reminder of your visit on Tue 3 Mar, 10:00 AM at Folsom" in sent_text(twilio)


@pytest.mark.django_db
def test_the_calendar_file_speaks_the_patients_language(
    client_for: Any, patient: User, other_patient: User
) -> None:
    spanish = speaks(patient, "es")
    appointment = appointment_booked(patient=spanish, starts_at=next_local(3, 10))
    url = reverse("scheduling:appointment-ics", args=[appointment.pk])
    event = Calendar.from_ical(client_for(spanish).get(url).content).walk("VEVENT")[0]
    assert str(event.get("summary")).startswith("Cita: ")
    assert str(event.get("summary")).endswith(", Folsom")
    assert str(event.get("description")).startswith("Detalles en su portal: ")

    english = appointment_booked(patient=other_patient, starts_at=next_local(4, 10))
    url = reverse("scheduling:appointment-ics", args=[english.pk])
    event = Calendar.from_ical(client_for(other_patient).get(url).content).walk("VEVENT")[0]
    assert str(event.get("summary")).startswith("Appointment: ")
    assert str(event.get("description")).startswith("Details in your portal: ")


# --- the choice before sign-in, and after ---------------------------------------------


@pytest.mark.django_db
def test_the_language_chosen_before_sign_up_is_kept_on_the_profile() -> None:
    client = Client()
    chosen = client.post(reverse("portal:language-set"), {"language": "es", "next": "/"})
    assert chosen.status_code == 302
    assert chosen.cookies["portal_language"].value == "es"
    signup_page = client.get("/accounts/signup/").content.decode()
    assert '<html lang="es">' in signup_page
    assert "Idioma:" in signup_page
    client.post(
        "/accounts/signup/",
        {"email": "nueva@example.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    profile = PatientProfile.objects.get(user__email="nueva@example.test")
    assert profile.language == Language.SPANISH


@pytest.mark.django_db
def test_without_a_choice_a_new_profile_is_english() -> None:
    Client().post(
        "/accounts/signup/",
        {"email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert PatientProfile.objects.get(user__email="new@example.test").language == "en"


@pytest.mark.django_db
def test_the_profile_language_is_used_after_sign_in_whatever_the_cookie(patient: User) -> None:
    speaks(patient, "es")
    client = Client()
    client.cookies["portal_language"] = "en"
    signed_in = client.post("/accounts/login/", {"login": patient.email, "password": TEST_PASSWORD})
    assert signed_in.status_code == 302
    response = client.get(reverse("portal:patient-home"))
    page = response.content.decode()
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in page
    assert "Hola, " in page
    # The sign-in page after sign-out greets them in their language too: the cookie says
    # so from the sign-in's own response on.
    assert signed_in.cookies["portal_language"].value == "es"
    assert client.cookies["portal_language"].value == "es"


@pytest.mark.django_db
def test_a_signed_in_patient_switching_language_changes_their_profile(
    client_for: Any, patient: User
) -> None:
    client = client_for(patient)
    client.post(reverse("portal:language-set"), {"language": "es", "next": "/patient/"})
    assert PatientProfile.objects.get(user=patient).language == "es"
    assert "Su perfil" in client.get(reverse("portal:patient-home")).content.decode()
    client.post(reverse("portal:language-set"), {"language": "en", "next": "/patient/"})
    assert "Your profile" in client.get(reverse("portal:patient-home")).content.decode()


@pytest.mark.django_db
def test_the_profile_page_changes_the_language(client_for: Any, patient: User) -> None:
    client = client_for(patient)
    form = client.get(reverse("portal:profile-edit")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(language="es", preferred_location="")
    response = client.post(reverse("portal:profile-edit"), data, follow=True)
    assert PatientProfile.objects.get(user=patient).language == "es"
    assert "Se guardó su perfil." in response.content.decode()


@pytest.mark.django_db
def test_staff_pages_stay_english_whatever_the_cookie(client_for: Any, front_desk: User) -> None:
    client = client_for(front_desk)
    client.cookies["portal_language"] = "es"
    response = client.get(reverse("portal:front-desk-home"))
    assert response["Content-Language"] == "en"
    assert "Sign out" in response.content.decode()


@pytest.mark.django_db
def test_staff_see_the_patients_language_on_the_chart(
    client_for: Any, front_desk: User, patient: User
) -> None:
    speaks(patient, "es")
    page = client_for(front_desk).get(reverse("portal:patient-chart", args=[patient.pk]))
    assert 'data-testid="chart-language">Español</dd>' in page.content.decode()


@pytest.mark.django_db
def test_the_switcher_refuses_unknown_languages_and_foreign_redirects() -> None:
    client = Client()
    response = client.post(
        reverse("portal:language-set"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert "portal_language" not in response.cookies
    # A bare word is no page of ours (it once reached reverse() and was a 500).
    response = client.post(reverse("portal:language-set"), {"language": "es", "next": "home"})
    assert response["Location"] == "/"
    assert response.cookies["portal_language"].value == "es"


@pytest.mark.django_db
def test_every_link_in_a_patients_navigation_reads_in_spanish(
    client_for: Any, patient: User
) -> None:
    patient_links = [
        str(item.label) for item in nav_items() if item.capability == Capability.PATIENT_SELF
    ]
    assert patient_links
    with translation.override("es"):
        untranslated = [label for label in patient_links if gettext_(label) == label]
    assert untranslated == []
    page = client_for(speaks(patient, "es")).get(reverse("portal:patient-home"))
    labels = [link.label for link in page.context["nav_links"]]
    assert "Citas" in labels
    assert "Appointments" not in labels


# --- dates and times --------------------------------------------------------------------


def test_spanish_days_months_and_times() -> None:
    start = dt.datetime(2026, 12, 2, 10, 30, tzinfo=LA)
    end = dt.datetime(2026, 12, 2, 17, 30, tzinfo=LA)
    with translation.override("es"):
        assert formats.format_when(end) == "mié 2 dic, 5:30 p.m."
        assert formats.format_date(end) == "2 dic 2026"
        assert formats.format_time_range(start, end) == "10:30 a.m. a 5:30 p.m."
        assert formats.format_time_range(end - dt.timedelta(hours=1), end) == "4:30 a 5:30 p.m."
    with translation.override("en"):
        assert formats.format_time_range(start, end) == "10:30 AM to 5:30 PM"


# --- the pure-Python catalog compiler ---------------------------------------------------

PO = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Save"
msgstr "Guardar"

msgctxt "month"
msgid "May"
msgstr "mayo"

msgid "A long line "
"that continues"
msgstr "Una línea larga "
"que sigue"

#, fuzzy
msgid "Doubtful"
msgstr "Dudoso"

msgid "Untranslated"
msgstr ""

msgid "%(count)s visit"
msgid_plural "%(count)s visits"
msgstr[0] "%(count)s visita"
msgstr[1] "%(count)s visitas"
"""


def test_po_files_compile_to_mo_files_gettext_reads(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(PO, encoding="utf-8")
    mo = tmp_path / "django.mo"
    mo.write_bytes(mo_bytes(parse_po(po)))
    catalog = gettext.GNUTranslations(mo.open("rb"))
    assert catalog.gettext("Save") == "Guardar"
    assert catalog.pgettext("month", "May") == "mayo"
    assert catalog.gettext("A long line that continues") == "Una línea larga que sigue"
    # Fuzzy and empty translations are left out: the English shows.
    assert catalog.gettext("Doubtful") == "Doubtful"
    assert catalog.gettext("Untranslated") == "Untranslated"
    assert catalog.ngettext("%(count)s visit", "%(count)s visits", 1) == "%(count)s visita"
    assert catalog.ngettext("%(count)s visit", "%(count)s visits", 3) == "%(count)s visitas"


@pytest.mark.parametrize(
    ("language", "spanish", "expected"),
    [
        ("es", "Hola", "Hola"),
        ("es-mx", "Hola", "Hola"),
        ("es", "  ", "Hello"),  # the clinic wrote no Spanish: its English
        ("en", "Hola", "Hello"),
        ("fr", "Hola", "Hello"),
    ],
)
def test_clinic_text_reads_in_the_given_language_where_the_clinic_wrote_it(
    language: str, spanish: str, expected: str
) -> None:
    from portal.i18n import in_language

    assert in_language("Hello", spanish, language) == expected


def test_clinic_text_follows_the_active_language_when_none_is_given() -> None:
    from portal.i18n import in_language

    with translation.override("es"):
        assert in_language("Hello", "Hola") == "Hola"
    with translation.override("en"):
        assert in_language("Hello", "Hola") == "Hello"


@pytest.mark.django_db
def test_switching_language_keeps_the_new_choice_in_the_cookie(
    client_for: Any, patient: User
) -> None:
    """The language middleware read the old language before the switcher ran: the cookie
    it writes after the view is the one the session holds now, not the old one."""
    client = client_for(patient)
    client.get(reverse("portal:patient-home"))
    for before, chosen in (("en", "es"), ("es", "en")):
        # No cookie yet (a new browser, or cleared cookies): the middleware writes one.
        client.cookies.pop("portal_language", None)
        switched = client.post(reverse("portal:language-set"), {"language": chosen, "next": "/"})
        assert switched.cookies["portal_language"].value == chosen, before
        assert client.cookies["portal_language"].value == chosen
        page = client.get(reverse("portal:patient-home"))
        assert page["Content-Language"] == chosen


@pytest.mark.django_db
def test_signing_out_keeps_the_language_last_read_in_the_cookie(patient: User) -> None:
    speaks(patient, "es")
    client = Client()
    client.post("/accounts/login/", {"login": patient.email, "password": TEST_PASSWORD})
    client.cookies["portal_language"] = "en"
    client.post("/accounts/logout/")
    assert client.cookies["portal_language"].value == "es"


def test_the_switcher_offers_exactly_the_languages_a_profile_takes(settings: Any) -> None:
    """settings.LANGUAGES and Language are made from one list (portal.languages)."""
    from portal import i18n

    assert Language.choices == settings.LANGUAGES
    assert set(Language.values) == i18n.SUPPORTED
    assert Language.SPANISH == "es"
    assert Language.SPANISH.label == "Español"


@pytest.mark.django_db
@pytest.mark.parametrize("code", [code for code, _name in Language.choices])
def test_every_offered_language_can_be_chosen_by_a_patient(
    code: str, client_for: Any, patient: User
) -> None:
    response = client_for(patient).post(
        reverse("portal:language-set"), {"language": code, "next": "/"}
    )
    assert response.status_code == 302
    assert PatientProfile.objects.get(user=patient).language == code
