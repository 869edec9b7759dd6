"""Finding the portal's forms as a browser would: open each page, read its <form method=post>.

Used by the fuzz and log tests. Forms posting outside our apps (sign-out, the admin,
allauth's own pages) are left to their owners.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

from tests.access.spec import Actor, World
from tests.security.routes import Visit, client_as, get_pages, post_routes

OUR_NAMESPACES = {"portal", "notifications", "intake", "scheduling", "treatments", "integration"}
SKIP_FIELDS = {"csrfmiddlewaretoken"}


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea" or "button"
    values: list[str] = field(default_factory=list)  # what the page offers (options, value)
    multiple: bool = False


@dataclass
class Form:
    actor: Actor
    page: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.actor} POST {self.action} (form on {self.page})"

    @property
    def signature(self) -> tuple[str, tuple[str, ...]]:
        # One form per view and set of fields: twelve "start session" buttons are one form.
        return (resolve(urlsplit(self.action).path).view_name, tuple(sorted(self.fields)))


class FormParser(HTMLParser):
    def __init__(self, page: str, actor: Actor) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.actor = actor
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option_value: str | None = None
        self._option_text: list[str] = []
        self._textarea: Field | None = None

    def _add(self, name: str | None, kind: str, value: str | None, multiple: bool = False) -> None:
        if self._form is None or not name or name in SKIP_FIELDS:
            return
        entry = self._form.fields.setdefault(name, Field(name, kind, [], multiple))
        if value is not None and value not in entry.values:
            entry.values.append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = urljoin(self.page, a.get("action") or self.page)
                self._form = Form(self.actor, self.page, action)
            return
        if self._form is None:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "image", "reset", "file"} and "name" not in a:
                return
            self._add(a.get("name"), kind, a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "button" and a.get("name"):
            self._add(a["name"], "button", a.get("value", ""))
        elif tag == "select":
            self._add(a.get("name"), "select", None, multiple="multiple" in a)
            self._select = self._form.fields.get(a.get("name", ""))
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_text = []
        elif tag == "textarea":
            self._add(a.get("name"), "textarea", None)
            self._textarea = self._form.fields.get(a.get("name", ""))

    def handle_data(self, data: str) -> None:
        if self._option_value is None and self._select is not None:
            self._option_text.append(data)
        if self._textarea is not None:
            self._textarea.values.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select is not None:
            value = (
                self._option_value
                if self._option_value is not None
                else "".join(self._option_text).strip()
            )
            if value not in self._select.values:
                self._select.values.append(value)
            self._option_value = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def ours(url: str) -> bool:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return bool(match.namespaces) and match.namespaces[0] in OUR_NAMESPACES


def parse_forms(html: str, page: str, actor: Actor) -> list[Form]:
    parser = FormParser(page, actor)
    parser.feed(html)
    parser.close()
    return [f for f in parser.forms if ours(f.action)]


def discover_forms(world: World) -> list[Form]:
    """Every POST form on every page, as each person who may open the page; plus the
    matrix's POST routes (buttons that post to a URL with no page of their own)."""
    forms: dict[tuple[str, tuple[str, ...]], Form] = {}
    clients = {}
    for visit in get_pages(world):
        client = clients.setdefault(visit.actor, client_as(world, visit.actor))
        response = client.get(visit.url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in parse_forms(response.content.decode(), visit.url, visit.actor):
            forms.setdefault(form.signature, form)
    for visit in post_routes(world):
        form = _form_for_route(visit, world)
        forms.setdefault(form.signature, form)
    return list(forms.values())


def _form_for_route(visit: Visit, world: World) -> Form:
    form = Form(visit.actor, visit.url, visit.url)
    for name, value in visit.route.data(world).items():
        values = value if isinstance(value, list | tuple) else [value]
        form.fields[name] = Field(name, "text", [str(v) for v in values])
    return form
