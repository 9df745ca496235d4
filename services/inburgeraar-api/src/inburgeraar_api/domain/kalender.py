"""Calendar arithmetic the rules share."""

from __future__ import annotations

import calendar
from datetime import date


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
