"""Waitlist pages: the patient joins, leaves and claims offers; the desk adds a patient
and sees who waits and what is on offer. Thin: check access, call one selector or
service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.forms import add_service_errors
from portal.models import Role, User
from portal.permissions import Capability, access_patient_object, require
from scheduling import waitlist
from scheduling import waitlist_selectors as selectors
from scheduling import waitlist_services as services
from scheduling.waitlist_forms import WaitlistEntryForm
from scheduling.waitlist_models import WaitlistEntry, WaitlistOffer


def _join(request: HttpRequest, form: WaitlistEntryForm, patient: User) -> bool:
    """Validate and call the service; True when the patient is now on the waitlist."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.waitlist_join(
            patient=patient,
            service=data["service"],
            locations=data["locations"],
            earliest=data["earliest"],
            latest=data["latest"],
            weekdays=data["weekdays"],
            day_parts=data["day_parts"],
            by=request.user,
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    return True


# --- the patient ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def waitlist_page(request: HttpRequest) -> HttpResponse:
    form = WaitlistEntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _join(request, form, request.user):
        messages.success(
            request, _("You are on the waitlist. We will message you when a time frees up.")
        )
        return redirect("scheduling:waitlist")
    return render(
        request,
        "scheduling/waitlist/waitlist_page.html",
        {
            "form": form,
            "entries": selectors.waitlist_entries_for_patient(patient=request.user),
            "offers": selectors.waitlist_offers_for_patient(
                patient=request.user, now=timezone.now()
            ),
        },
    )


@require_POST
@require(Capability.PATIENT_SELF)
def waitlist_leave(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = access_patient_object(request.user, WaitlistEntry.objects.all(), pk=entry_id)
    services.waitlist_leave(entry=entry, by=request.user)
    messages.success(request, _("You have left that waitlist."))
    return redirect("scheduling:waitlist")


@require_POST
@require(Capability.PATIENT_SELF)
def waitlist_offer_claim(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = access_patient_object(
        request.user, WaitlistOffer.objects.select_related("slot", "slot__location"), pk=offer_id
    )
    try:
        result = services.waitlist_offer_claim(offer=offer, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("scheduling:waitlist")
    if result.appointment is None:
        return render(
            request,
            "scheduling/waitlist/offer_gone.html",
            {"offer": offer, "expired": result.refusal == waitlist.EXPIRED},
        )
    messages.success(request, _("It is yours: the visit is booked. You will get reminders."))
    return redirect("scheduling:appointment-list")


# --- the front desk --------------------------------------------------------------------------


@require_GET
@require(Capability.SCHEDULE_MANAGE)
def waitlist_desk(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scheduling/waitlist/desk_waitlist.html",
        {
            "entries": selectors.waitlist_desk_entries(),
            "slots": selectors.waitlist_open_slots(now=timezone.now()),
            "limit": selectors.DESK_LIMIT,
        },
    )


@require_http_methods(["GET", "POST"])
@require(Capability.SCHEDULE_MANAGE)
def waitlist_patient(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(
        User.objects.select_related("patient_profile"), pk=patient_id, role=Role.PATIENT
    )
    form = WaitlistEntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _join(request, form, patient):
        messages.success(request, "Added to the waitlist.")
        return redirect("scheduling:waitlist-patient", patient_id=patient.pk)
    return render(
        request,
        "scheduling/waitlist/desk_patient.html",
        {
            "patient": patient,
            "form": form,
            "entries": selectors.waitlist_desk_entries_for(patient=patient),
        },
    )


@require_POST
@require(Capability.SCHEDULE_MANAGE)
def waitlist_desk_leave(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(WaitlistEntry, pk=entry_id)
    services.waitlist_leave(entry=entry, by=request.user)
    messages.success(request, "Taken off the waitlist.")
    return redirect("scheduling:waitlist-patient", patient_id=entry.patient_id)
