"""Email and SMS back ends: the real clients, through kit.http, against local fakes that answer
as the services document (tests/fakes/), and a real SMTP server."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.msg91 import FakeMsg91
from tests.fakes.resend import FakeResend
from tests.fakes.server import FakeServer
from tests.fakes.twilio import FakeTwilio
from tonearm.accounts.senders import (
    ConsoleSmsSender,
    EmailMessage,
    Msg91SmsSender,
    ResendEmailSender,
    SmsMessage,
    SmtpEmailSender,
    TwilioSmsSender,
    make_email_sender,
    make_sms_sender,
)
from tonearm.config import Settings
from tonearm.kit.http import GuardedClient, UpstreamError, UrlNotAllowed

MAIL = EmailMessage(to="a@example.com", subject="Hi", text="Body")


def _settings(tmp_path: Path, server: FakeServer | None = None, **kw: Any) -> Settings:
    if server is not None:
        kw.setdefault("http_allow_hosts", [server.host])
    return Settings(data_dir=tmp_path, secret_key="s" * 40, **kw)


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _client(server: FakeServer, sleeps: Sleeps) -> GuardedClient:
    return GuardedClient(allow_hosts=[server.host], sleep=sleeps)


@pytest.fixture
async def resend() -> AsyncIterator[tuple[FakeResend, FakeServer]]:
    fake = FakeResend(api_key="re_123")
    async with FakeServer(fake) as server:
        yield fake, server


@pytest.fixture
async def twilio() -> AsyncIterator[tuple[FakeTwilio, FakeServer]]:
    fake = FakeTwilio(account_sid="AC123", auth_token="tok")
    async with FakeServer(fake) as server:
        yield fake, server


@pytest.fixture
async def msg91() -> AsyncIterator[tuple[FakeMsg91, FakeServer]]:
    fake = FakeMsg91(auth_key="k", template_id="tmpl")
    async with FakeServer(fake) as server:
        yield fake, server


def _resend_settings(tmp_path: Path, server: FakeServer, key: str = "re_123") -> Settings:
    return _settings(
        tmp_path, server, email_backend="resend", resend={"api_key": key, "api_url": server.url}
    )


def _twilio_settings(tmp_path: Path, server: FakeServer, token: str = "tok") -> Settings:
    return _settings(
        tmp_path,
        server,
        sms_backend="twilio",
        twilio={
            "account_sid": "AC123",
            "auth_token": token,
            "from": "+15550000000",
            "api_url": server.url,
        },
    )


# --- resend ---------------------------------------------------------------------------------


async def test_resend_posts_documented_payload(
    tmp_path: Path, resend: tuple[FakeResend, FakeServer]
) -> None:
    fake, server = resend
    sender = make_email_sender(_resend_settings(tmp_path, server))
    assert isinstance(sender, ResendEmailSender)
    await sender.send(MAIL)
    (body,) = fake.sent
    assert body["to"] == ["a@example.com"]
    assert body["subject"] == "Hi" and body["text"] == "Body"
    assert body["from"].startswith("Tonearm")
    (req,) = server.requests
    assert req.url.path == "/emails"
    assert req.headers["authorization"] == "Bearer re_123"
    assert len(req.headers["idempotency-key"]) == 36


async def test_resend_errors_raise(tmp_path: Path, resend: tuple[FakeResend, FakeServer]) -> None:
    fake, server = resend
    sender = ResendEmailSender(_resend_settings(tmp_path, server, key="re_wrong"))
    with pytest.raises(UpstreamError, match="403 \\(invalid_api_key\\)") as exc:
        await sender.send(MAIL)
    assert exc.value.extra == {"upstream_status": 403}
    sender = ResendEmailSender(_resend_settings(tmp_path, server))
    with pytest.raises(UpstreamError, match="422 \\(validation_error\\)"):
        await sender.send(EmailMessage(to="a@example.com", subject="", text="Body"))
    assert fake.sent == []
    assert len(server.requests) == 2  # a refusal is not retried


async def test_resend_429_waits_for_retry_after(
    tmp_path: Path, resend: tuple[FakeResend, FakeServer]
) -> None:
    fake, server = resend
    fake.rate_limited, fake.retry_after = 2, "3"
    sleeps = Sleeps()
    sender = ResendEmailSender(_resend_settings(tmp_path, server), _client(server, sleeps))
    await sender.send(MAIL)
    assert sleeps.calls == [3.0, 3.0]
    assert len(server.requests) == 3 and len(fake.sent) == 1


async def test_resend_lost_answer_is_retried_without_a_second_email(
    tmp_path: Path, resend: tuple[FakeResend, FakeServer]
) -> None:
    """Resend accepted the email but the answer was lost: the retry carries the same
    Idempotency-Key, so Resend answers again without sending twice."""
    fake, server = resend
    fake.lose_answers = 1
    sleeps = Sleeps()
    sender = ResendEmailSender(_resend_settings(tmp_path, server), _client(server, sleeps))
    await sender.send(MAIL)
    assert len(fake.sent) == 1
    first, second = server.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert len(sleeps.calls) == 1


# --- twilio ---------------------------------------------------------------------------------


async def test_twilio_posts_form_with_basic_auth(
    tmp_path: Path, twilio: tuple[FakeTwilio, FakeServer]
) -> None:
    fake, server = twilio
    sender = make_sms_sender(_twilio_settings(tmp_path, server))
    assert isinstance(sender, TwilioSmsSender)
    await sender.send(SmsMessage(to="+15551112222", text="123456 is your code", code="123456"))
    assert fake.sent == [
        {"To": "+15551112222", "From": "+15550000000", "Body": "123456 is your code"}
    ]
    (req,) = server.requests
    assert req.url.path == "/2010-04-01/Accounts/AC123/Messages.json"
    assert req.headers["authorization"] == "Basic " + base64.b64encode(b"AC123:tok").decode()
    assert req.headers["content-type"] == "application/x-www-form-urlencoded"


async def test_twilio_429_is_retried(tmp_path: Path, twilio: tuple[FakeTwilio, FakeServer]) -> None:
    """Twilio never processes a 429: the POST is sent again, after Retry-After when given and
    after a backoff otherwise."""
    fake, server = twilio
    fake.rate_limited = 1
    sleeps = Sleeps()
    sender = TwilioSmsSender(_twilio_settings(tmp_path, server), _client(server, sleeps))
    await sender.send(SmsMessage(to="+15551112222", text="hi"))
    assert sleeps.calls == [1.0]
    fake.rate_limited, fake.retry_after = 1, None
    await sender.send(SmsMessage(to="+15551112222", text="hi"))
    assert 0 < sleeps.calls[1] <= 0.5
    assert len(fake.sent) == 2 and len(server.requests) == 4


async def test_twilio_errors_raise_without_the_number(
    tmp_path: Path, twilio: tuple[FakeTwilio, FakeServer]
) -> None:
    fake, server = twilio
    sender = TwilioSmsSender(_twilio_settings(tmp_path, server, token="wrong"))
    with pytest.raises(UpstreamError, match="401 \\(code 20003\\)"):
        await sender.send(SmsMessage(to="+15551112222", text="hi"))
    sender = TwilioSmsSender(_twilio_settings(tmp_path, server))
    with pytest.raises(UpstreamError, match="400 \\(code 21211\\)") as exc:
        await sender.send(SmsMessage(to="+1555", text="hi"))
    assert "+1555" not in str(exc.value)
    assert fake.sent == []


# --- msg91 ----------------------------------------------------------------------------------


async def test_msg91_flow_payload_and_errors(
    tmp_path: Path, msg91: tuple[FakeMsg91, FakeServer]
) -> None:
    fake, server = msg91
    settings = _settings(
        tmp_path,
        server,
        sms_backend="msg91",
        msg91={"auth_key": "k", "template_id": "tmpl", "api_url": f"{server.url}/api/v5"},
    )
    sender = make_sms_sender(settings)
    assert isinstance(sender, Msg91SmsSender)
    await sender.send(SmsMessage(to="+919999999999", text="x", code="654321"))
    (body,) = fake.sent
    assert server.requests[0].headers["authkey"] == "k"
    assert body["template_id"] == "tmpl"
    assert body["recipients"] == [{"mobiles": "919999999999", "otp": "654321"}]
    await sender.send(SmsMessage(to="+919999999999", text="no template variable"))
    assert fake.sent[1]["recipients"] == [
        {"mobiles": "919999999999", "text": "no template variable"}
    ]

    fake.auth_key = "rotated"  # MSG91 refuses in a 200 whose type is "error"
    with pytest.raises(UpstreamError, match="200 \\(Authentication failure\\)"):
        await sender.send(SmsMessage(to="+919999999999", text="x", code="1"))
    assert len(fake.sent) == 2


# --- the guard and the settings -------------------------------------------------------------


async def test_senders_reach_only_allowed_private_hosts(
    tmp_path: Path, resend: tuple[FakeResend, FakeServer]
) -> None:
    """Without the fake's host:port in TONEARM_HTTP_ALLOW_HOSTS the guard refuses 127.0.0.1."""
    _, server = resend
    settings = _settings(
        tmp_path, None, email_backend="resend", resend={"api_key": "re_123", "api_url": server.url}
    )
    with pytest.raises(UrlNotAllowed, match="loopback"):
        await make_email_sender(settings).send(MAIL)
    other_port = _settings(
        tmp_path,
        None,
        http_allow_hosts=[f"127.0.0.1:{server.port + 1}"],
        email_backend="resend",
        resend={"api_key": "re_123", "api_url": server.url},
    )
    with pytest.raises(UrlNotAllowed):
        await make_email_sender(other_port).send(MAIL)
    assert server.requests == []


def test_senders_default_to_the_real_services(tmp_path: Path) -> None:
    resend = ResendEmailSender(_settings(tmp_path, resend={"api_key": "re_1"}))
    assert resend.url == "https://api.resend.com/emails"
    msg91 = Msg91SmsSender(_settings(tmp_path, msg91={"auth_key": "k", "template_id": "t"}))
    assert msg91.url == "https://control.msg91.com/api/v5/flow"
    twilio = TwilioSmsSender(
        _settings(tmp_path, twilio={"account_sid": "AC9", "auth_token": "t", "from": "+1"})
    )
    assert twilio.url == "https://api.twilio.com/2010-04-01/Accounts/AC9/Messages.json"


def test_backends_need_their_settings(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="TONEARM_RESEND__API_KEY"):
        make_email_sender(_settings(tmp_path, email_backend="resend"))
    with pytest.raises(ValueError, match="TONEARM_TWILIO__"):
        make_sms_sender(_settings(tmp_path, sms_backend="twilio"))
    with pytest.raises(ValueError, match="TONEARM_MSG91__"):
        make_sms_sender(_settings(tmp_path, sms_backend="msg91"))
    with pytest.raises(ValueError, match="TONEARM_SMTP__HOST"):
        make_email_sender(_settings(tmp_path, email_backend="smtp"))


# --- console and smtp -----------------------------------------------------------------------


async def test_console_sms_writes_private_outbox_file(tmp_path: Path) -> None:
    await ConsoleSmsSender(tmp_path).send(SmsMessage(to="+15551234567", text="hi", code="1"))
    (f,) = list(tmp_path.glob("*.sms.json"))
    assert json.loads(f.read_text())["to"] == "+15551234567"
    assert f.stat().st_mode & 0o077 == 0


async def test_smtp_delivers_to_a_real_server(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            received.append(envelope.content)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        sender = SmtpEmailSender(
            _settings(
                tmp_path,
                email_backend="smtp",
                smtp={"host": "127.0.0.1", "port": port, "starttls": False},
            )
        )
        await sender.send(EmailMessage(to="z@example.com", subject="Welcome", text="Hello"))
    finally:
        controller.stop()
    assert len(received) == 1
    assert b"Subject: Welcome" in received[0]
    assert b"To: z@example.com" in received[0]
