"""Reads of integration, each bounded: the chart takes one query per series."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from intake.instruments import GAD7_BANDS, PHQ9_BANDS
from intake.selectors import intake_scores
from integration import trend_axis
from integration.models import (
    Instrument,
    IntegrationSettings,
    JournalEntry,
    MoodCheckin,
    SymptomCheckin,
)
from integration.window import (
    CLINIC_ZONE,
    Window,
    integration_window,
    local_day_label,
    local_label,
    slots_inside_window,
)
from portal.formats import format_day
from portal.models import PERSON_FIELDS, ClinicianKind, User
from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from scheduling.models import (
    LIVE_STATUSES,
    TELEHEALTH_PLACE,
    Appointment,
    Room,
    Service,
    ServiceKind,
)
from scheduling.selectors import free_slots
from treatments.models import DosingSession
from treatments.selectors import dosing_sessions_for

CHART_RANGES: dict[str, int | None] = {"90": 90, "365": 365, "all": None}
DEFAULT_CHART_RANGE = "365"


def mood_today(*, patient: User) -> MoodCheckin | None:
    return MoodCheckin.objects.filter(patient=patient, day=timezone.localdate()).first()


def symptom_checkin_today(*, patient: User, instrument: Instrument) -> SymptomCheckin | None:
    return SymptomCheckin.objects.filter(
        patient=patient, instrument=instrument, day=timezone.localdate()
    ).first()


def last_symptom_checkins(*, patient: User) -> dict[str, SymptomCheckin]:
    """The newest check-in per instrument (two rows at most, one query)."""
    rows = (
        SymptomCheckin.objects.filter(patient=patient)
        .order_by("instrument", "-day", "-id")
        .distinct("instrument")
    )
    return {row.instrument: row for row in rows}


@dataclass(frozen=True)
class CheckinSummary:
    """What the patient's home panel says about their check-ins."""

    mood_score: int | None  # today's, if logged
    last_phq9: dt.date | None
    last_gad7: dt.date | None

    @property
    def last_phq9_label(self) -> str:
        return "" if self.last_phq9 is None else format_day(self.last_phq9)

    @property
    def last_gad7_label(self) -> str:
        return "" if self.last_gad7 is None else format_day(self.last_gad7)


def phq9_history(*, patient: User, since: dt.date | None) -> list[tuple[int, int]]:
    """(check-in id, total) of the patient's PHQ-9s since `since`, oldest first."""
    rows = SymptomCheckin.objects.filter(patient=patient, instrument=Instrument.PHQ9)
    if since is not None:
        rows = rows.filter(day__gte=since)
    return list(rows.order_by("day", "id").values_list("id", "total"))


def induction_started_on(*, patient: User) -> dt.date | None:
    """The local day of the patient's first dosing session, if treatments knows of one."""
    sessions = dosing_sessions_for_chart(patient=patient, since=None)
    return sessions[0]["day"] if sessions else None


def dosing_sessions_for_chart(*, patient: User, since: dt.date | None) -> list[dict[str, Any]]:
    """Ended (discharged) dosing sessions as chart markers, oldest first: one query."""
    rows = dosing_sessions_for(patient=patient).filter(discharged_at__isnull=False)
    if since is not None:
        rows = rows.filter(
            discharged_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=CLINIC_ZONE)
        )
    return [
        {"day": ended_at.astimezone(CLINIC_ZONE).date(), "modality": modality}
        for ended_at, modality in rows.order_by("discharged_at").values_list(
            "discharged_at", "modality"
        )
    ]


def checkin_reminder_pending(*, patient: User, topic: str) -> bool:
    return Notification.objects.filter(
        recipient=patient,
        topic=topic,
        kind=Kind.SYMPTOM_CHECKIN,
        status=Notification.Status.PENDING,
    ).exists()


def chart_since(range_key: str) -> tuple[str, dt.date | None]:
    """The chart's range from the query string; anything unknown is the default."""
    if range_key not in CHART_RANGES:
        range_key = DEFAULT_CHART_RANGE
    days = CHART_RANGES[range_key]
    since = None if days is None else timezone.localdate() - dt.timedelta(days=days)
    return range_key, since


def _bands(bands: tuple[tuple[int, str], ...]) -> list[dict[str, Any]]:
    lower = 0
    shaded = []
    for upper, label in bands:
        shaded.append({"from": lower, "to": upper, "label": label})
        lower = upper + 1
    return shaded


def chart_data(*, patient: User, since: dt.date | None) -> dict[str, Any]:
    """Everything the trend chart draws, as plain JSON-able values.

    Five queries whatever the amount of data: the intake's scores, PHQ-9, GAD-7, mood,
    dosing sessions. The PHQ-9 and GAD-7 of the sent intake are each series' first point
    (`"intake": true`) whatever the range, so the change since intake shows. The axes'
    ticks are decided in integration.trend_axis (readable at 390 px).
    """
    baseline = intake_scores(patient=patient)

    def series(instrument: Instrument) -> list[dict[str, Any]]:
        rows = SymptomCheckin.objects.filter(patient=patient, instrument=instrument)
        if since is not None:
            rows = rows.filter(day__gte=since)
        points = [
            {"x": day.isoformat(), "y": total, "band": band}
            for day, total, band in rows.order_by("day", "id").values_list("day", "total", "band")
        ]
        first = baseline.get(instrument)
        if first is not None:
            intake_point = {"x": first.day.isoformat(), "y": first.total, "band": first.band}
            points.insert(0, {**intake_point, "intake": True})
        return points

    moods = MoodCheckin.objects.filter(patient=patient)
    if since is not None:
        moods = moods.filter(day__gte=since)
    chart: dict[str, Any] = {
        "phq9": series(Instrument.PHQ9),
        "gad7": series(Instrument.GAD7),
        "mood": [
            {"x": day.isoformat(), "y": score}
            for day, score in moods.order_by("day").values_list("day", "score")
        ],
        "sessions": [
            {"x": marker["day"].isoformat(), "modality": marker["modality"]}
            for marker in dosing_sessions_for_chart(patient=patient, since=since)
        ],
        "bands": {"phq9": _bands(PHQ9_BANDS), "gad7": _bands(GAD7_BANDS)},
        "y_ticks": {
            "phq9": trend_axis.y_ticks(PHQ9_BANDS),
            "gad7": trend_axis.y_ticks(GAD7_BANDS),
            "mood": [0, 2, 4, 6, 8, 10],
        },
    }
    days = {
        dt.date.fromisoformat(point["x"])
        for key in ("phq9", "gad7", "mood", "sessions")
        for point in chart[key]
    }
    chart["x_ticks"] = trend_axis.x_axis(days)
    return chart


@dataclass(frozen=True)
class TrendChange:
    """One instrument's first and latest points, said in words beside the chart."""

    instrument: str
    label: str
    first: dict[str, Any]
    latest: dict[str, Any]

    @property
    def first_day(self) -> dt.date:
        return dt.date.fromisoformat(self.first["x"])

    @property
    def latest_day(self) -> dt.date:
        return dt.date.fromisoformat(self.latest["x"])


def trend_changes(chart: dict[str, Any]) -> list[TrendChange]:
    """The chart's text alternative: from the first point (the intake's when known) to the
    latest, per instrument that has any."""
    return [
        TrendChange(instrument, Instrument(instrument).label, points[0], points[-1])
        for instrument in Instrument.values
        if (points := chart[instrument])
    ]


@dataclass(frozen=True)
class LatestCheckin:
    day: dt.date
    total: int
    band: str


def trend_headlines(
    *, patient: User, chart: dict[str, Any], since: dt.date | None
) -> dict[str, Any]:
    """Today's mood and the newest PHQ-9 and GAD-7 for the patient's trends page, read off
    the chart's series: they hold every check-in since `since` (always before today),
    oldest first. Only an instrument with nothing in a limited range needs a query."""
    today = timezone.localdate().isoformat()
    mood = chart["mood"]
    latest: dict[str, LatestCheckin] = {}
    # The intake's point is not a check-in.
    checkins = {
        instrument: [point for point in chart[instrument] if not point.get("intake")]
        for instrument in Instrument.values
    }
    if any(not checkins[instrument] for instrument in Instrument.values) and since is not None:
        older = (
            SymptomCheckin.objects.filter(patient=patient, day__lt=since)
            .order_by("instrument", "-day", "-id")
            .distinct("instrument")
            .values_list("instrument", "day", "total", "band")
        )
        latest = {row[0]: LatestCheckin(*row[1:]) for row in older}
    for instrument in Instrument.values:
        if checkins[instrument]:
            point = checkins[instrument][-1]
            latest[instrument] = LatestCheckin(
                dt.date.fromisoformat(point["x"]), point["y"], point["band"]
            )
    return {
        "mood_today_score": mood[-1]["y"] if mood and mood[-1]["x"] == today else None,
        "last_checkins": latest,
    }


def journal_entries_of(*, patient: User) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(patient=patient).order_by("-created_at", "-id")


def journal_entries_shared(*, patient: User, limit: int = 20) -> list[JournalEntry]:
    """What the patient chose to share with their care team, newest first."""
    return list(
        JournalEntry.objects.filter(patient=patient, shared_with_therapist=True).order_by(
            "-shared_at", "-id"
        )[:limit]
    )


# --- Integration windows and slots ---------------------------------------------------


def window_of(session: DosingSession, conf: IntegrationSettings | None = None) -> Window | None:
    """The integration window of a discharged session (None before discharge)."""
    if session.discharged_at is None:
        return None
    conf = conf or IntegrationSettings.load()
    return integration_window(
        session.discharged_at,
        opens_after_hours=conf.window_opens_after_hours,
        closes_after_hours=conf.window_closes_after_hours,
    )


def _integration_in_window(conf: IntegrationSettings) -> Exists:
    """Has the session's patient a live integration visit starting inside its window?"""
    ended = OuterRef("discharged_at")
    return Exists(
        Appointment.objects.filter(
            patient=OuterRef("patient"),
            service__kind=ServiceKind.INTEGRATION,
            status__in=LIVE_STATUSES,
            starts_at__gte=ExpressionWrapper(
                ended + dt.timedelta(hours=conf.window_opens_after_hours),
                output_field=DateTimeField(),
            ),
            starts_at__lt=ExpressionWrapper(
                ended + dt.timedelta(hours=conf.window_closes_after_hours),
                output_field=DateTimeField(),
            ),
        )
    )


def integration_booked_for(session: DosingSession) -> Appointment | None:
    window = window_of(session)
    if window is None:
        return None
    return (
        Appointment.objects.filter(
            patient_id=session.patient_id,
            service__kind=ServiceKind.INTEGRATION,
            status__in=LIVE_STATUSES,
            starts_at__gte=window.opens_at,
            starts_at__lt=window.closes_at,
        )
        .select_related("clinician", "location")
        .first()
    )


@dataclass(frozen=True)
class WindowRow:
    session_id: int
    ended_at: dt.datetime
    window: Window
    is_open: bool
    hours_left: int
    hours_to_open: int
    patient: User | None = None  # on the staff list only

    @property
    def ended_label(self) -> str:
        """'Sun 2 Nov, 7:00 PM' in the clinic's time."""
        return local_label(self.ended_at)

    @property
    def ended_day_label(self) -> str:
        """'Sun 2 Nov' in the clinic's time."""
        return local_day_label(self.ended_at)


def _needing_integration(conf: IntegrationSettings, now: dt.datetime) -> QuerySet[DosingSession]:
    return (
        DosingSession.objects.filter(
            status=DosingSession.Status.DISCHARGED,
            discharged_at__gt=now - dt.timedelta(hours=conf.window_closes_after_hours),
        )
        # A filter, not an annotation: the subquery is written (and planned) once.
        .filter(~_integration_in_window(conf))
        .order_by("discharged_at", "id")
    )


def _window_row(
    session_id: int,
    ended_at: dt.datetime,
    conf: IntegrationSettings,
    now: dt.datetime,
    patient: User | None = None,
) -> WindowRow:
    window = integration_window(
        ended_at,
        opens_after_hours=conf.window_opens_after_hours,
        closes_after_hours=conf.window_closes_after_hours,
    )
    to_open = max(0, int((window.opens_at - now).total_seconds() // 3600))
    return WindowRow(
        session_id,
        ended_at,
        window,
        window.is_open(now),
        window.hours_left(now),
        to_open,
        patient,
    )


def sessions_needing_integration() -> list[WindowRow]:
    """Discharged sessions whose window is open or still to open, with no integration
    booked in it, each with its patient; soonest to close first. One query (and the
    cached settings) whatever their number."""
    conf = IntegrationSettings.load()
    now = timezone.now()
    rows = (
        _needing_integration(conf, now)
        .select_related("patient__patient_profile")
        .only(
            "id",
            "discharged_at",
            *(f"patient__{name}" for name in PERSON_FIELDS),
        )
    )
    return [_window_row(row.pk, row.discharged_at, conf, now, row.patient) for row in rows]


def sessions_needing_integration_count() -> int:
    """How many rows `sessions_needing_integration` has, counted by the database."""
    return _needing_integration(IntegrationSettings.load(), timezone.now()).count()


@dataclass(frozen=True)
class PatientPanel:
    """What the patient's home panel shows: their check-ins and the windows still to book."""

    checkins: CheckinSummary
    open_windows: list[WindowRow]


def patient_panel(*, patient: User) -> PatientPanel:
    """The patient's check-in summary and their own sessions needing integration (the
    rule `sessions_needing_integration` applies for staff): one query on the patient's
    row, with today's mood, the newest PHQ-9 and GAD-7 days, and the waiting sessions
    as subqueries beside it. The window's hours come from the cached settings."""
    conf = IntegrationSettings.load()
    now = timezone.now()
    mine = SymptomCheckin.objects.filter(patient=OuterRef("pk")).order_by("-day")
    waiting = _needing_integration(conf, now).filter(patient=OuterRef("pk"))
    mood_score, last_phq9, last_gad7, session_ids, ended = (
        User.objects.filter(pk=patient.pk)
        .annotate(
            mood=Subquery(
                MoodCheckin.objects.filter(patient=OuterRef("pk"), day=timezone.localdate()).values(
                    "score"
                )[:1]
            ),
            last_phq9=Subquery(mine.filter(instrument=Instrument.PHQ9).values("day")[:1]),
            last_gad7=Subquery(mine.filter(instrument=Instrument.GAD7).values("day")[:1]),
            waiting_ids=ArraySubquery(waiting.values("id")),
            waiting_ended=ArraySubquery(waiting.values("discharged_at")),
        )
        .values_list("mood", "last_phq9", "last_gad7", "waiting_ids", "waiting_ended")
        .get()
    )
    return PatientPanel(
        checkins=CheckinSummary(mood_score, last_phq9, last_gad7),
        open_windows=[
            _window_row(session_id, ended_at, conf, now)
            for session_id, ended_at in zip(session_ids, ended, strict=True)
        ],
    )


@dataclass(frozen=True)
class OfferedSlot:
    service: Service
    starts_at: dt.datetime
    ends_at: dt.datetime
    clinician: User
    room: Room | None

    @property
    def where(self) -> str:
        return str(TELEHEALTH_PLACE) if self.room is None else str(self.room.location)


def integration_slots(*, window: Window, day: dt.date) -> list[OfferedSlot]:
    """Free slots of integration therapists on `day` (clinic-local) inside `window`,
    in person at each location and by telehealth, through scheduling's slot finder."""
    now = timezone.now()
    offered: list[OfferedSlot] = []
    services = Service.objects.filter(kind=ServiceKind.INTEGRATION, is_active=True)
    for service in services.prefetch_related("locations"):
        places = [None] if service.is_telehealth else list(service.locations.all())
        for location in places:
            for slot in free_slots(service=service, location=location, start=day, end=day):
                if slot.clinician.clinician_kind != ClinicianKind.THERAPIST:
                    continue
                offered.append(
                    OfferedSlot(service, slot.starts_at, slot.ends_at, slot.clinician, slot.room)
                )
    return slots_inside_window(offered, window, now=now)
