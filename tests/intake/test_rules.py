"""Contraindication rules: each one triggered and not triggered, with its reason."""

from __future__ import annotations

import dataclasses

import pytest

from intake.modalities import Modality
from intake.rules import (
    ALL_MODALITIES,
    RULES,
    Reported,
    Severity,
    Thresholds,
    counts,
    evaluate,
    flags_for,
)

CLINIC = Thresholds(systolic_limit=160, diastolic_limit=100, minimum_age=18)

# Nothing to flag: an adult on an antidepressant with a normal reading who says no to all.
CALM = Reported(
    age=40,
    bp_systolic=122,
    bp_diastolic=78,
    cardiac_disease=False,
    cardiac_unstable=False,
    aneurysm_or_avm=False,
    intracerebral_haemorrhage=False,
    ketamine_allergy=False,
    pregnant_or_breastfeeding=False,
    psychosis_history=False,
    current_mania=False,
    bipolar=False,
    mood_stabiliser=False,
    substance_use=False,
    maoi=False,
    benzodiazepine=False,
    stimulant=False,
    antidepressant=True,
)
SPRAVATO_ONLY = frozenset({Modality.SPRAVATO})


def test_a_calm_report_raises_no_flag() -> None:
    assert evaluate(CALM, CLINIC) == []


def test_a_report_with_nothing_answered_raises_no_flag() -> None:
    assert evaluate(Reported(), CLINIC) == []


TRIGGERED = [
    # (changes to CALM, flag code, severity, modalities, words in the reason)
    ({"bp_systolic": 168, "bp_diastolic": 102}, "uncontrolled_hypertension", Severity.EXCLUDE,
     ALL_MODALITIES, "reported blood pressure 168/102; threshold 160/100"),
    ({"bp_systolic": 160, "bp_diastolic": 90}, "uncontrolled_hypertension", Severity.EXCLUDE,
     ALL_MODALITIES, "reported blood pressure 160/90"),
    ({"bp_systolic": 150, "bp_diastolic": 100}, "uncontrolled_hypertension", Severity.EXCLUDE,
     ALL_MODALITIES, "reported blood pressure 150/100"),
    ({"aneurysm_or_avm": True}, "aneurysm_or_avm", Severity.EXCLUDE, ALL_MODALITIES,
     "arteriovenous malformation"),
    ({"intracerebral_haemorrhage": True}, "intracerebral_haemorrhage", Severity.EXCLUDE,
     ALL_MODALITIES, "intracerebral haemorrhage"),
    ({"ketamine_allergy": True}, "hypersensitivity", Severity.EXCLUDE, ALL_MODALITIES,
     "allergic reaction to ketamine or esketamine"),
    ({"pregnant_or_breastfeeding": True}, "pregnancy", Severity.EXCLUDE, ALL_MODALITIES,
     "pregnant"),
    ({"psychosis_history": True}, "psychosis_or_mania", Severity.EXCLUDE, ALL_MODALITIES,
     "reported a history of psychosis"),
    ({"current_mania": True}, "psychosis_or_mania", Severity.EXCLUDE, ALL_MODALITIES,
     "reported a current manic episode"),
    ({"psychosis_history": True, "current_mania": True}, "psychosis_or_mania", Severity.EXCLUDE,
     ALL_MODALITIES, "a history of psychosis and a current manic episode"),
    ({"bipolar": True, "mood_stabiliser": False}, "bipolar_without_mood_stabiliser",
     Severity.NEEDS_REVIEW, ALL_MODALITIES, "bipolar disorder and no current mood stabiliser"),
    ({"substance_use": True}, "active_substance_use", Severity.NEEDS_REVIEW, ALL_MODALITIES,
     "alcohol or drug use in the past 12 months"),
    ({"substance_use": True, "substance_use_details": "alcohol, daily"}, "active_substance_use",
     Severity.NEEDS_REVIEW, ALL_MODALITIES, "past 12 months: alcohol, daily"),
    ({"cardiac_unstable": True}, "unstable_cardiac_disease", Severity.EXCLUDE, ALL_MODALITIES,
     "heart attack"),
    ({"cardiac_disease": True, "cardiac_unstable": True}, "unstable_cardiac_disease",
     Severity.EXCLUDE, ALL_MODALITIES, "past 6 months"),
    ({"cardiac_disease": True}, "cardiac_disease", Severity.NEEDS_REVIEW, ALL_MODALITIES,
     "heart disease, stable"),
    ({"age": 17}, "under_minimum_age", Severity.EXCLUDE, ALL_MODALITIES, "age 17"),
    ({"maoi": True}, "maoi", Severity.NEEDS_REVIEW, ALL_MODALITIES, "MAOI"),
    ({"benzodiazepine": True}, "benzodiazepine", Severity.NEEDS_REVIEW, ALL_MODALITIES,
     "benzodiazepine"),
    ({"stimulant": True}, "stimulant", Severity.NEEDS_REVIEW, SPRAVATO_ONLY, "stimulant"),
    ({"antidepressant": False}, "spravato_without_antidepressant", Severity.NEEDS_REVIEW,
     SPRAVATO_ONLY, "no current oral antidepressant"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "code", "severity", "modalities", "reason"),
    TRIGGERED,
    ids=[f"{row[1]}-{i}" for i, row in enumerate(TRIGGERED)],
)
def test_each_rule_raises_its_flag_with_a_reason_quoting_the_report(
    changes: dict, code: str, severity: Severity, modalities: frozenset, reason: str
) -> None:
    flags = evaluate(dataclasses.replace(CALM, **changes), CLINIC)
    assert [f.code for f in flags] == [code]
    (flag,) = flags
    assert flag.severity is severity
    assert flag.modalities == modalities
    assert reason in flag.reason


NOT_TRIGGERED = [
    ({"bp_systolic": 159, "bp_diastolic": 99}, "just under both thresholds"),
    ({"bp_systolic": None, "bp_diastolic": None}, "blood pressure not known"),
    ({"bp_systolic": 190, "bp_diastolic": None}, "half a reading is not a reading"),
    ({"bipolar": True, "mood_stabiliser": True}, "bipolar on a mood stabiliser"),
    ({"bipolar": False, "mood_stabiliser": False}, "no bipolar disorder"),
    ({"age": 18}, "exactly the minimum age"),
    ({"age": None}, "age unknown"),
    ({"antidepressant": None}, "antidepressant question not answered yet"),
    ({"substance_use": False, "substance_use_details": "wine at dinner"}, "details without yes"),
]


@pytest.mark.parametrize(("changes", "why"), NOT_TRIGGERED, ids=[r[1] for r in NOT_TRIGGERED])
def test_rules_stay_quiet_below_their_line(changes: dict, why: str) -> None:
    assert evaluate(dataclasses.replace(CALM, **changes), CLINIC) == []


def test_every_rule_is_covered_by_a_triggered_case() -> None:
    covered = {row[1] for row in TRIGGERED}
    for rule in RULES:
        flags_of_rule = {
            flag.code
            for changes, *_ in TRIGGERED
            if (flag := rule(dataclasses.replace(CALM, **changes), CLINIC)) is not None
        }
        assert flags_of_rule, f"{rule.__name__} is never triggered by a test case"
        assert flags_of_rule <= covered


def test_thresholds_come_from_the_clinic_not_the_code() -> None:
    stricter = Thresholds(systolic_limit=140, diastolic_limit=90, minimum_age=21)
    reading = dataclasses.replace(CALM, bp_systolic=145, bp_diastolic=85, age=20)
    assert evaluate(reading, CLINIC) == []
    flags = evaluate(reading, stricter)
    assert {f.code for f in flags} == {"uncontrolled_hypertension", "under_minimum_age"}
    bp = next(f for f in flags if f.code == "uncontrolled_hypertension")
    assert bp.reason == "reported blood pressure 145/85; threshold 140/90"


def test_exclusions_come_first_and_counts_split_by_severity() -> None:
    report = dataclasses.replace(CALM, benzodiazepine=True, aneurysm_or_avm=True, maoi=True)
    flags = evaluate(report, CLINIC)
    assert [f.severity for f in flags] == [
        Severity.EXCLUDE,
        Severity.NEEDS_REVIEW,
        Severity.NEEDS_REVIEW,
    ]
    assert counts(flags) == (1, 2)


def test_flags_for_a_modality_leave_out_flags_about_another() -> None:
    report = dataclasses.replace(CALM, stimulant=True, benzodiazepine=True)
    flags = evaluate(report, CLINIC)
    assert [f.code for f in flags_for(flags, Modality.IV)] == ["benzodiazepine"]
    assert {f.code for f in flags_for(flags, Modality.SPRAVATO)} == {"benzodiazepine", "stimulant"}
