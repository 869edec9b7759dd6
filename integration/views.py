"""Pages of integration: check-ins, journal, trend charts, integration booking.

Thin: check access, call one selector or service, render or redirect.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integration import selectors, services
from integration.forms import CHECKIN_FORMS, JournalEntryForm, MoodForm, SlotBookForm, SlotDayForm
from integration.models import Instrument, JournalEntry, SymptomCheckin
from integration.window import CLINIC_ZONE, booking_refusal, local_label
from portal.audit import audit_clinical_read
from portal.forms import add_service_errors
from portal.models import Role, User
from portal.permissions import Capability, access_patient_object, require
from scheduling.models import Room, Service
from treatments.models import DosingSession

# --- Mood ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def mood_edit(request: HttpRequest) -> HttpResponse:
    today = selectors.mood_today(patient=request.user)
    initial = {"score": str(today.score), "note": today.note} if today else None
    form = MoodForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.mood_checkin_save(
                patient=request.user,
                score=form.cleaned_data["score"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, gettext("Today's mood is saved. You can change it until midnight.")
            )
            return redirect("integration:trends")
    return render(request, "integration/mood_edit.html", {"form": form, "today": today})


# --- Weekly check-ins ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def checkin_create(request: HttpRequest, instrument: str) -> HttpResponse:
    if instrument not in CHECKIN_FORMS:
        raise Http404
    kind = Instrument(instrument)
    done_today = selectors.symptom_checkin_today(patient=request.user, instrument=kind)
    form = CHECKIN_FORMS[kind](request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            checkin = services.symptom_checkin_submit(
                patient=request.user, instrument=kind, answers=form.items()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Thank you. Your %(instrument)s is saved.") % {"instrument": kind.label},
            )
            return redirect("integration:checkin-detail", checkin_id=checkin.pk)
    return render(
        request,
        "integration/checkin_create.html",
        {"form": form, "instrument": kind, "done_today": done_today},
    )


@require_GET
@require(Capability.PATIENT_SELF, Capability.TRENDS_VIEW)
def checkin_detail(request: HttpRequest, checkin_id: int) -> HttpResponse:
    checkin = access_patient_object(
        request.user,
        SymptomCheckin.objects.select_related("patient"),
        staff_capability=Capability.TRENDS_VIEW,
        pk=checkin_id,
    )
    if request.user.role != Role.PATIENT:
        audit_clinical_read(
            request=request, action="integration.checkin.view", patient=checkin.patient, obj=checkin
        )
    return render(request, "integration/checkin_detail.html", {"checkin": checkin})


# --- Trends --------------------------------------------------------------------------


def _trend_context(request: HttpRequest, patient: User) -> dict[str, Any]:
    range_key, since = selectors.chart_since(request.GET.get("range", ""))
    chart = selectors.chart_data(patient=patient, since=since)
    return {
        "patient": patient,
        "chart": chart,
        # The words the chart's script draws on the canvas, in the reader's language.
        "chart_words": {
            "intake": gettext("intake"),
            "mood": gettext("Mood"),
            "bands": {
                band["label"]: gettext(band["label"])
                for key in ("phq9", "gad7")
                for band in chart["bands"][key]
            },
        },
        "changes": selectors.trend_changes(chart),
        "range_key": range_key,
        "since": since,
        "ranges": [
            ("90", gettext("3 months")),
            ("365", gettext("1 year")),
            ("all", gettext("All")),
        ],
    }


@require_GET
@require(Capability.PATIENT_SELF)
def trends(request: HttpRequest) -> HttpResponse:
    context = _trend_context(request, request.user)
    context.update(
        selectors.trend_headlines(
            patient=request.user, chart=context["chart"], since=context["since"]
        )
    )
    return render(request, "integration/trends.html", context)


@require_GET
@require(Capability.CLINICAL_VIEW)
def patient_trends(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = (
        User.objects.select_related("patient_profile")
        .filter(pk=patient_id, role=Role.PATIENT)
        .first()
    )
    if patient is None:
        raise Http404
    audit_clinical_read(request=request, action="integration.trends.view", patient=patient)
    context = _trend_context(request, patient)
    context.update(
        shared_entries=selectors.journal_entries_shared(patient=patient),
        last_checkins=selectors.last_symptom_checkins(patient=patient),
    )
    return render(request, "integration/patient_trends.html", context)


# --- Journal -------------------------------------------------------------------------


@require_GET
@require(Capability.PATIENT_SELF)
def journal_list(request: HttpRequest) -> HttpResponse:
    entries = selectors.journal_entries_of(patient=request.user)
    return render(request, "integration/journal_list.html", {"entries": entries})


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def journal_create(request: HttpRequest) -> HttpResponse:
    form = JournalEntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_entry_create(
                patient=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                share=form.cleaned_data["share"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("Your journal entry is saved."))
            return redirect("integration:journal-list")
    return render(request, "integration/journal_edit.html", {"form": form, "entry": None})


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def journal_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    # Patients only: an entry is the patient's own, whoever else asks gets nothing.
    entry = access_patient_object(request.user, JournalEntry.objects.all(), pk=entry_id)
    form = JournalEntryForm(request.POST if request.method == "POST" else None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_entry_update(
                entry=entry,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                share=form.cleaned_data["share"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("Your journal entry is saved."))
            return redirect("integration:journal-list")
    return render(request, "integration/journal_edit.html", {"form": form, "entry": entry})


# --- Integration booking -------------------------------------------------------------


def _session_for(request: HttpRequest, session_id: int) -> DosingSession:
    return access_patient_object(
        request.user,
        DosingSession.objects.select_related("patient", "patient__patient_profile"),
        staff_capability=Capability.INTEGRATION_BOOK,
        pk=session_id,
        status=DosingSession.Status.DISCHARGED,
    )


def _slot_page(
    request: HttpRequest, session: DosingSession, day_param: str | None, refusal: str = ""
) -> HttpResponse:
    window = selectors.window_of(session)
    opens, closes = window.local()
    days = [
        opens.date() + dt.timedelta(days=n) for n in range((closes.date() - opens.date()).days + 1)
    ]
    day_form = SlotDayForm({"day": day_param} if day_param else {"day": days[0].isoformat()})
    slots: list[selectors.OfferedSlot] = []
    day = None
    outside = ""
    if day_form.is_valid():
        day = day_form.cleaned_data["day"]
        if day in days:
            slots = selectors.integration_slots(window=window, day=day)
        else:
            outside = (
                booking_refusal(
                    window,
                    dt.datetime.combine(day, dt.time(12), tzinfo=CLINIC_ZONE),
                    for_staff=request.user.role != Role.PATIENT,
                )
                or ""
            )
    booked = selectors.integration_booked_for(session)
    return render(
        request,
        "integration/slot_list.html",
        {
            "session": session,
            "window": window,
            "hours_left": window.hours_left(timezone.now()),
            "days": days,
            "day": day,
            "day_form": day_form,
            "slots": slots,
            "outside": outside,
            "refusal": refusal,
            "booked": booked,
        },
        status=400 if refusal else 200,
    )


@require_GET
@require(Capability.PATIENT_SELF, Capability.INTEGRATION_BOOK)
def slot_list(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    return _slot_page(request, session, request.GET.get("day"))


@require_POST
@require(Capability.PATIENT_SELF, Capability.INTEGRATION_BOOK)
def booking_create(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_for(request, session_id)
    form = SlotBookForm(request.POST)
    if not form.is_valid():
        return _slot_page(request, session, None, refusal=gettext("That time could not be read."))
    data = form.cleaned_data
    service = Service.objects.filter(pk=data["service"]).first()
    clinician = User.objects.filter(pk=data["clinician"], role=Role.CLINICIAN).first()
    room = (
        Room.objects.select_related("location").filter(pk=data["room"]).first()
        if data["room"]
        else None
    )
    if service is None or clinician is None or (data["room"] and room is None):
        return _slot_page(
            request, session, None, refusal=gettext("That time is no longer offered.")
        )
    try:
        appointment = services.integration_book(
            session=session,
            service=service,
            starts_at=data["starts_at"],
            clinician=clinician,
            room=room,
            booked_by=request.user,
        )
    except ValidationError as error:
        day = data["starts_at"].astimezone(CLINIC_ZONE).date().isoformat()
        return _slot_page(request, session, day, refusal=" ".join(error.messages))
    messages.success(
        request,
        gettext("Integration therapy booked: %(when)s with %(clinician)s.")
        % {"when": local_label(appointment.starts_at), "clinician": clinician.display_name},
    )
    if request.user.role == Role.PATIENT:
        return redirect("integration:slot-list", session_id=session.pk)
    return redirect("integration:window-list")


@require_GET
@require(Capability.SCHEDULE_VIEW)
def window_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.sessions_needing_integration()
    return render(request, "integration/window_list.html", {"rows": rows})
