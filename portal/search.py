"""What a staff member typed in the patient search box, as one kind of query (pure).

"03/14/1985", "1985-03-14"  -> birth date
"C-000123", "c123"          -> chart number
"alex@example.com", "@gmail" -> email
"(916) 555-0142", "0142"    -> phone (digits only, at least four)
anything else               -> name
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["empty", "birth_date", "chart_number", "email", "phone", "name"]

DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")
_CHART = re.compile(r"^c\s*-?\s*(\d{1,9})$", re.IGNORECASE)
_PHONE = re.compile(r"^[\d\s().+\-]+$")
MIN_PHONE_DIGITS = 4
MAX_QUERY = 100


@dataclass(frozen=True)
class Query:
    kind: Kind
    text: str = ""  # the name, email, phone digits or chart number to look for
    day: dt.date | None = None


def chart_number_of(number: int) -> str:
    return f"C-{number:06d}"


def parse(raw: str) -> Query:
    # Control characters (a NUL among them, which PostgreSQL refuses in text) are dropped.
    printable = "".join(ch if ch.isprintable() else " " for ch in raw)
    text = " ".join(printable.split())[:MAX_QUERY]
    if not text:
        return Query("empty")
    for fmt in DATE_FORMATS:
        try:
            return Query("birth_date", day=dt.datetime.strptime(text, fmt).date())  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    if match := _CHART.match(text):
        return Query("chart_number", text=chart_number_of(int(match[1])))
    if "@" in text:
        return Query("email", text=text)
    if _PHONE.match(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) >= MIN_PHONE_DIGITS:
            return Query("phone", text=digits)
    return Query("name", text=text)
