"""Language of a text among the region's five, with Luxembourgish included.

py3langid ships its model inside the wheel, so nothing is downloaded at run
time. Its model knows Luxembourgish but, on short German-looking titles, it
often hesitates between ``de`` and ``lb``; a handful of function words that
exist in only one of the two breaks the tie. Anything too short or too
uncertain is ``und``: a wrong language is worse than an unknown one, because
the declared language of the source then fills the gap.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from pluriel.model import LANGUAGES, UNDETERMINED, I18nText, fold

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

__all__ = ["MIN_LETTERS", "MIN_PROBABILITY", "MIN_WORDS", "detect", "resolve"]

#: Below these sizes a text is ``und``: two words rarely tell a language apart.
MIN_WORDS = 3
MIN_LETTERS = 15
#: Normalised probability (over the candidate languages) the winner must reach.
MIN_PROBABILITY = 0.80

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_TAGS = re.compile(r"<[^>]*>")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Folded function words typical of one of the two languages the model confuses.
_LB_MARKERS = _wordset(
    "vum vun mir mer eis iech dir ass sinn gëtt gett och net fir mat dat dës des"
    " engem enger eng ee een an dem der op ze wéi wei gi ginn hunn huet bei"
    " kommt kommen freeën freeen hei elo haut muer mee awer nach zu äre are"
    " kanner jonk leit d' e bësse besse"
)
_DE_MARKERS = _wordset(
    "der die das des dem den und ist sind ein eine einer einem nicht mit für fur"
    " im vom zum zur auch wird werden wir ihr sie uns bei heute morgen aber noch"
    " kinder junge leute freuen ihnen euch"
)
# Words shared by both lists carry no signal.
_LB_ONLY = frozenset(fold(w) for w in _LB_MARKERS) - frozenset(fold(w) for w in _DE_MARKERS)
_DE_ONLY = frozenset(fold(w) for w in _DE_MARKERS) - frozenset(fold(w) for w in _LB_MARKERS)


@lru_cache(maxsize=8)
def _identifier(candidates: tuple[str, ...]) -> LanguageIdentifier:
    """One identifier per candidate set, loaded once: it is called for every text field."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(candidates))
    return identifier


def _words(text: str) -> list[str]:
    return _WORD.findall(html.unescape(_TAGS.sub(" ", text)))


def _de_or_lb(words: Sequence[str]) -> str | None:
    folded = [fold(w) for w in words]
    lb = sum(1 for w in folded if w in _LB_ONLY or w.startswith(("d'", "d’")))
    de = sum(1 for w in folded if w in _DE_ONLY)
    if lb > de:
        return "lb"
    if de > lb:
        return "de"
    return None


def detect(text: str, *, candidates: tuple[str, ...] = LANGUAGES) -> str:
    """The most likely language of ``text`` among ``candidates``, or ``und``."""
    words = _words(text)
    if len(words) < MIN_WORDS or sum(len(w) for w in words) < MIN_LETTERS:
        return UNDETERMINED
    ranked = _identifier(tuple(candidates)).rank(" ".join(words))
    best, probability = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else None
    if {best, second} == {"de", "lb"}:
        decided = _de_or_lb(words)
        if decided is not None:
            return decided
    if probability < MIN_PROBABILITY:
        return UNDETERMINED
    return str(best)


def resolve(text: I18nText, *, declared: str | None) -> I18nText:
    """Give every ``und`` entry a language: the source's declared one, else the detected one.

    Entries that already carry a language keep it (a declared language wins).
    When two entries would end up with the same language, the first stays and
    the second keeps ``und`` rather than overwriting it.
    """
    if UNDETERMINED not in text.languages:
        return text
    fallback = declared if declared and declared != UNDETERMINED else None
    taken = set(text.languages)
    resolved: list[tuple[str, str]] = []
    for lang, value in text:
        if lang == UNDETERMINED:
            guess = fallback or detect(value)
            if guess != UNDETERMINED and guess not in taken:
                taken.add(guess)
                lang = guess
        resolved.append((lang, value))
    return I18nText.of(resolved)
