"""Schemathesis over the whole OpenAPI document, against the real app over ASGI: every
operation gets a bounded number of generated requests (valid and invalid), sent as an admin,
as a listener and as a guest, and the test fails on any 5xx, any answer that breaks its
documented schema or content type, and any status the document does not list.

The app under test is a second instance on this worker's database (its own data folder), so
schemathesis's ASGI client can run it on its own event loop; its job runner is stopped once it
has started and its scheduler is off, as for the suite's app, so nothing runs on into later
tests, and the usual per-test isolation empties the tables after each operation. Rate limits
stay on (the middleware and the auth routes' limiters run on every request) but are set high
enough that the fuzzing callers are not throttled into testing nothing but 429s; that every
route documents its 429 is the OpenAPI generator's job (tests/platform/test_openapi.py)."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance
from starlette.types import Message, Receive, Scope, Send

from tests.accounts.factories import PASSWORD
from tests.audio_fixtures import make_audio
from tests.conftest import make_settings
from tonearm.app import create_app
from tonearm.config import Settings
from tonearm.jobs.runtime import JobRuntime

# Per operation; with derandomize the same cases run every time (a few minutes in all on 2 cores).
MAX_EXAMPLES = 15
HIGH = "100000/minute"
ACCEPTED: list[int | str] = ["2XX", "3XX", 400, 401, 403, 404, 409, 429]


class AppUnderTest:
    """The app, once `fuzz_client` has made it (the document is read at import, the app needs
    this worker's database), with its job runner stopped once its lifespan has started (as
    the suite's app fixture does): uploads and scans queue their jobs, nothing runs them."""

    app: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def send_after_stopping(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                await self.app.state.tonearm.get(JobRuntime).runner.stop()
            await send(message)

        await self.app(scope, receive, send_after_stopping)


@pytest.fixture(scope="session")
def fuzz_client(
    tmp_path_factory: pytest.TempPathFactory, database_url: str
) -> Iterator[asgi.ASGIClient]:
    """Schemathesis's ASGI client on the app under test: one event loop of its own, shared by
    the app's lifespan and every request."""
    settings = make_settings(
        tmp_path_factory.mktemp("fuzz-data"),
        database_url,
        scheduler_enabled=False,
        # Every limit, also ones added later (the 429 itself is tested in test_openapi.py).
        **{
            name: HIGH
            for name, field in Settings.model_fields.items()
            if name.startswith("rate_limit_") and field.annotation is str
        },
    )
    APP.app = create_app(settings)
    try:
        with asgi.get_client(APP) as client:
            yield client
    finally:
        asgi.shutdown_lifespans()  # closes its database engine before the database is dropped


def _document() -> dict[str, Any]:
    """The app's OpenAPI document, as `tonearm openapi` prints it (no lifespan needed)."""
    with tempfile.TemporaryDirectory() as tmp:
        return create_app(make_settings(Path(tmp), "sqlite+aiosqlite://")).openapi()


APP = AppUnderTest()
schema = schemathesis.openapi.from_dict(
    _document(),
    config=schemathesis.Config.from_dict(
        {
            "base-url": "http://testserver",
            "seed": 20261201,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
            # What a request that fits the schema may still get: a cursor is an opaque string
            # (one the server did not hand out is a 400 `invalid_cursor`); an address on a
            # reserved domain is refused (422); a "binary" upload must really be audio (415), a
            # playlist file a playlist (422) and a cover an image (422).
            "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
            "operations": [
                {
                    "include-operation-id": [
                        "auth-register",
                        "me-update",
                        "auth-forgot-password",
                        "admin-users-create",
                        # Smart rules: which operators suit which field, one of all/any.
                        "playlists-create",
                        "playlists-update",
                        "playlists-smart-preview",
                        "playlists-import-nsp",  # a file that is not a smart playlist
                    ],
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 422]}},
                },
                {
                    "include-operation-id": ["playlists-import", "playlists-cover-set"],
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 422]}},
                },
                {
                    "include-operation-id": "library-upload",
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 415]}},
                },
            ],
        }
    ),
)
# The stream of all of a user's jobs stays open by design, and this client reads a response
# whole: tests/jobs/test_endpoints.py covers it over a real server (auth, validation, events).
schema = schema.exclude(operation_id="jobs-events-all")
schema.app = APP


class Callers:
    """An admin (the first user), a listener and a guest, each with their headers."""

    def __init__(self, client: asgi.ASGIClient, audio: Path) -> None:
        self.client = client
        self.admin = self._register(client)
        self.listener = self._register(client)
        with audio.open("rb") as f:
            resp = client.post(
                "/api/v1/library/uploads",
                files={"files": ("seed.mp3", f, "audio/mpeg")},
                headers=self.admin,
            )
        assert resp.status_code == 201, resp.text

    @staticmethod
    def _register(client: asgi.ASGIClient) -> dict[str, str]:
        name = f"fuzz{uuid.uuid4().hex[:8]}"
        resp = client.post(
            "/api/v1/auth/register",
            json={"email": f"{name}@example.com", "username": name, "password": PASSWORD},
        )
        assert resp.status_code == 201, resp.text
        return {"Authorization": f"Bearer {resp.json()['access_token']}"}

    def all(self) -> list[dict[str, str]]:
        return [self.admin, self.listener, {}]


@pytest.fixture(scope="session")
def seed_audio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_audio(
        tmp_path_factory.mktemp("fuzz-audio") / "seed.mp3",
        "mp3",
        seconds=1.0,
        tags={"title": "Seed", "artist": "Fuzz"},
    )


@pytest.fixture
def callers(fuzz_client: asgi.ASGIClient, seed_audio: Path, state: Any) -> Callers:
    return Callers(fuzz_client, seed_audio)


@schema.parametrize()
# `callers` is made once per operation, on purpose: the tables are emptied between operations.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_every_operation_keeps_its_contract(case: schemathesis.Case, callers: Callers) -> None:
    label = f"{case.operation.method.upper()} {case.operation.path}"
    # /ready answers 503 here, as documented: this app's job runner is stopped on purpose.
    excluded = [not_a_server_error, positive_data_acceptance] if label == "GET /ready" else []
    for headers in callers.all():
        if case.headers and "Idempotency-Key" in case.headers:
            # A generated key is the same across generated requests, and its reuse with another
            # request is a 422 before auth runs: correct, but it hides what the request tests.
            case.headers["Idempotency-Key"] = uuid.uuid4().hex
        case.call_and_validate(session=callers.client, headers=headers, excluded_checks=excluded)
