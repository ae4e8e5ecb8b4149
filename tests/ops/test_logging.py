"""Structured logs: exact JSON lines, bound fields, request ids, and the process configuration."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from pluriel.errors import ConfigError
from pluriel.ops.logging import (
    JsonFormatter,
    RequestIdMiddleware,
    configure_logging,
    log_context,
    logging_config,
)
from tests.ops.conftest import call

# 2026-10-01 10:00:00.250 UTC
CREATED = 1790848800.25


def _record(**fields: object) -> logging.LogRecord:
    base: dict[str, object] = {
        "name": "pluriel.test",
        "levelname": "INFO",
        "levelno": logging.INFO,
        "msg": "crawled %s",
        "args": ("source 7",),
        "created": CREATED,
    }
    return logging.makeLogRecord({**base, **fields})


def test_one_json_object_per_line_with_bound_fields_and_extras() -> None:
    with log_context(request_id="r-1"), log_context(run_id=12):
        line = JsonFormatter().format(_record(source_id=7, color_message="x"))

    assert "\n" not in line
    assert json.loads(line) == {
        "time": "2026-10-01T10:00:00.250Z",
        "level": "INFO",
        "logger": "pluriel.test",
        "message": "crawled source 7",
        "request_id": "r-1",
        "run_id": 12,
        "source_id": 7,
    }


def test_context_ends_with_its_block() -> None:
    with log_context(run_id=1):
        pass
    assert json.loads(JsonFormatter().format(_record())) == {
        "time": "2026-10-01T10:00:00.250Z",
        "level": "INFO",
        "logger": "pluriel.test",
        "message": "crawled source 7",
    }


def test_exceptions_and_odd_values_stay_on_one_line() -> None:
    try:
        raise ValueError("bad feed")
    except ValueError as exc:
        record = _record(exc_info=(type(exc), exc, exc.__traceback__), raw=b"\xff")
    payload = json.loads(JsonFormatter().format(record))
    assert payload["raw"] == "b'\\xff'"
    assert payload["exception"].startswith("Traceback (most recent call last):")
    assert payload["exception"].endswith("ValueError: bad feed")


def test_unknown_level_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        logging_config(json=True, level="loud")
    assert str(caught.value) == (
        "log level must be one of debug, info, warning, error, critical, not 'loud'"
    )


@pytest.mark.usefixtures("restore_logging")
def test_configure_logging_sends_uvicorn_and_pluriel_lines_as_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(json=True, level="info")
    logging.getLogger("uvicorn.access").info("GET /graphql 200")
    logging.getLogger("pluriel.x").debug("hidden below info")
    with log_context(source_id=3):
        logging.getLogger("pluriel.x").warning("feed shrank", extra={"run_id": 9})

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    for line in lines:
        del line["time"]
    assert lines == [
        {"level": "INFO", "logger": "uvicorn.access", "message": "GET /graphql 200"},
        {
            "level": "WARNING",
            "logger": "pluriel.x",
            "message": "feed shrank",
            "source_id": 3,
            "run_id": 9,
        },
    ]


@pytest.mark.usefixtures("restore_logging")
def test_text_format_shows_bound_fields(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json=False, level="warning")
    with log_context(source_id=3, run_id=4):
        logging.getLogger("pluriel.x").warning("feed shrank")
    logging.getLogger("pluriel.x").info("hidden below warning")

    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith(" WARNING pluriel.x: feed shrank source_id=3 run_id=4")


def _logged_app(stream: io.StringIO) -> Starlette:
    logger = logging.getLogger("tests.ops.requests")
    logger.handlers[:] = []
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    def endpoint(request: Request) -> Response:
        logger.info("answering")
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/", endpoint)], middleware=[Middleware(RequestIdMiddleware)])


def test_request_id_is_kept_logged_and_returned() -> None:
    stream = io.StringIO()
    response = call(_logged_app(stream), "GET", "/", headers={"X-Request-ID": "edge-42.a_b"})

    assert response.headers["x-request-id"] == "edge-42.a_b"
    assert json.loads(stream.getvalue())["request_id"] == "edge-42.a_b"


def test_unsafe_request_id_is_replaced() -> None:
    stream = io.StringIO()
    response = call(_logged_app(stream), "GET", "/", headers={"X-Request-ID": "a b<script>"})

    fresh = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh)
    assert json.loads(stream.getvalue())["request_id"] == fresh
