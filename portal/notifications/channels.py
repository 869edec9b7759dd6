"""How a message leaves the building: email through Django's mail, texts through a provider.

Both channels share one interface (`send(recipient_address, message)`), raise
`TransientSendError` when trying again later may work and `PermanentSendError` when it
never will. The SMS provider is chosen by `SMS_PROVIDER`: `console` logs that a text
went (to the last digits of the number, never its words), `twilio` calls Twilio's REST
API, `disabled` sends texts by email instead.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from portal.notifications.rendering import RenderedMessage

logger = logging.getLogger(__name__)


class SendError(Exception):
    """A message did not go. The text is stored on the row: keep it free of content."""


class TransientSendError(SendError):
    pass


class PermanentSendError(SendError):
    pass


class Channel(Protocol):
    def send(self, address: str, message: RenderedMessage, *, reference: str) -> None: ...

    def close(self) -> None: ...


class EmailChannel:
    """Email through Django's configured backend, one connection reused for a batch."""

    def __init__(self) -> None:
        self._connection: Any = None

    def _open(self) -> Any:
        if self._connection is None:
            self._connection = get_connection()
            self._connection.open()
        return self._connection

    def send(self, address: str, message: RenderedMessage, *, reference: str) -> None:
        if not address:
            raise PermanentSendError("no email address")
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            # The outbox row's id, so a mailbox (or a test's SMTP sink) can count deliveries.
            headers={"X-Portal-Notification": reference},
            connection=self._open(),
        )
        email.attach_alternative(message.html, "text/html")
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            raise PermanentSendError(
                f"recipient refused by the mail server ({_codes(exc)})"
            ) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            # The connection may be half-dead now; the next message opens a fresh one.
            self.close()
            raise TransientSendError(f"mail server: {type(exc).__name__}") from exc

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # closing a broken connection may fail; it is gone
                logger.debug("closing the mail connection failed", exc_info=True)
            self._connection = None


def _codes(exc: smtplib.SMTPRecipientsRefused) -> str:
    return ",".join(str(code) for code, _msg in exc.recipients.values())


def e164(phone: str, default_country: str = "1") -> str:
    """A US-style number as E.164 (+19165550142); "" when it cannot be one."""
    digits = re.sub(r"\D", "", phone or "")
    if phone.strip().startswith("+") and 8 <= len(digits) <= 15:
        return f"+{digits}"
    if len(digits) == 10:
        return f"+{default_country}{digits}"
    if len(digits) == 11 and digits.startswith(default_country):
        return f"+{digits}"
    return ""


def _masked(number: str) -> str:
    return f"***{number[-4:]}" if number else "(none)"


class ConsoleSms:
    """Development: logs that a text went, to whom (masked), never what it said."""

    def send(self, address: str, message: RenderedMessage, *, reference: str) -> None:
        number = e164(address)
        if not number:
            raise PermanentSendError("no usable mobile number")
        logger.info(
            "SMS (console) notification %s to %s, %d characters",
            reference,
            _masked(number),
            len(message.sms),
        )

    def close(self) -> None:
        return None


class TwilioSms:
    """Twilio's Messages API over HTTPS (https://www.twilio.com/docs/messaging/api)."""

    API = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"

    def __init__(self, *, account_sid: str, auth_token: str, from_number: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number

    def send(self, address: str, message: RenderedMessage, *, reference: str) -> None:
        number = e164(address)
        if not number:
            raise PermanentSendError("no usable mobile number")
        body = urllib.parse.urlencode(
            {"To": number, "From": self.from_number, "Body": message.sms}
        ).encode()
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - a fixed https URL
            self.API.format(sid=urllib.parse.quote(self.account_sid)),
            data=body,
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                payload = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            # 4xx (bad number, unsubscribed) will fail again; 429 and 5xx may not.
            if exc.code == 429 or exc.code >= 500:
                raise TransientSendError(f"sms provider HTTP {exc.code}") from exc
            raise PermanentSendError(f"sms provider HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise TransientSendError(f"sms provider: {type(exc).__name__}") from exc
        logger.info("SMS notification %s accepted as %s", reference, payload.get("sid", "?"))

    def close(self) -> None:
        return None


def sms_channel() -> Channel | None:
    """The configured text-message channel, or None when texts are turned off."""
    provider = settings.SMS_PROVIDER
    if provider == "twilio":
        return TwilioSms(
            account_sid=settings.TWILIO_ACCOUNT_SID,
            auth_token=settings.TWILIO_AUTH_TOKEN,
            from_number=settings.TWILIO_FROM_NUMBER,
        )
    if provider == "console":
        return ConsoleSms()
    return None


def sms_enabled() -> bool:
    return settings.SMS_PROVIDER != "disabled"
