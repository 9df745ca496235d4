"""The numbers this context depends on, each with its source. Law or policy, never physics: a change is a new
`REGELS_VERSIE`, and the policy values (reporting norms) can be set per deployment through the settings.

Seeds cited by file name (../shared/seeds): 000 vng-uitvoeringstoets-informatiekundige-impact.txt,
002 handreiking-gegevensverwerking-privacy.txt.
"""

from __future__ import annotations

from dataclasses import dataclass

REGELS_VERSIE = "2022-01-01"


@dataclass(frozen=True, slots=True)
class Meldnorm:
    """When a provider's report is due; the gemeente's view shows providers behind on it."""

    naam: str
    dagen: int
    bron: str


@dataclass(frozen=True, slots=True)
class Regelset:
    versie: str
    # Attendance is reported per calendar month, at the latest `dagen` days after the month ended.
    aanwezigheid_per_maand: Meldnorm
    # The realised start is reported at the latest `dagen` days after the planned start.
    start: Meldnorm
    # Keurmerk required for the language parts of a leerroute (b1, onderwijsroute, z-route).
    keurmerk_taalonderdelen: bool
    keurmerk_bron: str

    def alle(self) -> tuple[Meldnorm, ...]:
        return (self.aanwezigheid_per_maand, self.start)


REGELS = Regelset(
    versie=REGELS_VERSIE,
    aanwezigheid_per_maand=Meldnorm(
        "aanwezigheid-per-maand",
        10,
        "Gemeentelijk beleid, contractvoorwaarde aanbieders: presentie per kalendermaand, uiterlijk 10 dagen na "
        "afloop; nodig voor het toezicht op de inspanningsverplichting (Wi art. 23; seed 000 §4.4.3)",
    ),
    start=Meldnorm(
        "start",
        10,
        "Gemeentelijk beleid, contractvoorwaarde aanbieders: gerealiseerde start uiterlijk 10 dagen na de geplande "
        "start (seed 002: 'gerealiseerde startdatum' aan DUO)",
    ),
    keurmerk_taalonderdelen=True,
    keurmerk_bron=(
        "Besluit inburgering 2021 (inburgeringsaanbod door een instelling met keurmerk, Blik op Werk); "
        "inkoopvoorwaarden gemeente"
    ),
)
