"""The rules of enforcement, each with its legal source, and the one refusal every rule raises.

Seeds cited by file name (../shared/seeds): 000 vng-uitvoeringstoets-informatiekundige-impact.txt,
001 gemeentelijk-beleidsplan-inburgering.txt, 002 handreiking-gegevensverwerking-privacy.txt. "Wi" is the Wet
inburgering 2021, "Awb" the Algemene wet bestuursrecht.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from inburgering_kit.problems import InvalidParam, Unprocessable


@dataclass(frozen=True, slots=True)
class Regel:
    """A rule as a refusal names it: a stable code for machines and the legal source for people."""

    code: str
    omschrijving: str
    bron: str


MAXIMUM_BREDE_INTAKE = Regel(
    "maximum-brede-intake",
    "Een boete voor niet verschijnen op of onvoldoende meewerken aan de brede intake is hooguit € 250 per overtreding.",
    "Wi art. 23; seed 000 §3.2.6",
)
MAXIMUM_PIP = Regel(
    "maximum-pip",
    "Een boete voor niet of onvoldoende meewerken aan het PIP is hooguit € 800 per overtreding.",
    "Wi art. 23; seed 000 §3.2.6",
)
PLAFOND_PIP = Regel(
    "plafond-pip",
    "De boetes voor het PIP zijn samen hooguit € 2.400 binnen de inburgeringstermijn van drie jaar.",
    "Wi art. 23; Wi art. 7 (inburgeringstermijn); seed 000 §3.2.6",
)
VERORDENING = Regel(
    "verordening-boven-maximum",
    "De verordening stelt de boetes trapsgewijs vast, nooit boven de wettelijke maxima.",
    "Wi art. 23; seed 001 hoofdstuk 5 (trapsgewijs)",
)
MAATWERK = Regel(
    "maatwerk-alleen-lager",
    "De boete wordt afgestemd op de ernst en de omstandigheden: lager dan de verordening met een reden, nooit hoger.",
    "Awb art. 5:46 lid 2; seed 001 hoofdstuk 5 (maatwerk)",
)
PARTICIPATIEWET = Regel(
    "participatiewet-maatregel",
    "Geen boete onder de Wet inburgering voor een gedraging waarvoor al een maatregel onder de Participatiewet geldt.",
    "Wi art. 27; seed 001 hoofdstuk 5",
)
DOELGROEP = Regel(
    "doelgroep-geen-inspanningstoezicht",
    "Bij gezins- en overige migranten handhaaft de gemeente niet op de leerroute die zij zelf kozen; alleen op de "
    "brede intake, het PVT, de MAP, de voortgangsgesprekken en de vastgestelde ondersteuning.",
    "Wi art. 23; DOMAIN §2 stap 12; seed 002 tabel (Handhaving op de inspanningsverplichting)",
)
PIP_VASTGESTELD = Regel(
    "pip-niet-vastgesteld",
    "Een boete voor het PIP kan pas als het PIP is vastgesteld, en gaat over een gedraging op of na die datum.",
    "Wi art. 16 en 23",
)
PLICHT_BEEINDIGD = Regel(
    "plicht-beeindigd",
    "Na het einde van de inburgeringsplicht (of van het PIP) volgt geen boete meer.",
    "Wi art. 23 (alleen de inburgeringsplichtige)",
)
PROCEDURE = Regel(
    "procedure-volgorde",
    "De procedure volgt haar stappen: kandidaat, waarschuwing, voornemen met zienswijzetermijn, dan het besluit.",
    "Awb art. 4:8 en 5:53 (zienswijze); seed 002 tabel stap 3 (eerst een waarschuwing)",
)
ZIENSWIJZETERMIJN = Regel(
    "zienswijzetermijn-loopt",
    "Het boetebesluit volgt pas na de zienswijze of na het verstrijken van de zienswijzetermijn.",
    "Awb art. 4:8 en 5:53 lid 2",
)
BESLUIT_ONVERANDERLIJK = Regel(
    "besluit-onveranderlijk",
    "Een genomen besluit verandert niet; een correctie is een nieuw besluit dat naar het oude verwijst.",
    "Awb art. 1:3 en 6:18-6:19",
)
NIEUWE_TERMIJN = Regel(
    "nieuwe-termijn-verplicht",
    "Het boetebesluit over de brede intake stelt een nieuwe termijn om te verschijnen.",
    "Wi art. 14 en 23; seed 002 tabel stap 3",
)
BEZWAARTERMIJN = Regel(
    "bezwaartermijn",
    "Bezwaar binnen zes weken na de bekendmaking van het besluit; daarna alleen met een reden voor de late indiening.",
    "Awb art. 6:7, 6:8 en 6:11",
)
BEROEP_NA_BEZWAAR = Regel(
    "beroep-na-bezwaar",
    "Beroep staat open tegen de beslissing op bezwaar, binnen zes weken na haar bekendmaking.",
    "Awb art. 7:1, 8:1 en 6:7",
)
RECHTSMIDDEL_BESLISSING = Regel(
    "rechtsmiddel-beslissing",
    "Een deels gegrond bezwaar of beroep noemt het nieuwe, lagere bedrag; gegrond vernietigt de boete.",
    "Awb art. 7:11 en 8:72",
)


class Weigering(Unprocessable):
    """What the law forbids, as a 422 that names the rule (`regel`) and its source (`bron`)."""

    code = "handhaving-geweigerd"
    title = "Het verzoek is in strijd met een regel van de handhaving."

    def __init__(self, regel: Regel, detail: str, *, invalid_params: Iterable[InvalidParam] | None = None) -> None:
        super().__init__(
            f"{detail} ({regel.omschrijving} Bron: {regel.bron}.)",
            invalid_params=invalid_params,
            extra={"regel": regel.code, "bron": regel.bron},
        )
        self.regel = regel
        self.code = regel.code
