"""Financieel ontzorgen (Participatiewet art. 56a).

Mandatory for bijstandsgerechtigde asielstatushouders for six months from the day the right to bijstand
arises, and extendable (gemeentelijk-beleidsplan-inburgering.txt, "Financieel ontzorgen": "kan de periode van
ontzorgen worden verlengd"). The beschikking itself is made under the Participatiewet; this context records
the period and refers to it.
"""

from __future__ import annotations

from datetime import date

from inburgeraar_api.domain.regels import REGELS
from inburgering_kit.kalender import plus_maanden
from inburgering_kit.problems import InvalidParam, Unprocessable, invalid


class VerlengingOngeldig(Unprocessable):
    code = "verlenging-ongeldig"
    title = "De verlenging van het ontzorgen is ongeldig."


def geplande_einddatum(start: date) -> date:
    """The end of the mandatory period: `start` plus the months of `REGELS.ontzorgen_duur`, clamped."""
    return plus_maanden(start, REGELS.ontzorgen_duur.waarde)


def controleer_verlenging(start: date, geplande_eind: date, verlengd_tot: date) -> None:
    """Refuse a verlenging that does not run past the planned end, or a planned end short of the law."""
    wettelijk_eind = geplande_einddatum(start)
    fouten: list[InvalidParam] = []
    if geplande_eind < wettelijk_eind:
        # Ending before the six months is not a shorter period but a breach of art. 56a: it cannot be the
        # base of a verlenging either.
        fouten.append(
            invalid(
                "geplandeEinddatum",
                f"ligt vóór het wettelijke einde {wettelijk_eind}",
                "korter-dan-wettelijk",
            )
        )
    if verlengd_tot <= max(geplande_eind, wettelijk_eind):
        fouten.append(invalid("verlengdTot", "ligt niet na de geplande einddatum", "niet-na-geplande-einddatum"))
    if fouten:
        raise VerlengingOngeldig(
            f"Ontzorgen duurt ten minste {REGELS.ontzorgen_duur.waarde} maanden vanaf {start} (tot "
            f"{wettelijk_eind}); een verlenging loopt tot na de geplande einddatum {geplande_eind} "
            f"({REGELS.ontzorgen_duur.bron}).",
            invalid_params=fouten,
        )
