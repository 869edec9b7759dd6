"""Intake forms: one per step, plus the clinician's decision and REMS enrollment.

`Phq9Form` and `Gad7Form` are reused by the symptom-tracking work for weekly retakes.
Step forms turn their answers into plain JSON values (`answers()`) and back
(`initial_from()`), so that what is stored is what the patient chose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from intake.instrument_texts import (
    CSSRS_YES_NO_EN,
    InstrumentText,
    cssrs_note,
    gad7_text,
    phq9_text,
)
from intake.instruments import (
    CSSRS_QUESTIONS,
    GAD7_QUESTIONS,
    PHQ9_QUESTIONS,
    InstrumentScore,
    gad7_score,
    phq9_score,
)
from intake.modalities import Modality
from intake.models import IntakeDecision
from portal.models import ClinicianKind, Role, User

YES_NO = (("yes", _("Yes")), ("no", _("No")))


def yes_no(
    label: Any,
    help_text: Any = "",
    *,
    required: bool = True,
    choices: Any = YES_NO,
) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=required,
        error_messages={"required": _("Please answer yes or no.")},
    )


class StepForm(forms.Form):
    """A step whose answers are stored as JSON on the intake."""

    def answers(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @classmethod
    def initial_from(cls, answers: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name, value in answers.items():
            if isinstance(value, bool):
                initial[name] = "yes" if value else "no"
            else:
                initial[name] = value
        return initial


class MedicalHistoryForm(StepForm):
    bp_systolic = forms.IntegerField(
        label=_("Blood pressure, top number (systolic)"),
        required=False,
        min_value=60,
        max_value=260,
        help_text=_("If you know a recent reading, e.g. 128. Leave empty if you don't know."),
    )
    bp_diastolic = forms.IntegerField(
        label=_("Blood pressure, bottom number (diastolic)"),
        required=False,
        min_value=30,
        max_value=160,
        help_text=_("e.g. 82."),
    )
    cardiac_disease = yes_no(_("Have you ever been told you have heart disease?"))
    cardiac_unstable = yes_no(
        _(
            "In the past 6 months, have you had a heart attack, chest pain at rest, or heart "
            "failure that got worse?"
        )
    )
    aneurysm_or_avm = yes_no(
        _(
            "Have you ever had an aneurysm (brain, chest, abdomen, arms or legs) or an "
            "arteriovenous malformation (AVM)?"
        )
    )
    intracerebral_haemorrhage = yes_no(_("Have you ever had bleeding in the brain?"))
    pregnant_or_breastfeeding = yes_no(
        _("Are you pregnant, planning to become pregnant, or breastfeeding?")
    )
    psychosis_history = yes_no(
        _(
            "Have you ever had psychosis (hearing or seeing things others don't, or beliefs "
            "others found untrue)?"
        )
    )
    current_mania = yes_no(
        _(
            "Right now, are you in a manic episode (very high energy, little need for sleep, "
            "racing thoughts)?"
        )
    )
    bipolar = yes_no(_("Have you been diagnosed with bipolar disorder?"))
    mood_stabiliser = yes_no(
        _("Do you take a mood stabiliser (e.g. lithium, lamotrigine, valproate)?")
    )
    substance_use = yes_no(
        _("In the past 12 months, has alcohol or drug use caused problems for you?")
    )
    substance_use_details = forms.CharField(
        label=_("If yes, which substances?"), required=False, max_length=300
    )
    ketamine_allergy = yes_no(
        _("Have you ever had an allergic reaction to ketamine or esketamine?")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        systolic, diastolic = data.get("bp_systolic"), data.get("bp_diastolic")
        if (systolic is None) != (diastolic is None) and not self.errors.keys() & {
            "bp_systolic",
            "bp_diastolic",
        }:
            missing = "bp_diastolic" if diastolic is None else "bp_systolic"
            self.add_error(missing, _("Please give both numbers of the reading, or neither."))
        if systolic is not None and diastolic is not None and diastolic >= systolic:
            self.add_error(
                "bp_diastolic", _("The bottom number is usually lower than the top one.")
            )
        return data


class MedicationsForm(StepForm):
    antidepressant = yes_no(
        _("Do you take an antidepressant (e.g. sertraline, escitalopram, bupropion, venlafaxine)?")
    )
    benzodiazepine = yes_no(
        _("Do you take a benzodiazepine (e.g. lorazepam, clonazepam, alprazolam, diazepam)?")
    )
    maoi = yes_no(
        _("Do you take an MAOI (e.g. phenelzine, tranylcypromine, selegiline, isocarboxazid)?")
    )
    stimulant = yes_no(_("Do you take a stimulant (e.g. Adderall, methylphenidate, modafinil)?"))
    medication_list = forms.CharField(
        label=_("All medicines you take now, with doses if you know them"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class _InstrumentForm(StepForm):
    """A validated questionnaire, in its published wording for the active language
    (intake.instrument_texts; English where no validated text exists). The words never
    go through the .po catalogs, and the stored values (0-3) are the same in every
    language, so a score does not depend on the language it was answered in."""

    QUESTIONS: tuple[str, ...] = ()
    PREAMBLE: str  # set on each form: the stem in the active language
    TEXT_FOR: Callable[[str | None], InstrumentText]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        text = type(self).TEXT_FOR(get_language())
        # An instance attribute, so templates reading form.PREAMBLE get the stem in the
        # patient's language (the check-in page does).
        self.PREAMBLE = text.stem
        self.instrument_source = text.source
        for number, question in enumerate(text.questions, start=1):
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                label=f"{number}. {question}",
                choices=[(str(v), label) for v, label in text.answer_choices],
                widget=forms.RadioSelect,
                coerce=int,
                error_messages={"required": _("Please choose one answer.")},
            )

    def items(self) -> list[int]:
        return [self.cleaned_data[f"item_{n}"] for n in range(1, len(self.QUESTIONS) + 1)]

    @classmethod
    def initial_from(cls, answers: dict[str, Any]) -> dict[str, Any]:
        return {name: str(value) for name, value in answers.items()}


class Phq9Form(_InstrumentForm):
    QUESTIONS = PHQ9_QUESTIONS
    TEXT_FOR = staticmethod(phq9_text)

    def score(self) -> InstrumentScore:
        return phq9_score(self.items())


class Gad7Form(_InstrumentForm):
    QUESTIONS = GAD7_QUESTIONS
    TEXT_FOR = staticmethod(gad7_text)

    def score(self) -> InstrumentScore:
        return gad7_score(self.items())


class _CssrsForm(StepForm):
    """The C-SSRS screener has no validated text in the portal's other languages
    (intake.instrument_texts), so its questions and their Yes/No stay in English for
    everyone; `not_validated_note` says so in the patient's language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.not_validated_note = cssrs_note(get_language())


def _cssrs_question(key: str, help_text: Any = "", *, required: bool = True) -> Any:
    return yes_no(CSSRS_QUESTIONS[key], help_text, required=required, choices=CSSRS_YES_NO_EN)


class CssrsScreenForm(_CssrsForm):
    q1 = _cssrs_question("q1")
    q2 = _cssrs_question("q2")


class CssrsThoughtsForm(_CssrsForm):
    q3 = _cssrs_question("q3")
    q4 = _cssrs_question("q4")
    q5 = _cssrs_question("q5")


class CssrsBehaviourForm(_CssrsForm):
    q6 = _cssrs_question("q6")
    q6_recent = _cssrs_question("q6_recent", _("Only if you answered yes."), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("q6") is True and data.get("q6_recent") is None:
            self.add_error("q6_recent", _("Please tell us whether this was in the past 3 months."))
        if data.get("q6") is False:
            data["q6_recent"] = None
        return data


class ConsentForm(StepForm):
    agree = forms.BooleanField(
        label=_(
            "I confirm my answers are true to the best of my knowledge, and I agree that "
            "the clinic's clinicians review them to decide whether treatment is right for me."
        ),
        error_messages={"required": _("Please tick the box to send your intake.")},
    )
    signature = forms.CharField(
        label=_("Type your full name as your signature"), max_length=150, strip=True
    )


# --- clinician forms ---


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision", choices=IntakeDecision.Outcome.choices, widget=forms.RadioSelect
    )
    modalities = forms.MultipleChoiceField(
        label="Approved for",
        choices=Modality.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only for an approval.",
    )
    message_to_patient = forms.CharField(
        label="Message to the patient",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown in their portal (required when not eligible). Kind and plain, with "
        "other places to get care.",
    )
    note = forms.CharField(
        label="Clinical note (care team only)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RemsEnrollmentForm(forms.Form):
    enrolled_on = forms.DateField(
        label="Enrollment date", widget=forms.DateInput(attrs={"type": "date"})
    )
    enrollment_reference = forms.CharField(label="Enrollment reference", max_length=60)
    prescriber = forms.ModelChoiceField(
        queryset=User.objects.filter(
            role=Role.CLINICIAN, clinician_kind=ClinicianKind.PRESCRIBER, is_active=True
        ).order_by("full_name"),
        label="Prescriber",
    )
    signed_by_patient = forms.BooleanField(
        label="Signed by the patient",
        error_messages={"required": "The patient must sign the enrollment form."},
    )
    signed_by_prescriber = forms.BooleanField(
        label="Signed by the prescriber",
        error_messages={"required": "The prescriber must sign the enrollment form."},
    )

    def clean_enrolled_on(self) -> Any:
        day = self.cleaned_data["enrolled_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The enrollment date cannot be in the future.")
        return day
