"""COA's TVS klantprofiel (its stand-in's contract, services/coa-standin `api/soorten.py`) as inburgeraar-api's
structured klantprofiel (DOMAIN §3 "From COA"; vng-uitvoeringstoets §4.3.2: structured instead of a PDF typed over).

The two differ: COA keeps several items as free text (gezin, opleiding, werkervaring) where the gemeente's profile is
structured (household members with relation, education with level). Free text is never guessed into structure: such
an item is named in `niet_overgenomen`, so the work list says what a klantregisseur still has to take over by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_CEFR = frozenset({"a0", "a1", "a2", "b1", "b2", "c1", "c2"})
_MODULES = frozenset({"knm", "map", "pvt"})
_ADRES = re.compile(
    r"^\s*(?P<straat>[^,\d]+?)\s+(?P<nr>[1-9]\d{0,4})(?P<toev>[A-Za-z0-9-]{0,10})\s*,\s*"
    r"(?P<postcode>[1-9]\d{3}\s?[A-Za-z]{2})\s+(?P<plaats>.+?)\s*$"
)


@dataclass
class Vertaald:
    profiel: dict[str, Any]
    niet_overgenomen: list[str] = field(default_factory=list)


def _niveau(waarde: Any) -> str | None:
    niveau = str(waarde or "").lower()
    return niveau if niveau in _CEFR else None


def _adres(regel: Any) -> dict[str, Any] | None:
    match = _ADRES.match(str(regel or ""))
    if match is None:
        return None
    adres = {
        "straat": match["straat"].strip(),
        "huisnummer": int(match["nr"]),
        "postcode": match["postcode"].upper(),
        "woonplaats": match["plaats"],
    }
    return adres | ({"huisnummertoevoeging": match["toev"]} if match["toev"] else {})


def _zonder_leeg(waarden: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in waarden.items() if v not in (None, [], {}, "")}


def vertaal(coa: Mapping[str, Any]) -> Vertaald:  # noqa: PLR0912 - one step per TVS item
    uit = Vertaald({})
    contact: Mapping[str, Any] = coa.get("contactgegevens") or {}
    adres = _adres(contact.get("adres"))
    if contact.get("adres") and adres is None:
        uit.niet_overgenomen.append("contactgegevens.adres")
    uit.profiel["persoonsgegevens"] = _zonder_leeg(
        {
            "voornamen": contact.get("voornamen"),
            "geslachtsnaam": contact.get("achternaam") or contact.get("geslachtsnaam"),
            "adres": adres,
            "telefoon": contact.get("telefoon"),
            "email": contact.get("email"),
        }
    )
    for vrij in ("gezin", "opleiding", "werkervaring"):
        if coa.get(vrij):
            uit.niet_overgenomen.append(vrij)
    if coa.get("verblijfsstatus"):
        uit.profiel["verblijfsstatus"] = {"vergunning": coa["verblijfsstatus"]}
    if (vi := coa.get("voorinburgering")) is not None:
        modules = [str(m).lower() for m in vi.get("introductiemodules", [])]
        uit.profiel["voorinburgering"] = _zonder_leeg(
            {
                "toestemmingVi": vi.get("toestemming"),
                "toetsresultaat": vi.get("toetsresultaat"),
                "nt2Spreken": _niveau(vi.get("nt2Spreken")),
                "introductiemodules": [{"module": m} for m in modules if m in _MODULES],
                "taalactiviteiten": [{"naam": a} for a in vi.get("taalactiviteiten", [])],
                "viAfgerond": vi.get("afgerond"),
            }
        )
        if any(m not in _MODULES for m in modules):
            uit.niet_overgenomen.append("voorinburgering.introductiemodules")
        if vi.get("voortgang"):
            uit.niet_overgenomen.append("voorinburgering.voortgang")
    if (niveau := _niveau(coa.get("taalvaardigheid"))) is not None:
        # TVS gives one overall level; the gemeente's profile keeps it per skill, so it applies to all four.
        uit.profiel["taalvaardigheid"] = {"lezen": niveau, "luisteren": niveau, "spreken": niveau, "schrijven": niveau}
    if coa.get("trainingen"):
        uit.profiel["trainingen"] = [{"naam": t} for t in coa["trainingen"]]
    if (dw := coa.get("diplomawaardering")) is not None:
        uit.profiel["diplomawaardering"] = _zonder_leeg(
            {"aangevraagd": dw.get("aangevraagd"), "aanvraagdatum": dw.get("start")}
        )
    if coa.get("competenties"):
        uit.profiel["competenties"] = [c.strip()[:200] for c in re.split(r"[;,\n]", coa["competenties"]) if c.strip()]
    for gelijk in ("contactUaf", "cvGemaakt", "zelfwerkzaamheid", "computervaardigheden", "ambities"):
        if coa.get(gelijk) is not None:
            uit.profiel[gelijk] = coa[gelijk]
    if coa.get("coaContactpersoon"):
        uit.profiel["coaContactpersoon"] = {"naam": coa["coaContactpersoon"]}
    return uit
