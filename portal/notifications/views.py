"""The patient's reminder settings and the staff outbox page (failed messages, retry)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.forms import add_service_errors
from portal.notifications.forms import NotificationPreferenceForm
from portal.notifications.models import Notification
from portal.notifications.selectors import (
    notification_preference_get,
    notifications_failed_page,
    outbox_health,
)
from portal.notifications.services import notification_preference_update, notification_retry
from portal.permissions import Capability, require


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def preference_edit(request: HttpRequest) -> HttpResponse:
    preference = notification_preference_get(user=request.user)
    data = request.POST if request.method == "POST" else None
    form = NotificationPreferenceForm(data, instance=preference)
    if request.method == "POST" and form.is_valid():
        try:
            notification_preference_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your reminder settings are saved."))
            return redirect("notifications:preference-edit")
    return render(request, "notifications/preference_edit.html", {"form": form})


@require_GET
@require(Capability.OUTBOX_MONITOR)
def outbox_list(request: HttpRequest) -> HttpResponse:
    health = outbox_health()
    page = notifications_failed_page(page=request.GET.get("page"), total=health["failed"])
    return render(
        request,
        "notifications/outbox_list.html",
        {"failed": page.object_list, "page": page, "health": health},
    )


@require_POST
@require(Capability.OUTBOX_MONITOR)
def outbox_retry(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=notification_id)
    try:
        notification_retry(notification=notification, by=request.user)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    else:
        messages.success(request, "The message is queued to be sent again.")
    return redirect("notifications:outbox-list")
