"""Secure messages: the patient's inbox and threads, the staff inbox and threads.
Thin: check access, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.audit import audit_clinical_list, audit_clinical_read
from portal.forms import add_service_errors
from portal.messaging import selectors, services
from portal.messaging.forms import ReplyForm, ThreadStartForm
from portal.messaging.models import MessageThread, Topic
from portal.permissions import Capability, access_patient_object, message_topics_for, require

STAFF = (Capability.MESSAGES_DESK, Capability.MESSAGES_CARE)


@require_GET
@require(Capability.PATIENT_SELF)
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.threads_for_patient(patient=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "messaging/patient_inbox.html", {"page": page})


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def thread_new(request: HttpRequest) -> HttpResponse:
    form = ThreadStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_start(patient=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Message sent. We will answer here in the portal."))
            return redirect("messaging:thread", thread_id=thread.pk)
    return render(request, "messaging/thread_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require(Capability.PATIENT_SELF)
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    found = access_patient_object(request.user, MessageThread.objects.all(), pk=thread_id)
    form = ReplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_post(thread=found, author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Message sent."))
            return redirect("messaging:thread", thread_id=found.pk)
    services.thread_mark_read(thread=found, user=request.user)
    return render(
        request,
        "messaging/thread.html",
        {
            "thread": found,
            "thread_messages": selectors.thread_messages(thread=found),
            "form": form,
            "staff_view": False,
        },
    )


@require_GET
@require(*STAFF)
def staff_inbox(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", selectors.InboxFilter.OPEN)
    if show not in dict(selectors.InboxFilter.CHOICES):
        show = selectors.InboxFilter.OPEN
    page = Paginator(selectors.staff_threads(user=request.user, show=show), 25).get_page(
        request.GET.get("page")
    )
    if Topic.CARE in message_topics_for(request.user):
        # Care threads' subjects say how patients feel: the list is a clinical read of
        # each patient it shows.
        audit_clinical_list(
            request=request,
            action="message_inbox.view",
            patients=[t.patient_id for t in page.object_list if t.topic == Topic.CARE],
            object_type="messaging.MessageThread",
        )
    return render(
        request,
        "messaging/staff_inbox.html",
        {
            "page": page,
            "rows": selectors.inbox_rows(list(page.object_list)),
            "show": show,
            "filters": selectors.InboxFilter.CHOICES,
        },
    )


def _staff_thread(request: HttpRequest, thread_id: int) -> MessageThread:
    found = get_object_or_404(
        MessageThread.objects.select_related("patient", "patient__patient_profile", "handled_by"),
        pk=thread_id,
    )
    if not services.may_answer(request.user, found):
        raise PermissionDenied
    return found


@require_http_methods(["GET", "POST"])
@require(*STAFF)
def staff_thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    found = _staff_thread(request, thread_id)
    form = ReplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_post(thread=found, author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Reply sent; the patient has been told a message waits.")
            return redirect("messaging:staff-thread", thread_id=found.pk)
    if found.topic == Topic.CARE:
        audit_clinical_read(
            request=request, action="message_thread.view", patient=found.patient, obj=found
        )
    services.thread_mark_read(thread=found, user=request.user)
    return render(
        request,
        "messaging/thread.html",
        {
            "thread": found,
            "thread_messages": selectors.thread_messages(thread=found),
            "form": form,
            "staff_view": True,
        },
    )


@require_POST
@require(*STAFF)
def thread_take(request: HttpRequest, thread_id: int) -> HttpResponse:
    found = _staff_thread(request, thread_id)
    services.thread_take(thread=found, by=request.user)
    messages.success(request, "You are handling this conversation.")
    return redirect("messaging:staff-thread", thread_id=found.pk)


@require_POST
@require(*STAFF)
def thread_close(request: HttpRequest, thread_id: int) -> HttpResponse:
    found = _staff_thread(request, thread_id)
    services.thread_close(thread=found, by=request.user)
    messages.success(request, "Conversation closed. It reopens if the patient writes again.")
    return redirect("messaging:staff-inbox")
