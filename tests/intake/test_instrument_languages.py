"""The questionnaires in Spanish: the published Spanish-for-USA wording, word for word,
and the same score whatever the language; the C-SSRS stays English with a note.

The expected texts below are typed from the cited forms (intake/instrument_texts.py names
them), not read from the module, so an edit to the module's wording fails here.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from intake.forms import (
    CssrsBehaviourForm,
    CssrsScreenForm,
    CssrsThoughtsForm,
    Gad7Form,
    Phq9Form,
)
from intake.instrument_texts import cssrs_note, gad7_text, phq9_text
from intake.instruments import CSSRS_QUESTIONS, GAD7_QUESTIONS, PHQ9_QUESTIONS

PHQ9_SPANISH_FOR_USA = [
    "Poco interés o placer en hacer cosas",
    "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
    "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado",
    "Se ha sentido cansado(a) o con poca energía",
    "Sin apetito o ha comido en exceso",
    "Se ha sentido mal con usted mismo(a) \u2013 o que es un fracaso o que ha quedado mal "
    "con usted mismo(a) o con su familia",
    "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer el "
    "periódico o ver la televisión",
    "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o lo "
    "contrario \u2013 muy inquieto(a) o agitado(a) que ha estado moviéndose mucho más de "
    "lo normal",
    "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
]
GAD7_SPANISH_FOR_USA = [
    "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta",
    "No ha sido capaz de parar o controlar su preocupación",
    "Se ha preocupado demasiado por motivos diferentes",
    "Ha tenido dificultad para relajarse",
    "Se ha sentido tan inquieto(a) que no ha podido quedarse quieto(a)",
    "Se ha molestado o irritado fácilmente",
    "Ha tenido miedo de que algo terrible fuera a pasar",
]
STEM_SPANISH_FOR_USA = (
    "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los "
    "siguientes problemas?"
)
ANSWERS_SPANISH_FOR_USA = [
    ("0", "Ningún día"),
    ("1", "Varios días"),
    ("2", "Más de la mitad de los días"),
    ("3", "Casi todos los días"),
]
ANSWERS_ENGLISH = [
    ("0", "Not at all"),
    ("1", "Several days"),
    ("2", "More than half the days"),
    ("3", "Nearly every day"),
]


def _labels(form) -> list[str]:
    return [str(field.label) for field in form.fields.values()]


def _choices(form, name: str) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in form.fields[name].choices]


@pytest.mark.parametrize(
    ("form_class", "expected"),
    [(Phq9Form, PHQ9_SPANISH_FOR_USA), (Gad7Form, GAD7_SPANISH_FOR_USA)],
)
def test_spanish_form_shows_the_published_spanish_wording(form_class, expected) -> None:
    with translation.override("es"):
        form = form_class()
    assert _labels(form) == [f"{n}. {text}" for n, text in enumerate(expected, start=1)]
    assert form.PREAMBLE == STEM_SPANISH_FOR_USA
    for name in form.fields:
        assert _choices(form, name) == ANSWERS_SPANISH_FOR_USA
    assert "Spanish for USA" in form.instrument_source


@pytest.mark.parametrize(
    ("form_class", "english"), [(Phq9Form, PHQ9_QUESTIONS), (Gad7Form, GAD7_QUESTIONS)]
)
def test_english_form_is_unchanged(form_class, english) -> None:
    with translation.override("en"):
        form = form_class()
    assert _labels(form) == [f"{n}. {text}" for n, text in enumerate(english, start=1)]
    assert form.PREAMBLE == (
        "Over the last 2 weeks, how often have you been bothered by the following?"
    )
    assert _choices(form, "item_1") == ANSWERS_ENGLISH


def test_a_language_without_a_validated_text_gets_english() -> None:
    assert phq9_text("fr").questions == PHQ9_QUESTIONS
    assert gad7_text(None).questions == GAD7_QUESTIONS
    assert phq9_text("es-mx").questions[0] == PHQ9_SPANISH_FOR_USA[0]


@pytest.mark.parametrize(
    ("form_class", "answers"),
    [
        (Phq9Form, [3, 2, 1, 0, 3, 2, 1, 0, 1]),
        (Gad7Form, [0, 1, 2, 3, 3, 2, 1]),
    ],
)
def test_the_same_answers_score_the_same_in_both_languages(form_class, answers) -> None:
    data = {f"item_{n}": str(value) for n, value in enumerate(answers, start=1)}
    results = {}
    for language in ("en", "es"):
        with translation.override(language):
            form = form_class(data)
            assert form.is_valid(), form.errors
            results[language] = (form.answers(), form.score())
    assert results["en"] == results["es"]
    assert results["es"][1].total == sum(answers)
    assert results["es"][0] == {f"item_{n}": v for n, v in enumerate(answers, start=1)}


@pytest.mark.parametrize("form_class", [CssrsScreenForm, CssrsThoughtsForm, CssrsBehaviourForm])
def test_the_cssrs_stays_english_for_a_spanish_patient_with_a_spanish_note(form_class) -> None:
    with translation.override("es"):
        form = form_class()
    for name, field in form.fields.items():
        assert str(field.label) == CSSRS_QUESTIONS[name]
        assert _choices(form, name) == [("yes", "Yes"), ("no", "No")]
    assert "se muestran en inglés" in form.not_validated_note
    assert "versión validada en español" in form.not_validated_note


def test_an_english_patient_sees_no_language_note() -> None:
    with translation.override("en"):
        assert CssrsScreenForm().not_validated_note == ""
    assert cssrs_note("en-us") == ""


def test_cssrs_answers_mean_the_same_in_both_languages() -> None:
    data = {"q6": "yes", "q6_recent": "no"}
    cleaned = {}
    for language in ("en", "es"):
        with translation.override(language):
            form = CssrsBehaviourForm(data)
            assert form.is_valid(), form.errors
            cleaned[language] = form.answers()
    assert cleaned["en"] == cleaned["es"] == {"q6": True, "q6_recent": False}
