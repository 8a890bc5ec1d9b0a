"""structlog set-up: JSON in production, key=value in development, request id on every line,
and a processor that scrubs anything that looks like a secret before it is written."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog

_SECRET_KEYS = re.compile(
    r"pass(word)?|secret|token|authorization|cookie|api[_-]?key|code|otp|credential",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_SAFE_KEYS = {"status_code", "code_hash", "error_code", "event", "request_id", "token_type"}


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return _JWT.sub("[redacted-jwt]", _BEARER.sub(r"\1[redacted]", value))
    if isinstance(value, dict):
        return {k: _scrub(k, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub_value(v) for v in value)
    return value


def _scrub(key: str, value: Any) -> Any:
    if key not in _SAFE_KEYS and _SECRET_KEYS.search(key) and value not in (None, ""):
        return "[redacted]"
    return _scrub_value(value)


def redact_secrets(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return {k: _scrub(k, v) for k, v in event_dict.items()}


# C0 and C1 controls, DEL, and the bidi embeddings, overrides and isolates: written raw they
# forge log lines (a newline), drive the terminal (ESC) or hide what a line says (RLO).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape_char(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape_value(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub(_escape_char, value)
    if isinstance(value, dict):
        return {_escape_value(k): _escape_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_escape_value(v) for v in value)
    return value


def escape_control_chars(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Every logged string (the event, every field, the access log's path, stdlib records)
    with its control characters written as `\\xNN` / `\\uNNNN` escapes. Tracebacks are
    formatted after this, so they keep their lines."""
    return {
        k: v if k.startswith("_") else _escape_value(v)  # `_record` & co: structlog's own
        for k, v in event_dict.items()
    }


def configure_logging(level: str = "INFO", json: bool = False) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
        escape_control_chars,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=False, sort_keys=False)
    )
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,  # drop filtered lines before any work is done
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Our own middleware writes the access log (with the request id).
    logging.getLogger("uvicorn.access").disabled = True
    for noisy in ("sqlalchemy.engine", "aiosqlite", "botocore", "boto3", "urllib3", "httpx"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
