"""The portal's URLs mounted under /p/: a URLconf where every link differs."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("p/", include("portal.urls"))]
