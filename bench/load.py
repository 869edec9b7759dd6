"""Load benchmark: a clinic at three sizes, real gunicorn through PgBouncer, a steady
load at network scale and the patient search's timing.

    make bench            (scripts/devenv.py exports DATABASE_URL and REDIS_URL)

1. Seeds three databases beside DATABASE_URL's, named BENCH_DB_PREFIX_1x, _10x and
   _network (the prefix is `bench_clinic` by default):

       scale     patients  appointments  audit events  notifications
       1x           1,000        10,000       100,000         10,000
       10x         10,000       100,000     1,000,000        100,000
       network    100,000     1,000,000    10,000,000      1,000,000

   plus 3 locations, 43 staff, an intake for nearly every patient (one in 200 awaiting
   review), a pending request per 200 patients, courses with charted sessions and
   check-ins. The volume is INSERT ... SELECT run by PostgreSQL (`insert_copies`: no
   Python per row), through the real constraints: visits never overlap for a room, a
   clinician or a patient, chart numbers come from their sequence, and the audit trail
   keeps its append-only triggers (the seed, as the database owner, switches off only
   the one that stamps the insert time, to write a year of history). The records a
   clinician opens (an intake and its decision, courses, sessions, check-ins) go
   through the apps' own services. Databases are kept: a later run reuses them
   (BENCH_RESEED=1 starts again; SEED_VERSION rebuilds them when the seed changes).
2. Counts each page's SQL queries at each scale (test client + CaptureQueriesContext):
   the count must be the same at all three.
3. For each scale, starts Debian's PgBouncer in transaction pooling in front of its
   database (bench/pgbouncer.py installs the package when root, else says what to run)
   and gunicorn (bench.settings_bench: production middleware, DEBUG off,
   DATABASE_POOLER=pgbouncer) with 2 x cores + 1 sync workers through it, signs each
   role in through a session cookie, and drives every page for BENCH_SECONDS (default
   8) with BENCH_CONCURRENCY (default 8) keep-alive clients split over two processes.
   Each page is measured in BENCH_ROUNDS (default 4) slices, each one right after a
   slice of the ceiling (a bare view behind the same middleware), so that every page
   is compared with a ceiling measured in the same minutes: this machine's speed
   drifts, and a ceiling measured once at the start made the ratios a measure of the
   drift.
4. At network scale, also: a steady open-loop mix of every page at BENCH_RATE requests/s
   (default 50) for BENCH_STEADY_SECONDS (default twice BENCH_SECONDS, at least 10),
   latency counted from when each request was due (target p95 < 150 ms); and the staff
   patient search by surname, chart number, birth date, phone and email, one request at
   a time, BENCH_SEARCH_REPEATS (default 20) each.
5. Prints, per scale, requests/s, p95 and the ratio to the ceiling (a diagnostic, no
   floor); the query counts at 1x, 10x and network; the steady load's achieved rate,
   p50/p95/p99 and errors; the search's p50/p95 per kind; the machine and its load
   average. BENCH_STRICT=1 exits non-zero when counts grow, or the steady load misses
   p95 < 150 ms or has a failed request.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.pgbouncer import pgbouncer

ROOT = Path(__file__).resolve().parent.parent
SEED_VERSION = "7"  # bump when the seed's shape changes: old bench databases are rebuilt
MARKER = f"seed-complete-v{SEED_VERSION}@bench.test"
# BENCH_DB_PREFIX names the databases, so that two checkouts on one PostgreSQL server
# can bench side by side without reseeding each other's data.
_PREFIX = os.environ.get("BENCH_DB_PREFIX", "bench_clinic")
SCALES = {
    "1x": (f"{_PREFIX}_1x", 1_000, 10_000),
    "10x": (f"{_PREFIX}_10x", 10_000, 100_000),
    "network": (f"{_PREFIX}_network", 100_000, 1_000_000),
}
# The audit trail and the outbox grow with the patients: 10,000,000 and 1,000,000 rows
# at network scale, a tenth and a hundredth of that at 10x and 1x.
AUDIT_PER_PATIENT = 100
NOTIFICATIONS_PER_PATIENT = 10
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
        ("audit events", lambda: seed_audit(people, patients * AUDIT_PER_PATIENT)),
        (
            "notifications",
            lambda: seed_notifications(people, patients * NOTIFICATIONS_PER_PATIENT),
        ),
    ]
    for name, step in steps:
        started = time.monotonic()
        # A failed step fails the seed: no marker, so the next run starts again.
        with transaction.atomic():
            step()
        log(f"seed step {name}: {time.monotonic() - started:.1f}s")
    return ids


def insert_copies(
    model: Any,
    template: Any,
    source: str,
    overrides: dict[str, str],
    params: dict[str, Any] | None = None,
    *,
    with_: str = "",
) -> int:
    """`[WITH ...] INSERT INTO <model's table> SELECT ... FROM <source>`: any number of
    rows in one statement that PostgreSQL runs, with no Python per row.

    A column is the SQL expression `overrides` gives for it, else the template object's
    value as the model would save it (defaults and auto_now included); a column with a
    database default (a chart number from its sequence) is left to the database. Named
    parameters (%(name)s) in the SQL come from `params`; a literal % is written %%.
    """
    from django.db import connection
    from django.db.models import NOT_PROVIDED
    from django.db.models.expressions import DatabaseDefault

    columns: list[str] = []
    expressions: list[str] = []
    values = dict(params or {})
    for field in model._meta.concrete_fields:
        if field.column in overrides:
            columns.append(f'"{field.column}"')
            expressions.append(overrides[field.column])
            continue
        if field.primary_key or field.db_default is not NOT_PROVIDED:
            continue
        value = field.pre_save(template, add=True)
        if isinstance(value, DatabaseDefault):
            continue
        key = f"template_{field.column}"
        columns.append(f'"{field.column}"')
        expressions.append(f"%({key})s")
        values[key] = field.get_db_prep_save(value, connection)
    sql = (
        f'{with_} INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) '
        f"SELECT {', '.join(expressions)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.rowcount


# The seeded patients, numbered from 0 in the order they joined (n), as an SQL source.
PATIENTS_SQL = (
    "(SELECT id, full_name, email, row_number() OVER (ORDER BY id) - 1 AS n "
    "FROM portal_user WHERE role = 'patient' AND email LIKE 'patient%%@bench.test') AS p"
)
HISTORY = dt.timedelta(days=365)  # how far back the audit trail and the outbox go


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
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from portal.models import ClinicianKind, Location, PatientProfile, Role, User

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
    User.objects.bulk_create(staff)
    # Patients, their verified email addresses and profiles: three INSERT ... SELECTs.
    # Names mix FIRST and LAST so that a surname is shared by about one patient in 18.
    insert_copies(
        User,
        User(email="", full_name="", role=Role.PATIENT, password=password),
        "generate_series(0, %(last)s) AS g",
        {
            "email": "'patient' || g || '@bench.test'",
            "full_name": (
                "(%(first_names)s::text[])[1 + (g * 7 + g / 20) %% 20] || ' ' || "
                "(%(last_names)s::text[])[1 + (g * 5 + g / 18) %% 18]"
            ),
        },
        {"last": patients - 1, "first_names": FIRST, "last_names": LAST},
    )
    insert_copies(
        EmailAddress,
        EmailAddress(email="", verified=True, primary=True),
        "portal_user AS u WHERE u.email LIKE '%%@bench.test'",
        {"user_id": "u.id", "email": "u.email"},
    )
    insert_copies(
        PatientProfile,
        PatientProfile(
            legal_name="",
            emergency_contact_name="Contact Person",
            emergency_contact_phone="(916) 555-0199",
        ),
        # In the order they joined, so that chart numbers (the column's sequence
        # default) follow it.
        f"{PATIENTS_SQL} ORDER BY p.id",
        {
            "user_id": "p.id",
            "legal_name": "p.full_name",
            "preferred_name": "split_part(p.full_name, ' ', 1)",
            "date_of_birth": "make_date(1950 + (p.n %% 50)::int, 1 + (p.n %% 12)::int, "
            "1 + (p.n %% 28)::int)",
            # One phone number per patient: (916) 555-0000 up to (925) 555-9999.
            "phone": "'(' || (916 + p.n / 10000) || ') 555-' || lpad((p.n %% 10000)::text, 4, '0')",
            "preferred_location_id": "(%(locations)s::bigint[])[1 + (p.n %% %(count)s)::int]",
        },
        {"locations": [loc.pk for loc in locations], "count": len(locations)},
    )
    everyone = list(
        User.objects.filter(
            email__endswith="@bench.test",
            role__in=[Role.CLINICIAN, Role.FRONT_DESK, Role.CLINIC_ADMIN],
        ).order_by("id")
    )
    # Ids, not objects: a network's hundred thousand patients need not be in memory.
    patient_ids = list(
        User.objects.filter(role=Role.PATIENT, email__endswith="@bench.test")
        .order_by("id")
        .values_list("id", flat=True)
    )
    clinicians = [u for u in everyone if u.role == Role.CLINICIAN]
    return {
        "patients": patient_ids,
        "clinicians": clinicians,
        "desk": [u for u in everyone if u.role == Role.FRONT_DESK],
        "locations": locations,
        "ids": {
            "patient": patient_ids[0],
            "clinician": clinicians[0].pk,
            "front_desk": next(u.pk for u in everyone if u.role == Role.FRONT_DESK),
            "clinic_admin": next(u.pk for u in everyone if u.role == Role.CLINIC_ADMIN),
        },
    }


def seed_appointments(people: dict[str, Any], total: int) -> None:
    """Each clinician's working days, visit after visit, so no booking overlaps: a plan
    (clinician, the services they give in turn day by day, room) made here, the days and
    their visits made by PostgreSQL in one INSERT ... SELECT."""
    from django.db import connection
    from django.utils import timezone

    from scheduling.models import Appointment, ClinicianHours, Room, RoomKind, Service

    services = list(Service.objects.filter(is_active=True).order_by("id"))
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
    day_minutes = 600  # 8 am to 6 pm
    plan: dict[str, list[Any]] = {
        k: [] for k in ("cn", "alt", "nalt", "doctor", "service", "location", "room", "before")
    }
    plan.update(duration=[], block=[])
    per_day = 0.0
    for n, doctor in enumerate(clinicians):
        choices = therapy if doctor.clinician_kind == "therapist" else dosing
        for alt, service in enumerate(choices):
            telehealth = service.room_kind == RoomKind.TELEHEALTH
            block = (
                service.buffer_before_minutes
                + service.duration_minutes
                + service.buffer_after_minutes
            )
            plan["cn"].append(n)
            plan["alt"].append(alt)
            plan["nalt"].append(len(choices))
            plan["doctor"].append(doctor.pk)
            plan["service"].append(service.pk)
            plan["location"].append(None if telehealth else locations[n % len(locations)].pk)
            plan["room"].append(None if telehealth else rooms[(doctor.pk, service.room_kind)].pk)
            plan["before"].append(service.buffer_before_minutes)
            plan["duration"].append(service.duration_minutes)
            plan["block"].append(block)
            per_day += (day_minutes // block) / len(choices)
    weekdays = int(total / per_day) + 2
    today = timezone.localdate()
    # About three quarters of the visits are history, the rest booked ahead.
    first_day = today - dt.timedelta(days=int(weekdays * 7 / 5 * 0.75))
    last_day = first_day + dt.timedelta(days=int(weekdays * 7 / 5 * 1.3) + 7)
    others = people["patients"][1:]  # never the featured patient, who gets one below
    with_ = """
    WITH plan AS (
        SELECT * FROM unnest(%(cn)s::int[], %(alt)s::int[], %(nalt)s::int[],
            %(doctor)s::bigint[], %(service)s::bigint[], %(location)s::bigint[],
            %(room)s::bigint[], %(before)s::int[], %(duration)s::int[], %(block)s::int[])
          AS t(cn, alt, nalt, doctor, service, location, room, before_m, duration_m, block_m)
    ), days AS (
        SELECT d::date AS day, row_number() OVER (ORDER BY d) AS dn
          FROM generate_series(%(first_day)s::date, %(last_day)s::date, interval '1 day') AS d
         WHERE extract(isodow FROM d) < 6
    ), slots AS (
        SELECT days.day, plan.*, k,
               ((days.day + time '08:00') AT TIME ZONE %(zone)s)
                   + make_interval(mins => k * plan.block_m) AS block_start
          FROM days JOIN plan ON plan.alt = (days.dn + plan.cn) %% plan.nalt
         CROSS JOIN LATERAL generate_series(0, %(day_minutes)s / plan.block_m - 1) AS k
    ), numbered AS (
        SELECT slots.*, row_number() OVER (ORDER BY day, cn, k) - 1 AS r,
               (row_number() OVER (ORDER BY day, cn, k) * 7919) %% 100 AS roll
          FROM slots
    )"""
    # A day's visits are consecutive r and fewer than the patients, so taking patients in
    # turn never books one patient twice at once (the patient-overlap constraint).
    insert_copies(
        Appointment,
        Appointment(status="scheduled", booked_by=people["desk"][0]),
        "numbered WHERE r < %(total)s",
        {
            "patient_id": "(%(others)s::bigint[])[1 + (r %% %(count)s)::int]",
            "service_id": "service",
            "location_id": "location",
            "clinician_id": "doctor",
            "room_id": "room",
            "starts_at": "block_start + make_interval(mins => before_m)",
            "ends_at": "block_start + make_interval(mins => before_m + duration_m)",
            "blocked": "tstzrange(block_start, block_start + make_interval(mins => block_m))",
            "status": (
                "CASE WHEN day < %(today)s THEN (CASE WHEN roll < 90 THEN 'completed' "
                "WHEN roll < 94 THEN 'no_show' ELSE 'cancelled' END) "
                "WHEN roll < 5 THEN 'cancelled' ELSE 'scheduled' END"
            ),
        },
        {
            **plan,
            "first_day": first_day,
            "last_day": last_day,
            "zone": "America/Los_Angeles",
            "day_minutes": day_minutes,
            "total": total,
            "others": others,
            "count": len(others),
            "today": today,
        },
        with_=with_,
    )
    # The featured patient has a visit coming up, like any patient in treatment.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE scheduling_appointment SET patient_id = %s WHERE id = ("
            "SELECT id FROM scheduling_appointment WHERE status = 'scheduled' "
            "AND starts_at > now() + interval '1 day' ORDER BY starts_at, id LIMIT 1)",
            [people["patients"][0]],
        )


def seed_requests(people: dict[str, Any]) -> None:
    """About one pending request per 200 patients (the front desk's morning queue)."""
    from django.utils import timezone

    from scheduling.models import AppointmentRequest, Service

    rng = random.Random(13)
    services = list(Service.objects.filter(is_active=True))
    today = timezone.localdate()
    patients = people["patients"]
    AppointmentRequest.objects.bulk_create(
        [
            AppointmentRequest(
                patient_id=patients[rng.randrange(len(patients))],
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
    """Everyone has sent an intake; most were approved; one in 200 awaits review. One
    intake goes through intake's own services; the rest are copies of it, in SQL."""
    from django.db import connection

    from intake.models import Intake, IntakeDecision
    from portal.models import User
    from tests.intake.factories import approve_patient, submitted_intake

    patients = people["patients"]
    clinician = people["clinicians"][0]
    second = User.objects.get(pk=patients[1])
    template = submitted_intake(second)
    approve_patient(second, clinician=clinician)
    template.refresh_from_db()
    decision = IntakeDecision.objects.filter(intake=template).first()
    # The first patients get theirs from the course seed (their own approval).
    insert_copies(Intake, template, f"{PATIENTS_SQL} WHERE p.n >= 52", {"patient_id": "p.id"})
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE intake_intake SET status = %(waiting)s, decided_at = NULL "
            f"WHERE patient_id IN (SELECT p.id FROM {PATIENTS_SQL} "
            f"WHERE p.n >= 52 AND (p.n - 2) %% 200 = 0)",
            {"waiting": Intake.Status.SUBMITTED},
        )
    if decision is not None:
        insert_copies(
            IntakeDecision,
            decision,
            "intake_intake AS i WHERE i.status = %(approved)s AND i.id <> %(template)s",
            {"intake_id": "i.id", "patient_id": "i.patient_id"},
            {"approved": Intake.Status.APPROVED, "template": template.pk},
        )


def seed_courses(people: dict[str, Any]) -> dict[str, Any]:
    """Courses with charted, discharged sessions, through treatments' own services."""
    from portal.models import User
    from tests.treatments.factories import course_started, session_discharged

    doctor = people["clinicians"][0]
    ids = [people["patients"][0], *people["patients"][2:50]]
    by_id = User.objects.in_bulk(ids)
    how_many = max(3, len(people["patients"]) // 250)
    featured = None
    for n, patient_id in enumerate(ids[:how_many]):
        course = course_started(by_id[patient_id], clinician=doctor)
        for _ in range(4 if n == 0 else 2):
            session_discharged(course, by=doctor)
        featured = featured or course
    return {"course_id": featured.pk, "patient_id": featured.patient_id}


def seed_checkins(people: dict[str, Any]) -> None:
    """Eight weeks of check-ins for one patient in a hundred (at most a hundred: they go
    through integration's services, one write at a time)."""
    from django.utils import timezone

    from portal.models import User
    from tests.integration.factories import add_gad7, add_mood, add_phq9

    today = timezone.localdate()
    ids = people["patients"][: min(100, max(5, len(people["patients"]) // 100))]
    for patient in User.objects.filter(pk__in=ids).order_by("id"):
        for week in range(8):
            day = today - dt.timedelta(days=7 * week)
            add_phq9(patient, day, 18 - week)
            add_gad7(patient, day, 14 - week)
        for n in range(30):
            add_mood(patient, today - dt.timedelta(days=n), 3 + n % 5)


def seed_audit(people: dict[str, Any], total: int) -> None:
    """A year of clinicians' reads and writes, `total` rows, oldest first.

    The table's trigger (migration portal 0006) stamps every new row with the
    statement's time, which would give a year of history one instant. The seed runs as
    the database's owner and switches that one trigger off inside its own transaction to
    write the history's times; the app's role cannot (portal/db_roles.py), and the
    append-only triggers stay on.
    """
    from django.db import connection

    from portal.audit import AuditEvent

    actions = [
        "intake.review.read",
        "portal.patient_chart.read",
        "treatments.session.chart",
        "scheduling.day_view.list",
        "integration.trends.read",
    ]
    with connection.cursor() as cursor:
        # Foreign keys are checked at once, not at commit: a trigger cannot be switched
        # back on while checks are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE portal_auditevent DISABLE TRIGGER portal_auditevent_database_time"
        )
    insert_copies(
        AuditEvent,
        AuditEvent(actor_role="clinician", object_type="patient", user_agent="Mozilla/5.0"),
        "generate_series(0::bigint, %(last)s) AS g",
        {
            "created_at": "now() - make_interval(secs => (%(last)s - g) * %(step)s)",
            "actor_id": "(%(clinicians)s::bigint[])[1 + (g %% %(clinician_count)s)::int]",
            "patient_id": "(%(patients)s::bigint[])[1 + ((g * 7919) %% %(patient_count)s)::int]",
            "action": "(%(actions)s::text[])[1 + (g %% %(action_count)s)::int]",
            "object_id": "g::text",
            "path": "'/staff/patients/' || ((g * 7919) %% %(patient_count)s)",
            "ip_address": "'10.0.0.1'::inet",
        },
        {
            "last": total - 1,
            "step": HISTORY.total_seconds() / total,
            "clinicians": [u.pk for u in people["clinicians"]],
            "clinician_count": len(people["clinicians"]),
            "patients": people["patients"],
            "patient_count": len(people["patients"]),
            "actions": actions,
            "action_count": len(actions),
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE portal_auditevent ENABLE TRIGGER portal_auditevent_database_time"
        )


def seed_notifications(people: dict[str, Any], total: int) -> None:
    """A year of the outbox, `total` rows: nearly all sent, 1% pending (due in the next
    hours), 0.1% failed (the outbox page's list), 0.5% cancelled."""
    from django.utils import timezone

    from portal.notifications.models import Notification

    kinds = [
        "appointment_reminder",
        "request_confirmed",
        "symptom_checkin",
        "aftercare_checkin",
        "booster_due",
    ]
    at = "now() - make_interval(secs => (%(last)s - g) * %(step)s)"
    roll = "(g %% 1000)"
    insert_copies(
        Notification,
        Notification(kind=kinds[0], send_at=timezone.now(), context={}),
        "generate_series(0::bigint, %(last)s) AS g",
        {
            "recipient_id": "(%(patients)s::bigint[])[1 + (g %% %(patient_count)s)::int]",
            "kind": "(%(kinds)s::text[])[1 + (g %% %(kind_count)s)::int]",
            "send_at": f"CASE WHEN {roll} < 10 THEN now() + make_interval(mins => "
            f"(10 + {roll} * 30)::int) ELSE {at} END",
            "status": f"CASE WHEN {roll} < 10 THEN 'pending' WHEN {roll} = 10 THEN 'failed' "
            f"WHEN {roll} < 16 THEN 'cancelled' ELSE 'sent' END",
            "attempts": f"CASE WHEN {roll} = 10 THEN 5 WHEN {roll} >= 16 THEN 1 ELSE 0 END",
            "last_error": f"CASE WHEN {roll} = 10 THEN 'mailbox unavailable' ELSE '' END",
            "sent_at": f"CASE WHEN {roll} >= 16 THEN {at} + interval '5 seconds' END",
            "idempotency_key": "'bench:' || g",
            "topic": "'appointment:' || (g / 10)",
            "created_at": at,
            "updated_at": at,
        },
        {
            "last": total - 1,
            "step": HISTORY.total_seconds() / total,
            "patients": people["patients"],
            "patient_count": len(people["patients"]),
            "kinds": kinds,
            "kind_count": len(kinds),
        },
    )


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
    return {"pages": pages, "sessions": sessions, "searches": search_urls()}


def search_urls() -> dict[str, str]:
    """The staff search by each kind of query, for a patient in the middle of the list:
    their surname, chart number, birth date, phone and email as the desk would type them."""
    from django.urls import reverse

    from portal.models import PatientProfile

    profile = (
        PatientProfile.objects.select_related("user")
        .filter(user__email__endswith="@bench.test")
        .order_by("id")[PatientProfile.objects.count() // 2]
    )
    typed = {
        "surname": profile.legal_name.split()[-1],
        "chart number": profile.chart_number,
        "birth date": f"{profile.date_of_birth:%m/%d/%Y}",
        "phone": profile.phone,
        "email": profile.user.email,
    }
    url = reverse("portal:patient-search")
    return {kind: f"{url}?{urlencode({'q': text})}" for kind, text in typed.items()}


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
    return {
        "rps": ok / elapsed if elapsed else 0.0,
        "p95_ms": percentile(latencies, 0.95),
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


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, int(len(sorted_values) * share + 0.5) - 1)] * 1000


def steady_load(
    port: int, mix: list[tuple[str, str]], *, rate: float, seconds: float
) -> dict[str, Any]:
    """An open loop: a request every 1/rate seconds, sent on time whether or not the
    earlier ones have answered (a pool of threads, each with its own connection), over
    `mix` in turn. Latency counts from when a request was due, so a server that falls
    behind shows it in the percentiles instead of slowing the load down."""
    from concurrent.futures import ThreadPoolExecutor

    local = threading.local()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def send(due: float, path: str, cookie: str) -> None:
        conn = getattr(local, "conn", None) or http.client.HTTPConnection(
            "127.0.0.1", port, timeout=30
        )
        local.conn = conn
        try:
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            failed = "" if response.status == 200 else f"HTTP {response.status} {path}"
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException) as exc:
            failed = f"{type(exc).__name__} {path}"
            conn.close()
        took = time.perf_counter() - due
        with lock:
            latencies.append(took)
            if failed:
                errors.append(failed)

    total = int(rate * seconds)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=64) as pool:
        for n in range(total):
            due = started + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, due, *mix[n % len(mix)])
    # Answered requests over the time until the last answer: below the offered rate when
    # the server fell behind.
    elapsed = time.perf_counter() - started
    done = sorted(latencies)
    return {
        "offered": rate,
        "achieved": len(done) / elapsed if elapsed else 0.0,
        "requests": len(done),
        "errors": errors,
        "p50_ms": percentile(done, 0.50),
        "p95_ms": percentile(done, 0.95),
        "p99_ms": percentile(done, 0.99),
    }


def timed_searches(
    port: int, searches: dict[str, str], cookie: str, *, repeats: int
) -> dict[str, dict[str, float]]:
    """Each kind of patient search, one request at a time (a person typing), `repeats`
    times: p50 and p95 per kind."""
    timings: dict[str, dict[str, float]] = {}
    for kind, path in searches.items():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        took: list[float] = []
        errors = 0
        for _ in range(repeats + 1):
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                errors += response.status != 200
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
            took.append(time.perf_counter() - started)
        conn.close()
        done = sorted(took[1:])  # the first one warms a worker
        timings[kind] = {
            "p50_ms": percentile(done, 0.50),
            "p95_ms": percentile(done, 0.95),
            "errors": errors,
        }
    return timings


@contextlib.contextmanager
def served(base: str, dbname: str, workers: int) -> Iterator[int]:
    """Production's path in front of one bench database: gunicorn (bench.settings_bench,
    DATABASE_POOLER=pgbouncer) -> PgBouncer in transaction pooling -> PostgreSQL. Yields
    gunicorn's port."""
    direct = urlsplit(url_for(base, dbname))
    user = direct.username or "postgres"
    with pgbouncer(
        dbname=dbname,
        host=direct.hostname or "127.0.0.1",
        port=direct.port or 5432,
        user=user,
        pool_size=workers,
    ) as bouncer_port:
        env = bench_env(urlunsplit(direct._replace(netloc=f"{user}@127.0.0.1:{bouncer_port}")))
        env["DATABASE_POOLER"] = "pgbouncer"
        port = free_port()
        log(
            f"{dbname}: gunicorn, {workers} sync workers on 127.0.0.1:{port}, through "
            f"PgBouncer (transaction pooling) on 127.0.0.1:{bouncer_port}"
        )
        server = start_gunicorn(env, port, workers)
        try:
            yield port
        finally:
            server.terminate()
            server.wait(timeout=15)


def closed_loop(
    port: int, result: dict[str, Any], *, seconds: float, rounds: int, concurrency: int
) -> list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]]:
    """Every page at full speed, interleaved with the ceiling (see the docstring, 4)."""
    sessions = result["sessions"]
    ceiling_label, ceiling_role = PAGES[0][0], PAGES[0][1]
    ceiling_page = (result["pages"][ceiling_label]["url"], sessions[ceiling_role])
    hammer(port, *ceiling_page, 1.0, concurrency)  # warm every worker
    rows: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = []
    for label, role, _name, _key in PAGES[1:]:
        page = result["pages"][label]
        if not page.get("available"):
            rows.append((label, None, None))
            continue
        page_slices, its_ceiling = interleaved(
            port,
            (page["url"], sessions[role]),
            ceiling_page,
            seconds=seconds,
            rounds=rounds,
            concurrency=concurrency,
        )
        rows.append((label, combined(page_slices), combined(its_ceiling)))
    return rows


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
    rate = float(os.environ.get("BENCH_RATE", "50"))
    steady_seconds = float(os.environ.get("BENCH_STEADY_SECONDS", str(max(10.0, seconds * 2))))
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
    load_before = os.getloadavg()
    tables: dict[str, list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]]] = {}
    steady: dict[str, Any] = {}
    searches: dict[str, dict[str, float]] = {}
    for scale, (name, _patients, _appointments) in SCALES.items():
        with served(base, name, workers) as port:
            tables[scale] = closed_loop(
                port, results[scale], seconds=seconds, rounds=rounds, concurrency=concurrency
            )
            if scale == "network":
                result = results[scale]
                mix = [
                    (page["url"], result["sessions"][page["role"]])
                    for label, page in result["pages"].items()
                    if page.get("available") and not label.startswith("ceiling")
                ]
                random.Random(5).shuffle(mix)
                log(
                    f"network: {rate:.0f} requests/s for {steady_seconds:.0f}s "
                    f"over {len(mix)} pages"
                )
                steady = steady_load(port, mix, rate=rate, seconds=steady_seconds)
                searches = timed_searches(
                    port,
                    result["searches"],
                    result["sessions"]["front_desk"],
                    repeats=int(os.environ.get("BENCH_SEARCH_REPEATS", "20")),
                )
    load_after = os.getloadavg()
    return report(
        results,
        tables,
        steady,
        searches,
        workers=workers,
        seconds=seconds,
        rounds=rounds,
        concurrency=concurrency,
        load=(load_before, load_after),
    )


def report(
    results: dict[str, dict[str, Any]],
    tables: dict[str, list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]]],
    steady: dict[str, Any],
    searches: dict[str, dict[str, float]],
    *,
    workers: int,
    seconds: float,
    rounds: int,
    concurrency: int,
    load: tuple[tuple[float, float, float], tuple[float, float, float]],
) -> int:
    print()
    print(f"Machine: {machine()}")
    print(
        "Load average (1, 5, 15 min) before the runs: "
        + ", ".join(f"{x:.2f}" for x in load[0])
        + "; after: "
        + ", ".join(f"{x:.2f}" for x in load[1])
    )
    print(
        f"gunicorn {workers} sync workers through PgBouncer (transaction pooling); "
        f"{concurrency} clients, {seconds:.0f}s per page and as much of the ceiling, "
        f"interleaved in {rounds} rounds."
    )
    failed = False
    for scale, (_name, patients, appointments) in SCALES.items():
        print()
        print(
            f"{scale}: {patients:,} patients, {appointments:,} appointments, "
            f"{patients * AUDIT_PER_PATIENT:,} audit events, "
            f"{patients * NOTIFICATIONS_PER_PATIENT:,} notifications"
        )
        header = f"{'page':<40} {'req/s':>8} {'p95 ms':>8} {'ceiling':>8} {'ratio':>6}  errors"
        print(header)
        print("-" * len(header))
        for label, run, ceiling in tables[scale]:
            if run is None or ceiling is None:
                why = results[scale]["pages"][label].get("why", "")
                print(f"{label:<40} {'not available':>24}  ({why})")
                continue
            ratio = run["rps"] / ceiling["rps"] if ceiling["rps"] else float("nan")
            print(
                f"{label:<40} {run['rps']:>8.1f} {run['p95_ms']:>8.1f} {ceiling['rps']:>8.1f} "
                f"{ratio:>6.2f}  {run['errors'] + ceiling['errors'] or ''}"
            )
    print()
    header = f"{'queries per page':<40} {'1x':>5} {'10x':>5} {'network':>8}  verdict"
    print(header)
    print("-" * len(header))
    for label, *_rest in PAGES:
        counts = [results[scale]["pages"][label].get("queries") for scale in SCALES]
        flat = None not in counts and len(set(counts)) == 1
        failed |= not flat
        shown = [str(c) if c is not None else "-" for c in counts]
        print(
            f"{label:<40} {shown[0]:>5} {shown[1]:>5} {shown[2]:>8}  "
            f"{'flat' if flat else 'QUERIES GROW (or a page is missing)'}"
        )
    if steady:
        print()
        errors = steady["errors"]
        print(
            f"Steady mixed load at network scale: offered {steady['offered']:.0f} req/s, "
            f"achieved {steady['achieved']:.1f} req/s ({steady['requests']} requests); "
            f"p50 {steady['p50_ms']:.1f} ms, p95 {steady['p95_ms']:.1f} ms, "
            f"p99 {steady['p99_ms']:.1f} ms; {len(errors)} errors"
            + (f" (first: {errors[0]})" if errors else "")
            + f"; target p95 < 150 ms: {'met' if steady['p95_ms'] < 150 else 'MISSED'}"
        )
        failed |= steady["p95_ms"] >= 150 or bool(errors)
    if searches:
        print()
        header = f"{'patient search at network scale':<40} {'p50 ms':>8} {'p95 ms':>8}  errors"
        print(header)
        print("-" * len(header))
        for kind, timing in searches.items():
            print(
                f"{'by ' + kind:<40} {timing['p50_ms']:>8.1f} {timing['p95_ms']:>8.1f}  "
                f"{int(timing['errors']) or ''}"
            )
    print()
    return 0 if not os.environ.get("BENCH_STRICT") or not failed else 1


if __name__ == "__main__":
    sys.exit(main())
