"""The Celery worker's composition root: `tonearm worker`, or `celery -A tonearm.worker
worker`. Each worker process builds its state with every domain's components and knows every
domain's job handlers; it names no domain itself."""

from __future__ import annotations

from typing import Any

from tonearm import domains
from tonearm.jobs import celery_app

celery_app.configure(domains.install)
domains.register_jobs()


def run(concurrency: int = 2, loglevel: str = "INFO") -> None:
    from tonearm.jobs.cli_support import run_worker

    run_worker(concurrency=concurrency, loglevel=loglevel)


def __getattr__(name: str) -> Any:
    # `celery -A tonearm.worker` looks for `app` or `celery`.
    if name in ("app", "celery"):
        return getattr(celery_app, name)
    raise AttributeError(name)
