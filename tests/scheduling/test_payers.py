"""The payer rule: Medi-Cal is recognised however it is written, from its effective date."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduling.payers import PayerBlock, alias_matches, payer_refusal, words

MEDI_CAL = PayerBlock(
    name="Medi-Cal",
    aliases=(
        "medi-cal",
        "medi cal",
        "=medical",
        "california medicaid",
        "medicaid california",
        "medicaid of california",
    ),
    not_accepted_from=dt.date(2026, 1, 1),
    message="We do not currently accept Medi-Cal.",
)
ON = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    "answer",
    [
        "Medi-Cal",
        "medi-cal",
        "MEDI-CAL",
        "MediCal",
        "Medi Cal",
        "medi cal",
        "Medi  -  Cal",
        "Medi_Cal",
        "Medi.Cal",
        "Medi\u2011Cal",  # non-breaking hyphen
        "Medi\u2013Cal",  # en dash
        "  medi-cal  ",
        "MEDICAL",
        "medical",
        "MediCAL",
        "mediCal",
        "Anthem Blue Cross Medi-Cal",
        "Health Net Medi-Cal",
        "HealthNet MediCal",
        "Kaiser Permanente Medi-Cal",
        "Molina Healthcare Medi Cal plan",
        "Medi-Cal managed care (Anthem)",
        "California Medicaid",
        "Medicaid (California)",
        "medi-cal/ccs",
    ],
)
def test_medi_cal_is_recognised_however_written(answer: str) -> None:
    refusal = payer_refusal(answers=["Commercial insurance", answer], blocks=[MEDI_CAL], on=ON)
    assert refusal is not None
    assert refusal.payer == "Medi-Cal"
    assert refusal.message == MEDI_CAL.message


@pytest.mark.parametrize(
    "answer",
    [
        "Aetna Medical PPO",
        "Blue Shield of California PPO",
        "Medicare",
        "Medicare Advantage",
        "Medicaid",  # another state's Medicaid is not Medi-Cal
        "Cigna",
        "Kaiser Permanente",
        "Medical Mutual",
        "Self-pay",
        "",
        "   ",
        "Calmedi",
        "Medicare Cal PERS",
    ],
)
def test_other_payers_are_accepted(answer: str) -> None:
    assert payer_refusal(answers=["Commercial insurance", answer], blocks=[MEDI_CAL], on=ON) is None


@pytest.mark.parametrize(
    ("on", "refused"),
    [
        (dt.date(2025, 12, 31), False),  # the day before the rule takes effect
        (dt.date(2026, 1, 1), True),  # the day it takes effect
        (dt.date(2030, 6, 1), True),
    ],
)
def test_the_rule_applies_from_its_effective_date(on: dt.date, refused: bool) -> None:
    assert (payer_refusal(answers=["Medi-Cal"], blocks=[MEDI_CAL], on=on) is not None) is refused


@pytest.mark.parametrize(
    ("pays_privately", "self_pay_allowed", "refused"),
    [
        (False, False, True),
        (True, False, True),  # off by default: paying privately does not get round it
        (False, True, True),
        (True, True, False),
    ],
)
def test_self_pay_for_medi_cal_members_only_where_the_clinic_allows_it(
    pays_privately: bool, self_pay_allowed: bool, refused: bool
) -> None:
    refusal = payer_refusal(
        answers=["Medi-Cal"],
        blocks=[MEDI_CAL],
        on=ON,
        pays_privately=pays_privately,
        self_pay_allowed=self_pay_allowed,
    )
    assert (refusal is not None) is refused


def test_no_rules_means_every_payer_is_accepted() -> None:
    assert payer_refusal(answers=["Medi-Cal"], blocks=[], on=ON) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Health-Net MediCal", ("health", "net", "medi", "cal")),
        ("MEDI-CAL", ("medi", "cal")),
        ("  ", ()),
        ("Anthem Blue Cross", ("anthem", "blue", "cross")),
    ],
)
def test_words(text: str, expected: tuple[str, ...]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    ("alias", "answer", "matches"),
    [
        ("=medical", "medical", True),
        ("=medical", "Aetna medical", False),
        ("medi cal", "medi calm", False),
        ("", "anything", False),
        ("=", "", False),
    ],
)
def test_alias_matching(alias: str, answer: str, matches: bool) -> None:
    assert alias_matches(alias, answer) is matches
