"""When the gemeente's regierol starts, and so which date a registration must carry.

For an asielmigrant the regierol starts at the koppeling by COA, possibly while still in the AZC; for a
gezins- or overige migrant at inschrijving in the BRP of the gemeente (DOMAIN §2 step 2;
vng-uitvoeringstoets-informatiekundige-impact.txt §3.2, Bijlage B).
"""

from __future__ import annotations

from datetime import date

from inburgeraar_api.domain.enums import Doelgroep
from inburgering_kit.problems import InvalidParam, Unprocessable, invalid

_BRON = "DOMAIN §2 stap 2; vng-uitvoeringstoets-informatiekundige-impact.txt §3.2"


class RegistratieOngeldig(Unprocessable):
    code = "registratie-ongeldig"
    title = "De registratie past niet bij de doelgroep."


def controleer_registratie(
    doelgroep: Doelgroep, nareiziger: bool, datum_koppeling: date | None, datum_inschrijving_brp: date | None
) -> None:
    fouten: list[InvalidParam] = []
    if doelgroep is Doelgroep.ASIELMIGRANT and datum_koppeling is None and datum_inschrijving_brp is None:
        fouten.append(
            invalid(
                "datumKoppeling",
                f"een asielmigrant wordt geregistreerd vanaf de koppeling ({_BRON})",
                "verplicht",
            )
        )
    if doelgroep is not Doelgroep.ASIELMIGRANT:
        if datum_inschrijving_brp is None:
            fouten.append(
                invalid(
                    "datumInschrijvingBrp",
                    f"een {doelgroep.value} wordt geregistreerd vanaf de BRP-inschrijving ({_BRON})",
                    "verplicht",
                )
            )
        if datum_koppeling is not None:
            fouten.append(
                invalid("datumKoppeling", "alleen asielmigranten worden door het COA gekoppeld", "niet-toegestaan")
            )
        if nareiziger:
            fouten.append(invalid("nareiziger", "een nareiziger is een asielmigrant (DOMAIN §1)", "niet-toegestaan"))
    if datum_koppeling and datum_inschrijving_brp and datum_inschrijving_brp < datum_koppeling:
        fouten.append(invalid("datumInschrijvingBrp", "de BRP-inschrijving volgt op de koppeling", "volgorde"))
    if fouten:
        raise RegistratieOngeldig(
            "De registratie voldoet niet aan het moment waarop de regierol van de gemeente begint.",
            invalid_params=fouten,
        )
