"""The institutions' pages: log in, submit an event, upload a programme, moderate.

Server-rendered (Jinja2) and complete without JavaScript; the script in
``static/`` only adds conveniences (tabs, place search as you type, more date
rows, a local autosave). Every POST carries a CSRF token and passes a rate
limit; every event POST first saves what was typed as a draft, so nothing is
lost even when it does not validate yet. Writes go through
:mod:`pluriel.aggregator.submission`, which checks, publishes or queues.

The pages use their own short-lived synchronous connections, in a worker
thread, rather than the API's async pool: each request is one transaction
of the domain code, which is synchronous.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import psycopg
from babel import Locale
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from pluriel.aggregator import submission as domain
from pluriel.aggregator.accessibility import features
from pluriel.aggregator.reference import ensure_categories
from pluriel.aggregator.sanitise import clean_html
from pluriel.aggregator.validation import UserError, validate_event_input
from pluriel.locales import LANGUAGES, N_, gettext, resolve_lang
from pluriel.model import SourceFormat, fold, normalise_lang
from pluriel.settings import Settings
from pluriel.store import connect
from pluriel.store import submissions as store
from pluriel.store.accounts import Account, actor_for_account, authenticate, get_account
from pluriel.web.submit import forms
from pluriel.web.submit.security import COOKIE, RateLimiter, Signer, load_secret

__all__ = ["SubmitPages", "routes"]

T = TypeVar("T")
Conn = psycopg.Connection[dict[str, Any]]

HERE = Path(__file__).resolve().parent
ANON_COOKIE = "pluriel_anon"
MAX_UPLOAD = 600_000  # the confirm step re-posts it in base64 (4/3): under the 1 MB body limit
PLACE_RESULTS = 20

# Translators: shown when a form is sent twice or from another site; the page is reloaded.
_CSRF_FAILED = N_("This form has expired. Please send it again.")
_TOO_MANY = N_("Too many requests. Please wait a moment and try again.")
_LOGIN_FAILED = N_("The email address or the password is wrong.")
_NOT_ALLOWED = N_("You may not see this page.")
# Translators: a file was sent without content, or not as a file.
_NO_FILE = N_("Choose a file to upload.")
_FILE_TOO_LARGE = N_("This file is too large.")
# Translators: {count} is a number of corrections the institution must make.
_SUMMARY = N_("Please correct {count} problem(s):")

_STATUS = {
    # Translators: status of a submission: not sent yet.
    "draft": N_("Draft"),
    # Translators: status of a submission: waiting for a moderator.
    "pending": N_("Waiting for review"),
    "approved": N_("Published"),
    "rejected": N_("Rejected"),
}


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["LANGUAGES"] = LANGUAGES
    env.globals["DAYS"] = forms.DAYS
    env.globals["TIMEZONES"] = forms.TIMEZONES
    return env


def _language_name(lang: str) -> str:
    """A language's own name, as a language menu shows it ("Lëtzebuergesch", "Deutsch")."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def _weekdays(lang: str) -> list[str]:
    """Monday to Sunday in ``lang``, from CLDR (no catalog entry needed)."""
    names = Locale.parse(lang).days["format"]["wide"]
    return [str(names[i]) for i in range(7)]


@dataclass(frozen=True, slots=True)
class _User:
    account: Account
    nonce: str

    @property
    def is_moderator(self) -> bool:
        return self.account.role in {"moderator", "admin"}


class SubmitPages:
    """The pages' shared state: the database URL, the signer, the rate limits, the templates."""

    def __init__(
        self,
        settings: Settings,
        *,
        database_url: str,
        secret: bytes | None = None,
        now: Callable[[], datetime] | None = None,
        post_limit: RateLimiter | None = None,
        login_limit: RateLimiter | None = None,
    ) -> None:
        self.database_url = database_url
        self._home = settings.home
        self._secret = secret
        self._signer: Signer | None = None
        self.now = now or (lambda: datetime.now(UTC))
        self.post_limit = post_limit or RateLimiter(capacity=30, per_second=0.5)
        self.login_limit = login_limit or RateLimiter(capacity=10, per_second=0.1)
        self.env = _templates()

    # -- plumbing -------------------------------------------------------------------

    @property
    def signer(self) -> Signer:
        """Built at the first request: building the app touches no file."""
        if self._signer is None:
            self._signer = Signer(self._secret or load_secret(self._home))
        return self._signer

    def _transaction(self, work: Callable[[Conn], T]) -> T:
        with connect(self.database_url) as conn:
            result = work(conn)
            conn.commit()
            return result

    async def db(self, work: Callable[[Conn], T]) -> T:
        return await run_in_threadpool(self._transaction, work)

    @staticmethod
    def lang(request: Request, form: Mapping[str, Any] | None = None) -> str:
        asked = (form or {}).get("lang") or request.query_params.get("lang")
        if isinstance(asked, str) and normalise_lang(asked) in LANGUAGES:
            return normalise_lang(asked)
        for part in request.headers.get("accept-language", "").split(","):
            code = normalise_lang(part.split(";")[0].strip())
            if code in LANGUAGES:
                return code
        return resolve_lang(None)

    async def user(self, request: Request) -> _User | None:
        session = self.signer.read(request.cookies.get(COOKIE))
        if session is None:
            return None
        account = await self.db(lambda conn: get_account(conn, session.account_id))
        return _User(account, session.nonce) if account is not None else None

    def render(
        self,
        request: Request,
        template: str,
        *,
        lang: str,
        user: _User | None,
        status_code: int = 200,
        anon_nonce: str | None = None,
        **context: Any,
    ) -> HTMLResponse:
        nonce = user.nonce if user else anon_nonce or request.cookies.get(ANON_COOKIE) or ""
        fresh_anon = user is None and not nonce
        if fresh_anon:
            nonce = self.signer.issue(0).split(".")[2]

        def translate(message: str, **params: object) -> str:
            return gettext(lang, message, **params)

        def link(path: str, **params: object) -> str:
            query = {k: v for k, v in params.items() if v not in (None, "")}
            return f"{path}?{urlencode({**query, 'lang': lang})}"

        html = self.env.get_template(template).render(
            _=translate,
            lang=lang,
            user=user,
            csrf=self.signer.csrf(nonce),
            link=link,
            path=request.url.path,
            language_names={code: _language_name(code) for code in LANGUAGES},
            weekday_names=_weekdays(lang),
            status_label=lambda status: translate(_STATUS.get(status) or status),
            **context,
        )
        response = HTMLResponse(html, status_code=status_code)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Content-Language"] = lang
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if fresh_anon:
            self._cookie(request, response, ANON_COOKIE, nonce)
        return response

    def _cookie(self, request: Request, response: Response, name: str, value: str) -> None:
        response.set_cookie(
            name,
            value,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )

    def _client(self, request: Request) -> str:
        return request.client.host if request.client else "unknown"

    async def _posted(
        self, request: Request, user: _User | None
    ) -> tuple[dict[str, Any], Response | None]:
        """The posted form, or the response refusing it (rate limit, CSRF)."""
        keys = [f"ip:{self._client(request)}"]
        if user is not None:
            keys.append(f"account:{user.account.id}")
        if not all(self.post_limit.allow(key) for key in keys):
            lang = self.lang(request)
            message = gettext(lang, _TOO_MANY)
            return {}, HTMLResponse(message, status_code=429, headers={"Retry-After": "10"})
        async with request.form(max_files=1, max_fields=400) as raw:
            pairs = [(k, v) for k, v in raw.multi_items() if isinstance(v, str)]
            files = {
                k: await v.read(MAX_UPLOAD + 1)
                for k, v in raw.multi_items()
                if isinstance(v, UploadFile)
            }
        form = forms.form_from_pairs(pairs)
        form["_files"] = files
        nonce = user.nonce if user else request.cookies.get(ANON_COOKIE, "")
        if not nonce or not self.signer.check_csrf(nonce, form.get("csrf")):
            lang = self.lang(request, form)
            return form, HTMLResponse(gettext(lang, _CSRF_FAILED), status_code=403)
        return form, None

    def _redirect(self, url: str) -> RedirectResponse:
        return RedirectResponse(url, status_code=303)

    # -- login ----------------------------------------------------------------------

    async def login_page(self, request: Request) -> Response:
        lang = self.lang(request)
        return self.render(
            request, "login.html", lang=lang, user=await self.user(request), error=None, email=""
        )

    async def login(self, request: Request) -> Response:
        form, refused = await self._posted(request, None)
        if refused is not None:
            return refused
        lang = self.lang(request, form)
        if not self.login_limit.allow(f"login:{self._client(request)}"):
            return HTMLResponse(gettext(lang, _TOO_MANY), status_code=429)
        email = str(form.get("email", ""))[:320]
        password = str(form.get("password", ""))[:1024]
        account = await self.db(lambda conn: authenticate(conn, email, password))
        if account is None:
            return self.render(
                request,
                "login.html",
                lang=lang,
                user=None,
                status_code=400,
                error=gettext(lang, _LOGIN_FAILED),
                email=email,
            )
        home = "/moderation" if account.role in {"moderator", "admin"} else "/submit"
        response = self._redirect(f"{home}?lang={lang}")
        self._cookie(request, response, COOKIE, self.signer.issue(account.id))
        return response

    async def logout(self, request: Request) -> Response:
        user = await self.user(request)
        form, refused = await self._posted(request, user)
        if refused is not None:
            return refused
        response = self._redirect(f"/submit/login?lang={self.lang(request, form)}")
        response.delete_cookie(COOKIE, path="/")
        return response

    async def _member(self, request: Request) -> tuple[_User | None, Response | None]:
        user = await self.user(request)
        if user is None:
            return None, self._redirect(f"/submit/login?lang={self.lang(request)}")
        if user.account.institution_id is None:
            lang = self.lang(request)
            return None, HTMLResponse(gettext(lang, _NOT_ALLOWED), status_code=403)
        return user, None

    # -- the event form -------------------------------------------------------------

    def _choices(self, conn: Conn, lang: str) -> dict[str, Any]:
        ensure_categories(conn)
        rows = conn.execute(
            "select id, parent_id, labels from category order by position, id"
        ).fetchall()

        def label(labels: Mapping[str, str], fallback: str) -> str:
            return labels.get(lang) or labels.get("en") or fallback

        return {
            "categories": [
                {"id": r["id"], "label": label(r["labels"], r["id"]), "child": bool(r["parent_id"])}
                for r in rows
            ],
            "features": [{"id": f.id, "label": label(f.labels, f.id)} for f in features()],
        }

    def _places(self, conn: Conn, query: str, lang: str) -> list[dict[str, Any]]:
        folded = fold(query.strip())
        if len(folded) < 2:
            return []
        pattern = "%" + folded.replace("\\", "").replace("%", "").replace("_", "") + "%"
        rows = conn.execute(
            """
            select id, name, locality, country from place
             where merged_into is null
               and (name_folded like %s or locality_folded like %s)
             order by name_folded, id limit %s
            """,
            (pattern, pattern, PLACE_RESULTS),
        ).fetchall()
        return [
            {
                "id": r["id"],
                "name": r["name"].get(lang) or next(iter(r["name"].values()), ""),
                "locality": r["locality"] or "",
                "country": (r["country"] or "").strip(),
            }
            for r in rows
        ]

    def _place_label(self, conn: Conn, place_id: str, lang: str) -> dict[str, Any] | None:
        if not place_id.isdigit():
            return None
        place = store.load_place(conn, int(place_id))
        if place is None:
            return None
        names = place["name"]
        return {
            "id": int(place_id),
            "name": names.get(lang) or next(iter(names.values()), ""),
            "locality": place["locality"] or "",
            "country": (place["country"] or "").strip(),
        }

    async def form_page(self, request: Request) -> Response:
        user, refused = await self._member(request)
        if refused is not None or user is None:
            return refused or self._redirect("/submit/login")
        lang = self.lang(request)
        wanted = request.query_params.get("draft", "")
        institution_id = user.account.institution_id or 0

        def load(conn: Conn) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
            form: dict[str, Any] = {}
            if wanted:
                saved = store.find_submission(conn, institution_id, wanted)
                if saved is not None and saved.payload.get("form"):
                    form = dict(saved.payload["form"])
            place = self._place_label(conn, str(form.get("place_id", "")), lang)
            return form, self._choices(conn, lang), place

        form, choices, place = await self.db(load)
        return self._form(request, user, lang, form, choices, chosen_place=place)

    def _form(
        self,
        request: Request,
        user: _User,
        lang: str,
        form: Mapping[str, Any],
        choices: Mapping[str, Any],
        *,
        errors: Sequence[tuple[str, str]] = (),
        places: Sequence[Mapping[str, Any]] | None = None,
        chosen_place: Mapping[str, Any] | None = None,
        preview: Mapping[str, Any] | None = None,
        saved: bool = False,
        status_code: int = 200,
    ) -> HTMLResponse:
        values = {name: [] for name in forms.LIST_FIELDS} | {
            k: v for k, v in form.items() if not k.startswith("_")
        }
        rows = forms.date_rows(values)
        if request.query_params.get("rows") or values.get("action") == "add_date":
            rows.append(max(rows) + 1)
        by_field: dict[str, list[str]] = {}
        for name, message in errors:
            by_field.setdefault(name, []).append(message)
        return self.render(
            request,
            "form.html",
            lang=lang,
            user=user,
            status_code=status_code,
            form=values,
            rows=rows,
            errors=list(errors),
            field_errors=by_field,
            places=places,
            chosen_place=chosen_place,
            preview=preview,
            saved=saved,
            **choices,
        )

    async def submit(self, request: Request) -> Response:
        user, refused = await self._member(request)
        if refused is not None or user is None:
            return refused or self._redirect("/submit/login")
        form, refused = await self._posted(request, user)
        if refused is not None:
            return refused
        form.pop("_files", None)
        lang = self.lang(request, form)
        action = str(form.get("action", "save"))
        if not form.get("external_id"):
            form["external_id"] = forms.new_external_id()
        form.pop("csrf", None)
        now = self.now()
        converted = forms.event_input(form, now=now)
        actor = actor_for_account(user.account)
        institution_id = user.account.institution_id or 0
        query = str(form.get("place_q", ""))

        def work(conn: Conn) -> tuple[Any, ...]:
            _save_draft(conn, institution_id, user.account.id, form, converted.data, now)
            result = None
            if action == "submit":
                result = domain.submit_event(
                    conn,
                    institution_id=institution_id,
                    actor=actor,
                    input=converted.data,
                    lang=lang,
                    now=now,
                )
            places = self._places(conn, query, lang) if action == "search_place" else None
            place = self._place_label(conn, str(form.get("place_id", "")), lang)
            return result, self._choices(conn, lang), places, place

        result, choices, places, place = await self.db(work)
        if isinstance(result, domain.SubmitResult) and not result.errors:
            return self._redirect(f"/submit/mine?lang={lang}&done={result.status}")
        errors = _placed(result.errors if result else (), converted, lang)
        preview = None
        if action == "preview":
            _, problems = validate_event_input(converted.data, lang=lang, now=now)
            errors = _placed(problems, converted, lang)
            preview = _preview(converted.data, lang)
        return self._form(
            request,
            user,
            lang,
            form,
            choices,
            errors=errors,
            places=places,
            chosen_place=place,
            preview=preview,
            saved=action == "save",
            status_code=400 if errors else 200,
        )

    async def places(self, request: Request) -> Response:
        _, refused = await self._member(request)
        if refused is not None:
            return refused
        lang = self.lang(request)
        query = request.query_params.get("q", "")[:100]
        found = await self.db(lambda conn: self._places(conn, query, lang))
        return JSONResponse({"places": found}, headers={"Cache-Control": "private, max-age=60"})

    async def mine(self, request: Request) -> Response:
        user, refused = await self._member(request)
        if refused is not None or user is None:
            return refused or self._redirect("/submit/login")
        lang = self.lang(request)
        institution_id = user.account.institution_id or 0
        rows = await self.db(lambda conn: store.submissions_of(conn, institution_id))
        return self.render(
            request,
            "mine.html",
            lang=lang,
            user=user,
            submissions=[_summary(s, lang) for s in rows if not _is_shadow(s)],
            done=request.query_params.get("done"),
        )

    # -- upload ---------------------------------------------------------------------

    async def upload_page(self, request: Request) -> Response:
        user, refused = await self._member(request)
        if refused is not None or user is None:
            return refused or self._redirect("/submit/login")
        lang = self.lang(request)
        return self.render(request, "upload.html", lang=lang, user=user, preview=None, errors=[])

    async def upload(self, request: Request) -> Response:
        user, refused = await self._member(request)
        if refused is not None or user is None:
            return refused or self._redirect("/submit/login")
        form, refused = await self._posted(request, user)
        if refused is not None:
            return refused
        lang = self.lang(request, form)
        files: dict[str, bytes] = form.pop("_files", {})
        data = files.get("file") or b""
        if not data and form.get("data"):
            try:
                data = base64.b64decode(str(form["data"]), validate=True)
            except (binascii.Error, ValueError):
                data = b""
        problem = _NO_FILE if not data else _FILE_TOO_LARGE if len(data) > MAX_UPLOAD else None
        fmt_name = str(form.get("format", "")) or _guess_format(data)
        if problem is not None or fmt_name not in {"ics", "jsonld"}:
            message = gettext(lang, problem or _NO_FILE)
            return self.render(
                request,
                "upload.html",
                lang=lang,
                user=user,
                preview=None,
                errors=[("file", message)],
                status_code=400,
            )
        fmt = SourceFormat(fmt_name)
        institution_id = user.account.institution_id or 0
        actor = actor_for_account(user.account)
        now = self.now()
        content_lang = str(form.get("content_lang", "und")) or "und"
        if form.get("action") == "apply":
            result = await self.db(
                lambda conn: domain.apply_upload(
                    conn,
                    institution_id=institution_id,
                    actor=actor,
                    data=data,
                    fmt=fmt,
                    now=now,
                    lang=content_lang,
                    ui_lang=lang,
                )
            )
            if not result.preview.fatal:
                return self._redirect(f"/submit/mine?lang={lang}&done={result.status}")
            preview = result.preview
        else:
            preview = await self.db(
                lambda conn: domain.preview_upload(
                    conn,
                    institution_id=institution_id,
                    data=data,
                    fmt=fmt,
                    now=now,
                    lang=content_lang,
                    ui_lang=lang,
                )
            )
        return self.render(
            request,
            "upload.html",
            lang=lang,
            user=user,
            preview=preview,
            errors=[(".".join(e.field), e.message) for e in preview.errors],
            data=base64.b64encode(data).decode("ascii"),
            format=fmt.value,
            content_lang=content_lang,
            status_code=400 if preview.fatal else 200,
        )

    # -- moderation -----------------------------------------------------------------

    async def _moderator(self, request: Request) -> tuple[_User | None, Response | None]:
        user = await self.user(request)
        if user is None:
            return None, self._redirect(f"/submit/login?lang={self.lang(request)}")
        if not user.is_moderator:
            return None, HTMLResponse(gettext(self.lang(request), _NOT_ALLOWED), status_code=403)
        return user, None

    async def moderation(self, request: Request) -> Response:
        user, refused = await self._moderator(request)
        if refused is not None or user is None:
            return refused or self._redirect("/submit/login")
        return await self._queue(request, user, self.lang(request), errors=[])

    async def _queue(
        self,
        request: Request,
        user: _User,
        lang: str,
        *,
        errors: Sequence[tuple[str, str]],
        status_code: int = 200,
        done: str | None = None,
    ) -> HTMLResponse:
        region = user.account.region

        def load(conn: Conn) -> list[dict[str, Any]]:
            names = {
                r["id"]: r["name"]
                for r in conn.execute("select id, name from institution").fetchall()
            }
            return [
                {**_summary(s, lang), "institution": names.get(s.institution_id, "")}
                for s in store.pending_submissions(conn, region=region)
            ]

        queue = await self.db(load)
        return self.render(
            request,
            "moderation.html",
            lang=lang,
            user=user,
            queue=queue,
            errors=list(errors),
            done=done or request.query_params.get("done"),
            status_code=status_code,
        )

    async def moderate(self, request: Request) -> Response:
        user, refused = await self._moderator(request)
        if refused is not None or user is None:
            return refused or self._redirect("/submit/login")
        form, refused = await self._posted(request, user)
        if refused is not None:
            return refused
        lang = self.lang(request, form)
        submission_id = int(request.path_params["submission_id"])
        decision = str(request.path_params["decision"])
        if decision not in {"approve", "reject"}:
            return HTMLResponse(status_code=404)
        actor = actor_for_account(user.account)
        now = self.now()
        reason = str(form.get("reason", ""))
        if decision == "approve":
            result = await self.db(
                lambda conn: domain.approve_submission(conn, submission_id, actor, now, lang=lang)
            )
        else:
            result = await self.db(
                lambda conn: domain.reject_submission(
                    conn, submission_id, actor, reason=reason, now=now, lang=lang
                )
            )
        if result.errors:
            errors = [(f"reason-{submission_id}", e.message) for e in result.errors]
            return await self._queue(request, user, lang, errors=errors, status_code=400)
        return self._redirect(f"/moderation?lang={lang}&done={result.status}")


# -- helpers ------------------------------------------------------------------------


def _is_shadow(submission: store.Submission) -> bool:
    return (submission.external_id or "").startswith("draft:")


def _save_draft(
    conn: Conn,
    institution_id: int,
    account_id: int,
    form: Mapping[str, Any],
    data: Mapping[str, Any],
    now: datetime,
) -> None:
    """Keep what was typed; a submission already sent keeps its place beside the draft."""
    external_id = str(form["external_id"])
    existing = store.find_submission(conn, institution_id, external_id)
    if existing is not None and existing.status not in {"draft", "rejected"}:
        external_id = f"draft:{external_id}"
    kept = {k: v for k, v in form.items() if k not in {"action", "csrf", "lang"}}
    store.save_submission(
        conn,
        institution_id=institution_id,
        kind="event",
        external_id=external_id,
        payload=json.loads(json.dumps({"form": kept, "input": data}, default=str)),
        content_hash="",
        status="draft",
        event_id=None,
        actor=f"account:{account_id}",
        account_id=account_id,
        now=now,
    )


def _placed(
    errors: Sequence[UserError], converted: forms.Converted, lang: str
) -> list[tuple[str, str]]:
    return [(forms.field_name(e.field, converted, lang=lang), e.message) for e in errors]


def _guess_format(data: bytes) -> str:
    head = data.lstrip()[:200].upper()
    return "ics" if head.startswith(b"BEGIN:VCALENDAR") else "jsonld"


def _preview(data: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """What the event will look like: titles as text, descriptions as sanitised HTML."""
    return {
        "titles": [(t["lang"], t["text"]) for t in data.get("title", [])],
        "descriptions": [
            (d["lang"], Markup(clean_html(d["text"])))  # noqa: S704 - sanitised by nh3 just here
            for d in data.get("description", [])
        ],
        "dates": [o["start"].replace("T", " ") for o in data.get("occurrences", [])],
        "rrule": data.get("rrule"),
    }


def _summary(submission: store.Submission, lang: str) -> dict[str, Any]:
    payload = submission.payload
    data = payload.get("input") or {}
    titles = {t.get("lang"): t.get("text") for t in data.get("title", []) if isinstance(t, dict)}
    title = titles.get(lang) or next((t for t in titles.values() if t), "")
    if submission.kind == "upload":
        title = f"{payload.get('format', '')} ({len(payload.get('data', '')) * 3 // 4} B)"
    dates = [o.get("start", "") for o in data.get("occurrences", []) if isinstance(o, dict)]
    return {
        "id": submission.id,
        "external_id": submission.external_id or "",
        "kind": submission.kind,
        "title": title or submission.external_id or "",
        "titles": sorted(titles.items()),
        "dates": [d.replace("T", " ") for d in dates[:5]],
        "status": submission.status,
        "reason": submission.reason,
        "updated_at": submission.updated_at,
    }


def routes(
    settings: Settings,
    *,
    database_url: str,
    secret: bytes | None = None,
    now: Callable[[], datetime] | None = None,
    post_limit: RateLimiter | None = None,
    login_limit: RateLimiter | None = None,
) -> list[BaseRoute]:
    """The institutions' pages, to append to the app's routes."""
    pages = SubmitPages(
        settings,
        database_url=database_url,
        secret=secret,
        now=now,
        post_limit=post_limit,
        login_limit=login_limit,
    )
    return [
        Route("/submit", pages.form_page, methods=["GET"]),
        Route("/submit", pages.submit, methods=["POST"]),
        Route("/submit/login", pages.login_page, methods=["GET"]),
        Route("/submit/login", pages.login, methods=["POST"]),
        Route("/submit/logout", pages.logout, methods=["POST"]),
        Route("/submit/places", pages.places, methods=["GET"]),
        Route("/submit/mine", pages.mine, methods=["GET"]),
        Route("/submit/upload", pages.upload_page, methods=["GET"]),
        Route("/submit/upload", pages.upload, methods=["POST"]),
        Route("/moderation", pages.moderation, methods=["GET"]),
        Route("/moderation/{submission_id:int}/{decision:str}", pages.moderate, methods=["POST"]),
        Mount("/submit/static", StaticFiles(directory=HERE / "static"), name="submit-static"),
    ]
