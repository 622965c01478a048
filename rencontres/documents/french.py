"""French wording helpers shared by documents and messages."""

from __future__ import annotations

import datetime

from ..content.calendar import MONTHS


def long_date(day: datetime.date | None) -> str:
    """« 2 décembre 2021 », « 1er mars 2022 »; empty when unknown."""
    if day is None:
        return ""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def join_words(words: list[str]) -> str:
    """« a, b et c »."""
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " et " + words[-1]


def number(value: int) -> str:
    """« 35 », « 1 250 » (thousands apart by a narrow no-break space, as babel writes
    French numbers)."""
    if abs(value) < 1000:
        return str(value)
    from babel.numbers import format_decimal

    return format_decimal(value, locale="fr_FR")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 territoire », « 3 territoires », « 1 250 participants »."""
    word = singular if count < 2 else (plural_form or singular + "s")
    return f"{number(count)} {word}"


def counted(count: int, singular: str, plural_form: str | None = None) -> str:
    """For a document: « aucun thème », « 1 thème », « 3 thèmes »."""
    return f"aucun {singular}" if count == 0 else plural(count, singular, plural_form)


def headed(noun: str, count: int) -> str:
    """A heading agreed with what it heads: « Suggestion » over one, « Suggestions » over
    several."""
    return noun if count < 2 else noun + "s"


def percent_change(before: int, after: int) -> str:
    """« +107 % », « −28 % », « 0 % » with a French non-breaking space; « – » when undefined.

    Rounded half away from zero (8 → 9 is « +13 % »), in integers: no float error."""
    if before == 0:
        return "–"
    quotient, remainder = divmod(abs(after - before) * 100, abs(before))
    change = quotient + (2 * remainder >= abs(before))
    if change == 0:
        return "0\u00a0%"
    sign = "+" if (after - before) * before > 0 else "−"
    return f"{sign}{number(change)}\u00a0%"
