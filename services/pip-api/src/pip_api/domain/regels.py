"""The one versioned table of the numbers the plan context depends on, each with its legal source.

Every number here is law or policy, not physics: a new law, Besluit or verordening changes it, so it lives here
with its source and the version it belongs to, never as a literal in a rule (DOMAIN, preamble). A change of any
value is a new `REGELS_VERSIE`. Where two seeds disagree the later one wins and the rule says so.

Seeds cited by file name (../shared/seeds): 000 vng-uitvoeringstoets-informatiekundige-impact.txt,
001 gemeentelijk-beleidsplan-inburgering.txt, 002 handreiking-gegevensverwerking-privacy.txt,
004 kamerbrief-tussenstand-veranderopgave.txt.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta

from inburgering_kit.kalender import plus_jaren, plus_maanden, plus_weken
from pip_api.domain.enums import Eenheid

# The Wet inburgering 2021 took effect on 1 January 2022: these rules apply to plichten from that day.
REGELS_VERSIE = "2022-01-01"


@dataclass(frozen=True, slots=True)
class Regel:
    naam: str
    waarde: int
    eenheid: Eenheid
    bron: str

    def na(self, datum: date) -> date:
        """`datum` plus this rule's period: the uiterste datum, itself still inside the period."""
        if self.eenheid is Eenheid.DAGEN:
            return datum + timedelta(days=self.waarde)
        if self.eenheid is Eenheid.WEKEN:
            return plus_weken(datum, self.waarde)
        if self.eenheid is Eenheid.MAANDEN:
            return plus_maanden(datum, self.waarde)
        if self.eenheid is Eenheid.JAREN:
            return plus_jaren(datum, self.waarde)
        raise ValueError(f"regel {self.naam} is geen periode maar {self.eenheid}")


@dataclass(frozen=True, slots=True)
class Regelset:
    """The rules of one version; typed attributes so a rule reads `REGELS.routewissel_venster.waarde`."""

    versie: str
    pip_termijn: Regel
    inburgeringstermijn: Regel
    pvt_termijn: Regel
    pvt_min_uren: Regel
    map_termijn: Regel
    voortgangsgesprekken_min: Regel
    voortgangsgesprekken_periode: Regel
    routewissel_venster: Regel
    afschalen_min_taaluren: Regel
    z_route_taaluren: Regel
    z_route_participatieuren: Regel
    ontzorgen_duur: Regel
    huisvesting_termijn: Regel
    start_opdracht: Regel
    aanwezigheidsnorm: Regel
    aanwezigheid_perioden: Regel
    meldnorm: Regel
    oproep_zonder_uitkomst: Regel
    bsn_ontbreekt: Regel

    def alle(self) -> tuple[Regel, ...]:
        return tuple(getattr(self, veld.name) for veld in fields(self) if isinstance(getattr(self, veld.name), Regel))


REGELS = Regelset(
    versie=REGELS_VERSIE,
    pip_termijn=Regel(
        naam="pip-termijn-na-brp-inschrijving",
        waarde=10,
        eenheid=Eenheid.WEKEN,
        # Seed 004 (2019) still proposed 6 weeks; seeds 000 and 001 settle on 10 and the later rule wins.
        bron="Wet inburgering 2021 art. 16; vng-uitvoeringstoets-informatiekundige-impact.txt bijlage B (PIP); "
        "gemeentelijk-beleidsplan-inburgering.txt (PIP uiterlijk tien weken na inschrijving)",
    ),
    inburgeringstermijn=Regel(
        naam="inburgeringstermijn",
        waarde=3,
        eenheid=Eenheid.JAREN,
        bron="Wet inburgering 2021 art. 7; vng-uitvoeringstoets-informatiekundige-impact.txt §3.2.6; "
        "gemeentelijk-beleidsplan-inburgering.txt (termijn vanaf PIP voor asielmigranten, vanaf BRP-inschrijving "
        "voor gezinsmigranten)",
    ),
    pvt_termijn=Regel(
        naam="pvt-termijn",
        waarde=3,
        eenheid=Eenheid.JAREN,
        bron="Wet inburgering 2021 art. 7 lid 1 onder b; DOMAIN §2 stap 9 (PVT: termijn drie jaar); "
        "DUO levert de wettelijke termijn (handreiking-gegevensverwerking-privacy.txt, Gegevenslevering DUO)",
    ),
    pvt_min_uren=Regel(
        naam="pvt-minimum-uren",
        waarde=12,
        eenheid=Eenheid.UREN,
        bron="Besluit inburgering 2021 art. 4.2; DOMAIN §2 stap 9 (ten minste 12 uur inclusief ondertekening)",
    ),
    map_termijn=Regel(
        naam="map-termijn",
        waarde=3,
        eenheid=Eenheid.JAREN,
        # DUO sets the MAP termijn; until DUO has delivered it the MAP runs within the inburgeringstermijn.
        bron="Wet inburgering 2021 art. 7 lid 1 onder c; handreiking-gegevensverwerking-privacy.txt "
        "(Gegevenslevering DUO: wettelijke termijnen IBP, MAP en PVT)",
    ),
    voortgangsgesprekken_min=Regel(
        naam="voortgangsgesprekken-minimum",
        waarde=2,
        eenheid=Eenheid.AANTAL,
        bron="kamerbrief-tussenstand-veranderopgave.txt (in de eerste 10 maanden minimaal twee gesprekken)",
    ),
    voortgangsgesprekken_periode=Regel(
        naam="voortgangsgesprekken-periode",
        waarde=10,
        eenheid=Eenheid.MAANDEN,
        bron="kamerbrief-tussenstand-veranderopgave.txt (in de eerste 10 maanden minimaal twee gesprekken)",
    ),
    routewissel_venster=Regel(
        naam="routewissel-venster",
        waarde=18,
        eenheid=Eenheid.MAANDEN,
        # Seed 004 said one year; seed 001 is later and says 1,5 year: the later rule wins.
        bron="gemeentelijk-beleidsplan-inburgering.txt, Leerroutes (in de eerste 1,5 jaar wisselen, "
        "onderbouwd); kamerbrief-tussenstand-veranderopgave.txt noemde nog 1 jaar",
    ),
    afschalen_min_taaluren=Regel(
        naam="afschalen-minimum-taaluren",
        waarde=600,
        eenheid=Eenheid.UREN,
        bron="gemeentelijk-beleidsplan-inburgering.txt, B1-route (afschalen naar A2 mogelijk na 600 uur "
        "taalonderwijs); handreiking-gegevensverwerking-privacy.txt (grond voor afschalen)",
    ),
    z_route_taaluren=Regel(
        naam="z-route-taaluren",
        waarde=800,
        eenheid=Eenheid.UREN,
        bron="gemeentelijk-beleidsplan-inburgering.txt, Z-route (800 uur taal en 800 uur participatie)",
    ),
    z_route_participatieuren=Regel(
        naam="z-route-participatieuren",
        waarde=800,
        eenheid=Eenheid.UREN,
        bron="gemeentelijk-beleidsplan-inburgering.txt, Z-route (800 uur taal en 800 uur participatie)",
    ),
    ontzorgen_duur=Regel(
        naam="ontzorgen-duur",
        waarde=6,
        eenheid=Eenheid.MAANDEN,
        bron="Participatiewet art. 56a; vng-uitvoeringstoets-informatiekundige-impact.txt §3.2.3",
    ),
    huisvesting_termijn=Regel(
        naam="huisvesting-na-koppeling",
        waarde=12,
        eenheid=Eenheid.WEKEN,
        bron="Huisvestingswet 2014 art. 28; vng-uitvoeringstoets-informatiekundige-impact.txt §2.2.1 (na de koppeling "
        "twaalf weken om betrokkene te huisvesten)",
    ),
    start_opdracht=Regel(
        naam="start-uiterlijk-geplande-startdatum",
        waarde=0,
        eenheid=Eenheid.DAGEN,
        bron="de opdracht aan de aanbieder (geplande startdatum); vng-uitvoeringstoets-informatiekundige-impact.txt "
        "§4.2.2 (een signaal op het moment dat een termijn is verstreken)",
    ),
    # Policy, not law: the presence an aanbieder's contract asks for. Each deployment may set its own (settings).
    aanwezigheidsnorm=Regel(
        naam="aanwezigheidsnorm",
        waarde=80,
        eenheid=Eenheid.PROCENT,
        bron="Wet inburgering 2021 art. 23 (inspanningsverplichting); gemeentelijk beleid, contractvoorwaarde "
        "aanbieders (presentie); vng-uitvoeringstoets-informatiekundige-impact.txt §4.2.2 (signaal)",
    ),
    aanwezigheid_perioden=Regel(
        naam="aanwezigheid-onder-norm-perioden",
        waarde=2,
        eenheid=Eenheid.AANTAL,
        bron="gemeentelijk beleid: één maand onder de norm kan toeval zijn, twee op rij vraagt om een gesprek; "
        "vng-uitvoeringstoets-informatiekundige-impact.txt §4.2.2",
    ),
    meldnorm=Regel(
        naam="voortgangsmelding-uiterlijk",
        waarde=45,
        eenheid=Eenheid.DAGEN,
        bron="gemeentelijk beleid, contractvoorwaarde aanbieders: presentie per kalendermaand, uiterlijk 10 dagen na "
        "de maand (een maand en tien dagen, ruim genomen); handreiking-gegevensverwerking-privacy.txt (voortgang)",
    ),
    oproep_zonder_uitkomst=Regel(
        naam="oproep-brede-intake-uitkomst",
        waarde=7,
        eenheid=Eenheid.DAGEN,
        bron="Wet inburgering 2021 art. 14; handreiking-gegevensverwerking-privacy.txt stap 3 (niet verschijnen "
        "na een oproep: waarschuwing of boete); gemeentelijk beleid: uitkomst binnen een week vastgelegd",
    ),
    bsn_ontbreekt=Regel(
        naam="bsn-ontbreekt",
        waarde=4,
        eenheid=Eenheid.WEKEN,
        bron="vng-uitvoeringstoets-informatiekundige-impact.txt §4.2.2 (registratie op BSN; zonder BSN geen "
        "uitwisseling met DUO); gemeentelijk beleid: na vier weken navragen",
    ),
)
