"""Email and SMS back ends against their documented APIs (respx) and a real SMTP server."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx
import pytest
import respx

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


def _settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path, secret_key="s" * 40, **kw)  # type: ignore[arg-type]


@respx.mock
async def test_resend_posts_documented_payload(tmp_path: Path) -> None:
    route = respx.post("https://api.resend.com/emails").mock(
        return_value=httpx.Response(200, json={"id": "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"})
    )
    sender = make_email_sender(_settings(tmp_path, email_backend="resend", resend_api_key="re_123"))
    assert isinstance(sender, ResendEmailSender)
    await sender.send(EmailMessage(to="a@example.com", subject="Hi", text="Body"))
    req = route.calls.last.request
    assert req.headers["authorization"] == "Bearer re_123"
    body = json.loads(req.content)
    assert body["to"] == ["a@example.com"]
    assert body["subject"] == "Hi" and body["text"] == "Body"
    assert body["from"].startswith("Tonearm")


@respx.mock
async def test_resend_error_raises(tmp_path: Path) -> None:
    respx.post("https://api.resend.com/emails").mock(
        return_value=httpx.Response(
            422, json={"statusCode": 422, "name": "validation_error", "message": "bad"}
        )
    )
    sender = ResendEmailSender(_settings(tmp_path, resend_api_key="re_1"))
    with pytest.raises(httpx.HTTPStatusError):
        await sender.send(EmailMessage(to="a@example.com", subject="Hi", text="Body"))


@respx.mock
async def test_twilio_posts_form_with_basic_auth(tmp_path: Path) -> None:
    route = respx.post("https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json").mock(
        return_value=httpx.Response(201, json={"sid": "SM1", "status": "queued"})
    )
    sender = make_sms_sender(
        _settings(
            tmp_path,
            sms_backend="twilio",
            twilio_account_sid="AC123",
            twilio_auth_token="tok",
            twilio_from="+15550000000",
        )
    )
    assert isinstance(sender, TwilioSmsSender)
    await sender.send(SmsMessage(to="+15551112222", text="123456 is your code", code="123456"))
    req = route.calls.last.request
    assert req.headers["authorization"].startswith("Basic ")
    form = dict(x.split("=", 1) for x in req.content.decode().split("&"))
    assert form["To"] == "%2B15551112222"
    assert form["From"] == "%2B15550000000"


@respx.mock
async def test_msg91_flow_payload_and_error(tmp_path: Path) -> None:
    route = respx.post("https://control.msg91.com/api/v5/flow").mock(
        return_value=httpx.Response(200, json={"type": "success", "message": "3763646c"})
    )
    sender = Msg91SmsSender(_settings(tmp_path, msg91_auth_key="k", msg91_template_id="tmpl"))
    await sender.send(SmsMessage(to="+919999999999", text="x", code="654321"))
    body = json.loads(route.calls.last.request.content)
    assert route.calls.last.request.headers["authkey"] == "k"
    assert body["template_id"] == "tmpl"
    assert body["recipients"] == [{"mobiles": "919999999999", "otp": "654321"}]
    route.mock(return_value=httpx.Response(200, json={"type": "error", "message": "bad key"}))
    with pytest.raises(RuntimeError):
        await sender.send(SmsMessage(to="+919999999999", text="x", code="1"))


def test_backends_need_their_settings(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="RESEND"):
        make_email_sender(_settings(tmp_path, email_backend="resend"))
    with pytest.raises(ValueError, match="TWILIO"):
        make_sms_sender(_settings(tmp_path, sms_backend="twilio"))
    with pytest.raises(ValueError, match="SMTP"):
        make_email_sender(_settings(tmp_path, email_backend="smtp"))


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
                smtp_host="127.0.0.1",
                smtp_port=port,
                smtp_starttls=False,
            )
        )
        await sender.send(EmailMessage(to="z@example.com", subject="Welcome", text="Hello"))
    finally:
        controller.stop()
    assert len(received) == 1
    assert b"Subject: Welcome" in received[0]
    assert b"To: z@example.com" in received[0]
