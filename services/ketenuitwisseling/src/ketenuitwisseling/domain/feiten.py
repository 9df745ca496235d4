"""How a fact fetched from a partner becomes a command to the context that owns it (DOMAIN §3 "From DUO", "From
COA"; handreiking-gegevensverwerking-privacy.txt, the DUO → gemeente tables). Pure: the fact in, the command out.

The partner's `gegevens` are handed on as the owner's contract names them (see /work/notes/keten-spec.md, Changes):
the owner validates them, and its refusal is what the exchange records, so there is one judge of the content.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class OnbekendFeitError(ValueError):
    """A soort the exchange does not know how to hand on: kept visible, never guessed at."""


@dataclass(frozen=True)
class Plichtmutaties:
    """Facts for the plicht history in inburgeraar-api (one fact may set several termijnen)."""

    bsn: str
    mutaties: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class DuoBoete:
    bsn: str
    kenmerk: str
    besluit_datum: str
    bedrag: int
    reden: str


@dataclass(frozen=True)
class Verhuizing:
    """DUO's notice that a plichtige moved from one gemeente to another (DUO tells both): the new gemeente registers
    the person (issue 13 point 1) and the dossier transfer starts (Besluit art. 9.4 lid 4, `services.overdracht`)."""

    vorige_gemeentecode: str | None
    nieuwe_gemeentecode: str | None
    verhuisdatum: str | None
    bsn: str = ""


@dataclass(frozen=True)
class Koppeling:
    coa_id: str
    bsn: str | None
    doelgroep: str
    datum_koppeling: str
    nareiziger: bool


@dataclass(frozen=True)
class BsnBekend:
    coa_id: str
    bsn: str


@dataclass(frozen=True)
class Klantprofiel:
    coa_id: str
    versie: int
    profiel: dict[str, Any]


Opdracht = Plichtmutaties | DuoBoete | Verhuizing | Koppeling | BsnBekend | Klantprofiel

# Facts that replace what an earlier one of the same soort said about the person: one that is older (a lower
# volgnummer) than one already applied is skipped, so it never overwrites the newer.
VERVANGEND = frozenset({("coa", "koppeling"), ("coa", "klantprofiel")})

# DUO's examenonderdelen and vrijstelling parts that are a PlichtOnderdeel in inburgeraar-api.
_ONDERDELEN = frozenset({"lezen", "luisteren", "schrijven", "spreken", "knm", "pvt", "map"})
_TERMIJNEN = {"termijnInburgering": "ibp", "termijnPvt": "pvt", "termijnMap": "map"}


class _Mutaties:
    """Builds inburgeraar-api plicht mutations of one DUO fact: each with DUO as source and the fact id as kenmerk."""

    def __init__(self, feit: Mapping[str, Any]) -> None:
        self.kenmerk = str(feit["id"])
        self.registratiedatum = str(feit["registratiedatum"])

    def __call__(self, soort: str, ingangsdatum: str | None = None, **velden: Any) -> dict[str, Any]:
        return {
            "soort": soort,
            "bron": "DUO",
            "kenmerk": self.kenmerk,
            "ingangsdatum": ingangsdatum or self.registratiedatum,
            **{k: v for k, v in velden.items() if v is not None},
        }


def _kort(tekst: Any, lengte: int = 200) -> str | None:
    return str(tekst)[:lengte] if tekst else None


def _plicht(soort: str, feit: Mapping[str, Any], g: Mapping[str, Any]) -> tuple[dict[str, Any], ...] | None:  # noqa: PLR0911, PLR0912 - one arm per soort
    """DUO's fact (its stand-in's contract, services/duo-standin `api/soorten.py`) as inburgeraar-api's mutations."""
    m = _Mutaties(feit)
    match soort:
        case "plicht-vastgesteld":
            start = g["startdatum"]
            return (
                m("plicht-vastgesteld", start, doelgroep=g.get("doelgroep")),
                *(
                    m("termijn-vastgesteld", start, termijn=termijn, einddatum=g[veld],
                      begindatum=start if termijn == "ibp" else None)
                    for veld, termijn in _TERMIJNEN.items()
                    if g.get(veld)
                ),
            )  # fmt: skip
        case "plicht-gewijzigd":
            if g.get("plichtBeeindigd"):
                return (m("plicht-vervallen", g.get("ingangsdatum"), reden=g.get("reden")),)
            # Without a new doelgroep the change is one of verblijfsdoel (DUO's own example).
            verblijfsdoel = None if g.get("doelgroep") else _kort(g.get("reden"))
            return (
                m("plicht-gewijzigd", g.get("ingangsdatum"), doelgroep=g.get("doelgroep"),
                  verblijfsdoel=verblijfsdoel, reden=g.get("reden")),
            )  # fmt: skip
        case "vrijstelling":
            geheel = g.get("omvang") in {"geheel", "gehele"}
            onderdelen = [o for o in g.get("onderdelen", []) if o in _ONDERDELEN]
            # No reden: an exemption's grounds may be medical, and those are recorded nowhere (DOMAIN §4).
            return (
                m("vrijstelling", g.get("ingangsdatum"), omvang="gehele" if geheel else "gedeeltelijke",
                  onderdelen=None if geheel else onderdelen),
            )  # fmt: skip
        case "ontheffing":
            return (m("ontheffing", g.get("ingangsdatum"), omvang="gehele"),)
        case "aangepaste-examenomstandigheden":
            return (m(soort, g.get("ingangsdatum"), aanpassingen=g.get("omschrijving") or g.get("aanpassingen")),)
        case "recht-maatschappelijke-begeleiding":
            return (m(soort, g.get("ingangsdatum"), recht=g["recht"]),)
        case "termijnen-gewijzigd":
            return tuple(
                m("termijn-gewijzigd", None, termijn=termijn, nieuweEinddatum=g[veld], reden=g.get("reden") or "DUO")
                for veld, termijn in _TERMIJNEN.items()
                if g.get(veld)
            )
        case "examenresultaat":
            behaald = g["resultaat"] == "behaald" if "resultaat" in g else bool(g.get("behaald"))
            return (
                m(soort, g["examendatum"], onderdeel=g["onderdeel"], examendatum=g["examendatum"], behaald=behaald,
                  poging=g.get("poging"), niveau=g.get("niveau")),
            )  # fmt: skip
        case "diploma":
            return (m(soort, g["diplomadatum"], diplomadatum=g["diplomadatum"], niveau=g.get("niveau")),)
        case "certificaat":
            return (m(soort, g["certificaatdatum"], certificaatdatum=g["certificaatdatum"]),)
        case "verlenging-aangevraagd":
            # DUO extends the inburgeringstermijn as a whole (Wi art. 7 lid 3).
            return (
                m(soort, g["aanvraagdatum"], termijn="ibp", aanvraagdatum=g["aanvraagdatum"], reden=g.get("reden")),
            )
        case "verlenging-besloten":
            if g["besluit"] == "afgewezen":
                return (m("verlenging-afgewezen", g.get("besluitdatum"), termijn="ibp", reden=g.get("reden")),)
            return (
                m("verlenging", g.get("besluitdatum"), termijn="ibp", nieuweEinddatum=g["nieuweEinddatum"],
                  reden=g.get("reden") or "verlenging toegekend door DUO"),
            )  # fmt: skip
    return None


def opdracht(bron: str, feit: Mapping[str, Any]) -> Opdracht:
    soort = str(feit["soort"])
    gegevens: Mapping[str, Any] = feit.get("gegevens") or {}
    persoon: Mapping[str, Any] = feit.get("persoon") or {}
    if bron == "duo":
        bsn = str(persoon.get("bsn") or "")
        if (mutaties := _plicht(soort, feit, gegevens)) is not None:
            return Plichtmutaties(bsn, mutaties)
        if soort == "boete-opgelegd":
            return DuoBoete(
                bsn=bsn,
                kenmerk=str(gegevens.get("kenmerk") or feit["id"]),
                besluit_datum=str(gegevens.get("besluitdatum") or gegevens["besluitDatum"]),
                bedrag=int(gegevens["bedrag"]),
                reden=str(gegevens.get("reden") or "onbekend")[:200],
            )
        if soort == "verhuisd":
            return Verhuizing(
                vorige_gemeentecode=gegevens.get("vorigeGemeentecode"),
                nieuwe_gemeentecode=gegevens.get("nieuweGemeentecode"),
                verhuisdatum=gegevens.get("verhuisdatum"),
                bsn=bsn,
            )
    if bron == "coa":
        coa_id = str(persoon.get("coaId") or gegevens.get("coaId") or "")
        if soort == "koppeling":
            return Koppeling(
                coa_id=coa_id,
                bsn=persoon.get("bsn") or gegevens.get("bsn"),
                doelgroep=str(gegevens.get("doelgroep") or "asielmigrant"),
                datum_koppeling=str(gegevens.get("datumKoppeling") or feit["registratiedatum"]),
                nareiziger=bool(gegevens.get("nareiziger", False)),
            )
        if soort == "bsn-bekend":
            return BsnBekend(coa_id, str(gegevens.get("bsn") or persoon.get("bsn") or ""))
        if soort == "klantprofiel":
            profiel = gegevens.get("profiel")
            if not isinstance(profiel, dict):
                profiel = {k: v for k, v in gegevens.items() if k not in {"versie", "coaId"}}
            return Klantprofiel(coa_id, int(gegevens.get("versie") or feit["volgnummer"]), profiel)
    raise OnbekendFeitError(f"{bron}: soort {soort!r} is niet bekend bij de ketenuitwisseling")


def partner_persoon_id(bron: str, feit: Mapping[str, Any]) -> str | None:
    persoon: Mapping[str, Any] = feit.get("persoon") or {}
    key = "duoId" if bron == "duo" else "coaId"
    waarde = persoon.get(key) or (feit.get("gegevens") or {}).get(key)
    return str(waarde) if waarde else None
