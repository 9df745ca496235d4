"""History the previous gemeente handed over on a move (Besluit art. 9.4 lid 4), as each context keeps it: read-only,
apart from this gemeente's own PIP, opdrachten and enforcement, and never counted with them. Every item says where it
came from ("overgenomen van gemeente XXXX"), in words, so a screen reader reads it with the item.

Each context answers on a route of its own (pip-api `/geimporteerde-pips`, aanbieder-api `.../overgenomen-voortgang`,
handhaving-api `.../overgenomen-handhaving`); an API that does not have that route yet answers 404, which is "nothing
taken over" here: whether the person exists is the person's own call."""

from __future__ import annotations

from typing import Any

from inburgering_kit.html import datum, e, tabel, uren
from werkplek import teksten as t
from werkplek.bronnen import Antwoord
from werkplek.weergave import niet_beschikbaar
from werkplek.weergave import overgenomen_van as van

BEEINDIGD = {
    "plicht-voldaan": "plicht voldaan",
    "vrijstelling-of-ontheffing": "vrijstelling of ontheffing",
    "verhuisd": "verhuisd",
    "plicht-vervallen": "plicht vervallen",
    "overleden": "overleden",
    "overig": "overig",
}
BOETESTATUS = {"opgelegd": "Opgelegd", "betaald": "Betaald", "vervangen": "Vervangen", "vernietigd": "Vernietigd"}


def _lijst(a: Antwoord) -> list[dict[str, Any]]:
    data = a.data
    if isinstance(data, dict):
        data = data.get("resultaten", [])
    return [x for x in data if isinstance(x, dict)] if isinstance(data, list) else []


def _niet(a: Antwoord, onderdeel: str) -> str | None:
    """What to say instead of the list: nothing for a 404 or an empty answer (see above), else why not."""
    if a.ok or a.niet_gevonden or a.status == 204:
        return None
    return niet_beschikbaar(onderdeel, a.melding)


def _datum(waarde: Any) -> str:
    try:
        return datum(waarde)
    except (TypeError, ValueError):
        return str(waarde)


def _bedrag(waarde: Any) -> str:
    return f"€ {waarde}" if waarde not in (None, "") else "—"


def pips(a: Antwoord) -> str:
    """pip-api's PIPs of the previous gemeente, each with its versions."""
    fout = _niet(a, "PIP's van de vorige gemeente")
    if fout is not None:
        return fout
    items = _lijst(a) if a.ok else []
    if not items:
        return ""
    rijen, versies = [], []
    for p in items:
        gegeven = p.get("inhoud")
        inhoud: dict[str, Any] = gegeven if isinstance(gegeven, dict) else p
        herkomst = van(p.get("vanGemeente"))
        eind = ""
        if p.get("beeindigdDatum"):
            reden = BEEINDIGD.get(str(p.get("beeindigdReden")), str(p.get("beeindigdReden") or ""))
            eind = f"{_datum(p.get('beeindigdDatum'))}" + (f" ({reden})" if reden else "")
        rijen.append(
            [
                e(t.woord(t.LEERROUTE, inhoud.get("leerroute"))) + herkomst,
                e(inhoud.get("taalniveau") or "—"),
                e(t.woord(t.PIPSTATUS, p.get("status"))),
                e(p.get("versie") or "—"),
                e(_datum(p.get("vastgesteldDatum"))),
                e(eind or "—"),
            ]
        )
        for v in p.get("versies") or []:
            if isinstance(v, dict):
                versies.append(
                    [
                        e(v.get("versie")) + herkomst,
                        e(t.woord(t.LEERROUTE, v.get("leerroute") or inhoud.get("leerroute"))),
                        e(_datum(v.get("ingangsdatum"))),
                        e(v.get("reden") or "vaststelling"),
                        e(", ".join(v.get("gewijzigdeVelden") or []) or "—"),
                    ]
                )
    delen = [
        "<h3>Overgenomen van de vorige gemeente</h3>",
        tabel(
            ["Leerroute", "Taalniveau", "Status", "Versie", "Vastgesteld op", "Beëindigd"],
            rijen,
            "PIP's van de vorige gemeente",
        ),
    ]
    if versies:
        delen.append(
            tabel(
                ["Versie", "Leerroute", "Ingangsdatum", "Reden", "Gewijzigd"],
                versies,
                "Versiegeschiedenis van de vorige gemeente",
            )
        )
    return "".join(delen)


def voortgang(a: Antwoord) -> str:
    """aanbieder-api's opdrachten of the previous gemeente with the progress reported on them."""
    fout = _niet(a, "Voortgang van de vorige gemeente")
    if fout is not None:
        return fout
    rijen = []
    for overdracht in _lijst(a) if a.ok else []:
        dossier = overdracht.get("dossier") or {}
        herkomst = van(overdracht.get("vanGemeente"))
        for o in dossier.get("opdrachten") or []:
            if not isinstance(o, dict):
                continue
            stand = o.get("stand") or {}
            gecontracteerd = o.get("urenGecontracteerd") or stand.get("urenGecontracteerd")
            aanwezig = stand.get("urenAanwezig")
            rijen.append(
                [
                    e(t.woord(t.DIENST, o.get("onderdeel"))) + herkomst,
                    e((o.get("aanbieder") or {}).get("naam") or "—"),
                    e(t.woord(t.OPDRACHTSTATUS, o.get("status")))
                    + (f" ({e(o['eindreden'])})" if o.get("eindreden") else ""),
                    e(f"{_datum(o.get('geplandeStartdatum'))} tot {_datum(o.get('geplandeEinddatum'))}"),
                    e(
                        (uren(aanwezig) if aanwezig is not None else "—")
                        + (f" van {gecontracteerd}" if gecontracteerd else "")
                    ),
                    e(len(o.get("meldingen") or [])),
                ]
            )
    if not rijen:
        return ""
    return "<h3>Overgenomen van de vorige gemeente</h3>" + tabel(
        ["Onderdeel", "Aanbieder", "Status", "Gepland", "Uren aanwezig", "Meldingen"],
        rijen,
        "Voortgang bij aanbieders van de vorige gemeente",
    )


def handhaving(a: Antwoord) -> str:
    """handhaving-api's overtredingen and fines of the previous gemeente (its fines stay its own: reported by it)."""
    fout = _niet(a, "Handhaving van de vorige gemeente")
    if fout is not None:
        return fout
    overtredingen, boetes = [], []
    for overdracht in _lijst(a) if a.ok else []:
        dossier = overdracht.get("dossier") or {}
        herkomst = van(overdracht.get("vanGemeente"))
        for o in dossier.get("overtredingen") or []:
            if isinstance(o, dict):
                overtredingen.append(
                    [
                        e(o.get("soort")) + herkomst,
                        e(t.woord(t.PROCEDURE, o.get("status"))),
                        e(f"{_datum(o.get('gedragingVan'))} – {_datum(o.get('gedragingTot'))}"),
                        e(_bedrag(o.get("voorgesteldBedrag"))),
                    ]
                )
        for b in dossier.get("boetes") or []:
            if isinstance(b, dict):
                boetes.append(
                    [
                        e(b.get("soort")) + herkomst,
                        e(_bedrag(b.get("bedrag"))),
                        e(_datum(b.get("besluitDatum"))),
                        e(t.woord(BOETESTATUS, b.get("status"))),
                    ]
                )
    if not overtredingen and not boetes:
        return ""
    delen = ["<h3>Overgenomen van de vorige gemeente</h3>"]
    if overtredingen:
        delen.append(
            tabel(
                ["Overtreding", "Status", "Periode", "Voorgesteld bedrag"],
                overtredingen,
                "Overtredingen bij de vorige gemeente",
            )
        )
    if boetes:
        delen.append(tabel(["Boete voor", "Bedrag", "Besluit", "Status"], boetes, "Boetes van de vorige gemeente"))
    return "".join(delen)
