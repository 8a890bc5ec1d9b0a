"""The job registry: `@job("kind")` binds a kind to its handler.

    @job("library.transcode", retries=3)
    async def transcode(ctx: JobContext, track_id: UUID, bitrate: int = 192) -> dict: ...

The handler's keyword parameters are its arguments. They are validated by a Pydantic model
built from the signature when the job is enqueued (a typo fails in the caller, not hours later
in a worker), stored as JSON, and validated back into their types (UUID, datetime, ...) before
the handler runs.

Every process that runs jobs (serve, Celery workers, the scheduler) calls `load_handlers()`,
which imports the jobs' own modules and those the composition root named with
`use_modules()` (each domain's `job_modules`), so all of them know the same kinds. This
package names no domain.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, get_type_hints

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic_core import PydanticSerializationError

from tonearm.jobs.errors import InvalidJobArgs, UnknownJobKind

Handler = Callable[..., Awaitable[dict[str, Any] | None]]
F = TypeVar("F", bound=Handler)

# Modules whose import registers handlers (and periodic tasks): the platform's own, then
# whatever the composition root adds with use_modules().
registry_modules: list[str] = [
    "tonearm.jobs.selftest",
    "tonearm.jobs.housekeeping",
]


def use_modules(modules: list[str]) -> None:
    for module in modules:
        if module not in registry_modules:
            registry_modules.append(module)


@dataclass(frozen=True)
class JobSpec:
    kind: str
    fn: Handler
    retries: int
    cpu: bool
    timeout: float | None
    args_model: type[BaseModel]

    @property
    def max_attempts(self) -> int:
        return self.retries + 1

    def dump_args(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Validate enqueue() kwargs and return their JSON form."""
        try:
            model = self.args_model.model_validate(kwargs)
            data = model.model_dump(mode="json", exclude_unset=True)
            orjson.dumps(data)
        except ValidationError as exc:
            raise InvalidJobArgs(f"{self.kind}: {exc}") from exc
        except (PydanticSerializationError, TypeError, orjson.JSONEncodeError) as exc:
            raise InvalidJobArgs(f"{self.kind}: arguments are not JSON-serialisable") from exc
        return data

    def load_args(self, data: dict[str, Any]) -> dict[str, Any]:
        """Stored JSON back into the handler's typed keyword arguments."""
        try:
            model = self.args_model.model_validate(data)
        except ValidationError as exc:
            raise InvalidJobArgs(f"{self.kind}: {exc}") from exc
        out = {name: getattr(model, name) for name in type(model).model_fields}
        out.update(model.model_extra or {})
        return out


_REGISTRY: dict[str, JobSpec] = {}


def _args_model(kind: str, fn: Handler) -> type[BaseModel]:
    from tonearm.jobs.context import JobContext

    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    if not params:
        raise TypeError(f"job {kind}: the handler must take the JobContext first")
    try:
        hints = get_type_hints(fn, localns={"JobContext": JobContext})
    except NameError as exc:
        raise TypeError(f"job {kind}: cannot resolve the annotations ({exc})") from exc
    fields: dict[str, Any] = {}
    extra: Literal["allow", "forbid"] = "forbid"
    for p in params[1:]:
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            extra = "allow"
            continue
        if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.POSITIONAL_ONLY):
            raise TypeError(f"job {kind}: arguments must be passable by keyword ({p.name})")
        default = ... if p.default is inspect.Parameter.empty else p.default
        fields[p.name] = (hints.get(p.name, Any), default)
    name = "JobArgs_" + "".join(c if c.isalnum() else "_" for c in kind)
    model: type[BaseModel] = create_model(name, __config__=ConfigDict(extra=extra), **fields)
    return model


def job(
    kind: str, *, retries: int = 0, cpu: bool = False, timeout: float | None = None
) -> Callable[[F], F]:
    """Register an async handler for `kind`.

    retries: extra attempts after a failure (exponential backoff between them).
    cpu: the job is CPU-heavy; under Celery it goes to the `<queue>.cpu` queue so heavy
         workers can be scaled separately.
    timeout: seconds before an attempt is abandoned (counts as a failure; retried).
    """

    def decorate(fn: F) -> F:
        target: Any = fn
        if not inspect.iscoroutinefunction(target):
            raise TypeError(f"job {kind}: the handler must be `async def`")
        existing = _REGISTRY.get(kind)
        if existing is not None and existing.fn.__qualname__ != fn.__qualname__:
            raise ValueError(f"job kind {kind!r} is already registered")
        _REGISTRY[kind] = JobSpec(kind, fn, retries, cpu, timeout, _args_model(kind, fn))
        target.__job_kind__ = kind
        return fn

    return decorate


def get(kind: str) -> JobSpec:
    spec = _REGISTRY.get(kind)
    if spec is None:
        load_handlers()  # a process that enqueues without having loaded them (a script)
        spec = _REGISTRY.get(kind)
    if spec is None:
        raise UnknownJobKind(f"no job handler is registered for {kind!r}")
    return spec


def kinds() -> list[str]:
    return sorted(_REGISTRY)


def load_handlers() -> None:
    for module in registry_modules:
        importlib.import_module(module)
