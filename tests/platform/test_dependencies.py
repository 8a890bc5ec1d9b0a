"""Every FastAPI dependency of every route is `async def`: FastAPI runs a plain `def`
dependency in its thread pool, one thread hop per dependency per request (about 0.3 ms each
on this machine, a tenth of a search's time outside the service), for functions that only
build a service object."""

from __future__ import annotations

import inspect
from typing import Any

from tonearm.platform.openapi import _api_routes, _calls


async def test_no_route_has_a_dependency_that_runs_in_the_thread_pool(app: Any) -> None:
    routes = list(_api_routes(app))
    assert len(routes) > 50  # the whole API, every domain's routers
    sync = set()
    for route in routes:
        for call in _calls(route):
            target = call if inspect.isroutine(call) else type(call).__call__
            if not (inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)):
                sync.add(f"{call.__module__}.{getattr(call, '__qualname__', call)}")
    assert sorted(sync) == []
