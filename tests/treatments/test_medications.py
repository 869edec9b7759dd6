"""The medication-list classifier (pure, no database): which sedating or interacting
medicines a patient's free-text list names, for the REMS form and the chart's warning."""

from __future__ import annotations

import pytest

from treatments.medications import DrugClass, classify, describe

B, OP, H, S, M = (
    DrugClass.BENZODIAZEPINE,
    DrugClass.OPIOID,
    DrugClass.NON_BENZO_HYPNOTIC,
    DrugClass.PSYCHOSTIMULANT,
    DrugClass.MAOI,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("clonazepam 0.5 mg at night", {B: ("clonazepam",)}),
        ("Lorazepam 1mg PRN", {B: ("lorazepam",)}),
        ("alprazolam, diazepam", {B: ("alprazolam", "diazepam")}),
        ("Klonopin", {B: ("klonopin",)}),
        ("oxycodone 5 mg; hydrocodone", {OP: ("oxycodone", "hydrocodone")}),
        ("morphine, tramadol 50", {OP: ("morphine", "tramadol")}),
        ("zolpidem 10 mg", {H: ("zolpidem",)}),
        ("Ambien at bedtime", {H: ("ambien",)}),
        ("Adderall XR 20", {S: ("adderall",)}),
        ("phenelzine", {M: ("phenelzine",)}),
        (
            "escitalopram 20 mg, clonazepam 0.5 mg, oxycodone",
            {B: ("clonazepam",), OP: ("oxycodone",)},
        ),
        ("escitalopram 20 mg, bupropion", {}),
        ("", {}),
        ("clonazepamx", {}),  # whole words only
        ("CLONAZEPAM clonazepam", {B: ("clonazepam",)}),  # once each
    ],
)
def test_the_classifier_names_each_class_of_medicine_in_the_list(
    text: str, expected: dict[DrugClass, tuple[str, ...]]
) -> None:
    assert {f.drug_class: f.names for f in classify(text)} == expected


def test_the_findings_read_as_one_line_for_the_nurse() -> None:
    assert describe(classify("oxycodone, clonazepam")) == (
        "Benzodiazepine: clonazepam; Opioid: oxycodone"
    )
    assert describe([]) == ""
