"""The embeddable agenda: ``/widget.js``, its demo page ``/widget`` and ``/embed/agenda``.

The element itself is one hand-written ES module (``static/agenda.js``); this
package serves it with its string table and GraphQL documents inlined (see
:mod:`.assets`), renders the same agenda without JavaScript (:mod:`.embed`),
and shows several configurations side by side for people choosing one.

Mounted by the app with ``*widget.routes(pool=state.require_pool)``: the pool
is passed as a callable because it only exists inside the app's lifespan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from pluriel.graphql.pool import Pool
from pluriel.web.widget.assets import documents, script, strings
from pluriel.web.widget.embed import embed_handler, templates

__all__ = ["documents", "routes", "strings"]

#: /widget.js changes with every release; a short max-age keeps hosts current.
SCRIPT_CACHE = "public, max-age=3600, stale-while-revalidate=86400"


@dataclass(frozen=True, slots=True)
class _Demo:
    caption: str
    markup: str
    css: str = ""


_DEMOS = (
    _Demo(
        "French, a list by day, five events a page.",
        '<pluriel-agenda lang="fr" limit="5"></pluriel-agenda>',
    ),
    _Demo("German, the month grid.", '<pluriel-agenda lang="de" view="month"></pluriel-agenda>'),
    _Demo(
        "English, dark theme, concerts only.",
        '<pluriel-agenda lang="en" theme="dark" categories="concert" limit="5"></pluriel-agenda>',
    ),
    _Demo(
        "Luxembourgish, events in Luxembourg only.",
        '<pluriel-agenda lang="lb" countries="LU" limit="5"></pluriel-agenda>',
    ),
    _Demo(
        "Dutch, themed by the host page with CSS custom properties.",
        '<pluriel-agenda lang="nl" limit="5"></pluriel-agenda>',
        css="custom",
    ),
    _Demo(
        "No lang attribute: follows the page around it (here de-LU).",
        '<div lang="de-LU"><pluriel-agenda limit="3"></pluriel-agenda></div>',
    ),
)
_IFRAME = (
    '<iframe title="Agenda (fr)" src="/embed/agenda?lang=fr&amp;limit=5" loading="lazy"></iframe>'
)


async def widget_js(request: Request) -> Response:
    served = script()
    headers = {
        "Cache-Control": SCRIPT_CACHE,
        "ETag": served.etag,
        "Vary": "Accept-Encoding",
        # A module script from another origin needs CORS; it carries no credentials.
        "Access-Control-Allow-Origin": "*",
        "X-Content-Type-Options": "nosniff",
    }
    media = "text/javascript; charset=utf-8"
    if served.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(served.gzipped, media_type=media, headers=headers)
    return Response(served.body, media_type=media, headers=headers)


async def widget_demo(request: Request) -> Response:
    # The markup is ours: shown escaped in <code>, and live with |safe next to it.
    html = templates.get_template("widget.html").render(demos=_DEMOS, iframe=_IFRAME)
    return HTMLResponse(html, headers={"Cache-Control": "public, max-age=300"})


def routes(*, pool: Callable[[], Pool]) -> list[Route]:
    """``/widget.js``, ``/widget`` and ``/embed/agenda``; ``pool`` gives the app's open pool."""
    return [
        Route("/widget.js", widget_js, methods=["GET"]),
        Route("/widget", widget_demo, methods=["GET"]),
        Route("/embed/agenda", embed_handler(pool), methods=["GET"], name="embed_agenda"),
    ]
