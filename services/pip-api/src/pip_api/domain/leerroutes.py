"""The leerroute rules (DOMAIN §2 step 8). Every refusal names its rule and that rule's source.

The checks are pure: the service layer passes the facts (the termijn start, the hours the providers reported,
the grounds) and turns nothing into a side effect before they pass.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from inburgering_kit.problems import InvalidParam, Unprocessable, invalid
from pip_api.domain.enums import Doelgroep, Examenonderdeel, Leerroute, Routeverplichting
from pip_api.domain.regels import REGELS, Regel, Regelset

BRON_AANBOD = (
    "Wet inburgering 2021 art. 16; gemeentelijk-beleidsplan-inburgering.txt (gezins- en overige migranten: "
    "de gemeente biedt de leerroute aan, zij kiezen en betalen zelf)"
)
_BRON_INTENSITEIT = "Wet inburgering 2021 art. 16 lid 2; DOMAIN §2 stap 7 (intensiteit alleen voor asielmigranten)"
_BRON_MAP = "Wet inburgering 2021 art. 7 lid 1 onder c; DOMAIN §2 stap 10 (MAP voor de B1- en de Z-route)"


class RegelGeschonden(Unprocessable):
    """A refusal by a rule of the plan context; the problem names the rule and its legal source."""

    code = "regel-geschonden"
    title = "Het verzoek is in strijd met een regel van de Wet inburgering."

    def __init__(self, regel: str, bron: str, detail: str, invalid_params: list[InvalidParam] | None = None) -> None:
        super().__init__(f"{detail} ({bron})", invalid_params=invalid_params, extra={"regel": regel, "bron": bron})
        self.regel = regel
        self.bron = bron

    @classmethod
    def van(cls, regel: Regel, detail: str, invalid_params: list[InvalidParam] | None = None) -> RegelGeschonden:
        return cls(regel.naam, regel.bron, detail, invalid_params)


class RoutewisselGeweigerd(RegelGeschonden):
    code = "routewissel-geweigerd"
    title = "De leerroute mag niet worden gewisseld."


class AfschalenGeweigerd(RegelGeschonden):
    code = "afschalen-geweigerd"
    title = "De B1-route mag niet worden afgeschaald."


class ZRouteOnvolledig(RegelGeschonden):
    code = "z-route-onvolledig"
    title = "De Z-route bevat niet de wettelijke uren."


class IntensiteitNietToegestaan(RegelGeschonden):
    code = "intensiteit-niet-toegestaan"
    title = "Een intensiteit wordt alleen voor asielmigranten afgesproken."


class MapNietInRoute(RegelGeschonden):
    code = "map-niet-in-route"
    title = "De MAP hoort alleen bij de B1- en de Z-route."


def _grond_ontbreekt(grond: str | None) -> bool:
    return grond is None or not grond.strip()


def routeverplichting(doelgroep: Doelgroep) -> Routeverplichting:
    """For gezins- and overige migranten the route is an offer, not an obligation towards the gemeente."""
    return Routeverplichting.VERPLICHTING if doelgroep is Doelgroep.ASIELMIGRANT else Routeverplichting.AANBOD


def controleer_routewissel(
    *,
    huidige: Leerroute,
    nieuwe: Leerroute,
    termijnstart: date | None,
    wisseldatum: date,
    grond: str | None,
    regels: Regelset = REGELS,
) -> None:
    """A switch is allowed only within the window from the termijn start, and never without grounds."""
    venster = regels.routewissel_venster
    if nieuwe is huidige:
        raise RoutewisselGeweigerd.van(
            venster, f"De nieuwe leerroute is gelijk aan de huidige ({huidige})", [invalid("leerroute", "ongewijzigd")]
        )
    if _grond_ontbreekt(grond):
        raise RoutewisselGeweigerd.van(
            venster,
            "Een routewissel moet onderbouwd zijn",
            [invalid("routewisselGrond", "ontbreekt", "grond-ontbreekt")],
        )
    if termijnstart is None:
        # Without a termijn start there is no window to be inside of; that only happens before the first
        # vaststelling, and a concept is edited, not switched.
        raise RoutewisselGeweigerd.van(venster, "De inburgeringstermijn is nog niet gestart")
    einde = venster.na(termijnstart)
    if wisseldatum < termijnstart or wisseldatum > einde:
        raise RoutewisselGeweigerd.van(
            venster,
            f"Wisselen kan alleen van {termijnstart} tot en met {einde} "
            f"({venster.waarde} {venster.eenheid} na de start van de inburgeringstermijn)",
            [invalid("ingangsdatum", f"ligt buiten {termijnstart} - {einde}", "buiten-venster")],
        )


def controleer_afschalen(
    *,
    leerroute: Leerroute,
    onderdelen: Collection[Examenonderdeel],
    taaluren: int | None,
    grond: str | None,
    regels: Regelset = REGELS,
) -> None:
    """Afschalen B1 → A2 on named exam parts, only after enough hours of language teaching and with grounds."""
    regel = regels.afschalen_min_taaluren
    if leerroute is not Leerroute.B1:
        raise AfschalenGeweigerd.van(regel, f"Alleen de B1-route wordt afgeschaald, niet de {leerroute}")
    if not onderdelen:
        raise AfschalenGeweigerd.van(
            regel, "Afschalen gebeurt per genoemd examenonderdeel", [invalid("afschaling.onderdelen", "leeg")]
        )
    if _grond_ontbreekt(grond):
        raise AfschalenGeweigerd.van(
            regel, "Afschalen moet onderbouwd zijn", [invalid("afschaling.grond", "ontbreekt", "grond-ontbreekt")]
        )
    if taaluren is None or taaluren < regel.waarde:
        raise AfschalenGeweigerd.van(
            regel,
            f"Afschalen kan pas na {regel.waarde} uur taalonderwijs; gerealiseerd: {taaluren or 0}",
            [invalid("afschaling.gerealiseerdeTaaluren", f"minder dan {regel.waarde}", "te-weinig-uren")],
        )


def controleer_z_route(*, taaluren: int | None, participatieuren: int | None, regels: Regelset = REGELS) -> None:
    """A Z-route plans the legal hours of language and of participation."""
    fouten: list[InvalidParam] = []
    taal, participatie = regels.z_route_taaluren, regels.z_route_participatieuren
    if taaluren is None or taaluren < taal.waarde:
        fouten.append(invalid("zRoute.taaluren", f"minder dan {taal.waarde}", "te-weinig-uren"))
    if participatieuren is None or participatieuren < participatie.waarde:
        fouten.append(invalid("zRoute.participatieuren", f"minder dan {participatie.waarde}", "te-weinig-uren"))
    if fouten:
        raise ZRouteOnvolledig.van(
            taal, f"Een Z-route omvat {taal.waarde} uur taal en {participatie.waarde} uur participatie", fouten
        )


def controleer_intensiteit(doelgroep: Doelgroep, intensiteit: object | None) -> None:
    if intensiteit is not None and doelgroep is not Doelgroep.ASIELMIGRANT:
        raise IntensiteitNietToegestaan(
            "intensiteit-alleen-asielmigranten",
            _BRON_INTENSITEIT,
            f"Voor een {doelgroep} wordt geen intensiteit afgesproken",
            [invalid("intensiteit", "alleen voor asielmigranten")],
        )


def controleer_map(leerroute: Leerroute, heeft_map: bool) -> None:
    if heeft_map and leerroute is Leerroute.ONDERWIJSROUTE:
        raise MapNietInRoute(
            "map-alleen-b1-en-z-route",
            _BRON_MAP,
            "De onderwijsroute kent geen MAP",
            [invalid("map", "niet in de onderwijsroute")],
        )
