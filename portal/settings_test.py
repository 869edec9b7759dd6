"""Lean settings for the test suite: the real settings, plus what makes tests fast.

The database and Redis stay real (PostgreSQL and Redis); only the password hasher,
the email backend and static-file storage are swapped.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-" + "x" * 60)
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic_portal")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ["DEBUG"] = "false"

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Uploads go to a folder of this run's own, removed by the OS's temp cleaning.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"portal-test-media-{os.getpid()}"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# The test client and the browser tests speak plain HTTP to a local server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Tests decide per test whether staff MFA is required; the production default is on.
PORTAL_REQUIRE_STAFF_MFA = True
# Rate limits are tested on purpose in their own tests; the suite logs in many times.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "1000/m/ip", "login_failed": "1000/m/ip"}  # noqa: F405
CACHES = {  # a per-run key prefix so that a rerun never sees a stale rate-limit counter
    "default": {
        **CACHES["default"],  # noqa: F405
        "KEY_PREFIX": f"portal-test-{os.getpid()}",
    }
}
