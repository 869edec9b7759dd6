"""Scheduling pages: the patient's requests and appointments, the front desk's queue,
confirm/decline, and the day view. Thin: check access, validate, call one service."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intake.selectors import visit_gate_gaps
from portal.forms import add_service_errors
from portal.models import Location
from portal.notifications.models import Channel
from portal.notifications.selectors import preference_for
from portal.permissions import Capability, access_patient_object, has_capability, require
from scheduling import calendar
from scheduling.billing_selectors import price_list
from scheduling.forms import (
    AppointmentCancelForm,
    AppointmentRequestForm,
    ConfirmForm,
    DayViewForm,
    DeclineForm,
    QueueFilterForm,
    RescheduleRequestForm,
    SlotSearchForm,
    StaffCancelForm,
    offer_value,
    picker_choices,
)
from scheduling.models import (
    Appointment,
    AppointmentRequest,
    ContactPreference,
    DayPart,
    SchedulingSettings,
)
from scheduling.selectors import (
    active_locations,
    alternative_offers,
    appointments_for_patient,
    day_view,
    free_slots,
    queue_locations,
    request_queue_counts,
    request_queue_page,
    request_queue_total,
    requests_for_patient,
    service_choices,
    slot_offers,
    telehealth_join_minutes,
)
from scheduling.services import (
    STATUS_MOVES,
    appointment_cancel,
    appointment_request_cancel,
    appointment_request_confirm,
    appointment_request_create,
    appointment_request_decline,
    appointment_reschedule_request,
    appointment_set_status,
    is_late_cancellation,
)
from scheduling.slot_picker import (
    LocationGroup,
    Offer,
    alternative_days,
    build_picker,
    nearest_alternatives,
)
from scheduling.telehealth import join_is_open

# --- the patient ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def request_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    profile = getattr(request.user, "patient_profile", None)
    if profile is not None and profile.preferred_location_id:
        initial["preferred_location"] = profile.preferred_location_id
    preference = preference_for(request.user)
    if preference is not None and preference.channel == Channel.SMS:
        # The way they chose to hear from us is where the question starts.
        initial["contact_preference"] = ContactPreference.TEXT
    form = AppointmentRequestForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment_request_create(
                patient=request.user,
                service=data["service"],
                preferred_location=data["preferred_location"],
                windows=form.windows(),
                contact_preference=data["contact_preference"],
                payer_kind=data["payer_kind"],
                plan_name=data["plan_name"],
                pays_privately=bool(data.get("pays_privately")),
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your request is sent. The office will confirm a day and time with you."),
            )
            return redirect("scheduling:appointment-list")
    return render(
        request,
        "scheduling/request_create.html",
        {"form": form, "self_pay_prices": price_list()},
    )


@require_GET
@require(Capability.PATIENT_SELF)
def appointment_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    appointments = list(appointments_for_patient(patient=request.user))
    # A visit under way stays "upcoming" until it ends: a video visit's Join is there.
    upcoming = [a for a in appointments if a.ends_at >= now]
    upcoming.reverse()  # soonest first
    past = [a for a in appointments if a.ends_at < now]
    minutes = telehealth_join_minutes() if any(a.video_link for a in upcoming) else 0
    for appointment in upcoming:
        appointment.join_open = bool(appointment.video_link) and join_is_open(
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            now=now,
            minutes_before=minutes,
        )
    for appointment in upcoming:
        appointment.reschedule_pending = any(
            r.status == AppointmentRequest.Status.PENDING
            for r in appointment.reschedule_requests.all()
        )
    return render(
        request,
        "scheduling/appointment_list.html",
        {
            "requests": list(requests_for_patient(patient=request.user)),
            "upcoming": upcoming,
            "past": past,
        },
    )


@require_POST
@require(Capability.PATIENT_SELF)
def request_cancel(request: HttpRequest, request_id: int) -> HttpResponse:
    obj = access_patient_object(request.user, AppointmentRequest.objects.all(), pk=request_id)
    try:
        appointment_request_cancel(request=obj, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your request is cancelled."))
    return redirect("scheduling:appointment-list")


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def appointment_cancel_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = access_patient_object(
        request.user,
        Appointment.objects.select_related("location"),
        pk=appointment_id,
    )
    form = AppointmentCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment_cancel(
                appointment=appointment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your appointment is cancelled."))
            return redirect("scheduling:appointment-list")
    return render(
        request,
        "scheduling/appointment_cancel.html",
        {
            "appointment": appointment,
            "form": form,
            "late": appointment.status == Appointment.Status.SCHEDULED
            and is_late_cancellation(appointment),
            "late_hours": SchedulingSettings.load().late_cancellation_hours,
        },
    )


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def appointment_reschedule_request_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = access_patient_object(
        request.user, Appointment.objects.select_related("location"), pk=appointment_id
    )
    form = RescheduleRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment_reschedule_request(
                appointment=appointment,
                by=request.user,
                windows=form.windows(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Your request to move this appointment is sent to the office.")
            )
            return redirect("scheduling:appointment-list")
    return render(
        request,
        "scheduling/appointment_reschedule.html",
        {"appointment": appointment, "form": form},
    )


@require_GET
@require(Capability.PATIENT_SELF)
def appointment_ics(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = access_patient_object(
        request.user, Appointment.objects.select_related("location"), pk=appointment_id
    )
    if appointment.status != Appointment.Status.SCHEDULED:
        raise Http404
    body = calendar.appointment_ics(
        appointment, portal_url=request.build_absolute_uri(reverse("scheduling:appointment-list"))
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    return response


# --- the front desk -----------------------------------------------------------------------


def _page_number(raw: str | None) -> int:
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


@require_GET
@require(Capability.SCHEDULE_MANAGE)
def request_queue_view(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = AppointmentRequest.Status.PENDING
    locations = queue_locations()
    form = QueueFilterForm(
        params,
        locations=[(pk, name) for pk, name, active in locations if active],
        services=service_choices(),
    )
    filters: dict[str, Any] = {
        "status": AppointmentRequest.Status.PENDING,
        "location_id": None,
        "service_id": None,
    }
    if form.is_valid():
        filters = {
            "status": form.cleaned_data["status"],
            "location_id": form.cleaned_data["location"],
            "service_id": form.cleaned_data["service"],
        }
    counts = request_queue_counts(location_names={pk: name for pk, name, _ in locations})
    page = request_queue_page(
        **filters,
        page=_page_number(params.get("page")),
        total=request_queue_total(counts, **filters),
    )
    # Page links keep the filters.
    query = {
        "status": filters["status"],
        "location": filters["location_id"] or "",
        "service": filters["service_id"] or "",
    }
    return render(
        request,
        "scheduling/request_queue.html",
        {
            "form": form,
            "filters": query,
            "page": page,
            "rows": list(page.object_list),
            "previous_url": "?" + urlencode({**query, "page": page.previous_page_number()})
            if page.has_previous()
            else "",
            "next_url": "?" + urlencode({**query, "page": page.next_page_number()})
            if page.has_next()
            else "",
            "counts": counts,
        },
    )


def _day_runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted days as (first, last) runs of consecutive days."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][1] + dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _search_days(search: SlotSearchForm, pending: AppointmentRequest) -> list[dt.date]:
    today = timezone.localdate()
    if search.is_valid() and search.cleaned_data["start"]:
        start = max(search.cleaned_data["start"], today)
        return [start + dt.timedelta(days=i) for i in range(search.cleaned_data["days"] or 1)]
    days = sorted({day for day, _part in pending.windows if day >= today})
    return days or [today + dt.timedelta(days=1)]


@require_http_methods(["GET", "POST"])
@require(Capability.SCHEDULE_MANAGE)
def request_confirm(request: HttpRequest, request_id: int) -> HttpResponse:
    pending = get_object_or_404(
        AppointmentRequest.objects.select_related(
            "patient__patient_profile", "service", "preferred_location", "reschedule_of"
        ),
        pk=request_id,
    )
    search = SlotSearchForm(request.GET or None)
    location: Location | None = pending.preferred_location
    if search.is_valid() and search.cleaned_data["location"] is not None:
        location = search.cleaned_data["location"]
    days = _search_days(search, pending)
    clinician_id = room_id = None
    if search.is_valid():
        clinician_id, room_id = search.cleaned_data["clinician"], search.cleaned_data["room"]
    offers: list[Offer] = []
    alternatives: tuple[LocationGroup, ...] = ()
    is_pending = pending.status == AppointmentRequest.Status.PENDING
    if is_pending:
        # One search per run of consecutive days: the same few queries for 14 days as 1.
        for first, last in _day_runs(days):
            offers.extend(
                slot_offers(
                    free_slots(
                        service=pending.service,
                        location=location,
                        start=first,
                        end=last,
                        patient=pending.patient,
                    )
                )
            )
    picker = build_picker(
        offers,
        windows=pending.windows,
        value_of=offer_value,
        clinician_id=clinician_id,
        room_id=room_id,
        part_labels=dict(DayPart.choices),
    )
    if is_pending and not picker.fitting:
        # Nothing here fits the request: the nearest times at every location offering
        # the service (the clinician filter still holds; a room belongs to one place).
        first, last = alternative_days(pending.windows, today=timezone.localdate())
        found = alternative_offers(
            service=pending.service, patient=pending.patient, start=first, end=last
        )
        alternatives = nearest_alternatives(
            [o for o in found if clinician_id is None or o.clinician_id == clinician_id],
            windows=pending.windows,
            value_of=offer_value,
        )
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        slot_choices=picker_choices(picker, alternatives),
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["slot"]
        try:
            appointment = appointment_request_confirm(
                request=pending,
                by=request.user,
                starts_at=chosen["starts_at"],
                clinician=chosen["clinician"],
                room=chosen["room"],
                location=chosen["room"].location if chosen["room"] else location,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            local = timezone.localtime(appointment.starts_at)
            messages.success(
                request,
                f"Confirmed: {local:%a %-d %b %H:%M}, {appointment.where}. "
                "The patient is notified.",
            )
            return redirect("scheduling:request-queue")
    return render(
        request,
        "scheduling/request_confirm.html",
        {
            "pending": pending,
            "form": form,
            "search": search,
            "decline_form": DeclineForm(),
            "days": days,
            "location": location,
            "picker": picker,
            "alternatives": alternatives,
            "chosen": form["slot"].value() or "",
            "slot_count": picker.total,
            "gate_gaps": _gate_gaps(pending),
        },
    )


def _gate_gaps(pending: AppointmentRequest) -> list[str]:
    """Shown up front so the desk knows before picking a slot (status only)."""
    if pending.status != AppointmentRequest.Status.PENDING:
        return []
    service = pending.service
    return visit_gate_gaps(
        patient=pending.patient, modality=service.modality, telehealth=service.is_telehealth
    )


@require_POST
@require(Capability.SCHEDULE_MANAGE)
def request_decline(request: HttpRequest, request_id: int) -> HttpResponse:
    pending = get_object_or_404(AppointmentRequest, pk=request_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            appointment_request_decline(
                request=pending, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("scheduling:request-confirm", request_id=pending.pk)
        messages.success(request, "Request declined. The patient is notified.")
        return redirect("scheduling:request-queue")
    messages.error(request, "Please give the patient a reason for declining.")
    return redirect("scheduling:request-confirm", request_id=pending.pk)


# The day view's button for each status a visit can move to, in the order shown. Which
# moves a visit in a given status allows is the service's rule (STATUS_MOVES).
_STATUS_BUTTONS: dict[str, str] = {
    Appointment.Status.CHECKED_IN: "Check in",
    Appointment.Status.COMPLETED: "Completed",
    Appointment.Status.NO_SHOW: "No-show",
    # Not a move in one click: the button opens the cancel page, which asks why.
    Appointment.Status.CANCELLED: "Cancel…",
}
_STATUS_ACTIONS: dict[str, list[tuple[str, str]]] = {
    status: [(move, label) for move, label in _STATUS_BUTTONS.items() if move in moves]
    for status, moves in STATUS_MOVES.items()
}


@require_GET
@require(Capability.SCHEDULE_VIEW)
def day_view_page(request: HttpRequest) -> HttpResponse:
    # The active locations, read once: the default (first by name) and the picker's
    # options both come from this list.
    locations = active_locations()
    form = DayViewForm(request.GET or None, locations=locations)
    location_id = day = None
    if form.is_valid():
        location_id, day = form.cleaned_data["location"], form.cleaned_data["day"]
    elif "day" in form.errors:
        # Say why the page shows today instead of the day asked for.
        messages.warning(request, " ".join(form.errors["day"]))
    if location_id is None:
        if not locations:
            raise Http404
        location_id = locations[0][0]
    day = day or timezone.localdate()
    can_manage = has_capability(request.user, Capability.SCHEDULE_MANAGE)
    view = day_view(
        location_id=location_id,
        location_name=dict(locations)[location_id],
        day=day,
        actions=_STATUS_ACTIONS if can_manage else None,
    )
    return render(
        request,
        "scheduling/day_view.html",
        {
            "view": view,
            "locations": locations,
            "day_iso": day.isoformat(),
            "previous_day": (day - dt.timedelta(days=1)).isoformat(),
            "next_day": (day + dt.timedelta(days=1)).isoformat(),
        },
    )


@require_POST
@require(Capability.SCHEDULE_MANAGE)
def appointment_status(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.select_related("location"), pk=appointment_id
    )
    status = request.POST.get("status", "")
    back = reverse("scheduling:day-view") + (
        f"?location={appointment.location_id or ''}"
        f"&day={timezone.localtime(appointment.starts_at):%Y-%m-%d}"
    )
    if status not in Appointment.Status.values:
        messages.error(request, "Please choose a status.")
        return redirect(back)
    if status == Appointment.Status.CANCELLED:
        # Nothing changes yet: the cancel page asks for a reason and a confirmation.
        return redirect("scheduling:desk-appointment-cancel", appointment_id=appointment.pk)
    try:
        appointment_set_status(appointment=appointment, status=status, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Marked {Appointment.Status(status).label.lower()}: {appointment.patient}."
        )
    return redirect(back)


@require_http_methods(["GET", "POST"])
@require(Capability.SCHEDULE_MANAGE)
def desk_appointment_cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """The desk cancels a visit only after saying why; the patient is told only then."""
    appointment = get_object_or_404(
        Appointment.objects.select_related(
            "location", "patient", "patient__patient_profile", "clinician", "room"
        ),
        pk=appointment_id,
    )
    back = reverse("scheduling:day-view") + (
        f"?location={appointment.location_id or ''}"
        f"&day={timezone.localtime(appointment.starts_at):%Y-%m-%d}"
    )
    form = StaffCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment_cancel(
                appointment=appointment, by=request.user, reason=form.cleaned_data["full_reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Cancelled: {appointment.patient}. The patient is notified.")
            return redirect(back)
    return render(
        request,
        "scheduling/desk_appointment_cancel.html",
        {"appointment": appointment, "form": form, "back": back},
    )
