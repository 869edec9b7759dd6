"""portal.markup.format_html gives exactly what Django's format_html gives."""

from __future__ import annotations

from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from hypothesis import given
from hypothesis import strategies as st

from portal.markup import format_html, options

HOSTILE = ["<script>alert(1)</script>", "\"'><img src=x onerror=y>", "a & b", "Ünïcødé 名前", ""]


class Drawn:
    """Something that draws itself, as a form field or a SafeString does."""

    def __html__(self) -> str:
        return "<b>drawn</b>"


values = st.one_of(
    st.text(),
    st.sampled_from(HOSTILE),
    st.integers(),
    st.none(),
    st.text().map(mark_safe),
    st.just(Drawn()),
)


@given(st.lists(values, min_size=1, max_size=6))
def test_it_matches_djangos_format_html_for_any_values(items: list[object]) -> None:
    template = "".join(f"<td class='x'>{{}}</td>{n}" for n in range(len(items)))
    assert format_html(template, *items) == django_html.format_html(template, *items)


def test_text_is_escaped_and_markup_goes_in_as_it_is() -> None:
    drawn = format_html("<p>{}{}</p>", "<i>x</i>", mark_safe("<i>y</i>"))
    assert drawn == "<p>&lt;i&gt;x&lt;/i&gt;<i>y</i></p>"
    assert isinstance(drawn, SafeString)


def test_quotes_are_escaped_for_attributes() -> None:
    assert format_html('<a title="{}">', "\"'") == '<a title="&quot;&#x27;">'


def test_options_mark_the_selected_value_and_escape_labels() -> None:
    drawn = options([(1, "Folsom"), (2, "<Roseville>")], 2)
    assert drawn == (
        '<option value="1">Folsom</option><option value="2" selected>&lt;Roseville&gt;</option>'
    )


def test_options_mark_nothing_when_nothing_matches() -> None:
    assert "selected" not in options([("a", "A"), ("b", "B")], "")
