"""Whether an aanbieder is behind with its reports on one opdracht, against the norms in `regels`.

Pure: the caller passes the opdracht's dates and the day to judge on (`peildatum`), so the rule is tested without
a database and a report is judged the same on every replica. `Meldnormen` holds every value the rule depends on:
`achterstanden` applies it to one opdracht, the repository's query (`OpdrachtRepository.meldachterstanden`) to all
running opdrachten of a gemeente at once, with each of these values as a parameter, and a test holds the two equal.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from aanbieder_api.domain.enums import Dienst, OpdrachtStatus
from aanbieder_api.domain.regels import REGELS, Meldnorm


@dataclass(frozen=True)
class Meldnormen:
    """The two norms as a deployment applies them (their days are policy, set per deployment), and which
    opdrachten they apply to."""

    start: Meldnorm
    aanwezigheid_per_maand: Meldnorm
    # Only a running opdracht has reports due: one with a final result (afgerond) or withdrawn has none.
    lopend: frozenset[OpdrachtStatus] = field(default=frozenset({OpdrachtStatus.VERSTREKT, OpdrachtStatus.GESTART}))
    # The start is due while the opdracht is still verstrekt without a realised start: any report of activity
    # makes it gestart (`stand.pas_toe`), and then its start is no longer chased.
    start_open: OpdrachtStatus = OpdrachtStatus.VERSTREKT
    # A leerbaarheidstoets is one appointment: there is no attendance per month to report.
    zonder_aanwezigheid: frozenset[Dienst] = field(default=frozenset({Dienst.LEERBAARHEIDSTOETS}))

    @classmethod
    def met_dagen(cls, *, start_dagen: int, aanwezigheid_dagen: int) -> Meldnormen:
        return cls(
            start=replace(REGELS.start, dagen=start_dagen),
            aanwezigheid_per_maand=replace(REGELS.aanwezigheid_per_maand, dagen=aanwezigheid_dagen),
        )

    def bron(self, naam: str) -> str:
        return next(n.bron for n in (self.start, self.aanwezigheid_per_maand) if n.naam == naam)


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
    """The norms this opdracht is behind on at `peildatum`, the start first: late is a day after the due day."""
    normen = Meldnormen.met_dagen(start_dagen=start_dagen, aanwezigheid_dagen=aanwezigheid_dagen)
    if status not in normen.lopend:
        return []
    gevonden = []
    if gerealiseerde_startdatum is None and status is normen.start_open:
        uiterlijk = geplande_startdatum + timedelta(days=normen.start.dagen)
        if peildatum > uiterlijk:
            gevonden.append(Achterstand(normen.start.naam, uiterlijk, (peildatum - uiterlijk).days))
    begin = gerealiseerde_startdatum or geplande_startdatum
    if onderdeel not in normen.zonder_aanwezigheid and begin <= peildatum:
        # The first month not yet covered by a reported period, and whether its report is now overdue.
        eerste_open = begin if laatste_periode_tot is None else max(begin, laatste_periode_tot + timedelta(days=1))
        uiterlijk = _maandeinde(eerste_open) + timedelta(days=normen.aanwezigheid_per_maand.dagen)
        if peildatum > uiterlijk:
            gevonden.append(Achterstand(normen.aanwezigheid_per_maand.naam, uiterlijk, (peildatum - uiterlijk).days))
    return gevonden
