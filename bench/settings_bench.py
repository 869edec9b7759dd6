"""Settings for `make bench`: production settings, served over plain HTTP on 127.0.0.1.

Only what a local benchmark needs differs: no HTTPS redirect, no staff MFA for the bench
users, static files from the finders (no collectstatic), and a URLconf that adds the
ceiling view. Everything on the request path (middleware, sessions, templates) is the
production one, so the ceiling pays what every page pays.
"""

from __future__ import annotations

import os
import warnings

if __name__ == "__main__":  # `make bench` runs every bench/*.py; this one is only a module.
    raise SystemExit(0)

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "b" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("PORTAL_REQUIRE_STAFF_MFA", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Static files come from the finders; there is no collected STATIC_ROOT to warn about.
warnings.filterwarnings("ignore", message="No directory at")
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Nobody reads the outbox here: the bench must not send mail.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
