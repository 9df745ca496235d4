"""When a notification that failed is tried again."""

from __future__ import annotations


def wachttijd(pogingen: int, *, basis: float, maximum: float) -> float:
    """Seconds until the next attempt after `pogingen` failed ones: doubling from `basis`, at most `maximum`, so a
    gemeente that is down for hours is not hammered and one that is back soon is reached soon."""
    if pogingen < 1:
        return 0.0
    return float(min(maximum, basis * 2 ** min(pogingen - 1, 30)))
