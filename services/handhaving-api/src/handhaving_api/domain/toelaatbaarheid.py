"""Whether the gemeente may fine this gedraging at all (each refusal a 422 naming its rule).

- Wi art. 27 (seed 001 hoofdstuk 5): no boete under the Wet inburgering for a gedraging already sanctioned by a
  maatregel under the Participatiewet: a maatregel that refers to the overtreding, or whose period overlaps the
  gedraging, excludes the boete.
- Wi art. 23; DOMAIN §2 stap 12: for gezins- and overige migranten the gemeente does not enforce the leerroute they
  chose themselves; the brede intake, PVT, MAP, voortgangsgesprekken and the agreed ondersteuning it does.
- Wi art. 16 and 23: a PIP boete only once the PIP is vastgesteld, for a gedraging from that day; none once the
  inburgeringsplicht or the PIP has ended.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from handhaving_api.domain.enums import Categorie, Doelgroep, Overtredingsoort
from handhaving_api.domain.regels import DOELGROEP, PARTICIPATIEWET, PIP_VASTGESTELD, PLICHT_BEEINDIGD, Weigering

# What the gemeente may enforce for a gezins- or overige migrant: everything but the chosen leerroute.
_NIET_HANDHAAFBAAR_ZELFGEKOZEN = frozenset({Overtredingsoort.PIP_LEERROUTE})


@dataclass(frozen=True, slots=True)
class Maatregelperiode:
    id: uuid.UUID
    van: date
    tot: date | None
    overtreding_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class Persoonsfeiten:
    """What the projection knows of the person (ids, codes and dates only)."""

    doelgroep: Doelgroep | None = None
    pip_vastgesteld: date | None = None
    pip_beeindigd: date | None = None
    plicht_einde: date | None = None


def handhaafbaar(soort: Overtredingsoort, doelgroep: Doelgroep | None) -> bool:
    """Whether the gemeente enforces this gedraging for the doelgroep (unknown doelgroep: yes, until known)."""
    if doelgroep in (Doelgroep.GEZINSMIGRANT, Doelgroep.OVERIGE_MIGRANT):
        return soort not in _NIET_HANDHAAFBAAR_ZELFGEKOZEN
    return True


def vereis_handhaafbaar(soort: Overtredingsoort, doelgroep: Doelgroep | None) -> None:
    if not handhaafbaar(soort, doelgroep):
        assert doelgroep is not None
        raise Weigering(DOELGROEP, f"'{soort.value}' wordt bij een {doelgroep.value} niet door de gemeente gehandhaafd")


def overlapt(maatregel: Maatregelperiode, overtreding_id: uuid.UUID, van: date, tot: date) -> bool:
    if maatregel.overtreding_id == overtreding_id:
        return True
    return maatregel.van <= tot and (maatregel.tot is None or van <= maatregel.tot)


def vereis_geen_participatiewet_maatregel(
    maatregelen: Iterable[Maatregelperiode], overtreding_id: uuid.UUID, van: date, tot: date
) -> None:
    for maatregel in maatregelen:
        if overlapt(maatregel, overtreding_id, van, tot):
            periode = f"{maatregel.van}–{maatregel.tot or 'open'}"
            raise Weigering(
                PARTICIPATIEWET,
                f"Participatiewet-maatregel {maatregel.id} ({periode}) dekt de gedraging van {van} tot en met {tot}",
            )


def vereis_pip_boete_mogelijk(soort: Overtredingsoort, feiten: Persoonsfeiten, gedraging: date, op: date) -> None:
    """For a PIP overtreding: the PIP vastgesteld on or before the gedraging; plicht and PIP not ended by `op`."""
    if soort.categorie is not Categorie.PIP:
        return
    if feiten.pip_vastgesteld is None:
        raise Weigering(PIP_VASTGESTELD, "Er is (nog) geen vastgesteld PIP bekend")
    if gedraging < feiten.pip_vastgesteld:
        raise Weigering(
            PIP_VASTGESTELD,
            f"De gedraging ({gedraging}) ligt vóór de vaststelling van het PIP ({feiten.pip_vastgesteld})",
        )
    for einde, wat in ((feiten.plicht_einde, "de inburgeringsplicht"), (feiten.pip_beeindigd, "het PIP")):
        if einde is not None and einde <= op:
            raise Weigering(PLICHT_BEEINDIGD, f"{wat.capitalize()} is geëindigd op {einde}")
