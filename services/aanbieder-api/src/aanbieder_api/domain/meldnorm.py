"""Whether an aanbieder is behind with its reports on one opdracht, against the norms in `regels`.

Pure: the caller passes the opdracht's dates and the day to judge on (`peildatum`), so the rule is tested without
a database and a report is judged the same on every replica.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from aanbieder_api.domain.enums import Dienst, OpdrachtStatus

# A leerbaarheidstoets is one appointment: there is no attendance per month to report.
_ZONDER_AANWEZIGHEID = frozenset({Dienst.LEERBAARHEIDSTOETS})


@dataclass(frozen=True)
class Achterstand:
    norm: str
    verwacht_uiterlijk: date
    dagen_te_laat: int


def _maandeinde(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def achterstanden(
    *,
    onderdeel: Dienst,
    status: OpdrachtStatus,
    geplande_startdatum: date,
    gerealiseerde_startdatum: date | None,
    laatste_periode_tot: date | None,
    peildatum: date,
    start_dagen: int,
    aanwezigheid_dagen: int,
) -> list[Achterstand]:
    if status not in {OpdrachtStatus.VERSTREKT, OpdrachtStatus.GESTART}:
        return []
    gevonden = []
    if gerealiseerde_startdatum is None and status is OpdrachtStatus.VERSTREKT:
        uiterlijk = geplande_startdatum + timedelta(days=start_dagen)
        if peildatum > uiterlijk:
            gevonden.append(Achterstand("start", uiterlijk, (peildatum - uiterlijk).days))
    begin = gerealiseerde_startdatum or geplande_startdatum
    if onderdeel not in _ZONDER_AANWEZIGHEID and begin <= peildatum:
        # The first month not yet covered by a reported period, and whether its report is now overdue.
        eerste_open = begin if laatste_periode_tot is None else max(begin, laatste_periode_tot + timedelta(days=1))
        uiterlijk = _maandeinde(eerste_open) + timedelta(days=aanwezigheid_dagen)
        if peildatum > uiterlijk:
            gevonden.append(Achterstand("aanwezigheid-per-maand", uiterlijk, (peildatum - uiterlijk).days))
    return gevonden
