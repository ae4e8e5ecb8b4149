"""A PostgreSQL of the drill's own, in a temporary directory, that can be stopped and restarted.

The test suite's shared server must never go down under other tests, so the
fault drills start their own pgserver and drive it with the bundled ``pg_ctl``.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from pluriel.store import connect, migrate

__all__ = ["Postgres", "postgres", "with_db"]


def with_db(url: str, dbname: str) -> str:
    return make_conninfo(url, dbname=dbname)


@dataclass
class Postgres:
    server: Any  # pgserver.PostgresServer
    url: str

    def _ctl(self, *args: str) -> None:
        from pgserver._commands import pg_ctl

        pg_ctl(list(args), pgdata=self.server.pgdata, user=self.server.system_user, timeout=30)

    def stop(self) -> None:
        """Fast shutdown: open transactions are aborted, clients see their connection drop."""
        self._ctl("-w", "-m", "fast", "stop")

    def start(self) -> None:
        self.server.ensure_postgres_running()

    def restart(self) -> None:
        self._ctl("-w", "-m", "fast", "restart")

    def new_database(self) -> str:
        """A fresh migrated database on this server."""
        name = f"r_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as admin:
            admin.execute(f"create database {name}")
        url = with_db(self.url, name)
        with connect(url) as conn:
            migrate(conn)
            conn.commit()
        return url


@contextmanager
def postgres() -> Iterator[Postgres]:
    import pgserver

    home = Path(tempfile.mkdtemp(prefix="pluriel-reliability-"))
    home.chmod(0o755)  # as root, pgserver runs PostgreSQL as its own user
    server = pgserver.get_server(home / "pgdata", cleanup_mode="stop")
    try:
        yield Postgres(server=server, url=server.get_uri())
    finally:
        try:
            server.cleanup()
        finally:
            shutil.rmtree(home, ignore_errors=True)
