"""Calendar arithmetic for legal periods (weeks, months, years), shared by every service: the month-end
clamp is a rule of reading "n maanden" that must be the same everywhere."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def plus_maanden(datum: date, maanden: int) -> date:
    """`datum` plus whole calendar months, clamped to the last day of the target month.

    Clamping, not overflowing: 31 August + 6 months is 28 (or 29) February, never 2 or 3 March, so a period
    "of six months" never runs into a seventh.
    """
    maandindex = datum.month - 1 + maanden
    jaar = datum.year + maandindex // 12
    maand = maandindex % 12 + 1
    laatste_dag = calendar.monthrange(jaar, maand)[1]
    return date(jaar, maand, min(datum.day, laatste_dag))


def plus_jaren(datum: date, jaren: int) -> date:
    """Whole years as 12-month steps, so 29 February + 1 year is 28 February, never 1 March."""
    return plus_maanden(datum, 12 * jaren)


def plus_weken(datum: date, weken: int) -> date:
    return datum + timedelta(weeks=weken)
