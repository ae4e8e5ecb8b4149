"""Multilingual text: a frozen ``{lang: text}`` value with the region's fallback order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

__all__ = ["LANGUAGES", "UNDETERMINED", "I18nText", "fallback_chain", "normalise_lang"]

#: The languages pluriel serves, in the order interfaces list them.
LANGUAGES: tuple[str, ...] = ("fr", "de", "lb", "en", "nl")
#: BCP 47 code for "language not determined".
UNDETERMINED = "und"

# Asked language -> the languages tried next, before "any" (DESIGN.md).
_REGION_ORDER: dict[str, tuple[str, ...]] = {
    "lb": ("de", "fr"),
    "de": ("lb", "fr"),
    "fr": ("en",),
    "nl": ("fr", "de"),
    "en": ("fr", "de"),
}


def normalise_lang(tag: str | None) -> str:
    """Reduce a BCP 47 tag ("de-LU", "FR_be", "ltz") to the base code we store."""
    if not tag:
        return UNDETERMINED
    base = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    aliases = {"ltz": "lb", "ger": "de", "deu": "de", "fre": "fr", "fra": "fr", "eng": "en"}
    base = aliases.get(base, base)
    if not base.isalpha() or not 2 <= len(base) <= 3:
        return UNDETERMINED
    return base


def fallback_chain(lang: str | None) -> tuple[str, ...]:
    """Languages to try, in order, for a reader who asked for ``lang``."""
    asked = normalise_lang(lang)
    if asked == UNDETERMINED:
        return ()
    return (asked, *_REGION_ORDER.get(asked, ()))


@dataclass(frozen=True, slots=True)
class I18nText:
    """Text in several languages, kept in the order it was declared.

    The first entry is the source's own language. Empty strings are dropped
    at construction so that "missing" has one meaning.
    """

    items: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, values: Mapping[str, str] | Iterable[tuple[str, str]] | None = None) -> I18nText:
        pairs = values.items() if isinstance(values, Mapping) else (values or ())
        seen: dict[str, str] = {}
        for lang, text in pairs:
            code = normalise_lang(lang)
            if text and text.strip() and code not in seen:
                seen[code] = text
        return cls(tuple(seen.items()))

    @classmethod
    def single(cls, text: str | None, lang: str | None = None) -> I18nText:
        return cls.of([(lang or UNDETERMINED, text or "")])

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang, _ in self.items)

    def as_dict(self) -> dict[str, str]:
        return dict(self.items)

    def exact(self, lang: str) -> str | None:
        code = normalise_lang(lang)
        for key, text in self.items:
            if key == code:
                return text
        return None

    def get(self, lang: str | None = None) -> str | None:
        """The text for ``lang``: asked, then the region's order, then any."""
        for code in fallback_chain(lang):
            text = self.exact(code)
            if text is not None:
                return text
        return self.items[0][1] if self.items else None

    def lang_of(self, lang: str | None = None) -> str | None:
        """The language :meth:`get` would answer in."""
        for code in fallback_chain(lang):
            if self.exact(code) is not None:
                return code
        return self.items[0][0] if self.items else None

    def with_lang(self, old: str, new: str) -> I18nText:
        """Relabel one entry (e.g. ``und`` once its language is detected)."""
        return I18nText.of([(new if key == old else key, text) for key, text in self.items])

    def merged(self, other: I18nText) -> I18nText:
        """Self's entries first, then the languages only ``other`` has."""
        return I18nText.of([*self.items, *other.items])

    def map(self, func: object) -> I18nText:
        if not callable(func):
            raise TypeError("func must be callable")
        return I18nText.of([(lang, func(text)) for lang, text in self.items])
