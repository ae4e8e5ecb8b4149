"""The ``pluriel`` command.

Exit codes: 0 done, 1 a source failed, 2 a usage or setup error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from pluriel.errors import PlurielError
from pluriel.model import FetchOutcome, SourceFormat, SourceSpec
from pluriel.settings import Settings
from pluriel.store import connect, migrate, registry, resolve_database_url

if TYPE_CHECKING:
    from pluriel.crawlers.settings import CrawlOptions

__all__ = ["main"]

# Commands import their heavy layers (Scrapy, uvicorn, the web app) inside the
# function, so that `pluriel --help` and `pluriel sources` stay fast.

Conn = psycopg.Connection[dict[str, Any]]
FORMATS = [f.value for f in SourceFormat]


def _out(text: str) -> None:
    print(text, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _open(settings: Settings) -> Conn:
    conn = connect(resolve_database_url(settings))
    migrate(conn)
    conn.commit()
    return conn


def _institution(conn: Conn, slug: str) -> registry.Institution:
    found = registry.get_institution(conn, slug)
    if found is None:
        raise PlurielError(
            f"no institution {slug!r}; create it with: pluriel institution add {slug} --name … "
            "--country LU"
        )
    return found


def cmd_db_migrate(args: argparse.Namespace, settings: Settings) -> int:
    conn = connect(resolve_database_url(settings))
    with conn:
        done = migrate(conn)
        conn.commit()
    _out(f"applied migrations {done}" if done else "database is up to date")
    return 0


def cmd_institution_add(args: argparse.Namespace, settings: Settings) -> int:
    if len(args.country) != 2 or not args.country.isalpha():
        raise PlurielError(
            f"--country must be an ISO 3166 alpha-2 code such as LU, not {args.country!r}"
        )
    with _open(settings) as conn:
        inst = registry.add_institution(
            conn, args.slug, name=args.name, country=args.country, trust=args.trust
        )
        conn.commit()
    _out(f"institution {inst.slug} ({inst.name}, {inst.country}, {inst.trust}) id {inst.id}")
    return 0


def _source_url(raw: str) -> str:
    if raw.startswith(("http://", "https://", "file://")):
        return raw
    path = Path(raw)
    if path.exists():
        return path.resolve().as_uri()
    raise PlurielError(f"--url must be an http(s) URL or an existing file, not {raw!r}")


def cmd_source_add(args: argparse.Namespace, settings: Settings) -> int:
    with _open(settings) as conn:
        inst = _institution(conn, args.institution)
        source_id = registry.add_source(
            conn,
            institution_id=inst.id,
            format=SourceFormat(args.format),
            url=_source_url(args.url),
            lang=args.lang,
            timezone=args.timezone,
            kind=args.kind,
            name=args.name,
        )
        conn.commit()
    _out(str(source_id))
    return 0


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    with _open(settings) as conn:
        rows = registry.list_source_status(conn)
    if not rows:
        _out(
            "no sources yet; add one with:"
            " pluriel source add --institution SLUG --format ics --url URL"
        )
        return 0
    for row in rows:
        last = row.last_status or "never crawled"
        when = row.last_finished_at.strftime("%Y-%m-%d %H:%M") if row.last_finished_at else "-"
        counts = " ".join(f"{k}={v}" for k, v in row.last_counts.items())
        health = "ok" if row.last_status in {"ok", "unchanged"} else (row.last_status or "new")
        _out(
            f"{row.id:>4}  {row.institution:<24} {row.format:<15} {health:<10} {when}  "
            f"items={row.live_items} {counts}  {row.url}"
        )
        if row.last_error:
            _out(f"      last error ({last}): {row.last_error}")
    return 0


def _report(spec: SourceSpec, report: Any) -> None:
    _out(f"{report.summary()}  [{spec.format.value}] {spec.url}")
    for item in report.item_errors[:20]:
        ref = item.get("external_id") or "?"
        _out(f"  item {ref}: {item['message']}")
    if len(report.item_errors) > 20:
        _out(f"  … and {len(report.item_errors) - 20} more item errors (see pluriel sources)")


def crawl_specs(
    conn: Conn,
    specs: Sequence[SourceSpec],
    settings: Settings,
    allowed_hosts: frozenset[str] = frozenset(),
    options: CrawlOptions | None = None,
) -> bool:
    """Crawl and ingest; True when every source ran without failure."""
    from pluriel.aggregator.ingest import ingest_outcome
    from pluriel.aggregator.local import is_local, read_local_source

    by_id = {spec.id: spec for spec in specs}
    ok = True

    def sink(outcome: FetchOutcome) -> None:
        nonlocal ok
        spec = by_id[outcome.source_id]
        report = ingest_outcome(conn, spec, outcome)
        ok = ok and report.status != "failed"
        _report(spec, report)

    remote = [spec for spec in specs if not is_local(spec)]
    for spec in specs:
        if is_local(spec):
            sink(read_local_source(spec, settings=settings))
    if remote:
        # Inline: Scrapy and Twisted are heavy, and local-only crawls never need them.
        from pluriel.crawlers import run_crawl

        run_crawl(
            remote, settings=settings, sink=sink, allowed_hosts=allowed_hosts, options=options
        )
    return ok


def cmd_crawl(args: argparse.Namespace, settings: Settings) -> int:
    with _open(settings) as conn:
        if args.source:
            specs = registry.load_sources(conn, ids=args.source)
            missing = set(args.source) - {s.id for s in specs}
            if missing:
                raise PlurielError(f"no source with id {sorted(missing)}")
        elif args.due:
            specs = registry.load_sources(conn, due_at=datetime.now(UTC))
        else:
            specs = registry.load_sources(conn)
        if not specs:
            _out("nothing to crawl")
            return 0
        return 0 if crawl_specs(conn, specs, settings) else 1


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from pluriel.aggregator.ingest import ingest_outcome
    from pluriel.aggregator.local import read_local_source

    path = Path(args.file)
    if not path.is_file():
        raise PlurielError(f"{path}: no such file")
    suffix = path.suffix.lower()
    fmt = SourceFormat(
        args.format or ("jsonld" if suffix in {".json", ".jsonld", ".html"} else "ics")
    )
    with _open(settings) as conn:
        inst = _institution(conn, args.institution)
        source_id = registry.add_source(
            conn,
            institution_id=inst.id,
            format=fmt,
            url=path.resolve().as_uri(),
            lang=args.lang,
            timezone=args.timezone,
        )
        conn.commit()
        (spec,) = registry.load_sources(conn, ids=[source_id])
        report = ingest_outcome(conn, spec, read_local_source(spec, settings=settings))
        _report(spec, report)
    return 1 if report.status == "failed" else 0


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    from pluriel.store import accounts

    with _open(settings) as conn:
        inst_id = _institution(conn, args.institution).id if args.institution else None
        created = accounts.create_token(conn, institution_id=inst_id, portal=args.portal)
        conn.commit()
    who = f"institution {args.institution}" if args.institution else f"portal {args.portal}"
    _out(
        f"Created an API token for {who} (prefix {created.key.prefix}, scopes"
        f" {', '.join(created.key.scopes)}); only its hash is stored, so copy it now."
    )
    _out(created.token)
    return 0


def cmd_token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from pluriel.store import accounts

    with _open(settings) as conn:
        revoked = accounts.revoke_token(conn, args.prefix, now=datetime.now(UTC))
        conn.commit()
    if not revoked:
        raise PlurielError(f"no live token with prefix {args.prefix!r}")
    _out(f"token {args.prefix} revoked")
    return 0


def _read_password() -> str:
    """From the terminal without echo, or one line of standard input (scripts)."""
    import getpass

    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\r\n")


def cmd_account_add(args: argparse.Namespace, settings: Settings) -> int:
    from pluriel.store import accounts

    with _open(settings) as conn:
        institution_id = _institution(conn, args.institution).id if args.institution else None
        account = accounts.create_account(
            conn,
            email=args.email,
            password=_read_password(),
            institution_id=institution_id,
            role="moderator" if args.moderator else "member",
            region=args.region,
        )
        conn.commit()
    what = (
        f"moderator of {account.region or 'every region'}"
        if account.role == "moderator"
        else f"member of {args.institution}"
    )
    _out(f"account {account.email} created ({what}); they can sign in at /submit")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    url = resolve_database_url(settings)
    with connect(url) as conn:
        migrate(conn)
        conn.commit()
    return _serve(
        settings,
        url,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_json=args.log_format == "json",
        log_level=args.log_level,
    )


def _serve(
    settings: Settings,
    url: str,
    *,
    host: str,
    port: int,
    workers: int = 1,
    log_json: bool = False,
    log_level: str = "info",
) -> int:
    import os

    import uvicorn

    from pluriel.ops.logging import logging_config

    log_config = logging_config(json=log_json, level=log_level)
    if workers > 1:
        # Several processes need an importable factory; each builds its app from the
        # environment (the embedded server, if any, is already running and is shared).
        # Prometheus' multiprocess directory must be clean before any worker imports metrics.
        multiproc = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if multiproc:
            from pluriel.ops.multiprocess import prepare_multiprocess_dir

            prepare_multiprocess_dir(multiproc)
        uvicorn.run(
            "pluriel.web.asgi:app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=log_config,
        )
        return 0
    from pluriel.web.app import create_app

    app = create_app(settings, database_url=url, read_url=settings.database_read_url)
    uvicorn.run(app, host=host, port=port, log_config=log_config)
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from pluriel.demo.run import ensure_demo_accounts, register_demo_sources, serve_demo_site

    url = resolve_database_url(settings)
    _out(f"database: {'DATABASE_URL' if settings.database_url else settings.home / 'pgdata'}")
    with _open(settings) as conn, serve_demo_site() as site:
        specs = register_demo_sources(conn, site.base_url)
        _out(f"crawling {len(specs)} demo sources from the fixture site at {site.base_url}")
        # Private networks stay refused: only the fixture site's own address is let through.
        host = site.base_url.split("://", 1)[1].rstrip("/")
        # The fixture site is ours and local: no need for a polite first delay.
        from pluriel.crawlers.settings import CrawlOptions

        ok = crawl_specs(
            conn,
            specs,
            settings,
            allowed_hosts=frozenset({host}),
            options=CrawlOptions(throttle_start_delay=0.1),
        )
        counts = conn.execute(
            "select count(*) as events, count(distinct institution_id) as institutions"
            " from event where deleted_at is null"
        ).fetchone()
        logins = ensure_demo_accounts(conn)
    if counts:
        _out(f"{counts['events']} events from {counts['institutions']} institutions")
    if not ok:
        _err("pluriel: some demo sources failed; see above")
    if args.no_serve:
        return 0 if ok else 1
    base = f"http://{args.host}:{args.port}"
    _out(f"serving on {base}/graphql — the widget at {base}/widget, feeds at {base}/feeds/…")
    for email, password in logins:
        _out(f"  demo login for {base}/submit and /moderation: {email} / {password}")
    return _serve(settings, url, host=args.host, port=args.port)


def cmd_source_new(args: argparse.Namespace, settings: Settings) -> int:
    from pluriel.crawlers.scaffold import fetch_page, new_site_spider

    def fetch(url: str) -> bytes:
        # The same safety checks, robots.txt and size cap as a crawl.
        return fetch_page(url, settings=settings)

    root = Path.cwd()
    for path in new_site_spider(args.name, args.url, fetch=fetch, root=root):
        _out(f"wrote {path.relative_to(root)}")
    return 0


def cmd_places_dedupe(args: argparse.Namespace, settings: Settings) -> int:
    from pluriel.aggregator.matching import dedupe_places

    with _open(settings) as conn:
        pairs = dedupe_places(conn, now=datetime.now(UTC))
        conn.commit()
    for duplicate, keep in pairs:
        _out(f"place {duplicate} merged into {keep} (the old id stays as an alias)")
    _out(f"{len(pairs)} places merged")
    return 0


def cmd_taxonomy_unmapped(args: argparse.Namespace, settings: Settings) -> int:
    """Source categories no mapping knows, most frequent first, for a person to map."""
    with _open(settings) as conn:
        rows = conn.execute(
            "select tag, count(*) as n from event, unnest(tags) as tag"
            " where deleted_at is null group by tag order by n desc, tag limit %s",
            (args.limit,),
        ).fetchall()
    for row in rows:
        _out(f"{row['n']:>6}  {row['tag']}")
    if not rows:
        _out("every source category is mapped")
    return 0


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    from pluriel.ops.scheduler import cmd_scheduler as run

    return run(args, settings)


def cmd_crawl_worker(args: argparse.Namespace, settings: Settings) -> int:
    from pluriel.ops.worker import cmd_crawl_worker as run

    return run(args, settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pluriel", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="embedded DB + bundled demo sources, crawled, then served")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="crawl the demo sources and exit")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve the API, feeds and widget")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.add_argument("--log-format", choices=["json", "text"], default="text")
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database tasks").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("migrate", help="apply missing migrations (idempotent)").set_defaults(
        func=cmd_db_migrate
    )

    inst = sub.add_parser("institution").add_subparsers(dest="inst_command", required=True)
    add_inst = inst.add_parser("add", help="create or update an institution")
    add_inst.add_argument("slug")
    add_inst.add_argument("--name", required=True)
    add_inst.add_argument("--country", required=True, help="ISO 3166 alpha-2, e.g. LU")
    add_inst.add_argument("--trust", choices=["trusted", "standard"], default="standard")
    add_inst.set_defaults(func=cmd_institution_add)

    source = sub.add_parser("source").add_subparsers(dest="source_command", required=True)
    add_src = source.add_parser("add", help="register a source; prints its id")
    add_src.add_argument("--institution", required=True)
    add_src.add_argument("--format", required=True, choices=FORMATS)
    add_src.add_argument("--url", required=True, help="http(s) URL or a local file")
    add_src.add_argument("--lang", default="und")
    add_src.add_argument("--timezone", default="Europe/Luxembourg")
    add_src.add_argument(
        "--kind",
        choices=["feed", "scrape"],
        default="feed",
        help="feed: the institution's own; scrape: a third party's",
    )
    add_src.add_argument("--name", help="site spider name (format site)")
    add_src.set_defaults(func=cmd_source_add)
    new_src = source.add_parser("new", help="scaffold a site spider from a saved page")
    new_src.add_argument("name")
    new_src.add_argument("url")
    new_src.set_defaults(func=cmd_source_new)

    places = sub.add_parser("places").add_subparsers(dest="places_command", required=True)
    places.add_parser("dedupe", help="merge places that designate the same venue").set_defaults(
        func=cmd_places_dedupe
    )
    taxonomy = sub.add_parser("taxonomy").add_subparsers(dest="taxonomy_command", required=True)
    unmapped = taxonomy.add_parser("unmapped", help="unmapped source categories, with counts")
    unmapped.add_argument("--limit", type=int, default=50)
    unmapped.set_defaults(func=cmd_taxonomy_unmapped)

    from pluriel.ops.arguments import add_arguments as scheduler_arguments

    scheduler = sub.add_parser("scheduler", help="crawl due sources every --interval seconds")
    scheduler_arguments(scheduler)
    scheduler.set_defaults(func=cmd_scheduler)

    from pluriel.ops.arguments import add_worker_arguments

    worker = sub.add_parser("crawl-worker", help="crawl the sources a scheduler queued in Redis")
    add_worker_arguments(worker)
    worker.set_defaults(func=cmd_crawl_worker)

    sub.add_parser("sources", help="every source with its last run").set_defaults(func=cmd_sources)

    crawl = sub.add_parser("crawl", help="crawl sources (exit 1 if one failed)")
    crawl.add_argument("--source", type=int, action="append", metavar="ID")
    which = crawl.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every enabled source (default)")
    which.add_argument("--due", action="store_true", help="only sources whose interval passed")
    crawl.set_defaults(func=cmd_crawl)

    imp = sub.add_parser("import", help="ingest a local .ics or JSON-LD file")
    imp.add_argument("file")
    imp.add_argument("--institution", required=True)
    imp.add_argument("--format", choices=["ics", "jsonld"])
    imp.add_argument("--lang", default="und")
    imp.add_argument("--timezone", default="Europe/Luxembourg")
    imp.set_defaults(func=cmd_import)

    token = sub.add_parser("token").add_subparsers(dest="token_command", required=True)
    create = token.add_parser("create", help="create an API token (printed alone on the last line)")
    owner = create.add_mutually_exclusive_group(required=True)
    owner.add_argument("--institution")
    owner.add_argument("--portal")
    create.set_defaults(func=cmd_token_create)
    revoke = token.add_parser("revoke", help="revoke a token by its prefix (plr_PREFIX_…)")
    revoke.add_argument("prefix")
    revoke.set_defaults(func=cmd_token_revoke)

    account = sub.add_parser("account").add_subparsers(dest="account_command", required=True)
    add_account = account.add_parser(
        "add", help="create a member or moderator account (password read from stdin)"
    )
    add_account.add_argument("email")
    who = add_account.add_mutually_exclusive_group(required=True)
    who.add_argument("--institution", help="a member of this institution")
    who.add_argument("--moderator", action="store_true", help="a moderator")
    add_account.add_argument("--region", help="the moderator's region or country, e.g. LU")
    add_account.set_defaults(func=cmd_account_add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        code: int = args.func(args, settings)
    except PlurielError as exc:
        _err(f"pluriel: {exc}")
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
