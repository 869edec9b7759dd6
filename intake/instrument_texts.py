"""The words of PHQ-9, GAD-7 and the C-SSRS screener, per language.

Pure data, no Django. A validated instrument is only valid in its published wording, so
these texts are NOT in the .po catalogs (a translator must never reword them); each one
names its source. A language with no validated text falls back to English, and the page
says so (CSSRS_NOT_VALIDATED_NOTE) - never a home-made translation.

Scoring does not depend on the words: every language maps its answers to the same 0-3
values (intake.instruments does the scoring).

Sources
-------
PHQ-9, Spanish for USA: "Cuestionario sobre la salud del paciente-9 (PHQ-9)", Pfizer Inc.
    PHQ Screeners, https://www.phqscreeners.com (select "PHQ-9", language "Spanish for
    USA"). "Elaborado por los doctores Robert L. Spitzer, Janet B.W. Williams, Kurt
    Kroenke y colegas, mediante una subvención educativa otorgada por Pfizer Inc. No se
    requiere permiso para reproducir, traducir, presentar o distribuir." Wording checked
    word for word against the text of that PDF as reproduced at
    https://es.studenta.com/content/129686767/patient-health-questionnaire-9-spanish
    ("PatientHealthQuestionnaire9_Spanish"). The form's own instruction "(Marque con un
    "✓" para indicar su respuesta)" is for paper and is left out; the portal asks for one
    choice per item instead.
GAD-7, Spanish for USA: "GAD-7", Pfizer Inc. PHQ Screeners, https://www.phqscreeners.com
    (select "GAD-7", language "Spanish for USA"); same authors and the same free-use
    statement. Items, stem and answer labels as in that form, checked against public
    reproductions of the Spanish-for-USA form (the items are identical across them; the
    stem and the "Ningún día" label are the PHQ screeners' shared Spanish-for-USA layout).
C-SSRS screener: the Columbia Lighthouse Project (https://cssrs.columbia.edu) publishes
    a Spanish-for-USA screener, but its exact text could not be obtained from a source we
    can cite, and the public Spanish versions we found disagree with each other. So the
    screener stays in English for every patient, with a note in the patient's language.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InstrumentText:
    source: str
    stem: str
    questions: tuple[str, ...]
    answer_choices: tuple[tuple[int, str], ...]


ENGLISH = "en"
SPANISH = "es"

# --- English: the portal's wording since the intake was built (unchanged) ---

ANSWER_CHOICES_EN: tuple[tuple[int, str], ...] = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)

STEM_EN = "Over the last 2 weeks, how often have you been bothered by the following?"

PHQ9_EN = InstrumentText(
    source="PHQ-9, English, Pfizer Inc. PHQ Screeners (phqscreeners.com)",
    stem=STEM_EN,
    questions=(
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself "
        "or your family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the "
        "opposite — being so fidgety or restless that you have been moving around a lot "
        "more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    answer_choices=ANSWER_CHOICES_EN,
)

GAD7_EN = InstrumentText(
    source="GAD-7, English, Pfizer Inc. PHQ Screeners (phqscreeners.com)",
    stem=STEM_EN,
    questions=(
        "Feeling nervous, anxious, or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ),
    answer_choices=ANSWER_CHOICES_EN,
)

# --- Spanish for USA (Pfizer PHQ Screeners; see the module docstring for the source) ---

ANSWER_CHOICES_ES: tuple[tuple[int, str], ...] = (
    (0, "Ningún día"),
    (1, "Varios días"),
    (2, "Más de la mitad de los días"),
    (3, "Casi todos los días"),
)

STEM_ES = (
    "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los "
    "siguientes problemas?"
)

PHQ9_ES = InstrumentText(
    source="PHQ-9, Spanish for USA, Pfizer Inc. PHQ Screeners (phqscreeners.com)",
    stem=STEM_ES,
    questions=(
        "Poco interés o placer en hacer cosas",
        "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
        "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado",
        "Se ha sentido cansado(a) o con poca energía",
        "Sin apetito o ha comido en exceso",
        # The published text has en dashes here (ruff's RUF001 would turn them into hyphens).
        "Se ha sentido mal con usted mismo(a) – o que es un fracaso o que ha quedado mal "  # noqa: RUF001
        "con usted mismo(a) o con su familia",
        "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer "
        "el periódico o ver la televisión",
        "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o "
        "lo contrario – muy inquieto(a) o agitado(a) que ha estado moviéndose mucho más "  # noqa: RUF001
        "de lo normal",
        "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
    ),
    answer_choices=ANSWER_CHOICES_ES,
)

GAD7_ES = InstrumentText(
    source="GAD-7, Spanish for USA, Pfizer Inc. PHQ Screeners (phqscreeners.com)",
    stem=STEM_ES,
    questions=(
        "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta",
        "No ha sido capaz de parar o controlar su preocupación",
        "Se ha preocupado demasiado por motivos diferentes",
        "Ha tenido dificultad para relajarse",
        "Se ha sentido tan inquieto(a) que no ha podido quedarse quieto(a)",
        "Se ha molestado o irritado fácilmente",
        "Ha tenido miedo de que algo terrible fuera a pasar",
    ),
    answer_choices=ANSWER_CHOICES_ES,
)

# --- C-SSRS screener: English only (see the module docstring) ---

CSSRS_QUESTIONS_EN: dict[str, str] = {
    "q1": "In the past month, have you wished you were dead or wished you could go to sleep "
    "and not wake up?",
    "q2": "In the past month, have you actually had any thoughts of killing yourself?",
    "q3": "Have you been thinking about how you might do this?",
    "q4": "Have you had these thoughts and had some intention of acting on them?",
    "q5": "Have you started to work out or worked out the details of how to kill yourself? "
    "Do you intend to carry out this plan?",
    "q6": "Have you ever done anything, started to do anything, or prepared to do anything "
    "to end your life?",
    "q6_recent": "Was that within the past 3 months?",
}
CSSRS_YES_NO_EN: tuple[tuple[str, str], ...] = (("yes", "Yes"), ("no", "No"))

# Shown above the screener to a patient whose language has no validated text. Written
# for the patient (not part of the instrument), so it is in the patient's language.
CSSRS_NOT_VALIDATED_NOTE: dict[str, str] = {
    SPANISH: "Estas preguntas de seguridad se muestran en inglés porque todavía no "
    "contamos con una versión validada en español. Si alguna no le queda clara, "
    "puede llamar a la clínica y con gusto le ayudamos.",
}

PHQ9_TEXTS: dict[str, InstrumentText] = {ENGLISH: PHQ9_EN, SPANISH: PHQ9_ES}
GAD7_TEXTS: dict[str, InstrumentText] = {ENGLISH: GAD7_EN, SPANISH: GAD7_ES}


def _base_language(language: str | None) -> str:
    return (language or ENGLISH).split("-")[0].split("_")[0].lower()


def phq9_text(language: str | None) -> InstrumentText:
    """The PHQ-9 in `language` if a validated text exists, else in English."""
    return PHQ9_TEXTS.get(_base_language(language), PHQ9_EN)


def gad7_text(language: str | None) -> InstrumentText:
    """The GAD-7 in `language` if a validated text exists, else in English."""
    return GAD7_TEXTS.get(_base_language(language), GAD7_EN)


def cssrs_note(language: str | None) -> str:
    """The note saying the screener is in English ("" for English itself)."""
    return CSSRS_NOT_VALIDATED_NOTE.get(_base_language(language), "")
