"""Interface and validation messages in the region's five languages (gettext, through Babel).

The ``.po`` files under ``<lang>/LC_MESSAGES/`` are the one source of truth:
they are compiled in memory the first time a language is asked for, so there
is no build step and no ``.mo`` file that could drift from its ``.po``.
``messages.pot`` is what the code uses; a test extracts the messages from
``src/pluriel`` and fails when the template, or any catalog, lags behind.

Messages are written in English (the msgid) with ``{name}`` placeholders
filled by :func:`gettext` after translation. Code that only *declares* a
message, to translate later, marks it with :func:`N_` so that the extractor
finds it, or with :func:`NP_` when it has a context (``msgctxt``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from pluriel.model import LANGUAGES, normalise_lang

__all__ = [
    "DOMAIN",
    "FALLBACK",
    "LANGUAGES",
    "NP_",
    "N_",
    "gettext",
    "pgettext",
    "resolve_lang",
    "translator",
]

DOMAIN = "messages"
#: The language of a reader whose language pluriel does not speak.
FALLBACK = "en"


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark ``message`` in ``context`` for extraction; translate it later with :func:`pgettext`."""
    return message


def resolve_lang(lang: str | None) -> str:
    """The catalog to answer in: the base language when we have it, English otherwise."""
    code = normalise_lang(lang)
    return code if code in LANGUAGES else FALLBACK


def translator(lang: str | None) -> Translations:
    """The compiled catalog for ``lang`` (English for a language we do not serve)."""
    return _compiled(resolve_lang(lang))


@cache
def _compiled(code: str) -> Translations:
    path = resources.files(__name__).joinpath(code, "LC_MESSAGES", f"{DOMAIN}.po")
    with path.open("rb") as po:
        catalog = read_po(po, locale=code, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def gettext(lang: str | None, msgid: str, /, **params: object) -> str:
    """``msgid`` in ``lang``, with its ``{placeholders}`` filled from ``params``."""
    text = translator(lang).gettext(msgid)
    return text.format(**params) if params else text


def pgettext(lang: str | None, context: str, msgid: str, /, **params: object) -> str:
    """Like :func:`gettext` for a message whose meaning depends on ``context``."""
    text = str(translator(lang).pgettext(context, msgid))
    return text.format(**params) if params else text
