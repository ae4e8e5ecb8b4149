"""Prices as institutions write them: "12,50 €", "ab 15 EUR", "Gratuit", "10–15 €".

A price string is kept verbatim in ``Price.text`` (the aggregator shows it as
written) and read into a minimum, a maximum and a currency where it can be.
"From 15" sets only the minimum. Numbers use either decimal mark: a
separator followed by exactly three digits is a thousands separator
("1.500 €"), anything else is the decimal mark ("12,50", "12.5").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from pluriel.model import I18nText, Price

__all__ = ["combine_prices", "currency_of", "parse_amount", "parse_price"]

_NUMBER = re.compile(r"\d{1,3}(?:[.,\u202f\u00a0 ]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d+)?")
_FREE = re.compile(
    r"\b(?:gratuit|gratuite|gratis|free|kostenlos|kostenfrei|eintritt frei|entr[ée]e libre"
    r"|acc[eè]s libre|fr[äa]i|umsonst)\b",
    re.IGNORECASE,
)
_FROM = re.compile(r"\b(?:ab|d[èe]s|[àa] partir de|from|vanaf|vun)\s*[€$£]?\s*\d", re.IGNORECASE)
_CURRENCIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"€|\beur\b|\beuros?\b", re.IGNORECASE), "EUR"),
    (re.compile(r"\$|\busd\b", re.IGNORECASE), "USD"),
    (re.compile(r"£|\bgbp\b", re.IGNORECASE), "GBP"),
    (re.compile(r"\bchf\b", re.IGNORECASE), "CHF"),
)


def parse_amount(value: object) -> Decimal | None:
    """One amount from a JSON number or a string such as "12,50" or "1.500"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return _finite(Decimal(str(value)))
        except InvalidOperation:
            return None
    if not isinstance(value, str):
        return None
    match = _NUMBER.search(value)
    return _to_decimal(match.group(0)) if match else None


def _to_decimal(token: str) -> Decimal | None:
    digits = re.sub(r"[\u202f\u00a0 ]", "", token)
    marks = [i for i, ch in enumerate(digits) if ch in ".,"]
    if marks:
        last = marks[-1]
        decimals = len(digits) - last - 1
        integer = re.sub(r"[.,]", "", digits[:last])
        tail = digits[last + 1 :]
        # "1.500" or "1,500": three digits after the last mark make it a thousands separator.
        digits = integer + tail if decimals == 3 else f"{integer}.{tail}"
    try:
        return _finite(Decimal(digits))
    except InvalidOperation:
        return None


def _finite(amount: Decimal) -> Decimal | None:
    """``1e999`` and ``NaN`` are not prices."""
    return amount if amount.is_finite() else None


def currency_of(text: str) -> str | None:
    """ISO 4217 code for the first currency sign or name in ``text``."""
    for pattern, code in _CURRENCIES:
        if pattern.search(text):
            return code
    return None


def parse_price(
    text: str | None, *, lang: str = "und", currency: str | None = None
) -> Price | None:
    """A :class:`Price` from free text, or ``None`` when the text says nothing."""
    if not text or not text.strip():
        return None
    raw = " ".join(text.split())
    amounts = [a for a in (_to_decimal(m.group(0)) for m in _NUMBER.finditer(raw)) if a is not None]
    code = currency or currency_of(raw)
    label = I18nText.single(raw, lang)
    if _FREE.search(raw) and not any(amounts):
        return Price(free=True, currency=code, text=label)
    if not amounts:
        return Price(text=label)
    if all(a == 0 for a in amounts):
        return Price(free=True, minimum=Decimal(0), maximum=Decimal(0), currency=code, text=label)
    if _FROM.search(raw):
        return Price(free=False, minimum=min(amounts), currency=code, text=label)
    return Price(free=False, minimum=min(amounts), maximum=max(amounts), currency=code, text=label)


def combine_prices(prices: Iterable[Price]) -> Price | None:
    """Several offers as one price: the lowest minimum, the highest maximum.

    Free only when every offer is free; the first text and currency win.
    """
    items = list(prices)
    if not items:
        return None
    minimums = [p.minimum for p in items if p.minimum is not None]
    maximums = [p.maximum for p in items if p.maximum is not None]
    frees = [p.free for p in items]
    free = (
        True
        if all(f is True for f in frees)
        else (False if any(f is False for f in frees) else None)
    )
    text = I18nText()
    for price in items:
        text = text.merged(price.text)
    return Price(
        free=free,
        minimum=min(minimums) if minimums else None,
        maximum=max(maximums) if maximums else None,
        currency=next((p.currency for p in items if p.currency), None),
        text=text,
    )
