"""Bezwaar and beroep against a boetebesluit.

- Awb art. 6:7 and 6:8: bezwaar (and beroep) within six weeks, starting the day after the bekendmaking (the
  verzenddatum of the besluit); the last day is the same weekday six weeks on.
- Awb art. 6:11: a late bezwaar is not inadmissible when the lateness is excusable: it is registered with its reason.
- Awb art. 7:1: beroep only after bezwaar, against the beslissing op bezwaar.
- Awb art. 7:11, 8:72: gegrond annuls the boete, deels gegrond replaces it by a lower amount, ongegrond leaves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handhaving_api.domain.enums import Beslissing, Boetestatus
from handhaving_api.domain.regels import BEZWAARTERMIJN, RECHTSMIDDEL_BESLISSING, Weigering
from inburgering_kit.kalender import plus_weken

TERMIJN_WEKEN = 6


def uiterste_datum(bekendmaking: date) -> date:
    return plus_weken(bekendmaking, TERMIJN_WEKEN)


def tijdig(bekendmaking: date, ingediend: date) -> bool:
    return ingediend <= uiterste_datum(bekendmaking)


def vereis_ontvankelijk(bekendmaking: date, ingediend: date, reden_te_laat: str | None) -> bool:
    """Whether it was in time; a late one needs its reason (Awb art. 6:11), one before the besluit is refused."""
    if ingediend < bekendmaking:
        raise Weigering(BEZWAARTERMIJN, f"Ingediend op {ingediend}, vóór de bekendmaking op {bekendmaking}")
    if tijdig(bekendmaking, ingediend):
        return True
    if not reden_te_laat:
        raise Weigering(
            BEZWAARTERMIJN,
            f"De termijn liep tot en met {uiterste_datum(bekendmaking)}; noem de reden van de late indiening",
        )
    return False


@dataclass(frozen=True, slots=True)
class Uitkomst:
    """What a beslissing does to the boete: its new status, and the amount of the boete that replaces it."""

    status: Boetestatus
    nieuw_bedrag: int | None


def uitkomst(beslissing: Beslissing, huidig_bedrag: int, nieuw_bedrag: int | None) -> Uitkomst:
    if beslissing is Beslissing.ONGEGROND:
        if nieuw_bedrag is not None:
            raise Weigering(RECHTSMIDDEL_BESLISSING, "Een ongegronde beslissing laat het bedrag staan")
        return Uitkomst(Boetestatus.OPGELEGD, None)
    if beslissing is Beslissing.GEGROND:
        if nieuw_bedrag is not None:
            raise Weigering(RECHTSMIDDEL_BESLISSING, "Gegrond vernietigt de boete; noem geen nieuw bedrag")
        return Uitkomst(Boetestatus.VERNIETIGD, None)
    if nieuw_bedrag is None or not 1 <= nieuw_bedrag < huidig_bedrag:
        raise Weigering(
            RECHTSMIDDEL_BESLISSING,
            f"Deels gegrond vraagt een nieuw bedrag van minstens € 1 en lager dan € {huidig_bedrag}",
        )
    return Uitkomst(Boetestatus.VERVANGEN, nieuw_bedrag)
