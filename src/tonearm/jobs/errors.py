"""Job errors: the API's problem types and the exceptions handlers and callers see."""

from __future__ import annotations

from tonearm.kit.errors import Conflict, NotFound


class JobNotFound(NotFound):
    code, title = "job_not_found", "Job not found"


class JobFinished(Conflict):
    code, title = "job_finished", "The job has already finished"


class JobNotRetryable(Conflict):
    code, title = "job_not_retryable", "Only a failed or cancelled job can be run again"


class UnknownJobKind(ValueError):
    """enqueue() was given a kind no handler is registered for."""


class InvalidJobArgs(ValueError):
    """enqueue() was given arguments the handler does not accept or JSON cannot hold."""


class JobCancelled(BaseException):
    """Raised inside a handler (at a progress call) once the job is cancelled. A BaseException,
    like asyncio.CancelledError, so that a handler's `except Exception` does not swallow it."""


class PermanentJobError(Exception):
    """Raise from a handler to fail the job at once, without the remaining retries."""


class LeaseLost(Exception):
    """Another runner took the job over (our heartbeat went stale) or the row is gone."""
