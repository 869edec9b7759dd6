"""Telehealth join links: staff attach the clinic's video link to a telehealth visit; the
patient's Join button leads through the portal, which opens it only around the visit.
Thin: check access, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portal.formats import format_when
from portal.forms import add_service_errors
from portal.permissions import Capability, access_patient_object, require
from scheduling.forms import VideoLinkForm
from scheduling.models import Appointment
from scheduling.selectors import telehealth_join_minutes, telehealth_visits
from scheduling.services import appointment_set_video_link
from scheduling.telehealth import join_is_open, join_opens_at


def _visit_id(value: str | None) -> int:
    """The visit a row's form names; anything that is not one is no visit (a 404)."""
    if value is None or not value.isdigit() or not 0 < int(value) < 2**63:
        raise Http404
    return int(value)


@require_http_methods(["GET", "POST"])
@require(Capability.TELEHEALTH_LINK)
def telehealth_list(request: HttpRequest) -> HttpResponse:
    """The next two weeks' video visits, each with its link: set, changed or missing."""
    bound: tuple[int, VideoLinkForm] | None = None
    if request.method == "POST":
        appointment = get_object_or_404(Appointment, pk=_visit_id(request.POST.get("appointment")))
        form = VideoLinkForm(request.POST)
        if form.is_valid():
            try:
                appointment_set_video_link(
                    appointment=appointment, url=form.cleaned_data["video_link"], by=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, f"Video link saved for {format_when(appointment.starts_at)}."
                )
                return redirect("scheduling:telehealth-list")
        bound = (appointment.pk, form)
    page = Paginator(telehealth_visits(since=timezone.now()), 25).get_page(request.GET.get("page"))
    rows = [
        (
            visit,
            bound[1]
            if bound and bound[0] == visit.pk
            else VideoLinkForm(initial={"video_link": visit.video_link}),
        )
        for visit in page
    ]
    return render(
        request,
        "scheduling/telehealth_list.html",
        {"page": page, "rows": rows},
    )


@require_GET
@require(Capability.PATIENT_SELF)
def telehealth_join(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """The patient's Join button: to the meeting while the window is open, else a page
    that says when it opens (or that the visit is over)."""
    visit = access_patient_object(
        request.user, Appointment.objects.select_related("service"), pk=appointment_id
    )
    now = timezone.now()
    minutes = telehealth_join_minutes()
    live = visit.status in (Appointment.Status.SCHEDULED, Appointment.Status.CHECKED_IN)
    if (
        live
        and visit.service.is_telehealth
        and visit.video_link
        and join_is_open(
            starts_at=visit.starts_at, ends_at=visit.ends_at, now=now, minutes_before=minutes
        )
    ):
        return redirect(visit.video_link)
    return render(
        request,
        "scheduling/telehealth_join.html",
        {
            "visit": visit,
            "live": live,
            "opens_at": join_opens_at(visit.starts_at, minutes),
            "minutes": minutes,
            "over": now > visit.ends_at,
        },
    )
