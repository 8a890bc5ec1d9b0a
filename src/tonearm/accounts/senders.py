"""Pluggable email and SMS senders.

Default ("console"): the message goes to `<data_dir>/outbox/` as a file readable by the owner
only, and a log line records who it went to and where the file is. The log line never carries
the body, because the body holds a secret (a sign-in link or code).
Alternatives: SMTP or Resend for email; MSG91 or Twilio for SMS. The HTTP ones call the
documented APIs through `kit.http` (the guarded client: public addresses only, unless named in
`TONEARM_HTTP_ALLOW_HOSTS`; 429 and Retry-After honoured; timeouts), at the base URL of their
settings section, so tests point them at local fakes (`tests/fakes/`).
"""

from __future__ import annotations

import asyncio
import json
import os
import smtplib
import ssl
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.message import EmailMessage as MimeMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any, Protocol

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.config import Settings
from tonearm.kit.db import after_commit
from tonearm.kit.http import GuardedClient, GuardedResponse, UpstreamError, basic_auth

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class EmailMessage:
    to: str
    subject: str
    text: str
    html: str | None = None


@dataclass(frozen=True, slots=True)
class SmsMessage:
    to: str
    text: str
    code: str | None = None  # for providers with OTP templates (MSG91)


class EmailSender(Protocol):
    async def send(self, msg: EmailMessage) -> None: ...


class SmsSender(Protocol):
    async def send(self, msg: SmsMessage) -> None: ...


def _mask_phone(phone: str) -> str:
    return phone[:3] + "*" * max(0, len(phone) - 5) + phone[-2:]


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(content)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


class ConsoleEmailSender:
    def __init__(self, outbox: Path, sender: str) -> None:
        self.outbox = outbox
        self.sender = sender

    async def send(self, msg: EmailMessage) -> None:
        mime = _mime(msg, self.sender)
        path = self.outbox / f"{_stamp()}-{uuid.uuid4().hex[:8]}.eml"
        await asyncio.to_thread(_write_private, path, mime.as_string())
        log.info("email_outbox", to=msg.to, subject=msg.subject, file=str(path))


class ConsoleSmsSender:
    def __init__(self, outbox: Path) -> None:
        self.outbox = outbox

    async def send(self, msg: SmsMessage) -> None:
        path = self.outbox / f"{_stamp()}-{uuid.uuid4().hex[:8]}.sms.json"
        await asyncio.to_thread(_write_private, path, json.dumps(asdict(msg), indent=2))
        log.info("sms_outbox", to=_mask_phone(msg.to), file=str(path))


def _mime(msg: EmailMessage, sender: str) -> MimeMessage:
    mime = MimeMessage()
    mime["From"] = sender
    mime["To"] = msg.to
    mime["Subject"] = msg.subject
    mime["Message-ID"] = make_msgid(domain="tonearm.local")
    mime.set_content(msg.text)
    if msg.html:
        mime.add_alternative(msg.html, subtype="html")
    return mime


class SmtpEmailSender:
    def __init__(self, settings: Settings) -> None:
        if not settings.smtp.host:
            raise ValueError("TONEARM_SMTP__HOST is required for the smtp email backend")
        self.smtp = settings.smtp
        self.sender = settings.email_from

    def _send_sync(self, mime: MimeMessage) -> None:
        s = self.smtp
        assert s.host
        with smtplib.SMTP(s.host, s.port, timeout=20) as smtp:
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.username and s.password:
                smtp.login(s.username, s.password.get_secret_value())
            smtp.send_message(mime)

    async def send(self, msg: EmailMessage) -> None:
        await asyncio.to_thread(self._send_sync, _mime(msg, self.sender))
        log.info("email_sent", backend="smtp", to=msg.to, subject=msg.subject)


def http_client(settings: Settings) -> GuardedClient:
    """The guarded client for a provider, with the operator's allow-list."""
    return GuardedClient(allow_hosts=settings.http_allow_hosts, total_timeout=30)


def _json(resp: GuardedResponse) -> dict[str, Any]:
    try:
        data = resp.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _refused(provider: str, resp: GuardedResponse, detail: object) -> UpstreamError:
    """The error for a refused message. Its text holds the status and the service's error
    name or code, never the request (which carries the recipient and the code)."""
    return UpstreamError(
        f"{provider} answered {resp.status_code} ({detail})",
        extra={"upstream_status": resp.status_code},
    )


class ResendEmailSender:
    """https://resend.com/docs/api-reference/emails/send-email

    Every message carries its own Idempotency-Key, so a send whose answer was lost (a reset, a
    502/503/504) is retried without a second email; a 429 waits for its Retry-After."""

    def __init__(self, settings: Settings, client: GuardedClient | None = None) -> None:
        if settings.resend.api_key is None:
            raise ValueError("TONEARM_RESEND__API_KEY is required for the resend email backend")
        self.key = settings.resend.api_key
        self.url = settings.resend.api_url.rstrip("/") + "/emails"
        self.sender = settings.email_from
        self.client = client or http_client(settings)

    async def send(self, msg: EmailMessage) -> None:
        body: dict[str, object] = {
            "from": self.sender,
            "to": [msg.to],
            "subject": msg.subject,
            "text": msg.text,
        }
        if msg.html:
            body["html"] = msg.html
        resp = await self.client.request(
            "POST",
            self.url,
            json=body,
            headers={
                "Authorization": f"Bearer {self.key.get_secret_value()}",
                "Idempotency-Key": str(uuid.uuid4()),
            },
            retry_non_idempotent=True,
        )
        data = _json(resp)
        if not resp.is_success:
            raise _refused("resend", resp, data.get("name"))
        log.info("email_sent", backend="resend", to=msg.to, id=data.get("id"))


class Msg91SmsSender:
    """MSG91 Flow API: POST {api_url}/flow with an `authkey` header and a DLT template whose
    variable `otp` (or `text`) carries the message. MSG91 reports most errors in a 200
    (`{"type": "error"}`)."""

    def __init__(self, settings: Settings, client: GuardedClient | None = None) -> None:
        if settings.msg91.auth_key is None or not settings.msg91.template_id:
            raise ValueError("TONEARM_MSG91__AUTH_KEY and TONEARM_MSG91__TEMPLATE_ID are required")
        self.key = settings.msg91.auth_key
        self.template = settings.msg91.template_id
        self.url = settings.msg91.api_url.rstrip("/") + "/flow"
        self.client = client or http_client(settings)

    async def send(self, msg: SmsMessage) -> None:
        recipient: dict[str, str] = {"mobiles": msg.to.lstrip("+")}
        if msg.code:
            recipient["otp"] = msg.code
        else:
            recipient["text"] = msg.text
        resp = await self.client.request(
            "POST",
            self.url,
            json={"template_id": self.template, "short_url": "0", "recipients": [recipient]},
            headers={"authkey": self.key.get_secret_value(), "accept": "application/json"},
        )
        data = _json(resp)
        if not resp.is_success or data.get("type") == "error":
            raise _refused("msg91", resp, data.get("message"))
        log.info("sms_sent", backend="msg91", to=_mask_phone(msg.to))


class TwilioSmsSender:
    """Twilio Messages API: POST {api_url}/2010-04-01/Accounts/{sid}/Messages.json,
    form-encoded, HTTP Basic with the account SID and auth token."""

    def __init__(self, settings: Settings, client: GuardedClient | None = None) -> None:
        tw = settings.twilio
        if not (tw.account_sid and tw.auth_token and tw.from_):
            raise ValueError(
                "TONEARM_TWILIO__ACCOUNT_SID, TONEARM_TWILIO__AUTH_TOKEN and TONEARM_TWILIO__FROM "
                "are required for the twilio sms backend"
            )
        self.sid = tw.account_sid
        self.token = tw.auth_token
        self.sender = tw.from_
        self.url = f"{tw.api_url.rstrip('/')}/2010-04-01/Accounts/{self.sid}/Messages.json"
        self.client = client or http_client(settings)

    async def send(self, msg: SmsMessage) -> None:
        resp = await self.client.request(
            "POST",
            self.url,
            data={"To": msg.to, "From": self.sender, "Body": msg.text},
            headers={"Authorization": basic_auth(self.sid, self.token.get_secret_value())},
        )
        data = _json(resp)
        if not resp.is_success:
            raise _refused("twilio", resp, f"code {data.get('code')}")
        log.info("sms_sent", backend="twilio", to=_mask_phone(msg.to), sid=data.get("sid"))


def make_email_sender(settings: Settings) -> EmailSender:
    if settings.email_backend == "smtp":
        return SmtpEmailSender(settings)
    if settings.email_backend == "resend":
        return ResendEmailSender(settings)
    return ConsoleEmailSender(settings.data_dir / "outbox", settings.email_from)


def make_sms_sender(settings: Settings) -> SmsSender:
    if settings.sms_backend == "msg91":
        return Msg91SmsSender(settings)
    if settings.sms_backend == "twilio":
        return TwilioSmsSender(settings)
    return ConsoleSmsSender(settings.data_dir / "outbox")


class Outbox:
    """Sends messages once the transaction that produced them has committed."""

    def __init__(self, email: EmailSender, sms: SmsSender) -> None:
        self.email = email
        self.sms = sms

    def email_after_commit(self, session: AsyncSession, msg: EmailMessage) -> None:
        async def _send() -> None:
            try:
                await self.email.send(msg)
            except Exception as exc:
                log.error("email_send_failed", to=msg.to, error=type(exc).__name__)

        after_commit(session, _send)

    def sms_after_commit(self, session: AsyncSession, msg: SmsMessage) -> None:
        async def _send() -> None:
            try:
                await self.sms.send(msg)
            except Exception as exc:
                log.error("sms_send_failed", to=_mask_phone(msg.to), error=type(exc).__name__)

        after_commit(session, _send)
