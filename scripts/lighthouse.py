"""Lighthouse (mobile) with production settings: `.venv/bin/python scripts/lighthouse.py`.

What it does, from a fresh clone:

1. installs the pinned Lighthouse from scripts/lighthouse/package-lock.json into
   scripts/lighthouse/node_modules (`npm ci`, once; needs Node 18.16+ and npm);
2. runs the portal as production does: DEBUG off, whitenoise's compressed manifest
   static files (`collectstatic`), gunicorn; on its own database, `clinic_lighthouse` on
   DATABASE_URL's server (or LIGHTHOUSE_DATABASE_URL), migrated and seeded with the
   demo data;
3. signs the demo patient and front desk in (a session made with Django's test client,
   sent to Lighthouse as a Cookie header: no password typed, no MFA: the demo's
   PORTAL_REQUIRE_STAFF_MFA=false);
4. runs Lighthouse's mobile preset (its default: a throttled mid-range phone) on the
   login page, the patient's home, the request form, the front desk's request queue and
   the patient's trend charts with Chromium (`CHROME_PATH`, default /usr/bin/chromium),
   prints a Markdown table of accessibility, performance, LCP, TBT and bytes, lists
   every accessibility audit below 100, and writes the reports to
   scripts/lighthouse/reports/ (git-ignored).

Exit status 1 when any page's accessibility score is below 100. Not part of `make test`:
it downloads Lighthouse from npm.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "scripts" / "lighthouse"
REPORTS = HERE / "reports"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
PYTHON = sys.executable
ATTEMPTS = 3

# (name, path, who is signed in)
PAGES: list[tuple[str, str, str]] = [
    ("Login", "/accounts/login/", ""),
    ("Patient home", "/patient/", "patient@demo.clinic"),
    ("Request form", "/scheduling/requests/new/", "patient@demo.clinic"),
    ("Front-desk queue", "/scheduling/desk/requests/", "frontdesk@demo.clinic"),
    # Not asked for by the issue, but the heaviest patient page (Chart.js).
    ("Patient trends", "/integration/trends/", "patient@demo.clinic"),
]


def log(message: str) -> None:
    sys.stderr.write(f"[lighthouse] {message}\n")
    sys.stderr.flush()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    # Its own database on the same server (it is migrated and seeded): never the dev one.
    dev = env.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    env["DATABASE_URL"] = env.get("LIGHTHOUSE_DATABASE_URL") or with_database(
        dev, "clinic_lighthouse"
    )
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "false",
            "SECRET_KEY": env.get("LIGHTHOUSE_SECRET_KEY") or secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain http on localhost: no redirect to https, no HSTS pinned in Chromium.
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "PORTAL_REQUIRE_STAFF_MFA": "false",
            "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
            "EMAIL_URL": "consolemail://",
        }
    )
    return env


def with_database(url: str, name: str) -> str:
    """The same server (host, port, user, a socket's `?host=`) with another database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def ensure_database(url: str) -> None:
    """Create the database named in `url` when it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    name = urlsplit(url).path.lstrip("/")
    admin = psycopg2.connect(with_database(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


SESSION_SCRIPT = """
import django, json, sys
django.setup()
from django.test import Client
from portal.models import User
cookies = {}
for email in sys.argv[1:]:
    client = Client()
    client.force_login(User.objects.get(email=email))
    cookies[email] = client.cookies["sessionid"].value
print(json.dumps(cookies))
"""


def sessions(env: dict[str, str], emails: set[str]) -> dict[str, str]:
    out = subprocess.run(
        [PYTHON, "-c", SESSION_SCRIPT, *sorted(emails)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def wait_for(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - localhost
                return
        except urllib.error.HTTPError:
            return  # it answered (no worker or beat runs here, so /healthz says 503)
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer on {url}")


def lighthouse(url: str, cookie: str, out: Path) -> dict:
    args = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=accessibility,performance",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        f"--chrome-path={os.environ.get('CHROME_PATH', '/usr/bin/chromium')}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if cookie:
        args.append("--extra-headers=" + json.dumps({"Cookie": f"sessionid={cookie}"}))
    for attempt in range(1, ATTEMPTS + 1):
        # On a busy machine Chromium now and then loses the trace (NO_NAVSTART): again.
        if subprocess.run(args, check=False).returncode == 0:
            return json.loads(out.read_text())
        log(f"Lighthouse failed on {url} (attempt {attempt} of {ATTEMPTS})")
    raise SystemExit(f"Lighthouse failed {ATTEMPTS} times on {url}")


def summary(report: dict) -> dict[str, object]:
    audits = report["audits"]
    failing = [
        f"{key}: {audit['title']}"
        for key, audit in audits.items()
        if key in {ref["id"] for ref in report["categories"]["accessibility"]["auditRefs"]}
        and audit.get("score") is not None
        and audit["score"] < 1
    ]
    return {
        "accessibility": round(100 * report["categories"]["accessibility"]["score"]),
        "performance": round(100 * (report["categories"]["performance"]["score"] or 0)),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "bytes": round(audits["total-byte-weight"]["numericValue"]),
        "failing": failing,
        "final_url": report.get("finalDisplayedUrl") or report.get("finalUrl", ""),
    }


def main() -> int:
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed (Node 18.16 or newer).")
    if not LIGHTHOUSE.exists():
        log("installing the pinned Lighthouse (npm ci)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    version = json.loads((HERE / "node_modules" / "lighthouse" / "package.json").read_text())[
        "version"
    ]
    port = free_port()
    env = production_env(port)
    ensure_database(env["DATABASE_URL"])
    log("migrate, collectstatic, seed_demo")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "seed_demo")
    cookies = sessions(env, {who for _, _, who in PAGES if who})
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "portal.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    results: list[tuple[str, str, dict[str, object]]] = []
    try:
        wait_for(f"{base}/accounts/login/")
        REPORTS.mkdir(exist_ok=True)
        for name, path, who in PAGES:
            log(f"{name}: {path}")
            slug = path.strip("/").replace("/", "-") or "root"
            report = lighthouse(base + path, cookies.get(who, ""), REPORTS / f"{slug}.json")
            results.append((name, path, summary(report)))
    finally:
        server.terminate()
        server.wait(timeout=30)

    today = dt.datetime.now(dt.UTC).date().isoformat()
    print(f"\nLighthouse {version}, mobile preset, {today} (DEBUG off, gunicorn, whitenoise)\n")
    print("| Page | Accessibility | Performance | LCP | TBT | Bytes |")
    print("|---|---|---|---|---|---|")
    for name, path, figures in results:
        print(
            f"| {name} (`{path}`) | {figures['accessibility']} | {figures['performance']} | "
            f"{int(figures['lcp_ms']) / 1000:.1f} s | {figures['tbt_ms']} ms | "
            f"{int(figures['bytes']) / 1024:.0f} KiB |"
        )
    failed = False
    for name, path, figures in results:
        if not str(figures["final_url"]).endswith(path):
            log(f"{name}: ended on {figures['final_url']} (not signed in?)")
            failed = True
        for line in figures["failing"]:  # type: ignore[union-attr]
            log(f"{name}: {line}")
            failed = True
    (REPORTS / "summary.json").write_text(
        json.dumps({"date": today, "lighthouse": version, "pages": results}, indent=2)
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
