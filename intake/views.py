"""Intake pages: the patient's steps and status, the clinician's queue and review, REMS
enrollment, and the front desk's status-only board."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intake import selectors, steps
from intake.forms import (
    ConsentForm,
    CssrsBehaviourForm,
    CssrsScreenForm,
    CssrsThoughtsForm,
    DecisionForm,
    Gad7Form,
    MedicalHistoryForm,
    MedicationsForm,
    Phq9Form,
    RemsEnrollmentForm,
    StepForm,
)
from intake.models import Intake
from intake.services import (
    intake_contact_save,
    intake_decide,
    intake_draft_save,
    intake_ensure,
    intake_mark_under_review,
    intake_step_save,
    rems_enrollment_record,
)
from portal import i18n
from portal.audit import audit_clinical_list, audit_clinical_read
from portal.forms import PatientProfileForm, add_service_errors
from portal.permissions import Capability, access_patient_object, require
from portal.services import patient_profile_ensure

STEP_FORMS: dict[str, type[forms.Form]] = {
    steps.CONTACT.key: PatientProfileForm,
    steps.HISTORY.key: MedicalHistoryForm,
    steps.MEDICATIONS.key: MedicationsForm,
    steps.PHQ9.key: Phq9Form,
    steps.GAD7.key: Gad7Form,
    steps.CSSRS.key: CssrsScreenForm,
    steps.CSSRS_THOUGHTS.key: CssrsThoughtsForm,
    steps.CSSRS_BEHAVIOUR.key: CssrsBehaviourForm,
    steps.CONSENT.key: ConsentForm,
}
INSTRUMENT_STEPS = frozenset({steps.PHQ9.key, steps.GAD7.key})


# --- patient ---


@require_GET
@require(Capability.PATIENT_SELF)
def intake_start(request: HttpRequest) -> HttpResponse:
    """Where "Intake" in the menu leads: the step to resume, or the status once sent."""
    intake = intake_ensure(patient=request.user)
    if intake.status != Intake.Status.IN_PROGRESS:
        return redirect("intake:intake-status")
    step = steps.resume_step(intake.answers, intake.steps_done) or steps.CONSENT
    return redirect("intake:intake-step", step=step.key)


def _step_form(request: HttpRequest, intake: Intake, key: str, *, bound: bool) -> forms.Form:
    form_class = STEP_FORMS[key]
    data = request.POST if bound else None
    if key == steps.CONTACT.key:
        profile = patient_profile_ensure(user=request.user)
        return form_class(data, instance=profile, initial=intake.drafts.get(key))
    if intake.drafts.get(key) is not None:
        initial = intake.drafts[key]
    else:
        stored = intake.answers.get(key) or {}
        initial = form_class.initial_from(stored) if issubclass(form_class, StepForm) else stored
    return form_class(data, initial=initial)


def _typed(request: HttpRequest, intake: Intake, step: str) -> dict[str, str]:
    """What was typed into the step's own fields (anything else posted is ignored)."""
    names = _step_form(request, intake, step, bound=False).fields
    return {name: request.POST.get(name, "") for name in names}


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def intake_step(request: HttpRequest, step: str) -> HttpResponse:
    intake = intake_ensure(patient=request.user)
    if intake.status != Intake.Status.IN_PROGRESS:
        messages.info(request, _("Your intake has been sent. Here is where it stands."))
        return redirect("intake:intake-status")
    if step not in steps.BY_KEY or not steps.may_open(intake.answers, intake.steps_done, step):
        return redirect("intake:intake-start")

    if request.method == "POST" and request.POST.get("go") == "back":
        typed = _typed(request, intake, step)
        intake_draft_save(patient=request.user, step=step, data=typed)
        previous = steps.previous_step(intake.answers, step)
        return redirect("intake:intake-step", step=(previous or steps.BY_KEY[step]).key)

    form = _step_form(request, intake, step, bound=request.method == "POST")
    if request.method == "POST":
        if form.is_valid():
            try:
                if step == steps.CONTACT.key:
                    saved = intake_contact_save(patient=request.user, **form.cleaned_data)
                    # The contact step carries the profile's language: the next page
                    # is read in the language just chosen.
                    if form.cleaned_data.get("language"):
                        i18n.remember(request, form.cleaned_data["language"])
                else:
                    saved = intake_step_save(
                        patient=request.user, step=step, answers=form.answers()
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if saved.safety_path:
                    after = saved.next_step.key if saved.next_step else ""
                    return redirect(reverse("intake:intake-support") + f"?next={after}")
                if saved.next_step is None:
                    messages.success(
                        request, _("Thank you. Your intake has been sent to our clinicians.")
                    )
                    return redirect("intake:intake-status")
                return redirect("intake:intake-step", step=saved.next_step.key)
        # Refused: keep what was typed, here and for when they come back.
        intake_draft_save(
            patient=request.user, step=step, data={k: request.POST.get(k, "") for k in form.fields}
        )

    done, total = steps.progress(intake.answers, intake.steps_done)
    sequence = steps.sequence(intake.answers)
    position = steps.position(intake.answers, step)
    return render(
        request,
        "intake/intake_step.html",
        {
            "form": form,
            "step": steps.BY_KEY[step],
            "position": position,
            "total": total,
            "done": done,
            "percent": round(100 * done / total),
            "sequence": sequence,
            "steps_done": intake.steps_done,
            "is_instrument": step in INSTRUMENT_STEPS,
            "is_first": position == 1,
            "is_last": step == steps.CONSENT.key,
        },
    )


@require_GET
@require(Capability.PATIENT_SELF)
def intake_support(request: HttpRequest) -> HttpResponse:
    """Shown straight after an answer about self-harm: help first, the intake can wait."""
    after = request.GET.get("next", "")
    next_url = (
        reverse("intake:intake-step", kwargs={"step": after})
        if after in steps.BY_KEY
        else reverse("intake:intake-start")
    )
    return render(request, "intake/intake_support.html", {"next_url": next_url})


@require_GET
@require(Capability.PATIENT_SELF)
def intake_status(request: HttpRequest) -> HttpResponse:
    summary = selectors.intake_summary_for_patient(patient=request.user)
    percent = summary.percent if summary is not None else None
    return render(request, "intake/intake_status.html", {"intake": summary, "percent": percent})


# --- clinician ---


QUEUE_FILTER_CHOICES = [
    (key, queue_filter.label) for key, queue_filter in selectors.QUEUE_FILTERS.items()
]


def _start(value: str | None) -> int | None:
    """Where a later page of the queue starts; None (the first page) when it is not a
    number from 0 to QUEUE_MAX_START (the offset must fit the database's integer)."""
    try:
        start = int(value or "")
    except ValueError:
        return None
    return start if 0 <= start <= selectors.QUEUE_MAX_START else None


@require_GET
@require(Capability.CLINICAL_VIEW)
def review_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "awaiting")
    if status not in selectors.QUEUE_FILTERS:
        status = "awaiting"
    locations = selectors.queue_locations()
    location = next((loc for loc in locations if loc.slug == request.GET.get("location")), None)
    page = selectors.review_queue(
        status=status,
        location_id=location.pk if location is not None else None,
        start=_start(request.GET.get("start")),
    )
    # The list shows score bands and flag counts of many patients: a row for each.
    audit_clinical_list(
        request=request,
        action="intake.review_queue.view",
        patients=[row.patient_id for row in page.rows],
        object_type="intake.Intake",
    )
    here = (
        reverse("intake:review-queue")
        + "?"
        + urlencode({"status": status, **({"location": location.slug} if location else {})})
    )
    if page.start is None:
        previous_url = None
    elif page.previous_start is None:
        previous_url = here
    else:
        previous_url = f"{here}&start={page.previous_start}"
    next_url = f"{here}&start={page.next_start}" if page.next_start is not None else None
    return render(
        request,
        "intake/review_queue.html",
        {
            "page": page,
            "intakes": page.rows,
            "filters": QUEUE_FILTER_CHOICES,
            "status": status,
            "locations": locations,
            "location": location,
            "limit": selectors.QUEUE_LIMIT,
            "previous_url": previous_url,
            "next_url": next_url,
        },
    )


def _review_page(request: HttpRequest, intake: Intake, form: DecisionForm) -> HttpResponse:
    audit_clinical_read(
        request=request, action="intake.review.view", patient=intake.patient, obj=intake
    )
    flags = selectors.intake_flags(intake)
    return render(
        request,
        "intake/review_detail.html",
        {
            "intake": intake,
            "profile": getattr(intake.patient, "patient_profile", None),
            "flags": flags,
            "answered_steps": selectors.answered_steps(intake),
            "decisions": list(intake.decisions.select_related("clinician")),
            "rems": selectors.rems_enrollment_for(patient=intake.patient),
            "form": form,
            "can_decide": intake.status != Intake.Status.IN_PROGRESS,
        },
    )


def _fetch_for_review(request: HttpRequest, intake_id: int) -> Intake:
    return access_patient_object(
        request.user,
        selectors.intake_for_review(intake_id=intake_id),
        staff_capability=Capability.CLINICAL_VIEW,
        pk=intake_id,
    )


@require_GET
@require(Capability.CLINICAL_VIEW)
def review_detail(request: HttpRequest, intake_id: int) -> HttpResponse:
    intake = _fetch_for_review(request, intake_id)
    intake = intake_mark_under_review(intake=intake, by=request.user)
    initial = {"modalities": intake.approved_modalities} if intake.approved_modalities else {}
    return _review_page(request, intake, DecisionForm(initial=initial))


@require_POST
@require(Capability.CLINICAL_DECIDE)
def review_decide(request: HttpRequest, intake_id: int) -> HttpResponse:
    intake = _fetch_for_review(request, intake_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = intake_decide(intake=intake, clinician=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # intake_decide wrote the decision's audit row in its transaction.
            messages.success(
                request,
                f"Decision recorded: {decision.get_outcome_display()}. The patient is told.",
            )
            return redirect("intake:review-queue")
    return _review_page(request, intake, form)


@require_http_methods(["GET", "POST"])
@require(Capability.CLINICAL_DECIDE)
def rems_record(request: HttpRequest, intake_id: int) -> HttpResponse:
    intake = _fetch_for_review(request, intake_id)
    existing = selectors.rems_enrollment_for(patient=intake.patient)
    audit_clinical_read(
        request=request, action="intake.rems.view", patient=intake.patient, obj=intake
    )
    if existing is not None:
        initial: dict[str, Any] = {
            "enrolled_on": existing.enrolled_on,
            "enrollment_reference": existing.enrollment_reference,
            "prescriber": existing.prescriber_id,
        }
    else:
        initial = {"prescriber": request.user.pk}
    form = RemsEnrollmentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rems_enrollment_record(
                patient=intake.patient, recorded_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "REMS patient enrollment recorded.")
            return redirect("intake:review-detail", intake_id=intake.pk)
    return render(
        request,
        "intake/rems_record.html",
        {"intake": intake, "form": form, "existing": existing},
    )


# --- front desk ---


@require_GET
@require(Capability.INTAKE_STATUS_VIEW)
def status_board(request: HttpRequest) -> HttpResponse:
    """Who has an intake, and where it stands: never an answer, score or flag."""
    status = request.GET.get("status", "")
    rows = [
        {"intake": intake, "label": selectors.status_label(intake)}
        for intake in selectors.status_board(status=status)
    ]
    return render(
        request,
        "intake/status_board.html",
        {"rows": rows, "statuses": Intake.Status.choices, "status": status},
    )
