"""Spanish for patients (issue 21): no patient-facing string is left untranslated.

Pure Python, no gettext tools. Per app (portal, intake, scheduling, treatments,
integration), so each app's translator makes their own case pass:

1. every patient-facing template (everything under templates/ but STAFF_ONLY) is lexed
   with Django's own Lexer; text outside {% translate %} / {% blocktranslate %} that
   contains a letter fails, and so do the values of the attributes a person hears or
   reads (aria-label, title, placeholder, alt, a button's value);
2. every msgid those templates translate, and every gettext/gettext_lazy/ngettext/
   pgettext call in the app's Python, must have a Spanish translation in the merged
   catalogs (our <app>/locale/es .po files, or Django's and allauth's own).

Plus the catalogs themselves: they parse, no msgid twice in a file, the same msgid reads
the same in every app's file, and every placeholder survives translation.
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.template import engines
from django.template.base import Lexer, TokenType
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation

from portal.catalogs import ROOT, Entry, parse_po, po_files

TEMPLATES = ROOT / "templates"

# Which templates belong to which app's translator (first matching prefix wins).
APP_TEMPLATES: dict[str, tuple[str, ...]] = {
    "intake": ("intake/",),
    "scheduling": ("scheduling/",),
    "treatments": ("treatments/",),
    "integration": ("integration/",),
    # Everything else: base.html, error pages, portal/, account/, allauth/, messaging/,
    # notifications/ (emails and texts).
    "portal": ("",),
}

# Templates only staff see: they may stay English (issue 21). Grouped per app; each
# app's translator keeps their group true.
STAFF_ONLY: dict[str, set[str]] = {
    "portal": {
        "messaging/_chart_section.html",
        "messaging/_panel_staff.html",
        "messaging/staff_inbox.html",
        "notifications/clinician_alert/body.html",
        "notifications/clinician_alert/body.txt",
        "notifications/clinician_alert/sms.txt",
        "notifications/clinician_alert/subject.txt",
        "notifications/outbox_list.html",
        "notifications/staff_invitation/body.html",
        "notifications/staff_invitation/body.txt",
        "notifications/staff_invitation/sms.txt",
        "notifications/staff_invitation/subject.txt",
        "portal/_chart_alerts.html",
        "portal/_patient_identity.html",
        "portal/clinician_home.html",
        "portal/front_desk_home.html",
        "portal/invitation_accept.html",
        "portal/invitation_refused.html",
        "portal/patient_chart.html",
        "portal/patient_search.html",
    },
    "intake": {
        "intake/_chart_section.html",
        "intake/_panel_clinician.html",
        "intake/_queue_row.html",
        "intake/consents/staff_patient_consents.html",
        "intake/documents/staff_patient_documents.html",
        "intake/rems_record.html",
        "intake/review_detail.html",
        "intake/review_queue.html",
        "intake/status_board.html",
    },
    "scheduling": {
        "scheduling/_chart_section.html",
        "scheduling/_day_visit.html",
        "scheduling/_day_visit_before_dose.html",
        "scheduling/_panel_front_desk.html",
        "scheduling/_request_row.html",
        "scheduling/_slot_filter_selects.html",
        "scheduling/_slot_picker.html",
        "scheduling/billing/account.html",
        "scheduling/billing/diagnoses.html",
        "scheduling/billing/estimates_due.html",
        "scheduling/day_view.html",
        "scheduling/desk_appointment_cancel.html",
        "scheduling/request_confirm.html",
        "scheduling/request_queue.html",
        "scheduling/telehealth_list.html",
        "scheduling/waitlist/_desk_entries.html",
        "scheduling/waitlist/_panel_front_desk.html",
        "scheduling/waitlist/desk_patient.html",
        "scheduling/waitlist/desk_waitlist.html",
    },
    "treatments": {
        "treatments/_chart_readiness.html",
        "treatments/_chart_section.html",
        "treatments/_panel_clinician.html",
        "treatments/_panel_front_desk.html",
        "treatments/_tell_escort.html",
        "treatments/call_list.html",
        "treatments/course_detail.html",
        "treatments/course_list.html",
        "treatments/course_schedule.html",
        "treatments/course_start.html",
        "treatments/planned_place.html",
        "treatments/rems_form_print.html",
        "treatments/rems_forms.html",
        "treatments/session_board.html",
        "treatments/session_chart.html",
    },
    "integration": {
        "integration/_chart_section.html",
        "integration/_staff_windows_panel.html",
        "integration/patient_trends.html",
        "integration/window_list.html",
    },
}

# Words that read the same in both languages: place names and instrument names.
SAME_IN_EVERY_LANGUAGE = ("Sacramento", "Folsom", "Roseville", "PHQ-9", "GAD-7", "C-SSRS")

APPS = [
    pytest.param(app, id=app)
    for app in ("portal", "intake", "scheduling", "treatments", "integration")
]

GETTEXT_CALLS = {
    "_": 0,
    "gettext": 0,
    "gettext_lazy": 0,
    "ngettext": 0,
    "ngettext_lazy": 0,
    "pgettext": 1,
    "pgettext_lazy": 1,
    "npgettext": 1,
    "npgettext_lazy": 1,
}
CONTEXT_CALLS = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
VISIBLE_ATTRIBUTES = re.compile(
    r"""\b(aria-label|title|placeholder|alt)\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE
)
BUTTON_VALUE = re.compile(r"""\bvalue\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE)
BUTTON_INPUT = re.compile(r"""^<input\b[^>]*\btype\s*=\s*["']?(submit|button|reset)""", re.I)
HIDDEN_CONTENT = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^>]*>")
PLACEHOLDER = "\x00"


def app_of(name: str) -> str:
    for app, prefixes in APP_TEMPLATES.items():
        if any(name.startswith(prefix) for prefix in prefixes):
            return app
    raise AssertionError(name)


def patient_templates(app: str) -> list[Path]:
    staff = STAFF_ONLY[app]
    return sorted(
        path
        for path in TEMPLATES.rglob("*")
        if path.is_file()
        and path.suffix in {".html", ".txt"}
        and app_of(path.relative_to(TEMPLATES).as_posix()) == app
        and path.relative_to(TEMPLATES).as_posix() not in staff
    )


def _has_words(text: str) -> bool:
    text = html.unescape(text.replace(PLACEHOLDER, " "))
    for word in SAME_IN_EVERY_LANGUAGE:
        text = text.replace(word, " ")
    return re.search(r"[^\W\d_]", text) is not None


def literal_text(source: str) -> str:
    """The template with every tag, variable, comment and translated block replaced by a
    placeholder: what is left is literal text that reaches the reader untranslated."""
    parts = []
    skipping: str | None = None  # inside {% blocktranslate %} or {% comment %}
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.COMMENT:
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(" ", 1)[0]
            if skipping is None and name in {"blocktranslate", "blocktrans", "comment"}:
                skipping = "endcomment" if name == "comment" else f"end{name}"
            elif name == skipping:
                skipping = None
            parts.append(PLACEHOLDER)
        elif token.token_type == TokenType.VAR or skipping is not None:
            parts.append(PLACEHOLDER)
        else:
            parts.append(token.contents)
    return "".join(parts)


def untranslated(path: Path) -> list[str]:
    """The snippets of `path` a reader would see in English whatever their language."""
    text = literal_text(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":
        return [text.strip()[:80]] if _has_words(text) else []
    found = []
    text = HIDDEN_CONTENT.sub(PLACEHOLDER, text)
    for tag in TAG.findall(text):
        values = [value for _, value in VISIBLE_ATTRIBUTES.findall(tag)]
        if BUTTON_INPUT.match(tag):
            values += BUTTON_VALUE.findall(tag)
        found += [f"{tag[:60]}: {value}" for value in values if _has_words(value[1:-1])]
    for chunk in TAG.split(text):
        if _has_words(chunk):
            found.append(" ".join(chunk.replace(PLACEHOLDER, "…").split())[:80])
    return found


def _constant(expression: object) -> str | None:
    """A template filter expression's string constant, or None for a variable."""
    var = getattr(expression, "var", expression)
    if isinstance(var, str):
        return var
    literal = getattr(var, "literal", None)
    return literal if isinstance(literal, str) else None


# `_("...")` inside a tag or variable: {% include ... with title=_("Not found") %}.
UNDERSCORE_CALL = re.compile(r"""\b_\(("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\)""")


def template_msgids(path: Path) -> Iterator[tuple[str | None, str]]:
    """(context, msgid) of each translation in a template, as Django looks it up."""
    source = path.read_text(encoding="utf-8")
    for token in Lexer(source).tokenize():
        if token.token_type in {TokenType.BLOCK, TokenType.VAR}:
            for quoted in UNDERSCORE_CALL.findall(token.contents):
                yield None, ast.literal_eval(quoted)
    template = engines["django"].from_string(source)
    nodelist = template.template.nodelist
    for node in nodelist.get_nodes_by_type(TranslateNode):
        msgid = _constant(node.filter_expression)
        if msgid is not None:
            context = _constant(node.message_context) if node.message_context else None
            yield context, msgid
    for node in nodelist.get_nodes_by_type(BlockTranslateNode):
        context = _constant(node.message_context) if node.message_context else None
        yield context, node.render_token_list(node.singular)[0]


# Python only staff read: the Django admin's labels may stay English.
STAFF_ONLY_PYTHON = {"admin.py"}


def python_files(app: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        and "management" not in path.parts
        and path.name not in STAFF_ONLY_PYTHON
    )


def python_msgids(path: Path) -> Iterator[tuple[str | None, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in GETTEXT_CALLS:
            continue
        at = GETTEXT_CALLS[name]
        args = node.args
        if len(args) <= at or not isinstance(args[at], ast.Constant):
            continue
        msgid = args[at].value
        context = (
            args[0].value if name in CONTEXT_CALLS and isinstance(args[0], ast.Constant) else None
        )
        if isinstance(msgid, str):
            yield context, msgid


def catalog_entries() -> dict[Path, list[Entry]]:
    return {path: parse_po(path) for path in po_files() if "/es/" in path.as_posix()}


def our_translations() -> dict[str, str]:
    return {
        entry.key: entry.msgstr[0]
        for entries in catalog_entries().values()
        for entry in entries
        if entry.msgid and entry.translated
    }


def has_spanish(context: str | None, msgid: str, ours: dict[str, str]) -> bool:
    key = msgid if context is None else f"{context}\x04{msgid}"
    if key in ours or not msgid.strip():
        return True
    # Django's and allauth's own catalogs ("Password", "Sign In", ...) count too.
    with translation.override("es"):
        spanish = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    return spanish != msgid


@pytest.mark.parametrize("app", APPS)
def test_patient_templates_translate_every_visible_word(app: str) -> None:
    problems = {
        path.relative_to(TEMPLATES).as_posix(): found
        for path in patient_templates(app)
        if (found := untranslated(path))
    }
    assert problems == {}, "wrap these in {% translate %} / {% blocktranslate %}"


@pytest.mark.parametrize("app", APPS)
def test_every_patient_msgid_has_spanish(app: str) -> None:
    ours = our_translations()
    wanted: dict[tuple[str | None, str], str] = {}
    for path in patient_templates(app):
        for key in template_msgids(path):
            wanted.setdefault(key, path.relative_to(ROOT).as_posix())
    for path in python_files(app):
        for key in python_msgids(path):
            wanted.setdefault(key, path.relative_to(ROOT).as_posix())
    missing = {
        f"{where}: {msgid!r}" + (f" (context {context!r})" if context else "")
        for (context, msgid), where in wanted.items()
        if not has_spanish(context, msgid, ours)
    }
    assert sorted(missing) == [], "add these to a locale/es/LC_MESSAGES/django.po"


def test_staff_only_lists_name_real_templates() -> None:
    listed = {name for names in STAFF_ONLY.values() for name in names}
    assert {name for name in listed if not (TEMPLATES / name).is_file()} == set()
    for app, names in STAFF_ONLY.items():
        assert {name for name in names if app_of(name) != app} == set()


def test_each_app_has_a_spanish_catalog() -> None:
    found = {path.relative_to(ROOT).parts[0] for path in catalog_entries()}
    assert found >= {"portal", "intake", "scheduling", "treatments", "integration"}


def test_no_msgid_twice_in_a_catalog() -> None:
    for path, entries in catalog_entries().items():
        keys = [entry.key for entry in entries]
        assert sorted({key for key in keys if keys.count(key) > 1}) == [], path


def test_a_msgid_reads_the_same_in_every_app() -> None:
    seen: dict[str, tuple[str, Path]] = {}
    clashes = []
    for path, entries in catalog_entries().items():
        for entry in entries:
            if not entry.msgid or not entry.translated:
                continue
            first = seen.setdefault(entry.key, (entry.msgstr[0], path))
            if first[0] != entry.msgstr[0]:
                clashes.append(f"{entry.msgid!r}: {first[1]} and {path}")
    assert clashes == []


PYTHON_FORMAT = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def test_translations_keep_their_placeholders() -> None:
    broken = []
    for path, entries in catalog_entries().items():
        for entry in entries:
            if not entry.msgid or not entry.translated:
                continue
            for index, msgstr in enumerate(entry.msgstr):
                # msgstr[0] is the singular's; the other plural forms follow msgid_plural.
                source = entry.msgid if index == 0 else entry.msgid_plural or entry.msgid
                if sorted(PYTHON_FORMAT.findall(msgstr)) != sorted(PYTHON_FORMAT.findall(source)):
                    broken.append(f"{path.relative_to(ROOT)}:{entry.line}: {entry.msgid!r}")
    assert broken == []


# --- the checker itself ----------------------------------------------------------------


def test_the_checker_finds_bare_text_and_visible_attributes(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "{% load i18n %}<p>{% translate 'Hello' %}</p><p>Goodbye</p>"
        '<button aria-label="Close">&times;</button><input type="submit" value="Send">'
        '<div class="d-flex {% if x %}active{% endif %}">{{ name }} · 911</div>'
        "{# a comment #}{% comment %}Not shown{% endcomment %}"
        "{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}"
        "<script>var label = 'words';</script><!-- words -->"
        "<p>Sacramento · Folsom</p>"
    )
    found = untranslated(page)
    assert "Goodbye" in found
    assert any(item.endswith('"Close"') for item in found)
    assert any(item.endswith('"Send"') for item in found)
    # The class attribute's "active", comments, scripts and the place names are not text.
    assert len(found) == 3


def test_the_checker_reads_msgids_as_django_looks_them_up(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "{% load i18n %}{% translate 'Save' %}{% translate 'May' context 'month' %}"
        "{% blocktranslate trimmed with n=count %}\n  You have {{ n }}\n  visits"
        "{% endblocktranslate %}"
        "{% translate variable %}{{ place|default:_('No preference') }}"
    )
    assert list(template_msgids(page)) == [
        (None, "No preference"),
        (None, "Save"),
        ("month", "May"),
        (None, "You have %(n)s visits"),
    ]


def test_spanish_is_found_in_our_catalogs_and_djangos() -> None:
    ours = {"Your profile": "Su perfil"}
    assert has_spanish(None, "Your profile", ours)
    assert has_spanish(None, "Password", {})  # Django's own catalog
    assert not has_spanish(None, "A sentence nobody has translated", ours)
