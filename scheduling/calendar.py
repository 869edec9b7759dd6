"""The calendar file a patient downloads for a confirmed visit.

A calendar entry is seen by whoever shares the calendar, so it names only the clinic
location and the time, and points to the portal for details: never the service, which
would reveal a treatment. Its words are in the active language: the patient's own, as
the download is a signed-in patient's request (portal.i18n).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event

from scheduling.models import Appointment


def appointment_ics(appointment: Appointment, *, portal_url: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", f"-//{settings.PORTAL_CLINIC_NAME}//Appointments//EN")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@{settings.PORTAL_BASE_URL.split('//')[-1]}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    summary = gettext("Appointment: %(clinic)s, %(where)s")
    event.add(
        "summary", summary % {"clinic": settings.PORTAL_CLINIC_NAME, "where": appointment.where}
    )
    if appointment.location_id:
        event.add("location", f"{appointment.location.name}, {appointment.location.address}")
    else:
        event.add("location", gettext("Telehealth (video link in your portal)"))
    event.add("description", gettext("Details in your portal: %(url)s") % {"url": portal_url})
    cal.add_component(event)
    return cal.to_ical()
