"""Telehealth join links as pure rules: when the "Join" button shows, and what counts as
a video link. Plain values in and out.

The link is the clinic's own video service's (a meeting URL staff paste in); the portal
only shows it to the patient, and only from a little before the visit until its end, so
an old link found in a browser history leads nowhere useful, and the link never travels
in an email, a text or a calendar invite.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit


def join_opens_at(starts_at: dt.datetime, minutes_before: int) -> dt.datetime:
    return starts_at - dt.timedelta(minutes=minutes_before)


def join_is_open(
    *, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime, minutes_before: int
) -> bool:
    """From `minutes_before` the start until the visit's end, both ends included."""
    return join_opens_at(starts_at, minutes_before) <= now <= ends_at


def video_link_problem(url: str) -> str | None:
    """Why `url` cannot be a visit's video link, or None when it can."""
    url = url.strip()
    if not url:
        return "Paste the meeting link from the clinic's video service."
    parts = urlsplit(url)
    if parts.scheme != "https":
        return "The link must start with https:// (a secure meeting link)."
    if not parts.hostname or "." not in parts.hostname:
        return "That does not look like a meeting link: it needs a web address."
    if parts.username or parts.password:
        return "The link must not carry a user name or password."
    if len(url) > 500:
        return "That link is too long (500 characters at most)."
    return None
