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
    """DUO's notice that a plichtige moved to another gemeente: the transfer itself (Besluit art. 9.4 lid 4) is a
    klantregisseur's work list item until the overdracht between gemeenten exists (issue 15)."""

    nieuwe_gemeentecode: str | None


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

# DUO soorten that are a plicht mutation of the same name in inburgeraar-api.
_PLICHT_ZELFDE = frozenset(
    {
        "plicht-vastgesteld", "plicht-gewijzigd", "plicht-vervallen", "vrijstelling", "ontheffing",
        "aangepaste-examenomstandigheden", "recht-maatschappelijke-begeleiding", "examenresultaat", "diploma",
        "certificaat", "verlenging-aangevraagd",
    }
)  # fmt: skip

# Facts that replace what an earlier one of the same soort said about the person: one that is older (a lower
# volgnummer) than one already applied is skipped, so it never overwrites the newer.
VERVANGEND = frozenset({("coa", "koppeling"), ("coa", "klantprofiel"), ("duo", "verhuisd")})


def _mutatie(soort: str, feit: Mapping[str, Any], gegevens: Mapping[str, Any]) -> dict[str, Any]:
    rest = {k: v for k, v in gegevens.items() if k != "ingangsdatum"}
    return {
        "soort": soort,
        "bron": "DUO",
        "kenmerk": str(feit["id"]),
        "ingangsdatum": gegevens.get("ingangsdatum") or feit["registratiedatum"],
        **rest,
    }


def _termijn(feit: Mapping[str, Any], termijn: Mapping[str, Any]) -> dict[str, Any]:
    soort = "termijn-gewijzigd" if "nieuweEinddatum" in termijn else "termijn-vastgesteld"
    return _mutatie(soort, feit, termijn)


def opdracht(bron: str, feit: Mapping[str, Any]) -> Opdracht:  # noqa: PLR0911 - one arm per soort
    soort = str(feit["soort"])
    gegevens: Mapping[str, Any] = feit.get("gegevens") or {}
    persoon: Mapping[str, Any] = feit.get("persoon") or {}
    if bron == "duo":
        bsn = str(persoon.get("bsn") or "")
        if soort in _PLICHT_ZELFDE:
            return Plichtmutaties(bsn, (_mutatie(soort, feit, gegevens),))
        if soort == "termijnen-gewijzigd":
            termijnen = gegevens.get("termijnen")
            lijst = termijnen if isinstance(termijnen, list) else [gegevens]
            return Plichtmutaties(bsn, tuple(_termijn(feit, t) for t in lijst))
        if soort == "verlenging-besloten":
            besluit = {k: v for k, v in gegevens.items() if k != "besluit"}
            if gegevens.get("besluit") == "afgewezen":
                besluit.pop("nieuweEinddatum", None)
                return Plichtmutaties(bsn, (_mutatie("verlenging-afgewezen", feit, besluit),))
            return Plichtmutaties(bsn, (_mutatie("verlenging", feit, besluit),))
        if soort == "boete-opgelegd":
            return DuoBoete(
                bsn=bsn,
                kenmerk=str(gegevens.get("kenmerk") or feit["id"]),
                besluit_datum=str(gegevens["besluitDatum"]),
                bedrag=int(gegevens["bedrag"]),
                reden=str(gegevens.get("reden") or "onbekend"),
            )
        if soort == "verhuisd":
            nieuw = gegevens.get("nieuweGemeentecode") or gegevens.get("gemeentecode")
            return Verhuizing(str(nieuw) if nieuw else None)
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
