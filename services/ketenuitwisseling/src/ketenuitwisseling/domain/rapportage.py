"""Which reports to DUO an event of an owning context gives (handreiking-gegevensverwerking-privacy.txt,
"Gegevenslevering door gemeenten", items a–s; Wi art. 35 lid 3; Besluit art. 9.3 lid 2, 9.5 lid 4, 9.6 lid 4).

Pure: an event type and its minimal `data` in, the items with their content out. The BSN is in none of them: the
exchange fetches it at the source (inburgeraar-api) at the moment it sends, only for DUO.

Not covered, because no context holds the data yet (see `ONTBREKEND`): i (reasons an exam part was not passed: the
provider reports them to aanbieder-api, whose events do not carry them), j (verwijtbaar or not: a handhaving-api
decision it does not record yet), q (circumstances behind a verlenging request: inburgeraar-api should keep them
beside the request DUO reports), and the NAW part of a (inburgeraar-api holds contact details, not a structured
name and address).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

PREFIX = "nl.inburgering."

# Provider services whose opdracht is a part of the plicht DUO follows per part (items e–j for MAP, and the same for
# PVT, seed: "de Map ... hetzelfde voor PVT").
PLICHTONDERDELEN = frozenset({"map", "pvt"})
# The language parts of a leerroute (items l, m, o).
TAALONDERDELEN = frozenset({"b1-route", "onderwijsroute", "z-route"})

ONTBREKEND: Mapping[str, str] = {
    "a": "NAW: inburgeraar-api houdt contactgegevens, geen gestructureerde naam en adres (eigenaar: inburgeraar-api)",
    "i": "redenen niet behalen MAP/PVT: niet in de events van aanbieder-api (eigenaar: aanbieder-api)",
    "j": "verwijtbaar/niet verwijtbaar: nog geen besluit in handhaving-api (eigenaar: handhaving-api)",
    "q": "omstandigheden achter een verzoek tot verlenging: nergens vastgelegd (eigenaar: inburgeraar-api)",
}


@dataclass(frozen=True)
class Rapport:
    item: str
    gegevens: dict[str, Any]


def _zonder_leeg(gegevens: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in gegevens.items() if v is not None}


def rapporten(event_type: str, data: Mapping[str, Any], *, tijdstip: date) -> list[Rapport]:  # noqa: PLR0911, PLR0912 - one arm per event type
    """The reports `data` of an event of `event_type` gives; `tijdstip` is the event's date, for facts whose event
    carries none of its own (a provider's start)."""
    soort = event_type.removeprefix(PREFIX)
    match soort:
        case "inburgeraar.inburgeraar-geregistreerd":
            if data.get("status") != "geregistreerd":
                return []  # without a BSN there is nothing DUO can file it under; `bsn-vastgelegd` follows
            return [Rapport("a", _registratie(data))]
        case "inburgeraar.bsn-vastgelegd":
            return [Rapport("a", {})]
        case "inburgeraar.plichtgegevens-ontvangen":
            if data.get("soort") == "certificaat":
                return [Rapport("p", {"certificaatOntvangen": True, "datum": data["ingangsdatum"]})]
            return []
        case "pip.pip-vastgesteld":
            route = {
                "leerroute": data["leerroute"],
                "routeverplichting": data["routeverplichting"],
                "ingangsdatum": data["ingangsdatum"],
                "pipVersie": data["versie"],
            }
            if data["versie"] == 1:
                return [
                    Rapport("b", {"datumVastgesteld": data["dagtekening"], "ingangsdatum": data["ingangsdatum"]}),
                    Rapport("k", {"leerroute": data["leerroute"], "taalniveau": data["taalniveau"], "eerstePip": True}),
                    Rapport("n", route),
                ]
            return [
                Rapport("d", {"pipVersie": data["versie"], "ingangsdatum": data["ingangsdatum"]}),
                Rapport("n", route),
            ]
        case "pip.pip-gewijzigd":
            return [
                Rapport(
                    "d",
                    {
                        "pipVersie": data["versie"],
                        "ingangsdatum": data["ingangsdatum"],
                        "gewijzigdeVelden": list(data["gewijzigdeVelden"]),
                    },
                )
            ]
        case "pip.leerroute-gewijzigd":
            return [
                Rapport(
                    "k",
                    {
                        "leerroute": data["leerroute"],
                        "taalniveau": data["taalniveau"],
                        "vorigeLeerroute": data["vorigeLeerroute"],
                        "eerstePip": False,
                    },
                ),
                Rapport(
                    "n",
                    {
                        "leerroute": data["leerroute"],
                        "routeverplichting": data["routeverplichting"],
                        "ingangsdatum": data["ingangsdatum"],
                        "pipVersie": data["versie"],
                    },
                ),
            ]
        case "pip.pip-beeindigd":
            return [Rapport("c", {"datum": data["datum"], "reden": data["reden"]})]
        case "pip.termijn-verstreken":
            # The term for establishing a PIP passed without one: the gemeente's offer stayed away (item r).
            if data.get("pipId") is None:
                return [Rapport("r", {"termijnsoort": data["termijnsoort"], "einddatum": data["einddatum"]})]
            return []
        case "aanbieder.opdracht-verstrekt" | "aanbieder.opdracht-gewijzigd":
            return _opdracht(data, gewijzigd=soort.endswith("gewijzigd"))
        case "aanbieder.voortgang-gemeld":
            if data.get("soort") != "start":
                return []
            onderdeel = data["onderdeel"]
            if onderdeel in PLICHTONDERDELEN:
                return [Rapport("e", {"onderdeel": onderdeel, "startGerealiseerd": tijdstip.isoformat()})]
            if onderdeel in TAALONDERDELEN:
                return [Rapport("o", {"onderdeel": onderdeel, "startGerealiseerd": tijdstip.isoformat()})]
            return []
        case "aanbieder.resultaat-behaald" | "aanbieder.resultaat-niet-behaald":
            return _resultaat(data, behaald=soort.endswith("-behaald") and not soort.endswith("niet-behaald"))
        case "handhaving.boete-opgelegd":
            return [
                Rapport(
                    "s",
                    _zonder_leeg(
                        {
                            "boeteId": data["boeteId"],
                            "categorie": data["categorie"],
                            "bedrag": data["bedrag"],
                            "besluitDatum": data["besluitDatum"],
                            "vervangtId": data.get("vervangtId"),
                        }
                    ),
                )
            ]
        case "handhaving.boete-gewijzigd":
            return [
                Rapport(
                    "s",
                    _zonder_leeg(
                        {
                            "boeteId": data["boeteId"],
                            "bedrag": data["bedrag"],
                            "status": data["status"],
                            "rechtsmiddel": data["rechtsmiddel"],
                            "rechtsmiddelstatus": data["rechtsmiddelstatus"],
                            "beslissing": data.get("beslissing"),
                            "datum": data["datum"],
                        }
                    ),
                )
            ]
    return []


def _registratie(data: Mapping[str, Any]) -> dict[str, Any]:
    return _zonder_leeg(
        {
            "doelgroep": data.get("doelgroep"),
            "datumKoppeling": data.get("datumKoppeling"),
            "datumInschrijvingBrp": data.get("datumInschrijvingBrp"),
        }
    )


def _opdracht(data: Mapping[str, Any], *, gewijzigd: bool) -> list[Rapport]:
    onderdeel = data.get("onderdeel")
    start, einde = data.get("geplandeStartdatum"), data.get("geplandeEinddatum")
    if onderdeel in PLICHTONDERDELEN:
        rapporten = []
        if start is not None:
            rapporten.append(Rapport("e", {"onderdeel": onderdeel, "startGepland": start}))
        if einde is not None:
            sleutel = "uitersteDatumBijgesteld" if gewijzigd else "uitersteDatumGepland"
            rapporten.append(Rapport("f", {"onderdeel": onderdeel, sleutel: einde}))
        return rapporten
    if onderdeel in TAALONDERDELEN and (start is not None or einde is not None):
        return [Rapport("l", _zonder_leeg({"onderdeel": onderdeel, "startGepland": start, "eindeBeoogd": einde}))]
    return []


def _resultaat(data: Mapping[str, Any], *, behaald: bool) -> list[Rapport]:
    onderdeel = data["onderdeel"]
    if onderdeel in PLICHTONDERDELEN:
        if data.get("soort") != "eindresultaat":
            return []
        rapporten = [Rapport("g", {"onderdeel": onderdeel, "behaald": behaald})]
        if behaald:
            rapporten.append(Rapport("h", {"onderdeel": onderdeel, "datum": data["datum"]}))
        return rapporten
    if onderdeel in TAALONDERDELEN:
        uitslag = "behaald" if behaald else "niet-behaald"
        return [
            Rapport(
                "m",
                _zonder_leeg(
                    {
                        "onderdeel": onderdeel,
                        "soort": data.get("soort"),
                        "uitslag": uitslag,
                        "datum": data["datum"],
                        "niveau": data.get("niveau"),
                    }
                ),
            )
        ]
    return []
