"""The process-wide services a running app holds (built at start, closed at shutdown).

`AppState` names only what every process has: settings, the database, the token signer, the
rate limiter and storage. A domain's own components (the accounts' session cache, streaming's
transcode slots, the job runner) are provided by its `Domain.install` and fetched by type:

    state.provide(TranscodeSlots(...))
    slots = state.get(TranscodeSlots)

`state.lifecycle` collects what the domains register for the process: start and stop hooks,
readiness probes (`/ready`) and metric samplers (`/metrics`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import structlog

from tonearm.config import Settings
from tonearm.kit import crypto
from tonearm.kit.db import Database
from tonearm.kit.ratelimit import RateLimiter
from tonearm.kit.security import TokenSigner
from tonearm.kit.storage import Storage
from tonearm.platform.storage import storage_from_settings

log = structlog.get_logger(__name__)

T = TypeVar("T")
Hook = Callable[[], Awaitable[Any]]


@dataclass
class Lifecycle:
    starters: list[Hook] = field(default_factory=list)
    #: Run in reverse order of registration.
    stoppers: list[Hook] = field(default_factory=list)
    #: name -> probe; a probe answers True (ok), False or raises (failed).
    readiness: dict[str, Hook] = field(default_factory=dict)
    metric_samplers: list[Hook] = field(default_factory=list)
    #: name -> what the admin area's server page shows of that part (a JSON-able dict).
    info: dict[str, Hook] = field(default_factory=dict)

    async def start(self) -> None:
        for starter in self.starters:
            await starter()

    async def stop(self) -> None:
        for stopper in reversed(self.stoppers):
            try:
                await stopper()
            except Exception:
                log.exception("stop_failed")


class MissingComponent(LookupError):
    pass


@dataclass
class AppState:
    settings: Settings
    db: Database
    secret: str
    signer: TokenSigner
    limiter: RateLimiter
    storage: Storage
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    _components: dict[type, object] = field(default_factory=dict, repr=False)

    def provide(self, component: T, as_type: type[T] | None = None) -> T:
        """Keep `component` for the process, found later by its type (or `as_type`)."""
        self._components[as_type or type(component)] = component
        return component

    def get(self, kind: type[T]) -> T:
        try:
            found = self._components[kind]
        except KeyError:
            raise MissingComponent(f"no {kind.__name__} was provided to this process") from None
        assert isinstance(found, kind)
        return found

    async def close(self) -> None:
        await self.db.dispose()


_installer: Callable[[AppState], object] | None = None


def set_installer(install: Callable[[AppState], object]) -> None:
    """What gives a state every domain's parts (`tonearm.domains.install`), for commands that
    build their own state below the composition root (`tonearm scan`)."""
    global _installer
    _installer = install


def install_domains(state: AppState) -> AppState:
    if _installer is not None:
        _installer(state)
    return state


def build_state(settings: Settings) -> AppState:
    """The bare state; `tonearm.domains.install(state)` then adds every domain's parts."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    secret = settings.resolved_secret_key()
    crypto.configure(crypto.load_keys(settings.fernet_keys(), settings.data_dir))
    db = Database(
        settings.effective_database_url,
        echo=settings.database_echo,
        pool_size=settings.database_pool_size,
    )
    return AppState(
        settings=settings,
        db=db,
        secret=secret,
        signer=TokenSigner(secret),
        limiter=RateLimiter(settings.redis_url, enabled=settings.rate_limit_enabled),
        storage=storage_from_settings(settings),
    )
