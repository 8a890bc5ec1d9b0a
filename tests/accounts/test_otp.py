from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from tests.accounts.factories import bearer
from tests.conftest import client_for
from tonearm.kit.db import utcnow
from tonearm.models.accounts import OtpCode, User

PHONE = "+15551234567"


def _last_code(outbox: Path, phone: str) -> str:
    for path in sorted(outbox.glob("*.sms.json"), reverse=True):
        data = json.loads(path.read_text())
        if data["to"] == phone:
            return str(data["code"])
    raise AssertionError("no sms")


async def test_otp_login_creates_user_and_signs_in(
    client: httpx.AsyncClient, state: object
) -> None:
    outbox = state.settings.data_dir / "outbox"  # type: ignore[attr-defined]
    r = await client.post("/api/v1/auth/otp/request", json={"phone": "+1 (555) 123-4567"})
    assert r.status_code == 202
    assert r.json()["expires_in"] == 300
    code = _last_code(outbox, PHONE)
    assert len(code) == 6 and code.isdigit()
    v = await client.post("/api/v1/auth/otp/verify", json={"phone": PHONE, "code": code})
    assert v.status_code == 200, v.text
    tokens = v.json()
    me = (await client.get("/api/v1/me", headers=bearer(tokens))).json()
    assert me["email"] is None
    # The code is single-use.
    again = await client.post("/api/v1/auth/otp/verify", json={"phone": PHONE, "code": code})
    assert again.status_code == 401
    # Stored hashed, phone encrypted at rest.
    async with state.db.session() as s:  # type: ignore[attr-defined]
        row = (await s.execute(select(OtpCode.code_hash))).scalar_one()
        assert code not in row
        raw_phone = (
            await s.execute(select(User.__table__.c.phone).where(User.phone_key.is_not(None)))
        ).scalar_one()
    assert raw_phone is not None
    # The same phone signs in to the same account.
    await client.post("/api/v1/auth/otp/request", json={"phone": PHONE})
    v2 = await client.post(
        "/api/v1/auth/otp/verify", json={"phone": PHONE, "code": _last_code(outbox, PHONE)}
    )
    assert v2.json()["user"]["id"] == tokens["user"]["id"]


async def test_phone_is_encrypted_in_the_database(state: object, app: object) -> None:
    from sqlalchemy import Text, type_coerce

    async with client_for(app, "10.3.3.3") as c:
        await c.post("/api/v1/auth/otp/request", json={"phone": PHONE})
        code = _last_code(state.settings.data_dir / "outbox", PHONE)  # type: ignore[attr-defined]
        await c.post("/api/v1/auth/otp/verify", json={"phone": PHONE, "code": code})
    async with state.db.session() as s:  # type: ignore[attr-defined]
        stored = (await s.execute(select(type_coerce(User.phone, Text())))).scalar_one()
        decrypted = (await s.execute(select(User.phone))).scalar_one()
    assert PHONE not in stored
    assert decrypted == PHONE


async def test_otp_five_tries_per_code(client: httpx.AsyncClient, state: object) -> None:
    outbox = state.settings.data_dir / "outbox"  # type: ignore[attr-defined]
    await client.post("/api/v1/auth/otp/request", json={"phone": PHONE})
    code = _last_code(outbox, PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answers = []
    for _ in range(5):
        r = await client.post("/api/v1/auth/otp/verify", json={"phone": PHONE, "code": wrong})
        answers.append((r.status_code, r.json()["code"]))
    assert answers[:4] == [(401, "otp_invalid")] * 4
    assert answers[4] == (429, "otp_attempts_exceeded")
    # Even the right code no longer works: the fifth miss retired it, as if never sent.
    r = await client.post("/api/v1/auth/otp/verify", json={"phone": PHONE, "code": code})
    assert (r.status_code, r.json()["code"]) == (401, "otp_invalid"), r.text


async def test_otp_expires(client: httpx.AsyncClient, state: object) -> None:
    outbox = state.settings.data_dir / "outbox"  # type: ignore[attr-defined]
    await client.post("/api/v1/auth/otp/request", json={"phone": PHONE})
    code = _last_code(outbox, PHONE)
    async with state.db.session() as s:  # type: ignore[attr-defined]
        await s.execute(update(OtpCode).values(expires_at=utcnow()))
    r = await client.post("/api/v1/auth/otp/verify", json={"phone": PHONE, "code": code})
    assert r.status_code == 401
    assert r.json()["code"] == "otp_expired"


async def test_otp_three_requests_per_phone_per_hour(app: object) -> None:
    # Different IPs, same phone: the per-phone limit still applies.
    statuses = []
    for i in range(4):
        async with client_for(app, f"10.4.4.{i}") as c:
            r = await c.post("/api/v1/auth/otp/request", json={"phone": PHONE})
            statuses.append(r.status_code)
            last = r
    assert statuses == [202, 202, 202, 429]
    assert int(last.headers["retry-after"]) > 0
    # The rate limiter's per-phone counter (TONEARM_RATE_LIMIT_OTP) answers first.
    assert last.json()["code"] == "rate_limited"


async def test_otp_requests_per_phone_are_capped_without_the_rate_limiter(
    app: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The codes stored in the last hour cap requests too, whatever the limiter says.
    monkeypatch.setattr(state.limiter, "enabled", False)
    statuses = []
    for i in range(4):
        async with client_for(app, f"10.5.5.{i}") as c:
            r = await c.post("/api/v1/auth/otp/request", json={"phone": PHONE})
            statuses.append(r.status_code)
            last = r
    assert statuses == [202, 202, 202, 429]
    assert last.json()["code"] == "otp_rate_limited"
    assert 0 < int(last.headers["retry-after"]) <= 3600


async def test_otp_bad_phone_and_code_shapes(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/auth/otp/request", json={"phone": "12345"})
    assert r.status_code == 422
    r = await client.post("/api/v1/auth/otp/verify", json={"phone": PHONE, "code": "12ab56"})
    assert r.status_code == 422
