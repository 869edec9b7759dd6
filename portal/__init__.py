"""The clinic portal's project package and core (users, locations, access, audit)."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
