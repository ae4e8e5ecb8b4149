"""The embedded PostgreSQL: data survives restarts; a second process shares the server."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from pluriel.store import connect
from pluriel.store.db import EmbeddedServer

SCRIPT = """
import sys
from pathlib import Path
from pluriel.store import connect
from pluriel.store.db import EmbeddedServer
url = EmbeddedServer(Path(sys.argv[1])).url()
with connect(url, autocommit=True) as conn:
    conn.execute(sys.argv[2])
    row = conn.execute("select pg_postmaster_start_time()::text as t,"
                       " (select count(*) from notes) as n").fetchone()
print(url, row["t"], row["n"], sep="|")
"""


def run(home: Path, sql: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(home), sql],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout.strip().split("|")


def test_data_survives_a_restart_and_a_second_process_attaches() -> None:
    # Not pytest's tmp_path: as root, pgserver runs PostgreSQL as its own user, which
    # must be able to reach the directory.
    base = Path(tempfile.mkdtemp(prefix="pluriel-embedded-"))
    base.chmod(0o755)
    home = base / "home"
    first = run(home, "create table if not exists notes (t text); insert into notes values ('a')")
    assert first[2] == "1"
    # The first process has exited and stopped its server: this one starts it again.
    second = run(home, "insert into notes values ('b')")
    assert second[2] == "2"
    assert second[1] != first[1]  # a new postmaster, on the same data

    # While this process holds the server, another process attaches to the same postmaster.
    url = EmbeddedServer(home).url()
    with connect(url, autocommit=True) as conn:
        row = conn.execute("select pg_postmaster_start_time()::text as t").fetchone()
        assert row is not None
        third = run(home, "insert into notes values ('c')")
        assert third[0] == url
        assert third[1] == row["t"]  # the same server, not a second one on the same files
        count = conn.execute("select count(*) as n from notes").fetchone()
    assert count == {"n": 3}
