"""Which parts may be referred before there is a PIP, and for whom.

Seeds cited by file name (../shared/seeds): 000 vng-uitvoeringstoets-informatiekundige-impact.txt.

- The **leerbaarheidstoets** is part of the brede intake (Wi art. 14; Besluit art. 5.2), which comes *before* the
  PIP and feeds its leerroute (DOMAIN §2 stap 6-7; seed 000 §3.2.2, "Te ontvangen van partij die
  leerbaarheidstoets uitvoert: resultaat leerbaarheidstoets"). The brede intake is for every doelgroep (seed 000
  §3.2, table "Brede intake √ √").
- **Maatschappelijke begeleiding** starts once the person has settled in the gemeente (seed 000 §2.2.2: "zodra een
  inburgeraar zich in een gemeente heeft gevestigd, start de maatschappelijke begeleiding"), not at the PIP. It is a
  right of asielmigranten (DUO sets it), but gezins- and overige migranten "niet voor uitgesloten worden als zij
  daar behoefte aan hebben" (seed 000 Bijlage B, Maatschappelijke begeleiding).
- PVT and MAP are agreements *in* the PIP (Wi art. 15-16; seed 000 Bijlage B, PIP: "Afspraken over MAP/PVT"), and the
  leerroutes are its choice: those keep needing a vastgesteld PIP.
"""

from __future__ import annotations

from aanbieder_api.domain.enums import Dienst
from inburgering_kit.problems import Unprocessable, invalid

VOOR_PIP: frozenset[Dienst] = frozenset({Dienst.LEERBAARHEIDSTOETS, Dienst.MAATSCHAPPELIJKE_BEGELEIDING})

# Per part, the doelgroepen it may be referred for before the PIP. Every doelgroep for both (see the module text):
# written out, so a doelgroep inburgeraar-api adds later is refused until someone decides about it here.
DOELGROEPEN: dict[Dienst, frozenset[str]] = {
    Dienst.LEERBAARHEIDSTOETS: frozenset({"asielmigrant", "gezinsmigrant", "overige-migrant"}),
    Dienst.MAATSCHAPPELIJKE_BEGELEIDING: frozenset({"asielmigrant", "gezinsmigrant", "overige-migrant"}),
}


class PipVereist(Unprocessable):
    code = "pip-vereist"
    title = "Dit onderdeel wordt pas na de vaststelling van het PIP verstrekt."


class DoelgroepNietToegestaan(Unprocessable):
    code = "doelgroep-niet-toegestaan"
    title = "Dit onderdeel wordt voor deze doelgroep niet verstrekt."


def controleer_zonder_pip(onderdeel: Dienst, doelgroep: str | None) -> None:
    """An opdracht without a PIP: only for a part that comes before the PIP, and for a doelgroep it is for (None: the
    part alone is checked, before the person is looked up)."""
    if onderdeel not in VOOR_PIP:
        raise PipVereist(
            f"Een opdracht voor {onderdeel.value} voert een afspraak van een vastgesteld PIP uit (Wi art. 15-16); "
            f"zonder PIP kunnen alleen {', '.join(sorted(d.value for d in VOOR_PIP))} worden verstrekt",
            invalid_params=[invalid("pipId", f"verplicht voor onderdeel {onderdeel.value}", "verplicht")],
        )
    if doelgroep is not None and doelgroep not in DOELGROEPEN[onderdeel]:
        raise DoelgroepNietToegestaan(
            f"{onderdeel.value} wordt niet verstrekt voor doelgroep {doelgroep}",
            invalid_params=[invalid("inburgeraarId", f"doelgroep {doelgroep}", "doelgroep-niet-toegestaan")],
        )
