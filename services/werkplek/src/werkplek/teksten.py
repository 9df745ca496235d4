"""Codes of the APIs as words for people."""

from __future__ import annotations

from datetime import date
from typing import Any

DOELGROEP = {"asielmigrant": "Asielmigrant", "gezinsmigrant": "Gezinsmigrant", "overige-migrant": "Overige migrant"}
LEERROUTE = {"b1": "B1-route", "onderwijsroute": "Onderwijsroute", "z-route": "Z-route"}
PIPSTATUS = {"concept": "Concept", "vastgesteld": "Vastgesteld", "beeindigd": "Beëindigd"}
TERMIJN = {
    "ibp": "Inburgeringstermijn",
    "pvt": "Participatieverklaringstraject",
    "map": "MAP",
    "pip": "PIP-vaststelling",
}
SIGNAAL = {
    "nadert": "Termijn nadert",
    "verstreken": "Termijn verstreken",
    # pip-api after a move in: the previous gemeente's agreements wait as a concept for this gemeente's decision.
    "overgenomen-pip": "Overgenomen PIP vaststellen",
}
INTAKESTAP = {
    "oproepen": "Oproepen voor de brede intake",
    "wachten-op-uitkomst": "Wachten op de uitkomst van de oproep",
    "intake-afnemen": "Intake afnemen",
    "waarschuwing-of-boete": "Niet verschenen: waarschuwing of boete overwegen",
    "afronden-bij-afwezigheid": "Afronden bij afwezigheid",
}
OPROEPUITKOMST = {
    "verschenen": "Verschenen",
    "niet-verschenen": "Niet verschenen",
    "onvoldoende-meegewerkt": "Onvoldoende meegewerkt",
}
DIENST = {
    "leerbaarheidstoets": "Leerbaarheidstoets",
    "maatschappelijke-begeleiding": "Maatschappelijke begeleiding",
    "pvt": "PVT",
    "map": "MAP",
    "b1-route": "B1-route",
    "onderwijsroute": "Onderwijsroute",
    "z-route": "Z-route",
}
OPDRACHTSTATUS = {"verstrekt": "Verstrekt", "gestart": "Gestart", "afgerond": "Afgerond", "ingetrokken": "Ingetrokken"}
PROCEDURE = {
    "kandidaat": "Kandidaat",
    "afgewezen": "Afgewezen",
    "gewaarschuwd": "Gewaarschuwd",
    "voorgenomen": "Voornemen verstuurd",
    "zienswijze-ontvangen": "Zienswijze ontvangen",
    "beboet": "Beboet",
    "geen-boete": "Geen boete",
}

VERHUIZINGSTATUS = {"aangemeld": "Aangemeld, overdracht loopt", "overgedragen": "Overgedragen"}
VERHUIZINGBRON = {"klantregisseur": "Klantregisseur", "duo": "Melding van DUO"}
RICHTING = {
    "uitgaand": "Uitgaand (naar de nieuwe gemeente)",
    "inkomend": "Inkomend (van de vorige gemeente)",
    "verzoek": "Verzoek van de nieuwe gemeente",
    "uit": "Uitgaand (naar de nieuwe gemeente)",
    "in": "Inkomend (van de vorige gemeente)",
}
OVERDRACHTSTATUS = {"bezig": "Bezig", "afgerond": "Afgerond", "mislukt": "Mislukt, een medewerker kijkt ernaar"}
# The exchange's steps: at the gemeente left (fetch, deliver, hand over), at the new one (one per context).
OVERDRACHTSTAP = {
    "opgehaald": "Dossier opgehaald",
    "afgeleverd": "Afgeleverd bij de nieuwe gemeente",
    "overgedragen": "Regie beëindigd",
    "inburgeraar": "Persoon en brede intake overgenomen",
    "pip": "PIP overgenomen",
    "aanbieder": "Voortgang overgenomen",
    "handhaving": "Handhaving overgenomen",
    "verhuizing-geregistreerd": "Verhuizing geregistreerd",
}


def woord(tabel: dict[str, str], code: Any) -> str:
    if code is None or code == "":
        return "—"
    return tabel.get(str(code), str(code))


def naam(persoon: dict[str, Any]) -> str:
    contact = persoon.get("contact") or {}
    delen = [contact.get("voornamen"), contact.get("achternaam")]
    tekst = " ".join(str(d) for d in delen if d)
    return tekst or "(naam onbekend)"


def fase(persoon: dict[str, Any], pip: dict[str, Any] | None) -> str:
    if persoon.get("status") == "bsn-ontbreekt":
        return "BSN ontbreekt"
    if verhuisd(persoon):
        return "Verhuisd"
    if pip is None:
        return "Brede intake en PIP voorbereiden"
    return {"concept": "PIP in concept", "vastgesteld": "Uitvoering PIP", "beeindigd": "PIP beëindigd"}.get(
        pip.get("status", ""), "—"
    )


def volgende_termijn(pip: dict[str, Any] | None, signalen: list[dict[str, Any]], vandaag: date) -> str | None:
    data = [t["einddatum"] for t in (pip or {}).get("termijnen", []) if t.get("einddatum", "") >= vandaag.isoformat()]
    data += [s["einddatum"] for s in signalen]
    return min(data) if data else None


def huidige_pip(pips: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The PIP in force, else the draft being prepared, else the last ended one. A PIP taken over from the previous
    gemeente is its history, never this gemeente's own PIP: the new gemeente establishes its own (DOMAIN §6)."""
    eigen = [p for p in pips if not geimporteerd(p)]
    for status in ("vastgesteld", "concept", "beeindigd"):
        for pip in eigen:
            if pip.get("status") == status:
                return pip
    return None


def geimporteerd(item: Any) -> bool:
    """Part of the history the previous gemeente handed over on a move (`geimporteerd: true`); an API that does not
    say so gives the gemeente's own."""
    return isinstance(item, dict) and item.get("geimporteerd") is True


def verhuisd(persoon: dict[str, Any]) -> bool:
    """The person moved away and the regie ended here (the status, or a `verhuisd` field of inburgeraar-api)."""
    return persoon.get("status") == "verhuisd" or bool(persoon.get("verhuisd"))
