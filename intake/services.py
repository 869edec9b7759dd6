"""Writes about intake: saving steps, the safety path, decisions, REMS enrollment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intake import rules, selectors, steps
from intake.instruments import cssrs_needs_safety_path, cssrs_risk, gad7_score, phq9_score
from intake.modalities import Modality
from intake.models import Intake, IntakeDecision, RemsEnrollment
from portal.audit import audit_clinical_write
from portal.models import Location, Role, User
from portal.notifications.kinds import Kind
from portal.notifications.models import StaffAlert
from portal.notifications.services import (
    notification_schedule,
    portal_link,
    staff_alert_raise_once,
)
from portal.permissions import Capability, ensure_patient, has_capability, require_capability
from portal.services import patient_profile_update


@dataclass(frozen=True)
class StepSaved:
    intake: Intake
    next_step: steps.Step | None
    safety_path: bool  # this save raised the intake's safety alert: show the crisis page


def intake_ensure(*, patient: User) -> Intake:
    ensure_patient(patient)
    profile = getattr(patient, "patient_profile", None)
    intake, _ = Intake.objects.get_or_create(
        patient=patient,
        defaults={"location": profile.preferred_location if profile else None},
    )
    return intake


def _locked_intake(patient: User) -> Intake:
    intake_ensure(patient=patient)
    return Intake.objects.select_for_update().select_related("patient").get(patient=patient)


def _refuse_if_sent(intake: Intake) -> None:
    if intake.status != Intake.Status.IN_PROGRESS:
        raise ValidationError(_("Your intake has been sent; it can no longer be changed."))


def _rescore(intake: Intake) -> None:
    """Keep the columns the queue shows in step with the answers."""
    answers = intake.answers
    if phq := answers.get(steps.PHQ9.key):
        score = phq9_score([phq[f"item_{n}"] for n in range(1, 10)])
        intake.phq9_total, intake.phq9_band = score.total, score.band
    if gad := answers.get(steps.GAD7.key):
        score = gad7_score([gad[f"item_{n}"] for n in range(1, 8)])
        intake.gad7_total, intake.gad7_band = score.total, score.band
    cssrs = steps.cssrs_answers(answers)
    intake.cssrs_risk = cssrs_risk(cssrs) if cssrs else ""
    exclude, review = rules.counts(selectors.intake_flags(intake))
    intake.exclude_flag_count, intake.review_flag_count = exclude, review


def _safety_positive(intake: Intake, step: str) -> bool:
    if step == steps.PHQ9.key:
        return phq9_score([intake.answers[step][f"item_{n}"] for n in range(1, 10)]).safety_flag
    if step in steps.CSSRS_STEPS:
        return cssrs_needs_safety_path(intake.cssrs_risk)
    return False


def _mark_done(intake: Intake, step: str) -> None:
    if step not in intake.steps_done:
        intake.steps_done = [*intake.steps_done, step]
    intake.drafts = {k: v for k, v in intake.drafts.items() if k != step}


@transaction.atomic
def intake_contact_save(
    *,
    patient: User,
    legal_name: str,
    preferred_name: str,
    date_of_birth: dt.date,
    phone: str,
    emergency_contact_name: str,
    emergency_contact_phone: str,
    preferred_location: Location | None,
    language: str | None = None,
) -> StepSaved:
    """The contact step writes the patient's profile (the one place these live),
    including the language they read (None: unchanged)."""
    intake = _locked_intake(patient)
    _refuse_if_sent(intake)
    patient_profile_update(
        user=patient,
        legal_name=legal_name,
        preferred_name=preferred_name,
        date_of_birth=date_of_birth,
        phone=phone,
        emergency_contact_name=emergency_contact_name,
        emergency_contact_phone=emergency_contact_phone,
        preferred_location=preferred_location,
        language=language,
    )
    intake.location = preferred_location
    intake.answers = {**intake.answers, steps.CONTACT.key: {"confirmed": True}}
    _mark_done(intake, steps.CONTACT.key)
    patient.refresh_from_db()
    intake.patient = patient
    _rescore(intake)  # the age rule reads the date of birth
    intake.save()
    return StepSaved(intake, steps.next_step(intake.answers, steps.CONTACT.key), False)


@transaction.atomic
def intake_step_save(*, patient: User, step: str, answers: Mapping[str, Any]) -> StepSaved:
    """Save one step's answers and say where the patient goes next.

    A positive safety screen (PHQ-9 item 9 above 0, or C-SSRS moderate or high) starts
    the safety path now, whatever is left of the intake. The consent step sends it.
    """
    if step not in steps.BY_KEY or step == steps.CONTACT.key:
        raise ValidationError(_("Unknown intake step."))
    intake = _locked_intake(patient)
    _refuse_if_sent(intake)
    if not steps.may_open(intake.answers, intake.steps_done, step):
        raise ValidationError(_("Please finish the earlier steps first."))
    intake.answers = {**intake.answers, step: dict(answers)}
    _mark_done(intake, step)
    # Answers may shorten the path (the C-SSRS skip rule): forget steps no longer on it.
    on_path = {s.key for s in steps.sequence(intake.answers)}
    intake.steps_done = [k for k in intake.steps_done if k in on_path]
    _rescore(intake)
    safety = _safety_positive(intake, step)

    if step == steps.CONSENT.key:
        missing = [
            str(s.title) for s in steps.sequence(intake.answers) if s.key not in intake.steps_done
        ]
        if missing:
            raise ValidationError(
                _("Some steps are not finished yet: %(steps)s.") % {"steps": ", ".join(missing)}
            )
        intake.status = Intake.Status.SUBMITTED
        intake.submitted_at = timezone.now()
        intake.consent_name = str(answers.get("signature", ""))
    intake.save()
    if safety:
        # The intake is one safety episode: its crisis page shows when its alert is raised,
        # not again for each later answer (PHQ-9 item 9, then each C-SSRS step).
        safety = safety_path_trigger(
            patient=patient,
            source=f"intake:{intake.pk}",
            url=reverse("intake:review-detail", args=[intake.pk]),
        )
        intake.refresh_from_db()
    following = None if step == steps.CONSENT.key else steps.next_step(intake.answers, step)
    return StepSaved(intake, following, safety)


@transaction.atomic
def intake_draft_save(*, patient: User, step: str, data: Mapping[str, Any]) -> Intake:
    """Keep what was typed on a step the patient left unfinished (or that was refused)."""
    intake = _locked_intake(patient)
    if intake.status != Intake.Status.IN_PROGRESS or step not in steps.BY_KEY:
        return intake
    # PostgreSQL's JSON refuses NUL characters; nothing a person types contains one.
    clean = {
        str(k)[:40].replace("\x00", ""): str(v)[:2000].replace("\x00", "")
        for k, v in list(data.items())[:60]  # a step has fewer fields; refuse to store floods
        if k not in {"csrfmiddlewaretoken", "go"}
    }
    intake.drafts = {**intake.drafts, step: clean}
    intake.save(update_fields=["drafts", "updated_at"])
    return intake


@transaction.atomic
def safety_path_trigger(
    *, patient: User, source: str, url: str, where: str = "intake", also: Sequence[str] = ()
) -> bool:
    """Thoughts of self-harm were reported: mark the intake urgent and alert clinicians.

    Used by intake, and by later check-ins (treatments, integration). `source` names the
    safety episode (one intake, one check-in): however often an answer in it is seen, it
    raises one alert, of one kind and name whatever raised it (the unique `dedupe_key`
    decides a race). `also` lists other concerns of the same answers, told in that alert
    rather than in a second one. True when this call raised the episode's alert: the
    patient's crisis page is shown then, once per episode.
    """
    now = timezone.now()
    Intake.objects.filter(patient=patient, urgent=False).update(
        urgent=True, urgent_at=now, updated_at=now
    )
    title = f"Safety screen positive in the {where}: thoughts of self-harm reported."
    if also:
        title += " Also: " + ", ".join(also) + "."
    _alert, raised = staff_alert_raise_once(
        kind=StaffAlert.Kind.URGENT_SCREENING,
        patient=patient,
        title=(title[:170] + " Contact the patient today.")[:200],
        url=url,
        dedupe_key=f"safety:{patient.pk}:{source}",
        urgent=True,
    )
    return raised


@transaction.atomic
def intake_mark_under_review(*, intake: Intake, by: User) -> Intake:
    """A clinician opened a sent intake: the patient sees "under review"."""
    if by.role != Role.CLINICIAN:
        return intake
    updated = Intake.objects.filter(pk=intake.pk, status=Intake.Status.SUBMITTED).update(
        status=Intake.Status.UNDER_REVIEW, updated_at=timezone.now()
    )
    if updated:
        intake.refresh_from_db()
    return intake


@transaction.atomic
def intake_decide(
    *,
    intake: Intake,
    clinician: User,
    outcome: str,
    modalities: Iterable[str] = (),
    message_to_patient: str = "",
    note: str = "",
) -> IntakeDecision:
    """Record a clinician's decision and tell the patient one is waiting (no detail)."""
    # The capability, not only the role: a nurse or therapist posting the form is refused.
    require_capability(
        clinician, Capability.CLINICAL_DECIDE, "Only a prescriber may decide on an intake."
    )
    intake = Intake.objects.select_for_update().select_related("patient").get(pk=intake.pk)
    if intake.status == Intake.Status.IN_PROGRESS:
        raise ValidationError(
            "This intake has not been sent yet. Contact the patient; decide once it is sent."
        )
    outcome = IntakeDecision.Outcome(outcome)
    chosen = [m.value for m in Modality if m.value in set(modalities)]
    message_to_patient, note = message_to_patient.strip(), note.strip()
    errors: dict[str, str] = {}
    if outcome == IntakeDecision.Outcome.APPROVED:
        if not chosen:
            errors["modalities"] = "Choose at least one treatment to approve."
        excluded = {
            str(m.label)
            for flag in selectors.intake_flags(intake)
            if flag.is_exclude
            for m in flag.modalities
            if m.value in chosen
        }
        if excluded and not note:
            errors["note"] = (
                "An exclusion flag applies to "
                + ", ".join(sorted(excluded))
                + ". Write a note saying why you approve anyway."
            )
    else:
        chosen = []
    if outcome == IntakeDecision.Outcome.NOT_ELIGIBLE and not message_to_patient:
        errors["message_to_patient"] = "Write a message to the patient saying why, kindly."
    if errors:
        raise ValidationError(errors)

    decision = IntakeDecision.objects.create(
        intake=intake,
        patient=intake.patient,
        clinician=clinician,
        outcome=outcome,
        modalities=chosen,
        message_to_patient=message_to_patient,
        note=note,
    )
    intake.status = Intake.Status(outcome.value)
    intake.approved_modalities = chosen
    intake.patient_message = message_to_patient
    intake.decided_at = decision.created_at
    intake.save()
    notification_schedule(
        recipient=intake.patient,
        kind=Kind.INTAKE_DECISION,
        send_at=timezone.now(),
        idempotency_key=f"intake:{intake.pk}:decision:{decision.pk}",
        context={"url": portal_link(reverse("intake:intake-status"))},
        topic=f"intake:{intake.pk}",
    )
    audit_clinical_write(
        actor=clinician, action="intake.decision.record", patient=intake.patient, obj=decision
    )
    return decision


@transaction.atomic
def rems_enrollment_record(
    *,
    patient: User,
    enrolled_on: dt.date,
    enrollment_reference: str,
    prescriber: User,
    signed_by_patient: bool,
    signed_by_prescriber: bool,
    recorded_by: User,
) -> RemsEnrollment:
    """Record (or correct) the patient's Spravato REMS enrollment."""
    require_capability(
        recorded_by, Capability.CLINICAL_DECIDE, "Only a prescriber may record a REMS enrollment."
    )
    if patient.role != Role.PATIENT:
        raise ValidationError("REMS enrollment is recorded for a patient.")
    if not has_capability(prescriber, Capability.CLINICAL_DECIDE):
        raise ValidationError({"prescriber": "The prescriber must be one of the prescribers."})
    if not (signed_by_patient and signed_by_prescriber):
        raise ValidationError("The enrollment form must be signed by the patient and prescriber.")
    if enrolled_on > timezone.localdate():
        raise ValidationError({"enrolled_on": "The enrollment date cannot be in the future."})
    reference = enrollment_reference.strip()
    if not reference:
        raise ValidationError({"enrollment_reference": "Enter the enrollment reference."})
    enrollment, _ = RemsEnrollment.objects.update_or_create(
        patient=patient,
        defaults={
            "enrolled_on": enrolled_on,
            "enrollment_reference": reference,
            "prescriber": prescriber,
            "signed_by_patient": True,
            "signed_by_prescriber": True,
            "recorded_by": recorded_by,
        },
    )
    audit_clinical_write(
        actor=recorded_by, action="intake.rems_enrollment.record", patient=patient, obj=enrollment
    )
    return enrollment
