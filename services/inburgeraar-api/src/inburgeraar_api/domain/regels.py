"""The one versioned table of the numbers policy depends on in the person context.

Every number here is law or policy, not physics: it can change with a new law, Besluit or verordening, so it
lives here with its source and the version it belongs to, never as a literal in a rule (DOMAIN, preamble).
A change of any value is a new `REGELS_VERSIE`. Later contexts (PIP, leerroutes, handhaving) keep their own
tables.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Generic, TypeVar

from inburgeraar_api.domain.enums import Eenheid

W = TypeVar("W", int, Decimal)

# The day the Wet inburgering 2021 took effect (handreiking-gegevensverwerking-privacy.txt, opening: "treedt
# naar verwachting 1 januari 2022 in werking"): the rules below apply to plichten from that day.
REGELS_VERSIE = "2022-01-01"


@dataclass(frozen=True, slots=True)
class Regel(Generic[W]):
    naam: str
    waarde: W
    eenheid: Eenheid
    bron: str


@dataclass(frozen=True, slots=True)
class Regelset:
    """The rules of one version; typed attributes so a rule reads `REGELS.ontzorgen_duur.waarde`."""

    versie: str
    ontzorgen_duur: Regel[int]
    brede_intake_max_oproepen: Regel[int]
    boete_brede_intake: Regel[Decimal]
    huisvesting_termijn: Regel[int]
    pip_termijn: Regel[int]
    inburgeringstermijn: Regel[int]
    bewaartermijn_kerngegevens: Regel[int]
    bewaartermijn_overige_gegevens: Regel[int]

    def alle(self) -> tuple[Regel[int] | Regel[Decimal], ...]:
        """Every rule, in declaration order (for an API that shows the table)."""
        regels: list[Regel[int] | Regel[Decimal]] = []
        for veld in fields(self):
            waarde = getattr(self, veld.name)
            if isinstance(waarde, Regel):
                regels.append(waarde)
        return tuple(regels)


REGELS = Regelset(
    versie=REGELS_VERSIE,
    ontzorgen_duur=Regel(
        naam="ontzorgen-duur",
        waarde=6,
        eenheid=Eenheid.MAANDEN,
        bron="Participatiewet art. 56a; vng-uitvoeringstoets-informatiekundige-impact.txt §3.2.3; "
        "handreiking-gegevensverwerking-privacy.txt, tabel gegevensverwerking stap 6 (Ontzorgen)",
    ),
    brede_intake_max_oproepen=Regel(
        naam="brede-intake-max-oproepen",
        waarde=3,
        eenheid=Eenheid.AANTAL,
        bron="handreiking-gegevensverwerking-privacy.txt, tabel gegevensverwerking stap 3: "
        '"Als de inburgeringsplichtige na 3 oproepen niet verschijnt [...] voltooit gemeente de brede '
        'intake in afwezigheid"',
    ),
    boete_brede_intake=Regel(
        naam="boete-brede-intake",
        waarde=Decimal("250.00"),
        eenheid=Eenheid.EURO,
        bron="vng-uitvoeringstoets-informatiekundige-impact.txt §3.2.6: boete van € 250 per overtreding",
    ),
    huisvesting_termijn=Regel(
        naam="huisvesting-termijn-na-koppeling",
        waarde=12,
        eenheid=Eenheid.WEKEN,
        bron="Huisvestingswet art. 28; vng-uitvoeringstoets-informatiekundige-impact.txt §2.2.1 "
        "(tien weken om een woning te vinden, twee om te verhuizen)",
    ),
    pip_termijn=Regel(
        naam="pip-termijn-na-brp-inschrijving",
        waarde=10,
        eenheid=Eenheid.WEKEN,
        # The 2019 letter (kamerbrief-tussenstand-veranderopgave.txt) still proposed 6 weeks; the later
        # documents settle on 10 and the later one wins.
        bron="vng-uitvoeringstoets-informatiekundige-impact.txt, bijlage B (PIP); "
        "gemeentelijk-beleidsplan-inburgering.txt (PIP: uiterlijk tien weken na inschrijving)",
    ),
    inburgeringstermijn=Regel(
        naam="inburgeringstermijn",
        waarde=3,
        eenheid=Eenheid.JAREN,
        bron="vng-uitvoeringstoets-informatiekundige-impact.txt §3.2.6; "
        "gemeentelijk-beleidsplan-inburgering.txt (inburgeringstermijn maximaal drie jaar)",
    ),
    bewaartermijn_kerngegevens=Regel(
        naam="bewaartermijn-kerngegevens",
        waarde=50,
        eenheid=Eenheid.JAREN,
        # BSN, naam, adres, woonplaats, geboortedatum, vrijstelling, ontheffing, datum en wijze van voldoen.
        bron="Besluit inburgering 2021 art. 9.9; handreiking-gegevensverwerking-privacy.txt (Bewaartermijnen)",
    ),
    bewaartermijn_overige_gegevens=Regel(
        naam="bewaartermijn-overige-gegevens-na-einde-plicht",
        waarde=5,
        eenheid=Eenheid.JAREN,
        bron="Besluit inburgering 2021 art. 9.9; handreiking-gegevensverwerking-privacy.txt "
        "(Bewaartermijnen: 5 jaar na beëindiging inburgeringsplicht of na overlijden)",
    ),
)
