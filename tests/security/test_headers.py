"""The browser-facing security posture: response headers, and templates that keep to the CSP.

The policy forbids inline script and third-party hosts, so a template that slips one in
would break in the browser (or open a hole if the policy were loosened to fit it). The
scan below fails first, with the file and line.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from portal.middleware import CONTENT_SECURITY_POLICY

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
ONE_YEAR = 31_536_000


def csp_directives(policy: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def landing(db: None, client: Client) -> Any:
    return client.get("/", secure=True)


# --- headers -----------------------------------------------------------------------------


def test_csp_allows_script_only_from_our_own_origin(landing: Any) -> None:
    directives = csp_directives(landing["Content-Security-Policy"])
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]


def test_csp_names_no_third_party_host_and_no_unsafe_script_source(landing: Any) -> None:
    directives = csp_directives(landing["Content-Security-Policy"])
    # Inline style *attributes* (progress-bar widths) are the one allowance; the rest of
    # the policy is 'self', 'none', or data: images and fonts.
    allowed = {"'self'", "'none'", "data:"}
    for name, sources in directives.items():
        extra = set(sources) - allowed
        if name == "style-src-attr":
            extra -= {"'unsafe-inline'"}
        assert not extra, f"{name} allows {sorted(extra)}"
    for name in ("script-src", "default-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name]
        assert "'unsafe-eval'" not in directives[name]


def test_csp_forbids_framing_and_so_does_x_frame_options(landing: Any) -> None:
    assert csp_directives(landing["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
    assert landing["X-Frame-Options"] == "DENY"


def test_hsts_is_sent_over_https_for_a_year_with_subdomains(landing: Any) -> None:
    hsts = landing["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= ONE_YEAR
    assert "includeSubDomains" in hsts


def test_hsts_is_not_sent_over_plain_http(db: None, client: Client) -> None:
    # Browsers ignore it there; Django sends it only on a secure request.
    assert "Strict-Transport-Security" not in client.get("/")


def test_referrer_nosniff_and_opener_policies(landing: Any) -> None:
    assert landing["Referrer-Policy"] == "same-origin"
    assert landing["X-Content-Type-Options"] == "nosniff"
    assert landing["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_secure_outside_tests() -> None:
    # settings_test turns these off for the plain-HTTP test server; production keeps them.
    import portal.settings as production

    assert production.DEBUG is False
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SESSION_COOKIE_HTTPONLY is True
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SECURE_HSTS_SECONDS >= ONE_YEAR


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/no-such-page/", "/healthz"]
)
def test_every_kind_of_response_carries_the_policy(db: None, client: Client, path: str) -> None:
    response = client.get(path, secure=True)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" in response


def test_the_policy_is_sent_on_pages_behind_login(db: None, client_for: Any, patient: Any) -> None:
    response = client_for(patient).get("/patient/", secure=True)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["X-Frame-Options"] == "DENY"


# --- templates -----------------------------------------------------------------------------

# A JSON data block is inert: browsers do not execute it and CSP does not apply to it.
INERT_SCRIPT_TYPES = {"application/json", "application/ld+json"}
ASSET_ATTRIBUTES = {
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("video", "src"),
    ("audio", "src"),
    ("video", "poster"),
}
EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
CSS_EXTERNAL = re.compile(r"(?:url\(\s*['\"]?|@import\s+['\"])\s*(?:https?:)?//", re.IGNORECASE)


class TemplateScanner(HTMLParser):
    """Finds inline script, event-handler attributes and third-party assets in HTML.

    Django template tags are left in the text; they never form tags of their own, so the
    HTML parser reads around them.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script: tuple[int, bool] | None = None  # (line, executable)
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        attributes = dict(attrs)
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"line {line}: <{tag} {name}=...> event handler attribute")
            if (tag, name) in ASSET_ATTRIBUTES and value and EXTERNAL.match(value):
                self.problems.append(f"line {line}: <{tag} {name}={value!r}> third-party asset")
            if name == "style" and value and CSS_EXTERNAL.search(value):
                self.problems.append(f"line {line}: style attribute loads a third-party asset")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"line {line}: <{tag} {name}='javascript:...'>")
        if tag == "script":
            kind = (attributes.get("type") or "text/javascript").strip().lower()
            self._in_script = (line, kind not in INERT_SCRIPT_TYPES)
            self._script_text = []

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            line, executable = self._in_script
            if executable and "".join(self._script_text).strip():
                self.problems.append(f"line {line}: inline <script> with content")
            self._in_script = None


def scan_html(text: str) -> list[str]:
    scanner = TemplateScanner()
    scanner.feed(text)
    scanner.close()
    problems = scanner.problems
    # <style> elements are refused by style-src 'self'; a third-party @import even more so.
    for match in re.finditer(r"<style[\s>]", text, re.IGNORECASE):
        problems.append(f"line {text.count(chr(10), 0, match.start()) + 1}: <style> element")
    return problems


def template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.is_file() and p.suffix in {".html", ".txt"})


def test_there_are_templates_to_scan() -> None:
    assert (TEMPLATES / "base.html") in template_files()


def test_no_template_has_inline_script_event_handlers_or_third_party_assets() -> None:
    problems = [
        f"{path.relative_to(ROOT)} {problem}"
        for path in template_files()
        if path.suffix == ".html"
        for problem in scan_html(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "\n".join(problems)


def test_no_stylesheet_imports_from_a_third_party_host() -> None:
    sheets = [p for p in (ROOT / "static").rglob("*.css") if "vendor" not in p.parts]
    offending = [str(p) for p in sheets if CSS_EXTERNAL.search(p.read_text(encoding="utf-8"))]
    assert not offending


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<script>alert(1)</script>", "inline <script>"),
        ("<script type='module'>import x from './x.js'</script>", "inline <script>"),
        ('<button onclick="go()">Go</button>', "event handler"),
        ('<body onLoad="x()">', "event handler"),
        ('<script src="https://cdn.jsdelivr.net/x.js"></script>', "third-party asset"),
        ('<link rel="stylesheet" href="//fonts.googleapis.com/css">', "third-party asset"),
        ('<img src="http://tracker.example/p.gif">', "third-party asset"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ("<style>body{}</style>", "<style> element"),
        ("<div style=\"background:url('https://x.example/a.png')\"></div>", "third-party"),
    ],
)
def test_the_scanner_catches(html: str, found: str) -> None:
    problems = scan_html(html)
    assert any(found in p for p in problems), problems


@pytest.mark.parametrize(
    "html",
    [
        "<script src=\"{% static 'js/portal.js' %}\"></script>",
        '<script type="application/json" id="data">{"a": 1}</script>',
        '<a href="https://988lifeline.org">988 Lifeline</a>',
        '<a href="tel:988">988</a>',
        '<div class="progress-bar" style="width: 40%"></div>',
        '<input name="online" value="{{ x }}">',
    ],
)
def test_the_scanner_lets_pass(html: str) -> None:
    assert scan_html(html) == []
