"""Sign-up takes the same time for a known and an unknown email: both paths hash the
password once (the costly work: PBKDF2 in production) and write one email to the outbox,
sending nothing while the visitor waits. Measured as work done, not wall-clock time."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client

from portal.notifications.kinds import Kind
from portal.notifications.models import Notification
from portal.notifications.rendering import render_message
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    encoded = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).encoded += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings: Any) -> type[CountingHasher]:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.encoded = 0
    return CountingHasher


def sign_up(email: str) -> Any:
    return Client().post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_a_known_and_an_unknown_email_cost_the_same_hashing_and_send_nothing_inline(
    hashes: type[CountingHasher],
) -> None:
    patient = PatientFactory()
    hashes.encoded = 0
    known = sign_up(patient.email)
    known_work = hashes.encoded
    hashes.encoded = 0
    unknown = sign_up("first.timer@example.test")
    unknown_work = hashes.encoded

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert known_work == unknown_work == 1
    assert mail.outbox == []  # neither waited for a mail server
    owner = Notification.objects.get(recipient=patient)
    assert owner.kind == Kind.ACCOUNT_ALREADY_EXISTS
    newcomer = Notification.objects.get(recipient__email="first.timer@example.test")
    assert newcomer.kind == Kind.ACCOUNT_CONFIRM_EMAIL
    assert "/accounts/confirm-email/" in newcomer.context["url"]
    assert owner.channel == newcomer.channel == "email"


def test_the_outbox_mails_say_only_what_they_must(db: None) -> None:
    exists = render_message(Kind.ACCOUNT_ALREADY_EXISTS, {"url": "https://p.test/reset/"})
    assert "already exists" in exists.text
    assert "https://p.test/reset/" in exists.text
    confirm = render_message(Kind.ACCOUNT_CONFIRM_EMAIL, {"url": "https://p.test/confirm/k/"})
    assert "https://p.test/confirm/k/" in confirm.text
