"""Contraindication rules: what a patient reported, read against the clinic's thresholds.

Pure code: plain values in (`Reported`, `Thresholds`), plain flags out. Each flag says
how serious it is (exclude, or needs review), which treatments it concerns, and why, in
the patient's own numbers. Rules never decide: they inform the clinician, who decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from intake.modalities import Modality

ALL_MODALITIES = frozenset(Modality)


class Severity(StrEnum):
    EXCLUDE = "exclude"
    NEEDS_REVIEW = "needs_review"

    @property
    def label(self) -> str:
        return "Exclude" if self is Severity.EXCLUDE else "Needs review"


@dataclass(frozen=True)
class Thresholds:
    systolic_limit: int = 160
    diastolic_limit: int = 100
    minimum_age: int = 18


@dataclass(frozen=True)
class Reported:
    """What the patient told us (None: not answered yet, or not known)."""

    age: int | None = None
    bp_systolic: int | None = None
    bp_diastolic: int | None = None
    cardiac_disease: bool | None = None
    cardiac_unstable: bool | None = None
    aneurysm_or_avm: bool | None = None
    intracerebral_haemorrhage: bool | None = None
    ketamine_allergy: bool | None = None
    pregnant_or_breastfeeding: bool | None = None
    psychosis_history: bool | None = None
    current_mania: bool | None = None
    bipolar: bool | None = None
    mood_stabiliser: bool | None = None
    substance_use: bool | None = None
    substance_use_details: str = ""
    maoi: bool | None = None
    benzodiazepine: bool | None = None
    stimulant: bool | None = None
    antidepressant: bool | None = None


@dataclass(frozen=True)
class Flag:
    code: str
    title: str
    severity: Severity
    modalities: frozenset[Modality]
    reason: str

    @property
    def modality_labels(self) -> list[str]:
        return [str(m.label) for m in Modality if m in self.modalities]

    @property
    def is_exclude(self) -> bool:
        return self.severity is Severity.EXCLUDE


Rule = Callable[[Reported, Thresholds], "Flag | None"]


def uncontrolled_hypertension(r: Reported, t: Thresholds) -> Flag | None:
    if r.bp_systolic is None or r.bp_diastolic is None:
        return None
    if r.bp_systolic < t.systolic_limit and r.bp_diastolic < t.diastolic_limit:
        return None
    return Flag(
        "uncontrolled_hypertension",
        "Uncontrolled hypertension",
        Severity.EXCLUDE,
        ALL_MODALITIES,
        f"reported blood pressure {r.bp_systolic}/{r.bp_diastolic}; "
        f"threshold {t.systolic_limit}/{t.diastolic_limit}",
    )


def aneurysm_or_avm(r: Reported, t: Thresholds) -> Flag | None:
    if not r.aneurysm_or_avm:
        return None
    return Flag(
        "aneurysm_or_avm",
        "Aneurysmal vascular disease or AV malformation",
        Severity.EXCLUDE,
        ALL_MODALITIES,
        "reported aneurysmal vascular disease (brain, chest, abdominal aorta, arms or legs) "
        "or an arteriovenous malformation",
    )


def intracerebral_haemorrhage(r: Reported, t: Thresholds) -> Flag | None:
    if not r.intracerebral_haemorrhage:
        return None
    return Flag(
        "intracerebral_haemorrhage",
        "History of intracerebral haemorrhage",
        Severity.EXCLUDE,
        ALL_MODALITIES,
        "reported a past bleed in the brain (intracerebral haemorrhage)",
    )


def hypersensitivity(r: Reported, t: Thresholds) -> Flag | None:
    if not r.ketamine_allergy:
        return None
    return Flag(
        "hypersensitivity",
        "Hypersensitivity to ketamine or esketamine",
        Severity.EXCLUDE,
        ALL_MODALITIES,
        "reported an allergic reaction to ketamine or esketamine",
    )


def pregnancy(r: Reported, t: Thresholds) -> Flag | None:
    if not r.pregnant_or_breastfeeding:
        return None
    return Flag(
        "pregnancy",
        "Pregnancy or breastfeeding",
        Severity.EXCLUDE,
        ALL_MODALITIES,
        "reported being pregnant, planning pregnancy, or breastfeeding",
    )


def psychosis_or_mania(r: Reported, t: Thresholds) -> Flag | None:
    reported = []
    if r.psychosis_history:
        reported.append("a history of psychosis")
    if r.current_mania:
        reported.append("a current manic episode")
    if not reported:
        return None
    return Flag(
        "psychosis_or_mania",
        "Psychosis or current mania",
        Severity.EXCLUDE,
        ALL_MODALITIES,
        "reported " + " and ".join(reported),
    )


def bipolar_without_mood_stabiliser(r: Reported, t: Thresholds) -> Flag | None:
    if not r.bipolar or r.mood_stabiliser:
        return None
    return Flag(
        "bipolar_without_mood_stabiliser",
        "Bipolar disorder without a mood stabiliser",
        Severity.NEEDS_REVIEW,
        ALL_MODALITIES,
        "reported bipolar disorder and no current mood stabiliser",
    )


def active_substance_use(r: Reported, t: Thresholds) -> Flag | None:
    if not r.substance_use:
        return None
    details = r.substance_use_details.strip()
    return Flag(
        "active_substance_use",
        "Active substance use disorder",
        Severity.NEEDS_REVIEW,
        ALL_MODALITIES,
        "reported a problem with alcohol or drug use in the past 12 months"
        + (f": {details}" if details else ""),
    )


def unstable_cardiac_disease(r: Reported, t: Thresholds) -> Flag | None:
    if r.cardiac_unstable:
        return Flag(
            "unstable_cardiac_disease",
            "Unstable cardiac disease",
            Severity.EXCLUDE,
            ALL_MODALITIES,
            "reported a heart attack, chest pain at rest, or worsening heart failure "
            "in the past 6 months",
        )
    if r.cardiac_disease:
        return Flag(
            "cardiac_disease",
            "Cardiac disease",
            Severity.NEEDS_REVIEW,
            ALL_MODALITIES,
            "reported heart disease, stable in the past 6 months",
        )
    return None


def under_minimum_age(r: Reported, t: Thresholds) -> Flag | None:
    if r.age is None or r.age >= t.minimum_age:
        return None
    return Flag(
        "under_minimum_age",
        f"Under {t.minimum_age}",
        Severity.EXCLUDE,
        ALL_MODALITIES,
        f"age {r.age} from the reported date of birth; minimum {t.minimum_age}",
    )


def maoi_use(r: Reported, t: Thresholds) -> Flag | None:
    if not r.maoi:
        return None
    return Flag(
        "maoi",
        "MAOI use",
        Severity.NEEDS_REVIEW,
        ALL_MODALITIES,
        "reported taking an MAOI (e.g. phenelzine, tranylcypromine, selegiline): "
        "blood pressure may rise further",
    )


def benzodiazepine_use(r: Reported, t: Thresholds) -> Flag | None:
    if not r.benzodiazepine:
        return None
    return Flag(
        "benzodiazepine",
        "Benzodiazepine use",
        Severity.NEEDS_REVIEW,
        ALL_MODALITIES,
        "reported taking a benzodiazepine (e.g. lorazepam, clonazepam, alprazolam): "
        "more sedation, and it may blunt the response",
    )


def stimulant_use(r: Reported, t: Thresholds) -> Flag | None:
    if not r.stimulant:
        return None
    return Flag(
        "stimulant",
        "Stimulant use",
        Severity.NEEDS_REVIEW,
        frozenset({Modality.SPRAVATO}),
        "reported taking a stimulant (e.g. amphetamine, methylphenidate, modafinil): "
        "blood pressure may rise further",
    )


def spravato_without_antidepressant(r: Reported, t: Thresholds) -> Flag | None:
    if r.antidepressant is not False:
        return None
    return Flag(
        "spravato_without_antidepressant",
        "No oral antidepressant",
        Severity.NEEDS_REVIEW,
        frozenset({Modality.SPRAVATO}),
        "reported no current oral antidepressant; Spravato is given alongside one",
    )


RULES: tuple[Rule, ...] = (
    under_minimum_age,
    uncontrolled_hypertension,
    aneurysm_or_avm,
    intracerebral_haemorrhage,
    hypersensitivity,
    pregnancy,
    psychosis_or_mania,
    unstable_cardiac_disease,
    bipolar_without_mood_stabiliser,
    active_substance_use,
    maoi_use,
    benzodiazepine_use,
    stimulant_use,
    spravato_without_antidepressant,
)


def evaluate(reported: Reported, thresholds: Thresholds) -> list[Flag]:
    """Every flag the report raises, exclusions first."""
    flags = [flag for rule in RULES if (flag := rule(reported, thresholds)) is not None]
    return sorted(flags, key=lambda f: 0 if f.is_exclude else 1)


def flags_for(flags: Iterable[Flag], modality: Modality) -> list[Flag]:
    return [f for f in flags if modality in f.modalities]


def counts(flags: Iterable[Flag]) -> tuple[int, int]:
    """(exclude, needs review)."""
    flags = list(flags)
    exclude = sum(1 for f in flags if f.is_exclude)
    return exclude, len(flags) - exclude
