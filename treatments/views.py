"""Treatments pages. Thin: check access, fetch with a permission check, call one
service, redirect. Every clinician read of a chart is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intake.selectors import approved_modalities
from portal.audit import audit_clinical_list, audit_clinical_read
from portal.formats import format_when
from portal.forms import add_service_errors
from portal.models import Role, User
from portal.permissions import Capability, access_patient_object, has_capability, require
from scheduling.forms import ConfirmForm, SlotSearchForm, offer_value, picker_choices
from scheduling.models import Appointment
from scheduling.selectors import slot_offers, slot_search
from scheduling.slot_picker import build_picker
from treatments import selectors, services
from treatments.forms import (
    CHART_FORMS,
    AftercareAckForm,
    BoosterIntervalForm,
    CheckinForm,
    CourseStartForm,
    CourseStopForm,
    DoseTimeCorrectionForm,
    EscortForm,
    ReadinessForm,
    ReadinessOverrideForm,
    RemsSubmitForm,
    SeriesScheduleForm,
)
from treatments.models import (
    AftercareCheckin,
    Course,
    DosingSession,
    Escort,
    PlannedSession,
    ReadinessCheck,
    RemsMonitoringForm,
    TreatmentSettings,
)

# ---------------------------------------------------------------- clinicians: courses


@require_GET
@require(Capability.SCHEDULE_VIEW)
def course_list(request: HttpRequest) -> HttpResponse:
    courses = selectors.open_courses()
    ready = (
        selectors.approved_intakes_without_open_course()
        if has_capability(request.user, Capability.CLINICAL_DECIDE)
        else []
    )
    return render(request, "treatments/course_list.html", {"courses": courses, "ready": ready})


@require_http_methods(["GET", "POST"])
@require(Capability.CLINICAL_DECIDE)
def course_start(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(
        User.objects.select_related("patient_profile"),
        pk=patient_id,
        role=Role.PATIENT,
        is_active=True,
    )
    modalities = frozenset(m.value for m in approved_modalities(patient=patient))
    audit_clinical_read(request=request, action="treatments.course.start_form", patient=patient)
    clinic = TreatmentSettings.load()
    form = CourseStartForm(
        request.POST if request.method == "POST" else None,
        modalities=modalities,
        initial={
            "start_date": timezone.localdate(),
            "booster_interval_days": clinic.default_booster_interval_days,
            "location": getattr(
                getattr(patient, "patient_profile", None), "preferred_location", None
            ),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_start(
                patient=patient,
                modality=form.cleaned_data["modality"],
                start_date=form.cleaned_data["start_date"],
                by=request.user,
                protocol=form.cleaned_data["protocol"],
                booster_interval_days=form.cleaned_data["booster_interval_days"],
                location=form.cleaned_data["location"],
                confirm_concurrent=form.cleaned_data["confirm_concurrent"],
                concurrent_reason=form.cleaned_data["concurrent_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Course started; its sessions are planned.")
            return redirect("treatments:course-detail", course_id=course.pk)
    return render(
        request,
        "treatments/course_start.html",
        {
            "form": form,
            "patient": patient,
            "approved": bool(modalities),
            "running": selectors.open_courses_of(patient=patient),
        },
    )


@require_GET
@require(Capability.CLINICAL_VIEW)
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    try:
        view = selectors.course_page_for_staff(course_id=course_id)
    except Course.DoesNotExist as exc:
        raise Http404 from exc
    # The page reads plain columns; the audit row needs only who and which course.
    audit_clinical_read(
        request=request,
        action="treatments.course.view",
        patient=User(pk=view.patient_id),
        obj=Course(pk=view.course_id),
    )
    # The booster and stop forms are plain inputs in the template (BoosterIntervalForm,
    # CourseStopForm validate the posts); rendering them through crispy cost more than
    # the rest of the page.
    return render(request, "treatments/course_detail.html", {"view": view})


@require_POST
@require(Capability.CLINICAL_DECIDE)
def course_booster(request: HttpRequest, course_id: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=course_id)
    form = BoosterIntervalForm(request.POST)
    if form.is_valid():
        try:
            services.course_set_booster_interval(
                course=course, interval_days=form.cleaned_data["interval_days"], by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Booster interval saved.")
    else:
        messages.error(request, "Enter a booster interval between 1 and 180 days.")
    return redirect("treatments:course-detail", course_id=course.pk)


@require_POST
@require(Capability.CLINICAL_DECIDE)
def course_stop(request: HttpRequest, course_id: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=course_id)
    form = CourseStopForm(request.POST)
    if form.is_valid():
        try:
            services.course_stop(course=course, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Course stopped.")
    else:
        messages.error(request, "Say why the course stops.")
    return redirect("treatments:course-detail", course_id=course.pk)


# ---------------------------------------------------------------- front desk: the series


def _outcome_key(course_id: int) -> str:
    return f"treatments:series-outcome:{course_id}"


def _drift_label(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return "on target"
    unit = "day" if abs(days) == 1 else "days"
    return f"{days:+d} {unit}"


def _series_rows(view: selectors.CourseView, why: dict[str, str]) -> list[dict[str, Any]]:
    """Each planned session, planned against booked: the date, the drift in days, why
    (from the last series booking, kept for one showing), and whether the desk may place
    it by hand (no live visit, or a visit off its target day, and nothing charted)."""
    rows = []
    for entry in view.entries:
        planned = entry.planned
        appointment = planned.appointment
        live = appointment is not None and appointment.status != Appointment.Status.CANCELLED
        drift = (
            (timezone.localdate(appointment.starts_at) - planned.target_date).days if live else None
        )
        rows.append(
            {
                "entry": entry,
                "planned": planned,
                "appointment": appointment if live else None,
                "drift": drift,
                "drift_label": _drift_label(drift),
                "why": why.get(str(planned.pk), ""),
                "can_place": view.course.is_open
                and entry.session is None
                and (
                    not live or (appointment.status == Appointment.Status.SCHEDULED and drift != 0)
                ),
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
@require(Capability.SCHEDULE_MANAGE)
def course_schedule(request: HttpRequest, course_id: int) -> HttpResponse:
    try:
        course = selectors.course_for_staff(course_id=course_id)
    except Course.DoesNotExist as exc:
        raise Http404 from exc
    form = SeriesScheduleForm(
        request.POST if request.method == "POST" else None, initial={"location": course.location}
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.course_schedule_series(
                course=course,
                location=form.cleaned_data["location"],
                clinician=form.cleaned_data["clinician"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # What it did is shown once, on the page it redirects to (planned vs booked,
            # the drift and why): the reasons are kept in the session until then.
            request.session[_outcome_key(course.pk)] = {
                "placed": len(outcome.placed),
                "not_placed": len(outcome.not_placed),
                "why": {str(row.planned_id): row.why for row in outcome.rows if row.why},
            }
            if not outcome.placed and not outcome.not_placed:
                messages.info(request, "Every session of this course already has a visit.")
            return redirect("treatments:course-schedule", course_id=course.pk)
    last = request.session.pop(_outcome_key(course.pk), None)
    view = selectors.course_view(course)
    return render(
        request,
        "treatments/course_schedule.html",
        {
            "view": view,
            "form": form,
            "rows": _series_rows(view, (last or {}).get("why", {})),
            "last": last,
        },
    )


@require_http_methods(["GET", "POST"])
@require(Capability.SCHEDULE_MANAGE)
def planned_place(request: HttpRequest, course_id: int, planned_id: int) -> HttpResponse:
    """Place one planned session by hand: pick one of the slot finder's free times."""
    planned = get_object_or_404(
        PlannedSession.objects.select_related(
            "course",
            "course__patient__patient_profile__preferred_location",
            "course__location",
            "appointment",
            "appointment__location",
        ),
        pk=planned_id,
        course_id=course_id,
    )
    course = planned.course
    # Where to look first: the course's location, else where the session is booked, else
    # the patient's preferred one (the desk can choose another).
    profile = getattr(course.patient, "patient_profile", None)
    location = (
        course.location
        or (planned.appointment.location if planned.appointment else None)
        or (profile.preferred_location if profile else None)
    )
    start = max(planned.target_date, timezone.localdate() + dt.timedelta(days=1))
    days = 3
    search = SlotSearchForm(
        request.GET or None, initial={"location": location, "start": start, "days": days}
    )
    if search.is_valid():
        location = search.cleaned_data["location"] or location
        start = max(search.cleaned_data["start"] or start, timezone.localdate())
        days = search.cleaned_data["days"] or days
    end = start + dt.timedelta(days=days - 1)
    service = services.service_for(course, planned)
    found = None
    if service is not None and (location is not None or service.is_telehealth):
        found = slot_search(
            service=service, location=location, start=start, end=end, patient=course.patient
        )
    clinician_id = room_id = None
    if search.is_valid():
        clinician_id, room_id = search.cleaned_data["clinician"], search.cleaned_data["room"]
    # The planned day comes first in the picker, marked.
    picker = build_picker(
        slot_offers(found.slots) if found else [],
        windows=[(planned.target_date, "any")],
        value_of=offer_value,
        clinician_id=clinician_id,
        room_id=room_id,
    )
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        slot_choices=picker_choices(picker),
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["slot"]
        try:
            appointment = services.planned_session_place(
                planned=planned,
                by=request.user,
                starts_at=chosen["starts_at"],
                clinician=chosen["clinician"],
                room=chosen["room"],
                location=chosen["room"].location if chosen["room"] else location,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Session {planned.sequence} booked: {format_when(appointment.starts_at)}, "
                f"{appointment.where}. The patient is told the time and place.",
            )
            return redirect("treatments:course-schedule", course_id=course.pk)
    return render(
        request,
        "treatments/planned_place.html",
        {
            "planned": planned,
            "course": course,
            "service": service,
            "search": search,
            "location": location,
            "days": [start + dt.timedelta(days=i) for i in range(days)],
            "notes": sorted(found.notes.items()) if found else [],
            "slot_count": picker.total,
            "picker": picker,
            "chosen": form["slot"].value() or "",
            "form": form,
        },
    )


@require_GET
@require(Capability.SCHEDULE_VIEW)
def session_board(request: HttpRequest) -> HttpResponse:
    """Today's dosing visits and where each stands: for the desk, no vitals."""
    return render(
        request,
        "treatments/session_board.html",
        {
            "rows": selectors.sessions_for_day(),
            "can_chart": has_capability(request.user, Capability.SESSION_CHART),
            "today": timezone.localdate(),
        },
    )


# ---------------------------------------------------------------- charting


@require_POST
@require(Capability.SESSION_CHART)
def session_start(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Open a dose's chart from its visit (today, checked in); the service decides."""
    appointment = get_object_or_404(Appointment, pk=appointment_id)
    existing = DosingSession.objects.filter(appointment=appointment).only("pk").first()
    if existing is not None:
        return redirect("treatments:session-chart", session_id=existing.pk)
    try:
        session = services.session_start(appointment=appointment, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("treatments:session-board")
    return redirect("treatments:session-chart", session_id=session.pk)


@require_POST
@require(Capability.SESSION_CHART)
def visit_check_in(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(Appointment, pk=appointment_id)
    try:
        services.visit_check_in(appointment=appointment, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Checked in: the chart can be opened.")
    return redirect("treatments:session-board")


def _chart_forms(session: DosingSession, bound: tuple[str, Any] | None = None) -> dict[str, Any]:
    forms = {}
    for name, form_class in CHART_FORMS.items():
        if bound is not None and bound[0] == name:
            forms[name] = bound[1]
        else:
            forms[name] = form_class(instance=session, initial={"section": name})
    return forms


@require_http_methods(["GET", "POST"])
@require(Capability.SESSION_CHART)
def session_chart(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(
        DosingSession.objects.select_related(
            "course", "patient", "patient__patient_profile", "appointment", "discharged_by"
        ),
        pk=session_id,
    )
    audit_clinical_read(
        request=request, action="treatments.session.chart", patient=session.patient, obj=session
    )
    bound: tuple[str, Any] | None = None
    correction = DoseTimeCorrectionForm()
    if request.method == "POST" and request.POST.get("section") == "correct_time":
        correction = DoseTimeCorrectionForm(request.POST)
        if correction.is_valid():
            try:
                services.session_correct_dose_time(
                    session=session,
                    by=request.user,
                    corrected_at=correction.cleaned_data["corrected_at"],
                    reason=correction.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(correction, exc)
            else:
                messages.success(request, "Dose time corrected; the correction is recorded.")
                return redirect(f"{request.path}#dose")
        session.refresh_from_db()
    elif request.method == "POST":
        result = _chart_post(request, session)
        if not isinstance(result, tuple):
            return result
        bound = result
        session.refresh_from_db()
    gaps = services.session_discharge_gaps(session) if not session.is_discharged else []
    check = None
    if session.pre_dose_recorded:
        check = services.pre_dose_check(
            {"pre_systolic": session.pre_systolic, "pre_diastolic": session.pre_diastolic}
        )
    return render(
        request,
        "treatments/session_chart.html",
        {
            "session": session,
            "forms": _chart_forms(session, bound),
            "gaps": gaps,
            "bp_check": check,
            "aftercare": selectors.aftercare_view(session),
            "checkin": AftercareCheckin.objects.filter(session=session).first(),
            "correction": correction,
            "observation_ends_at": services.observation_ends_at(session),
            "clinic": TreatmentSettings.load(),
            **_before_the_dose(session),
        },
    )


def _before_the_dose(session: DosingSession) -> dict[str, Any]:
    """The evening check's answers and gate, and the escort, for the chart."""
    if session.appointment_id is None:
        return {}
    check = ReadinessCheck.objects.filter(appointment_id=session.appointment_id).first()
    return {
        "readiness": selectors.readiness_for_chart(check, modality=session.modality),
        "readiness_check": check,
        "readiness_gate": services.readiness_gate(session, check=check),
        "override_form": ReadinessOverrideForm(),
        "escort": services.escort_for_visit(appointment=session.appointment),
        "escort_told": selectors.escort_told(session_id=session.pk),
    }


def _chart_post(request: HttpRequest, session: DosingSession) -> HttpResponse | tuple[str, Any]:
    """Save one section of the chart: a redirect when saved, else (section, bound form)."""
    section = request.POST.get("section", "")
    form_class = CHART_FORMS.get(section)
    if form_class is None:
        messages.error(request, "Unknown part of the chart.")
        return redirect("treatments:session-chart", session_id=session.pk)
    form = form_class(request.POST, instance=DosingSession.objects.get(pk=session.pk))
    if form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "section"}
        try:
            services.session_record(
                session=session, by=request.user, section=section, values=values
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect(f"{request.path}#{section}")
    return (section, form)


@require_POST
@require(Capability.SESSION_CHART)
def session_discharge(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(DosingSession, pk=session_id)
    try:
        services.session_discharge(session=session, by=request.user)
    except ValidationError as exc:
        messages.error(request, "Not discharged yet. Still missing: " + " ".join(exc.messages))
    else:
        messages.success(
            request, "Patient discharged. Aftercare and the check-in are on their way."
        )
    return redirect("treatments:session-chart", session_id=session.pk)


# ---------------------------------------------------------------- REMS


@require_GET
@require(Capability.CLINICAL_VIEW)
def rems_forms(request: HttpRequest) -> HttpResponse:
    due = selectors.rems_forms_due()
    audit_clinical_list(
        request=request,
        action="treatments.rems.list",
        patients=[row.form.patient_id for row in due],
        object_type="treatments.RemsMonitoringForm",
    )
    return render(request, "treatments/rems_forms.html", {"due": due, "form": RemsSubmitForm()})


@require_GET
@require(Capability.CLINICAL_VIEW)
def rems_form_print(request: HttpRequest, form_id: int) -> HttpResponse:
    form = get_object_or_404(
        RemsMonitoringForm.objects.select_related(
            "session", "session__course", "patient", "patient__patient_profile"
        ),
        pk=form_id,
    )
    audit_clinical_read(
        request=request, action="treatments.rems.print", patient=form.patient, obj=form.session
    )
    return render(request, "treatments/rems_form_print.html", {"rems": form, "s": form.session})


@require_POST
@require(Capability.SESSION_CHART)
def rems_form_submit(request: HttpRequest, form_id: int) -> HttpResponse:
    rems = get_object_or_404(RemsMonitoringForm, pk=form_id)
    form = RemsSubmitForm(request.POST)
    if form.is_valid():
        try:
            services.rems_form_submit(
                form=rems,
                by=request.user,
                confirmation_reference=form.cleaned_data["confirmation_reference"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Marked as submitted to the REMS programme.")
    return redirect("treatments:rems-forms")


# ---------------------------------------------------------------- patients


@require_GET
@require(Capability.PATIENT_SELF)
def my_courses(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "treatments/course_timeline.html",
        {
            "views": selectors.course_timelines_for_patient(patient=request.user),
            "aftercare": selectors.aftercare_due(patient=request.user),
        },
    )


def _own_session(request: HttpRequest, session_id: int) -> DosingSession:
    if request.user.role != Role.PATIENT:
        raise PermissionDenied
    return access_patient_object(request.user, DosingSession.objects.all(), pk=session_id)


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def aftercare(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _own_session(request, session_id)
    if not session.is_discharged:
        raise Http404
    view = selectors.aftercare_view(session)
    form = AftercareAckForm(
        request.POST if request.method == "POST" else None,
        item_choices=[(i.pk, i.shown_text) for i in view.items],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.aftercare_acknowledge(
                session=session, patient=request.user, item_ids=form.cleaned_data["items"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("Thank you: your acknowledgement is saved."))
            return redirect("treatments:aftercare", session_id=session.pk)
    return render(request, "treatments/aftercare_acknowledge.html", {"view": view, "form": form})


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def checkin(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _own_session(request, session_id)
    if not session.is_discharged:
        raise Http404
    existing = AftercareCheckin.objects.filter(session=session).first()
    opens_at = services.checkin_opens_at(session)
    if opens_at is not None and timezone.now() >= opens_at:
        opens_at = None
    form = CheckinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            result = services.aftercare_checkin_submit(
                session=session, patient=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if result.self_harm:
                # Crisis resources at once, on the page itself: no redirect to wait for.
                return render(
                    request,
                    "treatments/checkin_submit.html",
                    {"session": session, "existing": result.checkin, "crisis": True},
                )
            messages.success(request, gettext("Thank you. Your care team will see your answers."))
            return redirect("treatments:my-courses")
    return render(
        request,
        "treatments/checkin_submit.html",
        {
            "session": session,
            "form": form,
            "existing": existing,
            "opens_at": opens_at,
            "crisis": bool(existing and existing.self_harm_thoughts),
        },
    )


# ---------------------------------------------------------------- before the dose


def _own_visit(request: HttpRequest, appointment_id: int) -> Appointment:
    try:
        return selectors.own_dosing_visit(patient=request.user, appointment_id=appointment_id)
    except Appointment.DoesNotExist:
        raise Http404 from None


@require_GET
@require(Capability.PATIENT_SELF)
def my_visit(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """A dosing visit as the patient gets ready for it: preparation, escort, evening check."""
    visit = _own_visit(request, appointment_id)
    return render(
        request,
        "treatments/visit_prepare.html",
        {
            "visit": visit,
            "preparation": selectors.preparation_for(visit.service.modality),
            "escort": services.escort_for_visit(appointment=visit),
            "check": ReadinessCheck.objects.filter(appointment=visit).first(),
            "upcoming": visit.status == Appointment.Status.SCHEDULED
            and visit.starts_at > timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def escort_edit(request: HttpRequest, appointment_id: int | None = None) -> HttpResponse:
    """Name the adult who takes the patient home: a default, or for one visit."""
    visit = _own_visit(request, appointment_id) if appointment_id is not None else None
    existing = Escort.objects.filter(patient=request.user, appointment=visit).first()
    if existing is None and visit is not None:
        existing = Escort.objects.filter(patient=request.user, appointment=None).first()
    initial = (
        {
            "name": existing.name,
            "phone": existing.phone,
            "relationship": existing.relationship,
            "consent_to_text": existing.consent_to_text,
        }
        if existing is not None
        else {}
    )
    form = EscortForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.escort_save(patient=request.user, appointment=visit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("Saved: your escort is on record."))
            if visit is not None:
                return redirect("treatments:my-visit", appointment_id=visit.pk)
            return redirect("treatments:my-escort")
    return render(
        request,
        "treatments/escort_edit.html",
        {"form": form, "visit": visit, "existing": existing},
    )


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def readiness(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """The evening check before a dosing visit."""
    visit = _own_visit(request, appointment_id)
    spravato = visit.service.modality == "spravato"
    form = ReadinessForm(request.POST if request.method == "POST" else None, spravato=spravato)
    if request.method == "POST" and form.is_valid():
        try:
            services.readiness_check_submit(
                appointment=visit, patient=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("Thank you: your answers are with the clinic."))
            return redirect("treatments:my-visit", appointment_id=visit.pk)
    return render(request, "treatments/readiness_check.html", {"visit": visit, "form": form})


@require_POST
@require(Capability.CLINICAL_DECIDE)
def session_readiness_override(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(DosingSession, pk=session_id)
    form = ReadinessOverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the dose goes ahead.")
        return redirect("treatments:session-chart", session_id=session.pk)
    try:
        services.session_readiness_override(
            session=session, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Your reason is recorded; the dose may go ahead.")
    return redirect("treatments:session-chart", session_id=session.pk)


@require_POST
@require(Capability.SESSION_CHART)
def session_tell_escort(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(DosingSession, pk=session_id)
    try:
        services.escort_tell(session=session, by=request.user)
    except ValidationError as exc:
        messages.error(request, "Not sent. " + " ".join(exc.messages))
    else:
        messages.success(request, "The escort is being texted the pickup time and place.")
    return redirect("treatments:session-chart", session_id=session.pk)


@require_GET
@require(Capability.SCHEDULE_VIEW)
def call_list(request: HttpRequest) -> HttpResponse:
    """Patients whose evening check is unanswered: the desk calls them in the morning."""
    return render(request, "treatments/call_list.html", {"rows": selectors.call_list()})
