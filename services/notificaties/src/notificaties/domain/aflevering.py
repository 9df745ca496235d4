"""A delivery's life: `wachtend` (queued, or between attempts), then `afgeleverd` after a 2xx, or `dead-letter`
once its subscription's retry window (`herhaaltermijn_uren`, counted from the first failed attempt) has passed.

A receiver down for maintenance is down for hours, not minutes: a failed delivery is retried for the whole
window (24 hours unless the subscription chose otherwise), the waits growing exponentially up to a cap, and the
last attempt is made at the end of the window. Only a failure then gives up. Meanwhile the rest of the
subscription's queue is delivered; only later events about the same object (`subject`) wait behind the
failed one, so a receiver still sees the events about one object in order.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

WACHTEND = "wachtend"
AFGELEVERD = "afgeleverd"
DEAD_LETTER = "dead-letter"

HERHAALTERMIJN_STANDAARD_UREN = 24
HERHAALTERMIJN_MIN_UREN = 1
# Within the retention of ended deliveries (7 days by default): a dead-letter can still be sent again.
HERHAALTERMIJN_MAX_UREN = 168


@dataclass(frozen=True)
class Herhaalschema:
    """The waits between attempts: `basis` seconds after the first failure, doubling, never over `maximum`.
    `max_pogingen` optionally gives up earlier, after that many attempts (None: the window alone decides)."""

    basis: float
    maximum: float
    max_pogingen: int | None = None


def wachttijd(poging: int, schema: Herhaalschema, toeval: Callable[[float, float], float] = random.uniform) -> float:
    """The wait after failed attempt number `poging` (1-based): exponential with jitter between half and the whole
    ceiling (AWS architecture blog, "Exponential Backoff And Jitter"), so retries of many deliveries that failed
    together spread out instead of hitting a recovering receiver at once."""
    ceiling = min(schema.maximum, schema.basis * 2 ** min(poging - 1, 64))
    return toeval(ceiling / 2, ceiling)


def na_mislukking(
    poging: int,
    *,
    sinds_eerste_mislukking: float,
    termijn_uren: int,
    schema: Herhaalschema,
    toeval: Callable[[float, float], float] = random.uniform,
) -> float | None:
    """Seconds until the next attempt after failed attempt number `poging`, or None: give up (dead-letter).
    `sinds_eerste_mislukking` is 0 at the first failure. The last wait ends at the window's end, so the last
    attempt is made then and not up to a whole wait earlier."""
    if schema.max_pogingen is not None and poging >= schema.max_pogingen:
        return None
    resterend = termijn_uren * 3600 - sinds_eerste_mislukking
    if resterend <= 0:
        return None
    return min(wachttijd(poging, schema, toeval), resterend)
