"""The stand of an opdracht: what all reports so far add up to. A pure fold, so every channel computes it alike.

Hours per period are replaced, not added, when a period is reported again (a correction): the caller passes
the hours stored for that period before, and the stand moves by the difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field, PlainSerializer

from aanbieder_api.domain.aanbieder import DomeinModel
from aanbieder_api.domain.enums import OpdrachtStatus, Taalniveau, Uitslag
from aanbieder_api.domain.melding import (
    Aanwezigheid,
    Eindresultaat,
    Leerbaarheidstoets,
    Melding,
    Niveau,
    Planning,
    Start,
    ZRouteUren,
)

NUL = Decimal(0)
# Summed exactly as Decimal, shown as a JSON number (hours have at most two decimals, well inside a float's range).
Urensom = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class Stand(DomeinModel):
    gerealiseerde_startdatum: date | None = None
    aangepaste_einddatum: date | None = None
    uren_aanwezig: Urensom = NUL
    uren_afwezig_geoorloofd: Urensom = NUL
    uren_afwezig_ongeoorloofd: Urensom = NUL
    uren_taal: Urensom = Field(default=NUL, description="Z-route: gerealiseerde uren taal.")
    uren_participatie: Urensom = Field(default=NUL, description="Z-route: gerealiseerde uren participatie.")
    laatste_periode_tot: date | None = Field(default=None, description="Einde van de laatst gemelde periode.")
    eindresultaat: Uitslag | None = None
    einddatum: date | None = None
    niveau_bereikt: Taalniveau | None = None
    leerbaarheidstoets_datum: date | None = None
    leerbaarheidstoets_resultaat: str | None = None


@dataclass(frozen=True)
class Periodeuren:
    """The hours stored for one period, as reported last time (all zero for a new period)."""

    a: Decimal = NUL
    b: Decimal = NUL
    c: Decimal = NUL

    @classmethod
    def van(cls, melding: Melding) -> Periodeuren:
        if isinstance(melding, Aanwezigheid):
            return cls(
                _dec(melding.uren_aanwezig),
                _dec(melding.uren_afwezig_geoorloofd),
                _dec(melding.uren_afwezig_ongeoorloofd),
            )
        if isinstance(melding, ZRouteUren):
            return cls(_dec(melding.uren_taal), _dec(melding.uren_participatie))
        return cls()


def _dec(uren: float) -> Decimal:
    # Through the text form: Decimal(0.1) would carry the float's binary error into the sums.
    return Decimal(str(uren))


def _later(a: date | None, b: date) -> date:
    return b if a is None or b > a else a


def pas_toe(
    stand: Stand, status: OpdrachtStatus, melding: Melding, vorige: Periodeuren
) -> tuple[Stand, OpdrachtStatus]:
    """The stand and status after `melding`; `vorige` is what the same period held before (zero if new)."""
    wijziging: dict[str, object] = {}
    if isinstance(melding, Start):
        wijziging["gerealiseerde_startdatum"] = melding.datum
        if melding.geplande_einddatum is not None:
            wijziging["aangepaste_einddatum"] = melding.geplande_einddatum
    elif isinstance(melding, Planning):
        wijziging["aangepaste_einddatum"] = melding.geplande_einddatum
    elif isinstance(melding, Aanwezigheid):
        nieuw = Periodeuren.van(melding)
        wijziging["uren_aanwezig"] = stand.uren_aanwezig + nieuw.a - vorige.a
        wijziging["uren_afwezig_geoorloofd"] = stand.uren_afwezig_geoorloofd + nieuw.b - vorige.b
        wijziging["uren_afwezig_ongeoorloofd"] = stand.uren_afwezig_ongeoorloofd + nieuw.c - vorige.c
        wijziging["laatste_periode_tot"] = _later(stand.laatste_periode_tot, melding.periode_tot)
    elif isinstance(melding, ZRouteUren):
        nieuw = Periodeuren.van(melding)
        wijziging["uren_taal"] = stand.uren_taal + nieuw.a - vorige.a
        wijziging["uren_participatie"] = stand.uren_participatie + nieuw.b - vorige.b
        wijziging["laatste_periode_tot"] = _later(stand.laatste_periode_tot, melding.periode_tot)
    elif isinstance(melding, Eindresultaat):
        wijziging |= {"eindresultaat": melding.resultaat, "einddatum": melding.datum}
        if melding.niveau is not None:
            wijziging["niveau_bereikt"] = melding.niveau
    elif isinstance(melding, Niveau):
        wijziging["niveau_bereikt"] = melding.niveau
    elif isinstance(melding, Leerbaarheidstoets):
        wijziging |= {"leerbaarheidstoets_datum": melding.datum, "leerbaarheidstoets_resultaat": melding.resultaat}
    nieuwe_status = status
    if isinstance(melding, Eindresultaat | Leerbaarheidstoets):
        nieuwe_status = OpdrachtStatus.AFGEROND
    elif status is OpdrachtStatus.VERSTREKT and not isinstance(melding, Planning):
        # Any report of activity means the part has begun, even when the start itself was not reported first.
        nieuwe_status = OpdrachtStatus.GESTART
    return stand.model_copy(update=wijziging), nieuwe_status
