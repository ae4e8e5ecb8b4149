"""The command line, run in-process against a real database, as a script would use it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pluriel.cli import main
from pluriel.store import connect

from .conftest import FIXTURES

Conn = psycopg.Connection[dict[str, Any]]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, db_url: str, tmp_path: Path) -> str:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PLURIEL_HOME", str(tmp_path / "home"))
    return db_url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out.strip().splitlines(), captured.err.strip()


def test_db_migrate_is_idempotent(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "db", "migrate") == (0, ["database is up to date"], "")


def test_institution_and_source_add(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "institution",
        "add",
        "rotondes",
        "--name",
        "Rotondes",
        "--country",
        "lu",
        "--trust",
        "trusted",
    )
    assert code == 0
    assert out[-1].startswith("institution rotondes (Rotondes, LU, trusted) id ")
    code, out, _ = run(
        capsys,
        "source",
        "add",
        "--institution",
        "rotondes",
        "--format",
        "ics",
        "--url",
        "https://rotondes.example/agenda.ics",
        "--lang",
        "fr",
    )
    assert code == 0
    assert out[-1].isdigit()
    again = run(
        capsys,
        "source",
        "add",
        "--institution",
        "rotondes",
        "--format",
        "ics",
        "--url",
        "https://rotondes.example/agenda.ics",
        "--lang",
        "fr",
    )
    assert again[1] == out  # idempotent: same id


def test_errors_are_clear_and_exit_2(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "source",
        "add",
        "--institution",
        "nobody",
        "--format",
        "ics",
        "--url",
        "https://x.example/a.ics",
    )
    assert code == 2
    assert err.startswith("pluriel: no institution 'nobody'; create it with: pluriel institution")
    code, _, err = run(capsys, "institution", "add", "x", "--name", "X", "--country", "LUX")
    run(capsys, "institution", "add", "x2", "--name", "X", "--country", "LU")
    assert (code, err) == (
        2,
        "pluriel: --country must be an ISO 3166 alpha-2 code such as LU, not 'LUX'",
    )
    code, _, err = run(
        capsys,
        "source",
        "add",
        "--institution",
        "x2",
        "--format",
        "ics",
        "--url",
        "/no/such/file.ics",
    )
    assert code == 2
    assert "must be an http(s) URL or an existing file" in err


def test_token_create_prints_the_token_last_and_stores_only_its_hash(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "token", "create", "--portal", "visitluxembourg")
    assert code == 0
    token = out[-1]
    assert token.startswith("plr_")
    _, prefix, secret = token.split("_", 2)
    with connect(env) as conn:
        row = conn.execute(
            "select portal, secret_hash, scopes from api_key where prefix = %s", (prefix,)
        ).fetchone()
    assert row == {
        "portal": "visitluxembourg",
        "scopes": ["read"],
        "secret_hash": hashlib.sha256(secret.encode()).hexdigest(),
    }
    assert secret not in str(row)


def test_import_and_crawl_a_local_file(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "institution", "add", "philharmonie", "--name", "Philharmonie", "--country", "LU")
    feed = FIXTURES / "ics" / "weekly_dst.ics"
    code, out, _ = run(capsys, "import", str(feed), "--institution", "philharmonie", "--lang", "fr")
    assert code == 0
    assert out[0].startswith("source 1: ok — 1 new, 0 updated, 0 unchanged, 0 removed, 0 errors")
    code, out, _ = run(capsys, "crawl", "--source", "1")
    assert code == 0
    assert out[0].startswith("source 1: ok — 0 new, 0 updated, 1 unchanged, 0 removed, 0 errors")
    code, out, _ = run(capsys, "sources")
    assert code == 0
    assert "philharmonie" in out[0]
    assert " ok " in out[0]
    assert "items=1" in out[0]


def test_crawl_exits_1_when_a_source_fails(
    env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.ics"
    broken.write_text("<html>not a calendar</html>")
    run(capsys, "institution", "add", "arlon", "--name", "Arlon", "--country", "BE")
    code, out, _ = run(
        capsys, "source", "add", "--institution", "arlon", "--format", "ics", "--url", str(broken)
    )
    code, out, _ = run(capsys, "crawl", "--all")
    assert code == 1
    assert out[0].startswith("source 1: failed — 0 new")
    assert "broken.ics" in out[0]


def test_unmapped_categories_are_counted_and_places_deduped(
    env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    feed = tmp_path / "tags.ics"
    feed.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
        + "".join(
            f"BEGIN:VEVENT\r\nUID:{i}@t\r\nDTSTART:20300101T200000Z\r\nSUMMARY:Soirée {i}\r\n"
            f"CATEGORIES:Konzert,Krimidinner{',Tombola' if i else ''}\r\nEND:VEVENT\r\n"
            for i in range(2)
        )
        + "END:VCALENDAR\r\n"
    )
    run(capsys, "institution", "add", "tufa", "--name", "Tufa", "--country", "DE")
    assert run(capsys, "import", str(feed), "--institution", "tufa")[0] == 0
    code, out, _ = run(capsys, "taxonomy", "unmapped")
    assert (code, [line.strip() for line in out]) == (0, ["2  Krimidinner", "1  Tombola"])
    assert run(capsys, "places", "dedupe") == (0, ["0 places merged"], "")


def test_source_new_saves_the_page_through_the_crawler_checks(
    env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import http.server
    import threading

    page = b"<html lang='fr'><body><h1>Agenda</h1></body></html>"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page if self.path == "/agenda" else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/agenda"
    monkeypatch.chdir(tmp_path)
    try:
        # Loopback is refused by default, as for any crawl.
        code, _, err = run(capsys, "source", "new", "salle_test", url)
        assert code == 2
        assert "127.0.0.1 is a loopback address" in err
        monkeypatch.setenv("PLURIEL_ALLOW_PRIVATE_NETWORKS", "1")
        code, out, _ = run(capsys, "source", "new", "salle_test", url)
    finally:
        server.shutdown()
        server.server_close()
    assert code == 0
    assert out == [
        "wrote tests/fixtures/sites/salle_test/page.html",
        "wrote src/pluriel/crawlers/sites/salle_test.py",
        "wrote tests/crawlers/sites/test_salle_test.py",
    ]
    assert (tmp_path / "tests/fixtures/sites/salle_test/page.html").read_bytes() == page


def test_accounts_and_token_revocation(
    env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    run(capsys, "institution", "add", "rotondes", "--name", "Rotondes", "--country", "LU")
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert run(capsys, "account", "add", "Prog@Rotondes.lu", "--institution", "rotondes") == (
        0,
        ["account prog@rotondes.lu created (member of rotondes); they can sign in at /submit"],
        "",
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("another long secret\n"))
    code, out, _ = run(capsys, "account", "add", "mod@pluriel.lu", "--moderator", "--region", "LU")
    assert (code, out) == (
        0,
        ["account mod@pluriel.lu created (moderator of LU); they can sign in at /submit"],
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = run(capsys, "account", "add", "x@y.lu", "--institution", "rotondes")
    assert code == 2
    assert "password needs at least" in err
    with connect(env) as conn:
        row = conn.execute(
            "select password_hash from account where email = 'prog@rotondes.lu'"
        ).fetchone()
    assert row is not None
    assert "correct horse" not in row["password_hash"]

    token = run(capsys, "token", "create", "--institution", "rotondes")[1][-1]
    prefix = token.split("_")[1]
    assert run(capsys, "token", "revoke", prefix) == (0, [f"token {prefix} revoked"], "")
    assert run(capsys, "token", "revoke", prefix) == (
        2,
        [],
        f"pluriel: no live token with prefix {prefix!r}",
    )
