"""portal/audit.py: every staff read of clinical data leaves a row, and no row can change."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.test import Client, RequestFactory

from portal.audit import AuditEvent, audit_clinical_read, client_ip
from portal.models import PatientProfile, User

# PostgreSQL raises "insufficient_privilege" from the trigger; psycopg2 maps that SQLSTATE
# class to ProgrammingError, but accept the neighbours too: what matters is the refusal.
REFUSED = (ProgrammingError, InternalError, IntegrityError)


def staff_request(user: User, **meta: Any) -> Any:
    request = RequestFactory().get("/treatments/sessions/7/", HTTP_USER_AGENT="Firefox/128", **meta)
    request.user = user
    return request


def test_it_records_actor_role_patient_object_path_and_address(
    clinician: User, patient: User
) -> None:
    profile = PatientProfile.objects.get(user=patient)
    event = audit_clinical_read(
        request=staff_request(clinician, REMOTE_ADDR="10.1.2.3"),
        action="session.view",
        patient=patient,
        obj=profile,
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == clinician
    assert stored.actor_role == "clinician"
    assert stored.action == "session.view"
    assert stored.patient == patient
    assert stored.object_type == "portal.PatientProfile"
    assert stored.object_id == str(profile.pk)
    assert stored.path == "/treatments/sessions/7/"
    assert stored.ip_address == "10.1.2.3"
    assert stored.user_agent == "Firefox/128"
    assert stored.created_at is not None


def test_the_returned_event_is_the_stored_row(clinician: User, patient: User) -> None:
    event = audit_clinical_read(
        request=staff_request(clinician, REMOTE_ADDR="10.1.2.3"), action="x", patient=patient
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.created_at, stored.actor_id, stored.patient_id) == (
        event.created_at,
        clinician.pk,
        patient.pk,
    )
    assert not event._state.adding


def test_it_records_a_read_without_an_object(clinician: User, patient: User) -> None:
    event = audit_clinical_read(
        request=staff_request(clinician, REMOTE_ADDR="10.1.2.3"),
        action="trend.view",
        patient=patient,
    )
    assert (event.object_type, event.object_id) == ("", "")


def test_it_ignores_x_forwarded_for_when_no_proxy_is_trusted(settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    # Anyone can send this header: without a trusted proxy it is a forgery.
    assert client_ip(request) == "10.0.0.9"


@pytest.mark.parametrize(
    ("hops", "expected"),
    [
        (1, "203.0.113.7"),  # the address our one proxy saw
        (2, "198.51.100.4"),
    ],
)
def test_it_takes_the_address_the_trusted_proxies_saw(
    settings: Any, hops: int, expected: str
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = hops
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.9",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4, 203.0.113.7",
    )
    assert client_ip(request) == expected


def test_it_falls_back_to_the_socket_when_the_chain_is_shorter_than_the_proxies(
    settings: Any,
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 3
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.9"


def test_the_audit_row_stores_the_proxied_address(
    settings: Any, clinician: User, patient: User
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    event = audit_clinical_read(
        request=staff_request(
            clinician, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.7"
        ),
        action="intake.view",
        patient=patient,
    )
    assert AuditEvent.objects.get(pk=event.pk).ip_address == "203.0.113.7"


# Append-only, enforced by the database trigger (migration portal 0002).


@pytest.fixture
def event(clinician: User, patient: User) -> AuditEvent:
    return audit_clinical_read(
        request=staff_request(clinician, REMOTE_ADDR="10.1.2.3"),
        action="intake.view",
        patient=patient,
    )


def refused(statement: Any) -> str:
    with pytest.raises(REFUSED) as caught, transaction.atomic():
        statement()
    return str(caught.value)


def test_the_database_refuses_a_raw_update(event: AuditEvent) -> None:
    def update() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE portal_auditevent SET action = 'nothing.to.see' WHERE id = %s",
                [event.pk],
            )

    assert "append-only" in refused(update)
    assert AuditEvent.objects.get(pk=event.pk).action == "intake.view"


def test_the_database_refuses_a_raw_delete(event: AuditEvent) -> None:
    def delete() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM portal_auditevent WHERE id = %s", [event.pk])

    assert "append-only" in refused(delete)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_an_orm_save_of_a_changed_row(event: AuditEvent) -> None:
    event.action = "rewritten"
    refused(event.save)
    assert AuditEvent.objects.get(pk=event.pk).action == "intake.view"


def test_the_database_refuses_an_orm_queryset_update(event: AuditEvent) -> None:
    refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(ip_address="127.0.0.1"))
    assert AuditEvent.objects.get(pk=event.pk).ip_address == "10.1.2.3"


def test_the_database_refuses_an_orm_delete(event: AuditEvent) -> None:
    refused(event.delete)
    refused(lambda: AuditEvent.objects.all().delete())
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_still_accepts_new_rows(event: AuditEvent, clinician: User) -> None:
    before = AuditEvent.objects.count()
    AuditEvent.objects.create(actor=clinician, action="another.read")
    assert AuditEvent.objects.count() == before + 1


# The admin shows the trail and offers no way to change it.


@pytest.fixture
def admin_client(client_for: Any, clinic_admin: User) -> Client:
    return client_for(clinic_admin)


def test_the_admin_lists_audit_events(admin_client: Client, event: AuditEvent) -> None:
    response = admin_client.get("/admin/portal/auditevent/")
    assert response.status_code == 200
    assert b"intake.view" in response.content
    assert b"/admin/portal/auditevent/add/" not in response.content


def test_the_admin_has_no_add_page(admin_client: Client, event: AuditEvent) -> None:
    assert admin_client.get("/admin/portal/auditevent/add/").status_code == 403


def test_the_admin_shows_an_event_read_only(admin_client: Client, event: AuditEvent) -> None:
    url = f"/admin/portal/auditevent/{event.pk}/change/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert b'name="action"' not in response.content
    # A forged POST changes nothing.
    assert admin_client.post(url, {"action": "rewritten"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "intake.view"


def test_the_admin_cannot_delete_an_event(admin_client: Client, event: AuditEvent) -> None:
    url = f"/admin/portal/auditevent/{event.pk}/delete/"
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    response = admin_client.post(
        "/admin/portal/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert response.status_code in {200, 302}


def add_events(actor: User, patient: User, count: int) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=actor, actor_role="clinician", action="intake.view", patient=patient)
        for _ in range(count)
    )


def admin_list_queries(admin_client: Client, url: str = "/admin/portal/auditevent/") -> list[str]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert admin_client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(
    "url", ["/admin/portal/auditevent/", "/admin/portal/auditevent/?actor_role=clinician"]
)
def test_the_admin_list_costs_the_same_queries_at_any_size_and_never_counts_the_trail(
    admin_client: Client, clinician: User, patient: User, url: str
) -> None:
    add_events(clinician, patient, 20)
    small = admin_list_queries(admin_client, url)
    add_events(clinician, patient, 400)
    large = admin_list_queries(admin_client, url)
    assert len(large) == len(small)
    audit_counts = [sql for sql in large if "COUNT" in sql and "portal_auditevent" in sql]
    # Each count over the trail is a LIMITed subquery; no DISTINCT for the filter choices.
    assert audit_counts
    assert all("LIMIT" in sql for sql in audit_counts)
    assert not [sql for sql in large if "DISTINCT" in sql and "portal_auditevent" in sql]


def test_the_admin_list_pages_by_the_capped_count(
    admin_client: Client, clinician: User, patient: User
) -> None:
    from portal.admin import CappedCountPaginator

    add_events(clinician, patient, 150)
    response = admin_client.get("/admin/portal/auditevent/?p=2")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 150
    # Fifty rows a page: the third page holds the oldest fifty.
    assert len(response.context["cl"].result_list) == 50
    assert response.context["cl"].paginator.num_pages == 3
    paginator = CappedCountPaginator(AuditEvent.objects.all(), 100)
    paginator.cap = 120
    assert paginator.count == 120
    assert paginator.num_pages == 2
