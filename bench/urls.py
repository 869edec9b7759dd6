"""The portal's URLs plus /bench/ceiling: the cheapest page the stack can serve."""

from __future__ import annotations

if __name__ == "__main__":  # `make bench` runs every bench/*.py; this one is only a module.
    raise SystemExit(0)

from django.http import HttpRequest, HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def ceiling(request: HttpRequest) -> HttpResponse:
    # Through every middleware (session, auth, idle timeout, MFA, CSP) and no more work.
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ceiling", ceiling, name="bench-ceiling"), *portal_urlpatterns]
