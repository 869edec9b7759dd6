"""Which payers the clinic does not accept, as a pure rule: plain values in, a message out.

The list is clinic data (`PayerRule` rows with an effective date); this module only
decides whether what a patient typed names one of them. Patients write "Medi-Cal" many
ways ("MediCal", "medi cal", "MEDI-CAL", "Health Net Medi-Cal"), so both the rule's
aliases and the answer are reduced to words before comparing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class PayerBlock:
    """A payer not accepted from `not_accepted_from` on (plain copy of a PayerRule)."""

    name: str
    aliases: tuple[str, ...]
    not_accepted_from: dt.date
    message: str


@dataclass(frozen=True)
class PayerRefusal:
    payer: str
    message: str


def words(text: str) -> tuple[str, ...]:
    """'Health-Net MediCal' -> ('health', 'net', 'medi', 'cal').

    A lower-to-upper case change splits a word ("MediCal" is "Medi Cal"); any run of
    characters that are not letters or digits (spaces, hyphens, dots, dashes) is a break.
    """
    split = _CAMEL.sub(" ", text)
    return tuple(w for w in _NOT_WORD.split(split.lower()) if w)


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def alias_matches(alias: str, answer: str) -> bool:
    """Does `answer` name the payer written as `alias`?

    An alias starting with "=" must be the whole answer; any other alias may appear
    anywhere in it as whole words ("medi cal" in "anthem blue cross medi cal").
    """
    alias = alias.strip()
    if not alias:
        return False
    answer_words = words(answer)
    if alias.startswith("="):
        return answer_words == words(alias[1:]) and bool(answer_words)
    return _contains(answer_words, words(alias))


def parse_aliases(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def payer_refusal(
    *,
    answers: Iterable[str],
    blocks: Sequence[PayerBlock],
    on: dt.date,
    pays_privately: bool = False,
    self_pay_allowed: bool = False,
) -> PayerRefusal | None:
    """The refusal for a request whose payer answers (the payer chosen, the plan name)
    name a payer not accepted on `on`, else None.

    A patient covered by such a payer who pays privately is accepted only where the
    clinic allows it (`self_pay_allowed`, a clinic setting, off by default).
    """
    texts = [a for a in answers if a and a.strip()]
    for block in blocks:
        if on < block.not_accepted_from:
            continue
        if any(alias_matches(alias, text) for alias in block.aliases for text in texts):
            if pays_privately and self_pay_allowed:
                return None
            return PayerRefusal(payer=block.name, message=block.message)
    return None
