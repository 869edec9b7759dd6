"""Logging filters: a refused page is one line with who and where, not a traceback."""

from __future__ import annotations

import logging


class ForbiddenOneLine(logging.Filter):
    """django.request logs a PermissionDenied with its traceback, once per refused page.
    A refusal is expected behaviour, not a fault: keep one line naming the user and the
    path, and leave other records (a 500's traceback) as they are."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        user_id = getattr(user, "pk", None) if user is not None else None
        record.msg = "Forbidden: user=%s role=%s path=%s"
        record.args = (
            user_id if user_id is not None else "anonymous",
            getattr(user, "role", "") or "-",
            getattr(request, "path", "?"),
        )
        record.exc_info = None
        record.exc_text = None
        return True
