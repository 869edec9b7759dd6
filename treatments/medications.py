"""Which sedating (or otherwise REMS-relevant) medicines a free-text medication list
names: a pure classifier for the Spravato Patient Monitoring Form and the chart's warning.

Plain text in, plain results out; no Django. Brand and generic names are matched as
whole words, case-insensitively ("Klonopin 0.5 mg" and "clonazepam" both count).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class DrugClass(StrEnum):
    BENZODIAZEPINE = "benzodiazepine"
    OPIOID = "opioid"
    NON_BENZO_HYPNOTIC = "non_benzo_hypnotic"
    PSYCHOSTIMULANT = "psychostimulant"
    MAOI = "maoi"

    @property
    def label(self) -> str:
        return CLASS_LABELS[self]


CLASS_LABELS: dict[DrugClass, str] = {
    DrugClass.BENZODIAZEPINE: "Benzodiazepine",
    DrugClass.OPIOID: "Opioid",
    DrugClass.NON_BENZO_HYPNOTIC: "Non-benzodiazepine sleep medicine",
    DrugClass.PSYCHOSTIMULANT: "Psychostimulant",
    DrugClass.MAOI: "MAOI",
}

NAMES: dict[DrugClass, tuple[str, ...]] = {
    DrugClass.BENZODIAZEPINE: (
        "alprazolam",
        "xanax",
        "clonazepam",
        "klonopin",
        "diazepam",
        "valium",
        "lorazepam",
        "ativan",
        "chlordiazepoxide",
        "librium",
        "clorazepate",
        "tranxene",
        "temazepam",
        "restoril",
        "triazolam",
        "halcion",
        "oxazepam",
        "midazolam",
        "estazolam",
        "flurazepam",
        "clobazam",
    ),
    DrugClass.OPIOID: (
        "oxycodone",
        "oxycontin",
        "percocet",
        "hydrocodone",
        "vicodin",
        "norco",
        "morphine",
        "codeine",
        "tramadol",
        "ultram",
        "fentanyl",
        "hydromorphone",
        "dilaudid",
        "methadone",
        "buprenorphine",
        "suboxone",
        "tapentadol",
        "oxymorphone",
        "meperidine",
        "demerol",
    ),
    DrugClass.NON_BENZO_HYPNOTIC: (
        "zolpidem",
        "ambien",
        "eszopiclone",
        "lunesta",
        "zaleplon",
        "sonata",
        "suvorexant",
        "belsomra",
        "lemborexant",
        "daridorexant",
        "ramelteon",
    ),
    DrugClass.PSYCHOSTIMULANT: (
        "adderall",
        "amphetamine",
        "dextroamphetamine",
        "lisdexamfetamine",
        "vyvanse",
        "methylphenidate",
        "ritalin",
        "concerta",
        "dexmethylphenidate",
        "focalin",
        "modafinil",
        "provigil",
        "armodafinil",
        "nuvigil",
    ),
    DrugClass.MAOI: (
        "phenelzine",
        "nardil",
        "tranylcypromine",
        "parnate",
        "selegiline",
        "emsam",
        "isocarboxazid",
        "marplan",
    ),
}

_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Finding:
    drug_class: DrugClass
    names: tuple[str, ...]  # as found in the list, lower case, in order, once each


def classify(medication_list: str) -> list[Finding]:
    """The classes of medicine the list names, in the order of DrugClass, each with the
    names found. An empty list when nothing relevant is named."""
    words = _WORD.findall(medication_list.lower())
    findings = []
    for drug_class in DrugClass:
        known = NAMES[drug_class]
        found = tuple(dict.fromkeys(w for w in words if w in known))
        if found:
            findings.append(Finding(drug_class, found))
    return findings


def describe(findings: list[Finding]) -> str:
    """One line a nurse reads: "Benzodiazepine: clonazepam; Opioid: oxycodone"."""
    return "; ".join(f"{f.drug_class.label}: {', '.join(f.names)}" for f in findings)
