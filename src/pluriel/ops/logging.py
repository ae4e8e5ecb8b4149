"""Structured logs: one JSON object per line, with the request or crawl run it belongs to.

A line carries ``time`` (UTC, ISO 8601), ``level``, ``logger`` and
``message``, then the fields bound with :func:`log_context` (``request_id``
from :class:`RequestIdMiddleware`, ``source_id`` and ``run_id`` from the
scheduler), then the record's own ``extra=`` fields, then ``exception`` with
the traceback. Log shippers (Loki, Elasticsearch, journald) index these
fields without a parsing rule.

The configuration is a plain ``logging.config`` dictionary
(:func:`logging_config`) so that uvicorn can apply the same one in each of
its worker processes (``uvicorn.run(..., log_config=logging_config(...))``).
"""

from __future__ import annotations

import json as jsonlib
import logging
import logging.config
import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pluriel.errors import ConfigError

__all__ = [
    "JsonFormatter",
    "RequestIdMiddleware",
    "configure_logging",
    "current_context",
    "log_context",
    "logging_config",
]

LEVELS = ("debug", "info", "warning", "error", "critical")
REQUEST_ID_HEADER = "x-request-id"
# A caller's id is echoed into logs and headers: short and plain, or replaced.
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# uvicorn adds a coloured copy of its message for its own formatter.
_DROPPED = frozenset({"color_message"})

_context: ContextVar[Mapping[str, Any]] = ContextVar(
    "pluriel_log_context", default=MappingProxyType({})
)


def current_context() -> Mapping[str, Any]:
    """The fields bound for the current task or thread."""
    return _context.get()


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add ``fields`` to every log line written inside the block (asyncio- and thread-safe)."""
    token = _context.set(MappingProxyType({**_context.get(), **fields}))
    try:
        yield
    finally:
        _context.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per record; values JSON cannot hold are written as their ``str``."""

    def format(self, record: logging.LogRecord) -> str:
        created = datetime.fromtimestamp(record.created, tz=UTC)
        payload: dict[str, Any] = {
            "time": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update(_context.get())
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key not in _DROPPED and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        return jsonlib.dumps(payload, ensure_ascii=False, default=str)


class _ContextFilter(logging.Filter):
    """Puts the bound fields on the record so the plain-text format can show them."""

    def filter(self, record: logging.LogRecord) -> bool:
        bound = _context.get()
        record.context = (
            " " + " ".join(f"{key}={value}" for key, value in bound.items()) if bound else ""
        )
        return True


def logging_config(*, json: bool, level: str = "info") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dictionary: pluriel, uvicorn and Scrapy to stderr."""
    name = level.strip().lower()
    if name not in LEVELS:
        raise ConfigError(f"log level must be one of {', '.join(LEVELS)}, not {level!r}")
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"}
        if json
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s%(context)s"}
    )
    # A level on each: uvicorn sets its own loggers' levels, and dictConfig keeps a level
    # it is not given.
    propagate = {"handlers": [], "propagate": True, "level": name.upper()}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": f"{__name__}._ContextFilter"}},
        "formatters": {"main": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "main",
                # JSON lines carry the bound fields themselves.
                "filters": [] if json else ["context"],
            }
        },
        "root": {"handlers": ["stderr"], "level": name.upper()},
        # uvicorn installs its own handlers unless told otherwise: route them to ours.
        "loggers": {
            "uvicorn": propagate,
            "uvicorn.error": propagate,
            "uvicorn.access": propagate,
        },
    }


def configure_logging(*, json: bool, level: str = "info") -> None:
    """Configure the process's logging once, at start (CLI, scheduler, each API worker)."""
    logging.config.dictConfig(logging_config(json=json, level=level))


class RequestIdMiddleware:
    """Give every HTTP request an id, log it on each line, and return it as ``X-Request-ID``.

    A well-formed id sent by the client or a proxy (nginx's ``$request_id``)
    is kept so one id follows the request across hops; anything else is
    replaced by a fresh one.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = sent if _SAFE_ID.fullmatch(sent) else uuid.uuid4().hex

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        with log_context(request_id=request_id):
            await self.app(scope, receive, send_with_id)
