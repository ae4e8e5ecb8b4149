"""Settings read once from the environment and passed down explicitly.

Nothing below reads ``os.environ`` on its own: the CLI and the app factory
build a :class:`Settings` and hand it to whoever needs it, so tests can pass
their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from pluriel.errors import ConfigError

__all__ = ["Horizon", "Settings"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Horizon:
    """How far recurrences are expanded around "now"."""

    past: timedelta = timedelta(days=30)
    future: timedelta = timedelta(days=548)  # about 18 months
    max_occurrences: int = 1000


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    home: Path = Path(".pluriel")
    database_url: str | None = None
    database_read_url: str | None = None
    allow_private_networks: bool = False
    horizon: Horizon = field(default_factory=Horizon)
    debug: bool = False
    graphiql: bool = False
    user_agent: str = "pluriel/0.1 (+https://pluriel.eu/crawler; open cultural agenda)"
    pool_min: int = 1
    pool_max: int = 8
    #: Prometheus' multiprocess directory, when the API runs several workers.
    metrics_multiproc_dir: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        horizon = Horizon(
            past=timedelta(days=_int(env, "PLURIEL_HORIZON_PAST_DAYS", 30)),
            future=timedelta(days=_int(env, "PLURIEL_HORIZON_FUTURE_DAYS", 548)),
            max_occurrences=_int(env, "PLURIEL_MAX_OCCURRENCES", 1000),
        )
        return cls(
            home=Path(env.get("PLURIEL_HOME") or ".pluriel"),
            database_url=env.get("DATABASE_URL") or None,
            database_read_url=env.get("DATABASE_READ_URL") or None,
            allow_private_networks=_flag(env.get("PLURIEL_ALLOW_PRIVATE_NETWORKS")),
            horizon=horizon,
            debug=_flag(env.get("PLURIEL_DEBUG")),
            graphiql=_flag(env.get("PLURIEL_GRAPHIQL")),
            pool_max=_int(env, "PLURIEL_POOL_MAX", 8),
            metrics_multiproc_dir=Path(env["PROMETHEUS_MULTIPROC_DIR"])
            if env.get("PROMETHEUS_MULTIPROC_DIR")
            else None,
        )
