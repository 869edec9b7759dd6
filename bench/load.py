"""Load benchmark: a realistic clinic, real gunicorn, throughput as a share of the ceiling.

    make bench            (scripts/devenv.py exports DATABASE_URL and REDIS_URL)

1. Seeds two databases beside DATABASE_URL's: `bench_clinic_10x` (10,000 patients,
   100,000 appointments, 3 locations, intakes, courses, check-ins) and
   `bench_clinic_1x` (a tenth of it). Both are kept: a second run reuses them
   (BENCH_RESEED=1 starts again). Bulk inserts for the volume, the apps' own services
   for the records a clinician opens (a course with its charted sessions).
2. Counts each page's SQL queries in both (test client + CaptureQueriesContext): the
   count must not grow with the data.
3. Starts Debian's PgBouncer in transaction pooling in front of the 10x database
   (bench/pgbouncer.py installs the package when root, else says what to run) and
   gunicorn (bench.settings_bench: production middleware, DEBUG off,
   DATABASE_POOLER=pgbouncer) with 2 x cores + 1 sync workers through it, signs each
   role in through a session cookie, and drives every page for BENCH_SECONDS (default 8) with
   BENCH_CONCURRENCY (default 8) keep-alive clients split over two processes.
   Each page is measured in BENCH_ROUNDS (default 4) slices, each one right after a
   slice of the ceiling, so that every page is compared with a ceiling measured in the
   same minutes: this machine's speed drifts (the same ceiling measured 349 and then
   564 req/s ten minutes apart, the pages with it), and a ceiling measured once at the
   start made the ratios a measure of the drift.
4. Prints requests/s, p95 latency, the ratio to the ceiling (a bare view behind the same
   middleware, from the slices interleaved with that page; target >= 0.5) and the query
   counts at 1x and 10x.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.pgbouncer import pgbouncer

ROOT = Path(__file__).resolve().parent.parent
SEED_VERSION = "6"  # bump when the seed's shape changes: old bench databases are rebuilt
MARKER = f"seed-complete-v{SEED_VERSION}@bench.test"
# BENCH_DB_PREFIX names the databases, so that two checkouts on one PostgreSQL server
# can bench side by side without reseeding each other's data.
_PREFIX = os.environ.get("BENCH_DB_PREFIX", "bench_clinic")
SCALES = {
    "1x": (f"{_PREFIX}_1x", 1_000, 10_000),
    "10x": (f"{_PREFIX}_10x", 10_000, 100_000),
}
# (label, who opens it, URL name, kwargs key in the seed's ids)
PAGES: list[tuple[str, str, str, str | None]] = [
    ("ceiling (bare view)", "patient", "bench-ceiling", None),
    ("patient home", "patient", "portal:patient-home", None),
    ("front-desk queue", "front_desk", "scheduling:request-queue", None),
    ("front-desk day view", "front_desk", "scheduling:day-view", None),
    ("clinician review queue", "clinician", "intake:review-queue", None),
    ("course page (clinician)", "clinician", "treatments:course-detail", "course_id"),
    ("course page (patient)", "patient", "treatments:my-courses", None),
    ("patient search, name (desk)", "front_desk", "portal:patient-search", None),
    ("patient search, birth date (clinician)", "clinician", "portal:patient-search", None),
    ("staff patient chart (clinician)", "clinician", "portal:patient-chart", "patient_id"),
    ("outbox", "clinic_admin", "notifications:outbox-list", None),
    ("admin audit list", "clinic_admin", "admin:portal_auditevent_changelist", None),
]


def busiest_day_query() -> str:
    """The day view on the next weekday (today, if it is one): a weekend day has no visits,
    and an empty grid would flatter the page."""
    import datetime as dt

    from django.utils import timezone

    day = timezone.localdate()
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return f"?day={day.isoformat()}"


# Query strings a page is measured with (computed in the child, where Django is set up).
QUERIES = {
    "front-desk day view": busiest_day_query,
    # A surname the seed gives many patients (trigram search over every profile), and a
    # birth date the seed gives about one patient in 500.
    "patient search, name (desk)": lambda: f"?q={LAST[3]}",
    "patient search, birth date (clinician)": lambda: "?q=05/05/1954",
}


def log(message: str) -> None:
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


# --- databases ---------------------------------------------------------------------------


def url_for(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_connection(base: str) -> Any:
    import psycopg2

    parts = urlsplit(base)
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    conn = psycopg2.connect(
        host=query.get("host") or parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn


def seeded(base: str, name: str) -> bool:
    import psycopg2

    conn = admin_connection(base)
    conn.close()
    try:
        parts = urlsplit(url_for(base, name))
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        db = psycopg2.connect(
            host=query.get("host") or parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname=name,
        )
    except psycopg2.OperationalError:
        return False
    try:
        with db.cursor() as cur:
            cur.execute("SELECT 1 FROM portal_user WHERE email = %s", [MARKER])
            return cur.fetchone() is not None
    except psycopg2.Error:
        return False
    finally:
        db.close()


def recreate(base: str, name: str) -> None:
    conn = admin_connection(base)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def bench_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings_bench",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY="bench-only-" + "b" * 60,
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="false",
        PORTAL_REQUIRE_STAFF_MFA="false",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


# --- the child: seed and count (runs with Django set up on one bench database) ----------


def child(patients: int, appointments: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    from portal.models import User

    if not User.objects.filter(email=MARKER).exists():
        started = time.monotonic()
        ids = seed(patients, appointments)
        # The marker says the seed finished, and keeps the ids the pages need.
        User.objects.create_user(email=MARKER, full_name=json.dumps(ids), role="clinic_admin")
        log(
            f"seeded {patients:,} patients, {appointments:,} appointments "
            f"in {time.monotonic() - started:.0f}s"
        )
        # Fresh tables have no planner statistics; a live database has (autovacuum).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    ids = json.loads(User.objects.get(email=MARKER).full_name)
    print(json.dumps(measure(ids)))


def seed(patients: int, appointments: int) -> dict[str, Any]:
    """The clinic. Returns the ids the pages need (the featured patient, course, staff)."""
    from django.db import transaction

    ids: dict[str, Any] = {}
    with transaction.atomic():
        people = seed_people(patients)
        ids.update(people["ids"])
    steps = [
        ("appointments", lambda: seed_appointments(people, appointments)),
        ("requests", lambda: seed_requests(people)),
        ("intakes", lambda: seed_intakes(people)),
        ("courses", lambda: ids.update(seed_courses(people))),
        ("check-ins", lambda: seed_checkins(people)),
    ]
    for name, step in steps:
        started = time.monotonic()
        try:
            with transaction.atomic():
                step()
        except Exception as exc:  # an app not there yet: its pages report "not available"
            log(f"seed step {name} skipped: {type(exc).__name__}: {exc}")
        else:
            log(f"seed step {name}: {time.monotonic() - started:.1f}s")
    return ids


FIRST = [
    "Ana",
    "Ben",
    "Carmen",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jamal",
    "Kim",
    "Luis",
    "Maya",
    "Noah",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tuan",
]
LAST = [
    "Nguyen",
    "Garcia",
    "Smith",
    "Patel",
    "Kim",
    "Lopez",
    "Johnson",
    "Chen",
    "Singh",
    "Brown",
    "Davis",
    "Martinez",
    "Wilson",
    "Khan",
    "Ortiz",
    "Lee",
    "Young",
    "Reyes",
]


def seed_people(patients: int) -> dict[str, Any]:
    import datetime as dt

    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from portal.models import ClinicianKind, Location, PatientProfile, Role, User

    rng = random.Random(7)
    password = make_password("bench-password-1")
    locations = list(Location.objects.filter(is_active=True).order_by("name"))
    staff = []
    kinds = [
        ClinicianKind.PRESCRIBER,
        ClinicianKind.PRESCRIBER,
        ClinicianKind.NURSE,
        ClinicianKind.NURSE,
        ClinicianKind.THERAPIST,
    ]
    for n in range(36):
        staff.append(
            User(
                email=f"clinician{n}@bench.test",
                full_name=f"Dr {LAST[n % 18]} {n}",
                role=Role.CLINICIAN,
                clinician_kind=kinds[n % len(kinds)],
                password=password,
            )
        )
    staff.append(
        User(
            email="admin@bench.test",
            full_name="Clinic Admin",
            role=Role.CLINIC_ADMIN,
            is_staff=True,
            is_superuser=True,
            password=password,
        )
    )
    for n in range(6):
        staff.append(
            User(
                email=f"desk{n}@bench.test",
                full_name=f"Desk {n}",
                role=Role.FRONT_DESK,
                password=password,
            )
        )
    users = [
        User(
            email=f"patient{n}@bench.test",
            full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            role=Role.PATIENT,
            password=password,
        )
        for n in range(patients)
    ]
    User.objects.bulk_create(staff + users, batch_size=2000)
    everyone = list(User.objects.filter(email__endswith="@bench.test").order_by("id"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in everyone],
        batch_size=2000,
    )
    patient_rows = [u for u in everyone if u.role == Role.PATIENT]
    PatientProfile.objects.bulk_create(
        [
            PatientProfile(
                user=u,
                legal_name=u.full_name,
                preferred_name=u.full_name.split()[0],
                date_of_birth=dt.date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
                phone=f"(916) 555-{n % 10000:04}",
                emergency_contact_name="Contact Person",
                emergency_contact_phone="(916) 555-0199",
                preferred_location=locations[n % len(locations)],
            )
            for n, u in enumerate(patient_rows)
        ],
        batch_size=2000,
    )
    clinicians = [u for u in everyone if u.role == Role.CLINICIAN]
    return {
        "patients": patient_rows,
        "clinicians": clinicians,
        "desk": [u for u in everyone if u.role == Role.FRONT_DESK],
        "locations": locations,
        "ids": {
            "patient": patient_rows[0].pk,
            "clinician": clinicians[0].pk,
            "front_desk": next(u.pk for u in everyone if u.role == Role.FRONT_DESK),
            "clinic_admin": next(u.pk for u in everyone if u.role == Role.CLINIC_ADMIN),
        },
    }


def seed_appointments(people: dict[str, Any], total: int) -> None:
    """Each clinician's working days, visit after visit, so no booking overlaps."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
    from django.utils import timezone

    from scheduling.models import Appointment, ClinicianHours, Room, RoomKind, Service

    rng = random.Random(11)
    zone = ZoneInfo("America/Los_Angeles")
    services = list(Service.objects.filter(is_active=True))
    therapy = [s for s in services if s.kind in {"integration", "consultation"}]
    dosing = [s for s in services if s.modality] or services
    locations = people["locations"]
    clinicians = people["clinicians"][1:]  # the first one is kept free for the course seed
    # Each clinician has their own room of every kind at their location.
    rooms: dict[tuple[int, str], Room] = {}
    for n, doctor in enumerate(clinicians):
        location = locations[n % len(locations)]
        for kind in (RoomKind.INFUSION_CHAIR, RoomKind.SPRAVATO_ROOM, RoomKind.THERAPY_ROOM):
            rooms[(doctor.pk, kind)] = Room(
                location=location, name=f"{kind.label} {n // len(locations) + 1}", kind=kind
            )
    Room.objects.bulk_create(rooms.values())
    ClinicianHours.objects.bulk_create(
        [
            ClinicianHours(
                clinician=d,
                location=locations[n % len(locations)],
                weekday=w,
                starts=dt.time(8),
                ends=dt.time(18),
            )
            for n, d in enumerate(clinicians)
            for w in range(5)
        ]
    )
    patients = people["patients"]
    others = patients[1:]
    rng.shuffle(others)
    per_day = sum(5 for _ in clinicians)  # about five visits per clinician per day
    days = total // per_day + 1
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=int(days * 7 / 5 * 0.75))
    rows: list[Appointment] = []
    day = first_day
    while len(rows) < total:
        if day.weekday() < 5:
            for n, doctor in enumerate(clinicians):
                is_therapist = doctor.clinician_kind == "therapist"
                cursor = dt.datetime.combine(day, dt.time(8), zone)
                closing = dt.datetime.combine(day, dt.time(18), zone)
                while len(rows) < total:
                    service = rng.choice(therapy if is_therapist else dosing)
                    starts = cursor + dt.timedelta(minutes=service.buffer_before_minutes)
                    ends = starts + dt.timedelta(minutes=service.duration_minutes)
                    after = ends + dt.timedelta(minutes=service.buffer_after_minutes)
                    if after > closing:
                        break
                    telehealth = service.room_kind == RoomKind.TELEHEALTH
                    past = day < today
                    roll = rng.random()
                    status = (
                        ("completed" if roll < 0.9 else "no_show" if roll < 0.94 else "cancelled")
                        if past
                        else ("cancelled" if roll < 0.05 else "scheduled")
                    )
                    rows.append(
                        Appointment(
                            # In turn, never the featured patient: a day's visits
                            # (fewer than the patients) never book one patient twice
                            # at once, which the patient-overlap constraint refuses.
                            patient=others[len(rows) % len(others)],
                            service=service,
                            location=None if telehealth else locations[n % len(locations)],
                            clinician=doctor,
                            room=None if telehealth else rooms[(doctor.pk, service.room_kind)],
                            starts_at=starts,
                            ends_at=ends,
                            blocked=DateTimeTZRange(cursor, after),
                            status=status,
                            booked_by=people["desk"][0],
                        )
                    )
                    cursor = after
        day += dt.timedelta(days=1)
    # The featured patient has a visit coming up, like any patient in treatment.
    for row in rows[-200:]:
        if row.status == "scheduled":
            row.patient = patients[0]
            break
    Appointment.objects.bulk_create(rows, batch_size=5000)


def seed_requests(people: dict[str, Any]) -> None:
    """About one pending request per 200 patients (the front desk's morning queue)."""
    import datetime as dt

    from django.utils import timezone

    from scheduling.models import AppointmentRequest, Service

    rng = random.Random(13)
    services = list(Service.objects.filter(is_active=True))
    today = timezone.localdate()
    patients = people["patients"]
    AppointmentRequest.objects.bulk_create(
        [
            AppointmentRequest(
                patient=patients[rng.randrange(len(patients))],
                service=rng.choice(services),
                preferred_location=rng.choice(people["locations"]),
                preferred_date_1=today + dt.timedelta(days=3),
                preferred_time_1="morning",
                preferred_date_2=today + dt.timedelta(days=5),
                preferred_time_2="afternoon",
                contact_preference="email",
                payer_kind="self_pay",
                status="pending",
            )
            for _ in range(max(5, len(patients) // 200))
        ]
    )


def seed_intakes(people: dict[str, Any]) -> None:
    """Everyone has sent an intake; most were approved; one in 200 awaits review."""
    from django.forms.models import model_to_dict

    from intake.models import Intake, IntakeDecision
    from tests.intake.factories import approve_patient, submitted_intake

    patients = people["patients"]
    clinician = people["clinicians"][0]
    template = submitted_intake(patients[1])
    approve_patient(patients[1], clinician=clinician)
    template.refresh_from_db()
    decision = IntakeDecision.objects.filter(intake=template).first()
    skip = {"id", "patient", "created_at", "updated_at"}
    values = {k: v for k, v in model_to_dict(template).items() if k not in skip}
    values["location_id"] = values.pop("location", None)
    extra = {
        f.name: getattr(template, f.name)
        for f in Intake._meta.concrete_fields
        if f.name not in skip and f.name not in values and not f.is_relation
    }
    values.update(extra)
    waiting = set(range(2, len(patients), 200))
    intakes = []
    for n, patient in enumerate(patients[2:], start=2):
        row = Intake(patient=patient, **values)
        if n in waiting:
            row.status = Intake.Status.SUBMITTED
            row.decided_at = None
        intakes.append(row)
    # The first patients get theirs from the course seed (their own approval).
    Intake.objects.bulk_create(intakes[50:], batch_size=2000)
    if decision is not None:
        dvalues = {
            k: v
            for k, v in model_to_dict(decision).items()
            if k not in skip | {"intake", "clinician"}
        }
        approved = Intake.objects.filter(status=Intake.Status.APPROVED).exclude(pk=template.pk)
        IntakeDecision.objects.bulk_create(
            [
                IntakeDecision(intake_id=i, patient_id=p, clinician=clinician, **dvalues)
                for i, p in approved.values_list("id", "patient_id")
            ],
            batch_size=2000,
        )


def seed_courses(people: dict[str, Any]) -> dict[str, Any]:
    """Courses with charted, discharged sessions, through treatments' own services."""
    from tests.treatments.factories import course_started, session_discharged

    doctor = people["clinicians"][0]
    patients = [people["patients"][0], *people["patients"][2:50]]
    how_many = max(3, len(people["patients"]) // 250)
    featured = None
    for n, patient in enumerate(patients[:how_many]):
        course = course_started(patient, clinician=doctor)
        for _ in range(4 if n == 0 else 2):
            session_discharged(course, by=doctor)
        featured = featured or course
    return {"course_id": featured.pk, "patient_id": featured.patient_id}


def seed_checkins(people: dict[str, Any]) -> None:
    import datetime as dt

    from django.utils import timezone

    from tests.integration.factories import add_gad7, add_mood, add_phq9

    today = timezone.localdate()
    for patient in people["patients"][: max(5, len(people["patients"]) // 100)]:
        for week in range(8):
            day = today - dt.timedelta(days=7 * week)
            add_phq9(patient, day, 18 - week)
            add_gad7(patient, day, 14 - week)
        for n in range(30):
            add_mood(patient, today - dt.timedelta(days=n), 3 + n % 5)


def measure(ids: dict[str, Any]) -> dict[str, Any]:
    """Query counts per page (second request: the first fills per-process caches), and a
    session cookie per role for the load run."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from portal.models import User

    clients: dict[str, Client] = {}
    for role in ("patient", "front_desk", "clinician", "clinic_admin"):
        client = Client()
        client.force_login(User.objects.get(pk=ids[role]))
        clients[role] = client
    pages: dict[str, Any] = {}
    for label, role, name, key in PAGES:
        try:
            if key is not None and key not in ids:
                raise NoReverseMatch(f"no {key} was seeded")
            url = reverse(name, kwargs={key: ids[key]} if key else {})
            url += QUERIES[label]() if label in QUERIES else ""
        except NoReverseMatch as exc:
            pages[label] = {"available": False, "why": str(exc)[:80]}
            continue
        client = clients[role]
        first = client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        pages[label] = {
            "available": response.status_code == 200,
            "why": "" if first.status_code == 200 else f"HTTP {first.status_code}",
            "url": url,
            "role": role,
            "queries": len(queries.captured_queries),
        }
    # Fresh sessions for the load run (the ones above carry this process's state), as the
    # Cookie header a signed-in browser sends: its session and the CSRF cookie that its
    # first page set. Without the CSRF cookie every page would make a new CSRF secret and
    # set it again, which no browser that kept its cookies asks of the portal.
    sessions = {}
    for role in clients:
        client = Client()
        client.force_login(User.objects.get(pk=ids[role]))
        first_page = next(
            p["url"]
            for label, p in pages.items()
            if p.get("role") == role and not label.startswith("ceiling")
        )
        client.get(first_page)
        sessions[role] = "; ".join(
            f"{name}={client.cookies[name].value}" for name in ("sessionid", "csrftoken")
        )
    return {"pages": pages, "sessions": sessions}


# --- the load generator ------------------------------------------------------------------


def _worker(args: tuple[int, str, str, float, int]) -> tuple[int, int, list[float]]:
    port, path, cookie, deadline, threads = args
    ok = errors = 0
    latencies: list[float] = []
    lock = threading.Lock()

    def loop() -> None:
        nonlocal ok, errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        good = bad = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    good += 1
                else:
                    bad += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            ok += good
            errors += bad
            latencies.extend(mine)

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return ok, errors, latencies


def hammer(
    port: int, path: str, cookie: str, seconds: float, concurrency: int, *, warm: bool = True
) -> dict[str, Any]:
    processes = 2
    per_process = max(1, concurrency // processes)
    if warm:
        _worker((port, path, cookie, time.monotonic() + 1.0, per_process))
    started = time.monotonic()
    deadline = started + seconds
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.map(_worker, [(port, path, cookie, deadline, per_process)] * processes)
    return {
        "elapsed": time.monotonic() - started,
        "requests": sum(r[0] for r in results),
        "errors": sum(r[1] for r in results),
        "latencies": [x for r in results for x in r[2]],
    }


def combined(slices: list[dict[str, Any]]) -> dict[str, Any]:
    """Throughput and p95 over several slices of one page's load."""
    elapsed = sum(s["elapsed"] for s in slices)
    ok = sum(s["requests"] for s in slices)
    latencies = sorted(x for s in slices for x in s["latencies"])
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
    return {
        "rps": ok / elapsed if elapsed else 0.0,
        "p95_ms": p95 * 1000,
        "errors": sum(s["errors"] for s in slices),
        "requests": ok,
    }


def interleaved(
    port: int,
    page: tuple[str, str],
    ceiling: tuple[str, str],
    *,
    seconds: float,
    rounds: int,
    concurrency: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The page's and the ceiling's slices, `rounds` each, alternating."""
    page_slices, ceiling_slices = [], []
    for n in range(rounds):
        ceiling_slices.append(hammer(port, *ceiling, seconds / rounds, concurrency, warm=False))
        page_slices.append(hammer(port, *page, seconds / rounds, concurrency, warm=n == 0))
    return page_slices, ceiling_slices


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "portal.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--log-level=warning",
        "--timeout=60",
    ]
    proc = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench/ceiling")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not answer within 30 s")


def machine() -> str:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu or platform.processor()}), {memory}, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", nargs=2, type=int, metavar=("PATIENTS", "APPOINTMENTS"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0

    base = os.environ.get("DATABASE_URL")
    if not base:
        log("DATABASE_URL is not set: run through `make bench` (scripts/devenv.py bench).")
        return 2
    seconds = float(os.environ.get("BENCH_SECONDS", "8"))
    concurrency = int(os.environ.get("BENCH_CONCURRENCY", "8"))
    rounds = max(1, int(os.environ.get("BENCH_ROUNDS", "4")))
    results: dict[str, dict[str, Any]] = {}
    for scale, (name, patients, appointments) in SCALES.items():
        if os.environ.get("BENCH_RESEED") or not seeded(base, name):
            log(f"{scale}: building {name} ({patients:,} patients, {appointments:,} visits)")
            recreate(base, name)
        else:
            log(f"{scale}: reusing {name}")
        out = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                str(patients),
                str(appointments),
            ],
            cwd=ROOT,
            env=bench_env(url_for(base, name)),
            check=True,
            stdout=subprocess.PIPE,
        )
        results[scale] = json.loads(out.stdout.decode().strip().splitlines()[-1])

    workers = 2 * (os.cpu_count() or 1) + 1
    port = free_port()
    # Production's path: gunicorn -> PgBouncer (transaction pooling) -> PostgreSQL.
    direct = urlsplit(url_for(base, SCALES["10x"][0]))
    bouncer = pgbouncer(
        dbname=SCALES["10x"][0],
        host=direct.hostname or "127.0.0.1",
        port=direct.port or 5432,
        user=direct.username or "postgres",
        pool_size=workers,
    )
    bouncer_port = bouncer.__enter__()
    env = bench_env(
        urlunsplit(
            direct._replace(netloc=f"{direct.username or 'postgres'}@127.0.0.1:{bouncer_port}")
        )
    )
    env["DATABASE_POOLER"] = "pgbouncer"
    log(
        f"gunicorn: {workers} sync workers on 127.0.0.1:{port} through PgBouncer "
        f"(transaction pooling) on 127.0.0.1:{bouncer_port}; {seconds:.0f}s per page, "
        f"{concurrency} clients"
    )
    try:
        server = start_gunicorn(env, port, workers)
    except BaseException:
        bouncer.__exit__(None, None, None)
        raise
    sessions = results["10x"]["sessions"]
    rows = []
    ceiling_label, ceiling_role = PAGES[0][0], PAGES[0][1]
    ceiling_page = (results["10x"]["pages"][ceiling_label]["url"], sessions[ceiling_role])
    ceiling_slices: list[dict[str, Any]] = []
    try:
        hammer(port, *ceiling_page, 1.0, concurrency)  # warm every worker
        for label, role, _name, _key in PAGES[1:]:
            page = results["10x"]["pages"][label]
            small = results["1x"]["pages"].get(label, {})
            if not page.get("available"):
                rows.append((label, None, None, small, page))
                continue
            page_slices, its_ceiling = interleaved(
                port,
                (page["url"], sessions[role]),
                ceiling_page,
                seconds=seconds,
                rounds=rounds,
                concurrency=concurrency,
            )
            ceiling_slices += its_ceiling
            rows.append((label, combined(page_slices), combined(its_ceiling), small, page))
    finally:
        server.terminate()
        server.wait(timeout=15)
        bouncer.__exit__(None, None, None)

    print()
    print(f"Machine: {machine()}")
    print(
        f"Data: 10x = {SCALES['10x'][1]:,} patients / {SCALES['10x'][2]:,} appointments; "
        f"1x = {SCALES['1x'][1]:,} / {SCALES['1x'][2]:,}. gunicorn {workers} sync workers, "
        f"{concurrency} clients, {seconds:.0f}s per page and as much of the ceiling, "
        f"interleaved in {rounds} rounds."
    )
    print()
    header = (
        f"{'page':<26} {'req/s':>8} {'p95 ms':>8} {'ceiling':>8} {'ratio':>6} "
        f"{'q 1x':>5} {'q 10x':>6}  verdict"
    )
    print(header)
    print("-" * len(header))
    failed = False
    overall = combined(ceiling_slices) if ceiling_slices else None
    ceiling_small = results["1x"]["pages"][ceiling_label]
    ceiling_big = results["10x"]["pages"][ceiling_label]
    if overall is not None:
        print(
            f"{ceiling_label:<26} {overall['rps']:>8.1f} {overall['p95_ms']:>8.1f} "
            f"{'':>8} {1:>6.2f} {ceiling_small.get('queries', '-')!s:>5} "
            f"{ceiling_big['queries']:>6}  ceiling (all its slices)"
        )
    for label, run, ceiling, small, page in rows:
        if run is None:
            print(f"{label:<26} {'not available':>24}  ({page.get('why', '')})")
            continue
        ratio = run["rps"] / ceiling["rps"]
        same = small.get("queries") == page["queries"]
        verdict = [
            "ok" if ratio >= 0.5 else "BELOW 0.5",
            "queries flat" if same else "QUERIES GROW",
        ]
        failed |= ratio < 0.5 or not same
        if run["errors"] or ceiling["errors"]:
            verdict.append(f"{run['errors'] + ceiling['errors']} errors")
        print(
            f"{label:<26} {run['rps']:>8.1f} {run['p95_ms']:>8.1f} {ceiling['rps']:>8.1f} "
            f"{ratio:>6.2f} {small.get('queries', '-')!s:>5} {page['queries']:>6}  "
            f"{', '.join(verdict)}"
        )
    print()
    return 0 if not os.environ.get("BENCH_STRICT") or not failed else 1


if __name__ == "__main__":
    sys.exit(main())
