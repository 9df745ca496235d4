"""The termijnen engine: every deadline of a PIP, computed from its source facts and nothing else.

Pure: the same facts give the same termijnen, so a deadline is never stored as truth but recomputed whenever a
fact changes (a DUO verlenging, a corrected BRP date, the PIP's own dagtekening). Each `Termijn` carries the
rule it comes from and that rule's legal source, so whoever sees a deadline can see why.

An `einddatum` is the uiterste datum: the last day that is still inside the period (start plus the period in
calendar arithmetic, clamped at month ends; see `kalender`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pip_api.domain.enums import Doelgroep, Termijnsoort
from pip_api.domain.regels import REGELS, Regel, Regelset

_BRON_DUO = "handreiking-gegevensverwerking-privacy.txt, Gegevenslevering DUO (termijnen en wijzigingen daarvan)"


@dataclass(frozen=True, slots=True)
class Bronfeiten:
    """The facts the termijnen depend on. None means: not known (yet)."""

    doelgroep: Doelgroep
    brp_inschrijvingsdatum: date | None = None
    # The dagtekening of the first vastgesteld PIP version: for asielmigranten it starts the termijn.
    pip_datum: date | None = None
    # DUO's end of the inburgeringstermijn, after a verlenging or termijn change: it moves the end.
    duo_termijn_einddatum: date | None = None
    duo_pvt_einddatum: date | None = None
    duo_map_einddatum: date | None = None
    ontzorgen_startdatum: date | None = None
    # The dagtekening of the first PIP at a previous gemeente, for a PIP taken over on a move: an asielmigrant's
    # termijn started there and does not start again (Besluit inburgering 2021 art. 9.4 lid 4; DOMAIN §6).
    eerste_pip_datum: date | None = None


@dataclass(frozen=True, slots=True)
class Termijn:
    soort: Termijnsoort
    startdatum: date
    einddatum: date
    regel: str
    bron: str
    # For a termijn that asks for a number of events in the period (voortgangsgesprekken).
    minimum_aantal: int | None = None


def termijnstart(feiten: Bronfeiten) -> date | None:
    """The start of the inburgeringstermijn.

    Asielmigrant: the date of the PIP; gezins- and overige migrant: the BRP inschrijving
    (gemeentelijk-beleidsplan-inburgering.txt; DOMAIN §2 step 7).
    """
    if feiten.doelgroep is Doelgroep.ASIELMIGRANT:
        return feiten.eerste_pip_datum or feiten.pip_datum
    return feiten.brp_inschrijvingsdatum


def _termijn(soort: Termijnsoort, start: date, regel: Regel, duo_einde: date | None = None) -> Termijn:
    if duo_einde is not None:
        # DUO determines the legal termijnen (DOMAIN §1): its date beats our computation, in both directions.
        return Termijn(soort, start, duo_einde, regel.naam, f"{regel.bron}; {_BRON_DUO}")
    return Termijn(soort, start, regel.na(start), regel.naam, regel.bron)


def bereken_termijnen(feiten: Bronfeiten, regels: Regelset = REGELS) -> tuple[Termijn, ...]:
    """Every termijn that follows from `feiten`, in a stable order; a termijn whose start is unknown is absent."""
    termijnen: list[Termijn] = []
    if feiten.brp_inschrijvingsdatum is not None:
        termijnen.append(_termijn(Termijnsoort.PIP_VASTSTELLING, feiten.brp_inschrijvingsdatum, regels.pip_termijn))
    start = termijnstart(feiten)
    if start is not None:
        termijnen.append(
            _termijn(Termijnsoort.INBURGERINGSTERMIJN, start, regels.inburgeringstermijn, feiten.duo_termijn_einddatum)
        )
        termijnen.append(_termijn(Termijnsoort.PVT, start, regels.pvt_termijn, feiten.duo_pvt_einddatum))
        # Without a DUO MAP date the MAP runs within the (possibly extended) inburgeringstermijn.
        termijnen.append(
            _termijn(
                Termijnsoort.MAP, start, regels.map_termijn, feiten.duo_map_einddatum or feiten.duo_termijn_einddatum
            )
        )
        termijnen.append(_termijn(Termijnsoort.ROUTEWISSEL, start, regels.routewissel_venster))
    if feiten.pip_datum is not None:
        # The progress conversations evaluate the PIP agreements (kamerbrief-tussenstand-veranderopgave.txt), so
        # their period runs from the PIP, for every doelgroep.
        periode = regels.voortgangsgesprekken_periode
        termijnen.append(
            Termijn(
                Termijnsoort.VOORTGANGSGESPREKKEN,
                feiten.pip_datum,
                periode.na(feiten.pip_datum),
                periode.naam,
                periode.bron,
                minimum_aantal=regels.voortgangsgesprekken_min.waarde,
            )
        )
    if feiten.ontzorgen_startdatum is not None:
        termijnen.append(_termijn(Termijnsoort.ONTZORGEN, feiten.ontzorgen_startdatum, regels.ontzorgen_duur))
    return tuple(termijnen)


def termijn(termijnen: tuple[Termijn, ...], soort: Termijnsoort) -> Termijn | None:
    return next((t for t in termijnen if t.soort is soort), None)
