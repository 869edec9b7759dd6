"""The portal's one settings module, driven by the environment (README: Configuration).

A bad or missing value fails loudly at start-up (ImproperlyConfigured), never at the
first request: the secret key has no default unless DEBUG is on.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from portal.languages import LANGUAGES as PORTAL_LANGUAGES

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret")
else:
    SECRET_KEY = env.str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters when DEBUG is off.")
# Secret rotation (docs/operations.md): old keys still verify sessions and signed links.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Links in emails and texts point here ("Details in your portal").
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram lookups for staff search (pg_trgm)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    # Our apps, in their layers: each imports only those above it in this list.
    "portal",
    "portal.notifications",
    "portal.messaging",
    "intake",
    "scheduling",
    "treatments",
    "integration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of a visitor: their choice before sign-in (cookie) or the browser's.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After sign-in the patient's profile language wins (staff pages stay English).
    "portal.middleware.ProfileLanguageMiddleware",
    "portal.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.IdleTimeoutMiddleware",
    "portal.middleware.StaffMFARequiredMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction pooling, consecutive transactions of one Django
# connection may land on different server connections, so a named cursor (which lives
# past its transaction) cannot be used. Keeping the client connection (CONN_MAX_AGE) is
# fine: it is a socket to PgBouncer, which holds the real ones.
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
# The role the app's processes connect as, when migrations run as another (the owner):
# `manage.py grant_app_role` grants it its rights (portal/db_roles.py, docs/operations.md).
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="")
if DATABASE_POOLER not in {"", "pgbouncer"}:
    raise ImproperlyConfigured("DATABASE_POOLER must be empty or 'pgbouncer'.")
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOLER == "pgbouncer"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL")

# Redis is Django's cache: allauth's login rate limits need a cache shared by every
# web process, which the default per-process memory cache is not.
# When Redis is unreachable the cache degrades to per-process memory (one warning in the
# log) instead of failing every request: see portal/cache_fallback.py.
CACHES = {
    "default": {
        "BACKEND": "portal.cache_fallback.DegradingCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "portal",
        "TIMEOUT": 300,
        "OPTIONS": {
            "PRIMARY_BACKEND": "django.core.cache.backends.redis.RedisCache",
            "socket_connect_timeout": 1,
            "socket_timeout": 1,
        },
    }
}

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # What the clinic admin may do in /admin/: decided in portal/permissions.py.
    "portal.permissions.AdminRoleBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# allauth: email login, mandatory verification, no account enumeration, rate limits on.
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# Behind a load balancer, the client's address is this many hops back in
# X-Forwarded-For; rate limits key on it.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Clinic Portal")

# Staff must enrol TOTP before any staff page opens. The demo turns this off (and says so).
PORTAL_REQUIRE_STAFF_MFA = env.bool("PORTAL_REQUIRE_STAFF_MFA", default=True)
# Hours a staff invitation link works (once) to set the password and the authenticator.
PORTAL_INVITATION_HOURS = env.int("PORTAL_INVITATION_HOURS", default=72)
# Idle timeouts, in minutes, by kind of user. The session is saved on every request so
# that its expiry slides with activity.
PORTAL_STAFF_IDLE_MINUTES = env.int("PORTAL_STAFF_IDLE_MINUTES", default=15)
PORTAL_PATIENT_IDLE_MINUTES = env.int("PORTAL_PATIENT_IDLE_MINUTES", default=30)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_AGE = max(PORTAL_STAFF_IDLE_MINUTES, PORTAL_PATIENT_IDLE_MINUTES) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/Los_Angeles")
# Patients read the portal, their emails, texts and calendar files in English or Spanish
# (portal.i18n). Each app keeps its strings in <app>/locale/es/LC_MESSAGES/django.po;
# the .mo files are compiled from them by `manage.py compile_translations` (no gettext
# tools needed) and are not committed. The list lives in portal.languages, which
# portal.models.Language is made from too.
LANGUAGES = list(PORTAL_LANGUAGES)
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded documents (ID, insurance card): a private folder, never served by URL (no
# MEDIA_URL route; every download is intake's permission-checked, audited view). In
# production FILE_STORAGE_BACKEND names an S3-compatible backend (docs/operations.md).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".local" / "media")
PORTAL_UPLOAD_MAX_BYTES = env.int("PORTAL_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
STORAGES = {
    "default": {
        "BACKEND": env.str(
            "FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if STORAGES["default"]["BACKEND"].startswith("storages.backends.s3"):
    # django-storages (installed in production only; docs/operations.md). Credentials come
    # from the standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the instance's role.
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": env.str("S3_BUCKET"),
        "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
        "region_name": env.str("S3_REGION", default=None),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "object_parameters": {"ServerSideEncryption": "AES256"},
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: EMAIL_URL (smtp://user:pass@host:587, consolemail://, ...), see django-environ.
vars().update(
    env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Clinic Portal <no-reply@clinic.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. With DEBUG off, `manage.py check --deploy` reports nothing.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Set when TLS ends at a proxy that sets X-Forwarded-Proto.
    if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz is probed over plain HTTP by the load balancer and compose.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Celery: Redis carries only "sweep now" and immediate sends; reminders live in
# PostgreSQL (portal.notifications), so late acks and re-delivery are harmless.
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
# One beat only: every minute it asks a worker to sweep the outbox for due messages. The
# task expires before the next tick, so sweeps queued during an outage do not pile up.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "notifications-sweep": {
        "task": "portal.notifications.tasks.notifications_sweep",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # treatments: the evening-before readiness check of each dosing visit, written as an
    # outbox row (idempotent) for the visits of the next two days.
    "treatments-readiness-checks": {
        "task": "treatments.tasks.readiness_checks_schedule",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    # scheduling: waitlist offers of a freed time close when their minutes run out.
    "scheduling-waitlist-offers-expire": {
        "task": "scheduling.tasks.waitlist_offers_expire",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}

# Notifications (portal/notifications): how failures retry, and texts. When reminders
# go is clinic data, edited in the admin (the apps' settings models), not environment.
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=5)
NOTIFY_RETRY_BASE_SECONDS = env.int("NOTIFY_RETRY_BASE_SECONDS", default=60)
NOTIFY_BATCH_SIZE = env.int("NOTIFY_BATCH_SIZE", default=50)
# console: log that a text went (never its words); disabled: texts go by email; twilio.
SMS_PROVIDER = env.str("SMS_PROVIDER", default="console")
if SMS_PROVIDER not in {"console", "disabled", "twilio"}:
    raise ImproperlyConfigured("SMS_PROVIDER must be console, disabled or twilio.")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
_twilio_ready = TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER
if SMS_PROVIDER == "twilio" and not _twilio_ready:
    raise ImproperlyConfigured(
        "SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"forbidden_one_line": {"()": "portal.log_filters.ForbiddenOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # A refused page (403) is one line with the user and path, not a traceback.
    "loggers": {"django.request": {"filters": ["forbidden_one_line"]}},
}

# The clinic's public contact details, shown beside crisis lines and in messages.
PORTAL_CLINIC_NAME = env.str("PORTAL_CLINIC_NAME", default="Clinic Portal")
# Account emails (allauth) begin their subject with the clinic's name; their bodies name
# it and the portal's domain (portal.adapters.portal_site), never the request's host.
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{PORTAL_CLINIC_NAME}: "
PORTAL_CLINIC_PHONE = env.str("PORTAL_CLINIC_PHONE", default="(916) 555-0100")
