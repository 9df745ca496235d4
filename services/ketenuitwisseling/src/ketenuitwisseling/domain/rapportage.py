"""Which reports to DUO an event of an owning context gives, in DUO's contract for each item (handreiking-
gegevensverwerking-privacy.txt, "Gegevenslevering door gemeenten", items a–s; Wi art. 35 lid 3; Besluit art. 9.3 lid
2, 9.5 lid 4, 9.6 lid 4; DUO's item shapes: /work/notes/keten-spec.md, Changes 13:30).

Pure: an event type, its minimal `data` and what the exchange projected from earlier events (`Projectie`: ids, dates
and codes only) in, the items with their content out. The BSN and the NAW of item a are in none of them: the exchange
fetches them at the source (inburgeraar-api) at the moment it sends, only for DUO.

Every item has its owner: f's revised date is the provider's adjusted planned end (aanbieder-api, `voortgang-gemeld`)
or the gemeente's own change of the opdracht's planned end (aanbieder-api, `opdracht-gewijzigd`: the event names the
changed fields only, so the report says what to fetch at the source before it is sent, `Rapport.aanvullen`), i and j
the gemeente's judgement on a part not achieved (pip-api, `onderdeel-niet-behaald-beoordeeld`), q the circumstances
the gemeente recorded for a verlenging request (inburgeraar-api, `verlengingsomstandigheden-vastgelegd`).
Free text never goes: reasons and circumstances travel as codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

PREFIX = "nl.inburgering."

# Provider services whose opdracht is a part of the plicht DUO follows per part (items e–j for MAP, and the same for
# PVT, seed: "hetzelfde voor PVT").
PLICHTONDERDELEN = frozenset({"map", "pvt"})
# aanbieder-api's language services are DUO's leerroutes by the same name (items l, m, o); pip-api says `b1`.
TAALONDERDELEN = frozenset({"b1-route", "onderwijsroute", "z-route"})
_LEERROUTE = {"b1": "b1-route", "b1-route": "b1-route", "onderwijsroute": "onderwijsroute", "z-route": "z-route"}
_TAALNIVEAUS = frozenset({"A0", "A1", "A2", "B1", "B2", "C1"})


@dataclass(frozen=True)
class Rapport:
    item: str
    gegevens: dict[str, Any]
    # Where the rest of `gegevens` is at its source, fetched when the report is sent (`vul_aan`): ids and a version.
    aanvullen: dict[str, Any] | None = None


class Projectie(Protocol):
    """What the exchange remembers of earlier events, to complete a minimal one."""

    def opdracht(self, opdracht_id: str) -> Mapping[str, Any] | None: ...

    def boete(self, boete_id: str) -> Mapping[str, Any] | None: ...


class OnvolledigEventError(LookupError):
    """The event needs a fact from an earlier one that the exchange did not see (yet): retried, then dead-lettered,
    visible either way."""


def leerroute(waarde: str) -> str:
    return _LEERROUTE.get(waarde, waarde)


def _zonder_leeg(gegevens: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in gegevens.items() if v is not None}


def rapporten(  # noqa: PLR0911, PLR0912 - one arm per event type
    event_type: str, data: Mapping[str, Any], *, tijdstip: date, projectie: Projectie
) -> list[Rapport]:
    """The reports of one event; `tijdstip` is its date, for a fact whose event carries no date of its own (a
    provider's start)."""
    soort = event_type.removeprefix(PREFIX)
    match soort:
        case "inburgeraar.inburgeraar-geregistreerd":
            # Without a BSN DUO can file nothing: `bsn-vastgelegd` follows. The NAW is fetched when it is sent.
            return [Rapport("a", {})] if data.get("status") == "geregistreerd" else []
        case "inburgeraar.bsn-vastgelegd":
            return [Rapport("a", {})]
        case "inburgeraar.inburgeraar-gewijzigd":
            return [Rapport("a", {})] if "contact" in data.get("gewijzigdeVelden", []) else []
        case "inburgeraar.verlengingsomstandigheden-vastgelegd":
            return [Rapport("q", _q(data))]
        case "inburgeraar.plichtgegevens-ontvangen":
            if data.get("soort") == "certificaat":
                return [Rapport("p", {"ontvangen": True, "datum": data["ingangsdatum"]})]
            return []
        case "pip.pip-vastgesteld":
            pip_id, ingang = data["pipId"], data["ingangsdatum"]
            route = {"pipId": pip_id, "leerroute": leerroute(data["leerroute"]), "wijzigingsdatum": ingang}
            if data["versie"] == 1:
                return [
                    Rapport("b", {"pipId": pip_id, "vastgesteldOp": data["dagtekening"]}),
                    Rapport("k", _k(data, eerste=True)),
                    Rapport("n", route),
                ]
            return [
                Rapport("d", {"pipId": pip_id, "wijzigingsdatum": ingang, "omschrijving": f"versie {data['versie']}"}),
                Rapport("n", route),
            ]
        case "pip.pip-gewijzigd":
            velden = ", ".join(data["gewijzigdeVelden"]) or "onbekend"
            return [
                Rapport(
                    "d",
                    {
                        "pipId": data["pipId"],
                        "wijzigingsdatum": data["ingangsdatum"],
                        "omschrijving": f"versie {data['versie']}; gewijzigd: {velden}",
                    },
                )
            ]
        case "pip.leerroute-gewijzigd":
            return [
                Rapport("k", _k(data, eerste=False)),
                Rapport(
                    "n",
                    {
                        "pipId": data["pipId"],
                        "leerroute": leerroute(data["leerroute"]),
                        "wijzigingsdatum": data["ingangsdatum"],
                        "reden": f"van {leerroute(data['vorigeLeerroute'])} naar {leerroute(data['leerroute'])}",
                    },
                ),
            ]
        case "pip.pip-beeindigd":
            return [Rapport("c", {"pipId": data["pipId"], "datum": data["datum"], "redenen": [data["reden"]]})]
        case "pip.termijn-verstreken":
            # The term for establishing a PIP passed without one: the gemeente's offer stayed away (item r).
            if data.get("pipId") is None:
                reden = f"geen PIP vastgesteld binnen de termijn ({data['termijnsoort']})"
                return [Rapport("r", {"sinds": data["einddatum"], "reden": reden})]
            return []
        case "pip.onderdeel-niet-behaald-beoordeeld":
            onderdeel = data["onderdeel"]
            return [
                Rapport("i", {"onderdeel": onderdeel, "redenen": list(data["redenen"])}),
                Rapport("j", {"onderdeel": onderdeel, "verwijtbaar": data["verwijtbaar"]}),
            ]
        case "aanbieder.opdracht-verstrekt":
            return _opdracht(data)
        case "aanbieder.opdracht-gewijzigd":
            return _einddatum_gewijzigd(data)
        case "aanbieder.voortgang-gemeld":
            return _start(data, tijdstip, projectie)
        case "aanbieder.resultaat-behaald" | "aanbieder.resultaat-niet-behaald":
            return _resultaat(data, behaald=not soort.endswith("niet-behaald"))
        case "handhaving.boete-opgelegd":
            return [Rapport("s", _boete(data))]
        case "handhaving.boete-gewijzigd":
            return [Rapport("s", _boete_gewijzigd(data, projectie))]
    return []


def _k(data: Mapping[str, Any], *, eerste: bool) -> dict[str, Any]:
    return {
        "pipId": data["pipId"],
        "leerroute": leerroute(data["leerroute"]),
        "taalniveau": data["taalniveau"],
        "ingangsdatum": data["ingangsdatum"],
        "eerstePip": eerste,
    }


def _opdracht(data: Mapping[str, Any]) -> list[Rapport]:
    onderdeel = data["onderdeel"]
    start, einde = data["geplandeStartdatum"], data["geplandeEinddatum"]
    if onderdeel in PLICHTONDERDELEN:
        return [
            Rapport("e", {"onderdeel": onderdeel, "startGepland": start}),
            Rapport("f", {"onderdeel": onderdeel, "uitersteDatum": einde, "bijgesteld": False}),
        ]
    if onderdeel in TAALONDERDELEN:
        soort = "taalschakeltraject" if onderdeel == "onderwijsroute" else "cursus"
        return [Rapport("l", {"soort": soort, "startdatum": start, "beoogdeEinddatum": einde})]
    return []


# The wire name of the opdracht's planned end in aanbieder-api's `gewijzigdeVelden`.
EINDDATUM = "geplandeEinddatum"


def _einddatum_gewijzigd(data: Mapping[str, Any]) -> list[Rapport]:
    """The gemeente moved a MAP's or PVT's planned end: DUO's "uiterste datum, bijgesteld" (item f). Which date is
    in the opdracht's version this event made, not in the event: the version is fetched, so a later change cannot
    slip into this report."""
    onderdeel = data["onderdeel"]
    if onderdeel not in PLICHTONDERDELEN or EINDDATUM not in data.get("gewijzigdeVelden", []):
        return []
    bron = {"opdrachtId": str(data["opdrachtId"]), "versie": int(data["versie"])}
    return [Rapport("f", {"onderdeel": onderdeel, "bijgesteld": True}, aanvullen=bron)]


def vul_aan(item: str, gegevens: Mapping[str, Any], inhoud: Mapping[str, Any]) -> dict[str, Any]:
    """A report's `gegevens` completed with the fetched content of the opdracht version it names."""
    if item != "f":
        raise ValueError(f"item {item} wordt niet aangevuld")
    einde = inhoud.get(EINDDATUM)
    if not einde:
        raise OnvolledigEventError(f"opdrachtversie zonder {EINDDATUM}")
    return {**gegevens, "uitersteDatum": einde}


def _start(data: Mapping[str, Any], tijdstip: date, projectie: Projectie) -> list[Rapport]:
    onderdeel, soort = data["onderdeel"], data.get("soort")
    # The provider's adjusted planned end of a MAP or PVT is DUO's "uiterste datum, bijgesteld" (item f).
    bijgesteld = (
        [Rapport("f", {"onderdeel": onderdeel, "uitersteDatum": data["geplandeEinddatum"], "bijgesteld": True})]
        if onderdeel in PLICHTONDERDELEN and soort in {"start", "planning"} and data.get("geplandeEinddatum")
        else []
    )
    if soort != "start":
        return bijgesteld
    # Events from before aanbieder-api carried the start date had only their own day to go by.
    gestart = data.get("datum") or tijdstip.isoformat()
    if onderdeel in PLICHTONDERDELEN:
        opdracht = projectie.opdracht(str(data["opdrachtId"]))
        if opdracht is None:
            raise OnvolledigEventError(f"opdracht {data['opdrachtId']}: geplande start onbekend")
        gegevens = {"onderdeel": onderdeel, "startGepland": opdracht["geplandeStartdatum"]}
        return [Rapport("e", {**gegevens, "startGerealiseerd": gestart}), *bijgesteld]
    if onderdeel in TAALONDERDELEN:
        return [Rapport("o", {"leerroute": onderdeel, "startdatum": gestart})]
    return []


def _q(data: Mapping[str, Any]) -> dict[str, Any]:
    return _zonder_leeg(
        {
            "verzoekdatum": data["verzoekdatum"],
            "omstandigheden": list(data["omstandigheden"]),
            "gevraagdeEinddatum": data.get("gevraagdeEinddatum"),
        }
    )


def _resultaat(data: Mapping[str, Any], *, behaald: bool) -> list[Rapport]:
    onderdeel = data["onderdeel"]
    if onderdeel in PLICHTONDERDELEN:
        if data.get("soort") != "eindresultaat":
            return []
        rapporten = [Rapport("g", {"onderdeel": onderdeel, "gehaald": behaald})]
        if behaald:
            rapporten.append(Rapport("h", {"onderdeel": onderdeel, "datumBehaald": data["datum"]}))
        return rapporten
    if onderdeel == "onderwijsroute":
        niveau = data.get("niveau")
        return [
            Rapport(
                "m",
                _zonder_leeg(
                    {
                        "resultaat": "behaald" if behaald else "niet-behaald",
                        "datum": data["datum"],
                        "niveau": niveau if niveau in _TAALNIVEAUS else None,
                    }
                ),
            )
        ]
    return []


def _boete(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "boeteId": data["boeteId"],
        "besluitdatum": data["besluitDatum"],
        "bedrag": data["bedrag"],
        "reden": f"{data['categorie']}: {data['soort']}",
    }


def _rechtsmiddelstatus(data: Mapping[str, Any]) -> str:
    beslissing = data.get("beslissing")
    if beslissing in {"gegrond", "deels-gegrond"}:
        return "gegrond"
    if beslissing == "ongegrond":
        return "ongegrond"
    if "ingetrokken" in str(data.get("rechtsmiddelstatus")):
        return "ingetrokken"
    if "niet-ontvankelijk" in str(data.get("rechtsmiddelstatus")):
        return "niet-ontvankelijk"
    return "ingediend"


def _boete_gewijzigd(data: Mapping[str, Any], projectie: Projectie) -> dict[str, Any]:
    boete = projectie.boete(str(data["boeteId"]))
    if boete is None:
        raise OnvolledigEventError(f"boete {data['boeteId']}: besluit onbekend")
    rechtsmiddel = "beroep" if data.get("rechtsmiddel") == "beroep" else "bezwaar"
    return {
        "boeteId": data["boeteId"],
        "besluitdatum": boete["besluitdatum"],
        "bedrag": data["bedrag"],
        "reden": boete["reden"],
        rechtsmiddel: _rechtsmiddelstatus(data),
    }


def projectie_van(event_type: str, data: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
    """What of this event to remember for later ones: (kind, id, facts), ids, dates and codes only."""
    soort = event_type.removeprefix(PREFIX)
    if soort == "aanbieder.opdracht-verstrekt":
        return "opdracht", str(data["opdrachtId"]), {"geplandeStartdatum": data["geplandeStartdatum"]}
    if soort == "handhaving.boete-opgelegd":
        gegevens = _boete(data)
        return "boete", str(data["boeteId"]), {"besluitdatum": gegevens["besluitdatum"], "reden": gegevens["reden"]}
    return None
