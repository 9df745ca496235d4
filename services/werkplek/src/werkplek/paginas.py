"""The screens that read: start, caseload, the person overview, the work list of signals, opening a person by id,
and the processing log. Each gathers what it needs from the APIs at once (`bronnen.samen`) and renders every
part it got; a part whose API did not answer says so, and the rest of the page stands."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response

from inburgering_kit.html import Fouten, Veld, datum, e, formulier, gegevenslijst, tabel, tijdstip, uren
from werkplek import teksten as t
from werkplek import verhuizing, vorige_gemeente
from werkplek.bronnen import Antwoord, samen
from werkplek.toegang import Aangemeld, Gebruiker, bronnen, html, naar, nieuwe_router
from werkplek.toegang import formulier as lees
from werkplek.weergave import (
    HUIDIG,
    PREFIX,
    bsn_weergave,
    label,
    melding,
    niet_beschikbaar,
    overgenomen,
    pagina,
    paginering,
    urengrafiek,
)

router = nieuwe_router()
PAGINA_GROOTTE = 20


async def _niets() -> Antwoord:
    return Antwoord("", 204)


def _mag(ingelogd: Gebruiker, scope: str, aanvraag: Any) -> Any:
    """The call when the user's token may make it; otherwise nothing is asked of that API at all."""
    if ingelogd.kan(scope):
        return aanvraag
    aanvraag.close()
    return _niets()


@router.get("")
async def start(request: Request, ingelogd: Aangemeld) -> Response:
    if ingelogd.kan("inburgeraar:lezen"):
        return naar(request, f"{PREFIX}/caseload")
    if ingelogd.kan("verwerkingen:lezen") and not ingelogd.kan("pip:lezen"):
        return naar(request, f"{PREFIX}/verwerkingen")
    if ingelogd.kan("monitoring:lezen") and not ingelogd.kan("pip:lezen"):
        return naar(request, f"{PREFIX}/monitoring")
    return naar(request, f"{PREFIX}/zoeken")


# ---- 1. caseload ----

Sortering = Literal["termijn", "signalen", "naam", "doelgroep"]


@router.get("/caseload")
async def caseload(
    request: Request,
    ingelogd: Aangemeld,
    doelgroep: Annotated[Literal["", "asielmigrant", "gezinsmigrant", "overige-migrant"], Query()] = "",
    signalen: Annotated[Literal["", "open"], Query()] = "",
    wie: Annotated[Literal["mijn", "alle"], Query()] = "mijn",
    sorteer: Annotated[Sortering, Query()] = "termijn",
    pagina_nr: Annotated[int, Query(alias="pagina", ge=1, le=10_000)] = 1,
) -> Response:
    b = bronnen(request)
    mijn = ingelogd.gebruikersnaam if wie == "mijn" else None
    # Two rounds whatever the page holds: the page of persons, then their PIPs and open signals in one call each
    # (the lists filter on every person of the page at once).
    personen_a = await b.get(
        "inburgeraar",
        "/inburgeraars",
        ingelogd.token,
        doelgroep=doelgroep,
        klantregisseur=mijn,
        page=pagina_nr,
        pageSize=PAGINA_GROOTTE,
    )
    filters = _caseload_filters(doelgroep, signalen, wie, sorteer)
    if not personen_a.ok:
        inhoud = f"<h1>Mijn caseload</h1>{filters}{niet_beschikbaar('Caseload', personen_a.melding)}"
        return html(request, pagina("Mijn caseload", inhoud, kop=ingelogd.kop, actief="Mijn caseload"))
    personen = personen_a.data["resultaten"]
    ids = [p["id"] for p in personen]
    tweede = await samen(
        pips=(
            _mag(ingelogd, "pip:lezen", b.alle("pip", "/pips", ingelogd.token, inburgeraarId=ids)) if ids else _niets()
        ),
        signalen=(
            _mag(
                ingelogd,
                "signalen:lezen",
                b.alle("pip", "/signalen", ingelogd.token, status="open", inburgeraarId=ids),
            )
            if ids
            else _niets()
        ),
    )
    pips_a, signalen_a = tweede["pips"], tweede["signalen"]
    open_per: dict[str, list[dict[str, Any]]] = {}
    if signalen_a.ok and signalen_a.data:
        for s in signalen_a.data["resultaten"]:
            open_per.setdefault(s["inburgeraarId"], []).append(s)
    pips_per: dict[str, list[dict[str, Any]]] = {}
    if pips_a.ok and pips_a.data:
        for x in pips_a.data["resultaten"]:
            pips_per.setdefault(x["inburgeraarId"], []).append(x)
    if signalen == "open":
        personen = [p for p in personen if p["id"] in open_per]
    vandaag = date.today()
    rijen = []
    for p in personen:
        pa = pips_a
        pip = t.huidige_pip(pips_per.get(p["id"], [])) if pa.ok else None
        open_ = open_per.get(p["id"], [])
        termijn = t.volgende_termijn(pip, open_, vandaag)
        rijen.append((p, pip, pa, open_, termijn))
    sleutel = {
        "termijn": lambda r: (r[4] is None, r[4] or ""),
        "signalen": lambda r: (-len(r[3]), r[4] or "9999"),
        "naam": lambda r: t.naam(r[0]).lower(),
        "doelgroep": lambda r: r[0].get("doelgroep", ""),
    }[sorteer]
    rijen.sort(key=sleutel)
    cellen = []
    for p, pip, pa, open_, termijn in rijen:
        route = t.woord(t.LEERROUTE, pip.get("leerroute")) if pip else ("niet beschikbaar" if not pa.ok else "—")
        aantal = label(f"{len(open_)} open", "let-op") if open_ else "geen"
        if not signalen_a.ok and ingelogd.kan("signalen:lezen"):
            aantal = "niet beschikbaar"
        cellen.append(
            [
                f'<a href="{PREFIX}/inburgeraars/{e(p["id"])}">{e(t.naam(p))}</a>',
                e(t.woord(t.DOELGROEP, p.get("doelgroep"))),
                e(route),
                e(t.fase(p, pip) if pa.ok or not ingelogd.kan("pip:lezen") else "niet beschikbaar"),
                e(datum(termijn)),
                aantal,
            ]
        )
    totaal = personen_a.data["totalItems"]
    waarschuwing = (
        "" if signalen_a.ok or not ingelogd.kan("signalen:lezen") else niet_beschikbaar("Signalen", signalen_a.melding)
    )
    lijst = (
        tabel(
            ["Naam", "Doelgroep", "Route", "Fase", "Eerstvolgende termijn", "Open signalen"],
            cellen,
            f"Inburgeraars {(pagina_nr - 1) * PAGINA_GROOTTE + 1}–{(pagina_nr - 1) * PAGINA_GROOTTE + len(rijen)} "
            f"van {totaal}",
        )
        if rijen
        else "<p>Geen inburgeraars gevonden met deze filters.</p>"
    )
    query = {"doelgroep": doelgroep, "signalen": signalen, "wie": wie, "sorteer": sorteer}
    inhoud = (
        f"<h1>Mijn caseload</h1>{filters}{waarschuwing}{lijst}"
        f"{paginering(f'{PREFIX}/caseload', query, pagina_nr, personen_a.data['totalPages'])}"
        '<p class="hint">Sorteren gebeurt binnen de getoonde pagina; de volgorde van de pagina\'s is die van de '
        "registratie.</p>"
    )
    return html(request, pagina("Mijn caseload", inhoud, kop=ingelogd.kop, actief="Mijn caseload"))


def _caseload_filters(doelgroep: str, signalen: str, wie: str, sorteer: str) -> str:
    def keuzes(naam: str, opties: list[tuple[str, str]], gekozen: str, tekst: str) -> str:
        items = "".join(
            f'<option value="{e(w)}"{" selected" if w == gekozen else ""}>{e(label_)}</option>' for w, label_ in opties
        )
        return (
            f'<div class="veld"><label for="f-{naam}">{e(tekst)}</label>'
            f'<select id="f-{naam}" name="{naam}">{items}</select></div>'
        )

    return (
        f'<form method="get" action="{PREFIX}/caseload" class="filters" aria-label="Filteren en sorteren">'
        + keuzes("wie", [("mijn", "Mijn inburgeraars"), ("alle", "Alle van de gemeente")], wie, "Wie")
        + keuzes("doelgroep", [("", "Alle doelgroepen"), *t.DOELGROEP.items()], doelgroep, "Doelgroep")
        + keuzes(
            "signalen", [("", "Met en zonder signalen"), ("open", "Alleen met open signalen")], signalen, "Signalen"
        )
        + keuzes(
            "sorteer",
            [
                ("termijn", "Eerstvolgende termijn"),
                ("signalen", "Meeste open signalen"),
                ("naam", "Naam"),
                ("doelgroep", "Doelgroep"),
            ],
            sorteer,
            "Sorteren op",
        )
        + '<button type="submit" class="knop">Toon</button></form>'
    )


# ---- 2. person overview ----


def _sectie(kop_id: str, titel: str, inhoud: str) -> str:
    return f'<section aria-labelledby="{kop_id}" class="blok"><h2 id="{kop_id}">{e(titel)}</h2>{inhoud}</section>'


@router.get("/inburgeraars/{inburgeraar_id}")
async def persoon(request: Request, ingelogd: Aangemeld, inburgeraar_id: uuid.UUID) -> Response:
    b = bronnen(request)
    tok = ingelogd.token
    i = str(inburgeraar_id)
    verwerkingen = {
        f"log_{bron}": _mag(ingelogd, "verwerkingen:lezen", b.get(bron, "/verwerkingen", tok, objectId=i, pageSize=50))
        for bron in ("inburgeraar", "pip", "aanbieder", "handhaving")
    }
    # One round, every call at once: a person's PIPs, signals and opdrachten filter on the person; the two facts
    # that need an id first (the current PIP's versions, the attendance reports of the opdrachten) follow their
    # own call as soon as it answers, while the others are still under way.
    pips = asyncio.ensure_future(_mag(ingelogd, "pip:lezen", b.get("pip", "/pips", tok, inburgeraarId=i)))
    opdrachten_a = asyncio.ensure_future(
        _mag(ingelogd, "opdrachten:lezen", b.get("aanbieder", "/opdrachten", tok, inburgeraarId=i, pageSize=100))
    )

    async def versies() -> Antwoord:
        a = await pips
        pip = t.huidige_pip(a.data["resultaten"]) if a.ok and a.data else None
        if pip is None or pip.get("status") == "concept":
            return await _niets()
        return await b.get("pip", f"/pips/{pip['id']}/versies", tok)

    async def aanwezigheid() -> Antwoord:
        a = await opdrachten_a
        ids = [o["id"] for o in a.data["resultaten"]] if a.ok and a.data else []
        if not ids:
            return await _niets()
        return await b.alle("aanbieder", "/meldingen", tok, opdrachtId=ids, soort="aanwezigheid")

    r = await samen(
        persoon=_mag(ingelogd, "inburgeraar:lezen", b.get("inburgeraar", f"/inburgeraars/{i}", tok)),
        plicht=_mag(ingelogd, "plicht:lezen", b.get("inburgeraar", f"/inburgeraars/{i}/plicht", tok)),
        intake=_mag(ingelogd, "intake:lezen", b.get("inburgeraar", f"/inburgeraars/{i}/brede-intake", tok)),
        pips=pips,
        versies=versies(),
        opdrachten=opdrachten_a,
        meldingen=aanwezigheid(),
        signalen=_mag(ingelogd, "signalen:lezen", b.alle("pip", "/signalen", tok, status="open", inburgeraarId=i)),
        boetes=_mag(ingelogd, "handhaving:lezen", b.get("handhaving", f"/boeteoverzichten/{i}", tok)),
        overtredingen=_mag(ingelogd, "handhaving:lezen", b.get("handhaving", "/overtredingen", tok, inburgeraarId=i)),
        geimporteerde_pips=_mag(ingelogd, "pip:lezen", b.get("pip", "/geimporteerde-pips", tok, inburgeraarId=i)),
        overgenomen_voortgang=_mag(
            ingelogd,
            "overgenomen-voortgang:lezen",
            b.get("aanbieder", f"/inburgeraars/{i}/overgenomen-voortgang", tok, pageSize=100),
        ),
        overgenomen_handhaving=_mag(
            ingelogd, "handhaving:lezen", b.get("handhaving", f"/inburgeraars/{i}/overgenomen-handhaving", tok)
        ),
        verhuizingen=_mag(ingelogd, "inburgeraar:lezen", b.get("inburgeraar", f"/inburgeraars/{i}/verhuizingen", tok)),
        overdrachten=_mag(
            ingelogd, verhuizing.KETEN_LEZEN, b.get("ketenuitwisseling", "/overdrachten", tok, inburgeraarId=i)
        ),
        **verwerkingen,
    )
    if r["persoon"].niet_gevonden or (
        r["pips"].ok
        and r["pips"].data
        and not ingelogd.kan("inburgeraar:lezen")
        and not r["pips"].data["resultaten"]
        and not ingelogd.kan("verwerkingen:lezen")
    ):
        inhoud = (
            "<h1>Inburgeraar niet gevonden</h1><p>Deze inburgeraar bestaat niet of hoort bij een andere gemeente.</p>"
        )
        return html(request, pagina("Niet gevonden", inhoud, kop=ingelogd.kop), 404)
    pip = t.huidige_pip(r["pips"].data["resultaten"]) if r["pips"].ok and r["pips"].data else None
    # The opdrachten under the current PIP, those made before it (the leerbaarheidstoets, begeleiding), and the
    # progress the previous gemeente handed over on a move (under a PIP of that gemeente).
    opdrachten = (
        [
            o
            for o in r["opdrachten"].data["resultaten"]
            if o.get("pipId") in (None, pip and pip["id"]) or t.geimporteerd(o)
        ]
        if r["opdrachten"].ok and r["opdrachten"].data
        else []
    )
    meldingen = _per_opdracht(r["meldingen"], opdrachten)

    p = r["persoon"].data if r["persoon"].ok else None
    titel = t.naam(p) if p else f"Inburgeraar {i[:8]}"
    delen = [f"<h1>{e(titel)}</h1>"]
    if p:
        delen.append(verhuizing.banner(p, r["verhuizingen"]))
    if not ingelogd.kan("inburgeraar:lezen"):
        delen.append('<p class="hint">U ziet alleen de onderdelen die bij uw rol horen.</p>')
    bevestiging = request.query_params.get("gedaan")
    if bevestiging in _BEVESTIGINGEN:
        delen.append(melding(_BEVESTIGINGEN[bevestiging]))
    delen.append(_acties(i, pip, ingelogd, verhuisd=bool(p and t.verhuisd(p))))
    delen += _secties(r, i, pip, opdrachten, meldingen, ingelogd)
    if ingelogd.kan("verwerkingen:lezen"):
        delen.append(
            _sectie(
                "verwerkingen", "Verwerkingenlog van deze persoon", _verwerkingen_blok([r[k] for k in verwerkingen])
            )
        )
    return html(request, pagina(titel, "".join(delen), kop=ingelogd.kop))


def _secties(
    r: dict[str, Antwoord],
    i: str,
    pip: dict[str, Any] | None,
    opdrachten: list[dict[str, Any]],
    meldingen: dict[str, Antwoord],
    ingelogd: Gebruiker,
) -> list[str]:
    """The parts of the person's page the user's token may see, in the order of the trajectory."""
    delen: list[str] = []
    if ingelogd.kan("inburgeraar:lezen"):
        delen.append(_sectie("persoon", "Persoon en plicht", _persoon_blok(r["persoon"], r["plicht"], ingelogd)))
    verhuisblok = verhuizing.blok(i, r["persoon"], r["verhuizingen"], r["overdrachten"], ingelogd)
    if verhuisblok:
        delen.append(_sectie("verhuizing", "Verhuizing", verhuisblok))
    if ingelogd.kan("intake:lezen"):
        delen.append(_sectie("intake", "Brede intake", _intake_blok(r["intake"], i, ingelogd)))
    if ingelogd.kan("pip:lezen"):
        vorige = vorige_gemeente.pips(r["geimporteerde_pips"]) if r["pips"].ok else ""
        delen.append(
            _sectie("pip", "Plan inburgering en participatie (PIP)", _pip_blok(r["pips"], pip, r["versies"]) + vorige)
        )
    # Progress the previous gemeente handed over stands under its own heading, also before this gemeente's PIP.
    voortgang = vorige_gemeente.voortgang(r["overgenomen_voortgang"]) if r["opdrachten"].ok else ""
    if ingelogd.kan("opdrachten:lezen") and (pip or voortgang or any(t.geimporteerd(o) for o in opdrachten)):
        delen.append(
            _sectie(
                "opdrachten",
                "Opdrachten aan aanbieders",
                _opdrachten_blok(r["opdrachten"], opdrachten, meldingen) + voortgang,
            )
        )
    if ingelogd.kan("signalen:lezen"):
        delen.append(_sectie("signalen", "Open signalen", _signalen_blok(r["signalen"], i, ingelogd)))
    if ingelogd.kan("handhaving:lezen"):
        vorige = vorige_gemeente.handhaving(r["overgenomen_handhaving"]) if r["overtredingen"].ok else ""
        delen.append(_sectie("handhaving", "Handhaving", _handhaving_blok(r["boetes"], r["overtredingen"]) + vorige))
    return delen


def _per_opdracht(antwoord: Antwoord, opdrachten: list[dict[str, Any]]) -> dict[str, Antwoord]:
    """The attendance reports of all opdrachten (one call) as one answer per opdracht, as the block shows them."""
    if not antwoord.ok:
        return {o["id"]: antwoord for o in opdrachten}
    per: dict[str, list[dict[str, Any]]] = {o["id"]: [] for o in opdrachten}
    for m in (antwoord.data or {}).get("resultaten", []):
        per.setdefault(m["opdrachtId"], []).append(m)
    return {o: Antwoord(antwoord.bron, antwoord.status, data={"resultaten": lijst}) for o, lijst in per.items()}


_BEVESTIGINGEN = {
    "signaal": "Het signaal is afgehandeld.",
    "pip-concept": "Het concept-PIP is opgeslagen.",
    "pip-vastgesteld": "Het PIP is vastgesteld.",
    "pip-gewijzigd": "Het PIP is gewijzigd; de nieuwe versie staat in de versiegeschiedenis.",
    "intake": "De uitkomst van de oproep is vastgelegd.",
    "opdracht": "De opdracht is verstrekt.",
    "verhuizing": (
        "De verhuizing is geregistreerd. De ketenuitwisseling draagt het dossier over aan de nieuwe gemeente."
    ),
}


def _acties(i: str, pip: dict[str, Any] | None, ingelogd: Gebruiker, *, verhuisd: bool = False) -> str:
    links = []
    if verhuisd:
        # The regie moved with the person: here only what was decided can still be read.
        if ingelogd.kan("pip:schrijven") and pip is not None:
            links.append((f"{PREFIX}/pips/{pip['id']}/beschikking", "Beschikking bekijken"))
    elif ingelogd.kan("pip:schrijven"):
        if pip is None or pip.get("status") == "beeindigd":
            links.append((f"{PREFIX}/inburgeraars/{i}/pip/nieuw", "PIP opstellen"))
        elif pip.get("status") == "concept":
            links.append((f"{PREFIX}/pips/{pip['id']}/vaststellen", "PIP vaststellen"))
        else:
            links.append((f"{PREFIX}/pips/{pip['id']}/wijzigen", "PIP wijzigen"))
        if pip is not None:
            links.append((f"{PREFIX}/pips/{pip['id']}/beschikking", "Beschikking bekijken"))
    if not verhuisd and ingelogd.kan("opdrachten:beheren") and pip is not None and pip.get("status") == "vastgesteld":
        links.append((f"{PREFIX}/pips/{pip['id']}/opdrachten/nieuw", "Opdracht verstrekken"))
    if not links:
        return ""
    items = "".join(f'<li><a href="{e(h)}">{e(tekst)}</a></li>' for h, tekst in links)
    return f'<nav aria-label="Acties" class="acties"><ul>{items}</ul></nav>'


def _persoon_blok(persoon: Antwoord, plicht: Antwoord, ingelogd: Gebruiker) -> str:
    if not persoon.ok:
        return niet_beschikbaar("Persoonsgegevens", persoon.melding)
    p = persoon.data
    delen = [
        gegevenslijst(
            [
                ("BSN", bsn_weergave(p.get("bsn"), ingelogd.ziet_bsn)),
                ("Doelgroep", e(t.woord(t.DOELGROEP, p.get("doelgroep")))),
                ("Status registratie", e(_registratiestatus(p))),
                ("Datum koppeling", e(datum(p.get("datumKoppeling")))),
                ("Inschrijving BRP", e(datum(p.get("datumInschrijvingBrp")))),
                ("Klantregisseur", e(p.get("klantregisseur") or "—")),
                *_herkomst(p),
            ]
        )
    ]
    if not plicht.ok:
        delen.append(niet_beschikbaar("Plicht (DUO)", plicht.melding))
    elif plicht.data:
        stand = plicht.data.get("stand") or {}
        termijnen = stand.get("termijnen") or {}
        rijen = [
            [e(t.woord(t.TERMIJN, k)), e(datum(v.get("begindatum"))), e(datum(v.get("einddatum")))]
            for k, v in termijnen.items()
            if isinstance(v, dict)
        ]
        delen.append(
            gegevenslijst(
                [
                    ("Inburgeringsplichtig", "ja" if stand.get("plichtig") else "nee"),
                    ("Plicht vastgesteld op", e(datum(stand.get("vastgesteldOp")))),
                ]
            )
        )
        delen.append(
            tabel(["Termijn", "Begint", "Eindigt"], rijen, "Termijnen van DUO")
            if rijen
            else "<p>Nog geen termijnen van DUO ontvangen.</p>"
        )
    return "".join(delen)


def _herkomst(p: dict[str, Any]) -> list[tuple[str, str]]:
    """A person registered here on a move from another gemeente (inburgeraar-api's `herkomst`)."""
    herkomst = p.get("herkomst")
    if not isinstance(herkomst, dict) or herkomst.get("soort") != "verhuizing":
        return []
    return [("Herkomst", e(f"verhuisd uit gemeente {herkomst.get('vanGemeente') or 'onbekend'}"))]


def _registratiestatus(p: dict[str, Any]) -> str:
    if p.get("status") == "bsn-ontbreekt":
        return "BSN ontbreekt"
    return "Verhuisd" if t.verhuisd(p) else "Geregistreerd"


def _intake_blok(intake: Antwoord, i: str, ingelogd: Gebruiker) -> str:
    if not intake.ok:
        return niet_beschikbaar("Brede intake", intake.melding)
    d = intake.data
    delen = [
        gegevenslijst(
            [
                ("Status", e("Afgerond" if d.get("status") == "afgerond" else "Lopend")),
                ("Volgende stap", e(t.woord(t.INTAKESTAP, d.get("volgendeStap")))),
                ("Afgerond op", e(datum(d.get("afgerondDatum")))),
            ]
        )
    ]
    oproepen = d.get("oproepen") or []
    if oproepen:
        rijen = []
        for o in oproepen:
            uitkomst = t.woord(t.OPROEPUITKOMST, o.get("uitkomst")) if o.get("uitkomst") else "nog niet vastgelegd"
            actie = ""
            if not o.get("uitkomst") and ingelogd.kan("intake:schrijven"):
                actie = (
                    f'<a href="{PREFIX}/inburgeraars/{e(i)}/oproepen/{e(o["id"])}/uitkomst">Uitkomst vastleggen'
                    f'<span class="verborgen"> van oproep {e(o["volgnummer"])}</span></a>'
                )
            rijen.append([e(o.get("volgnummer")), e(tijdstip_str(o.get("afspraakOp"))), e(uitkomst), actie])
        delen.append(tabel(["Oproep", "Afspraak", "Uitkomst", "Actie"], rijen, "Oproepen voor de brede intake"))
    return "".join(delen)


def tijdstip_str(waarde: str | None) -> str:
    from datetime import datetime  # noqa: PLC0415 - local: one use

    return tijdstip(datetime.fromisoformat(waarde)) if waarde else "—"


def _pip_blok(pips: Antwoord, pip: dict[str, Any] | None, versies: Antwoord) -> str:
    if not pips.ok:
        return niet_beschikbaar("PIP", pips.melding)
    # A pip-api that lists the previous gemeente's PIPs among the person's own (marked) rather than apart.
    eerder = [x for x in (pips.data or {}).get("resultaten", []) if t.geimporteerd(x)]
    overgenomen_pips = vorige_gemeente.pips(Antwoord(pips.bron, 200, data=eerder))
    if pip is None:
        return "<p>Er is nog geen PIP.</p>" + overgenomen_pips
    delen = [
        gegevenslijst(
            [
                ("Status", label(t.woord(t.PIPSTATUS, pip.get("status")))),
                ("Versie", e(pip.get("versie"))),
                ("Leerroute", e(t.woord(t.LEERROUTE, pip.get("leerroute")))),
                ("Taalniveau", e(pip.get("taalniveau"))),
                ("Vastgesteld op", e(datum(pip.get("vastgesteldDatum")))),
                *_afspraken_van(pip),
            ]
        )
    ]
    termijnen = pip.get("termijnen") or []
    if termijnen:
        delen.append(
            tabel(
                ["Termijn", "Van", "Tot", "Regel"],
                [
                    [
                        e(t.woord(t.TERMIJN, x.get("soort"))),
                        e(datum(x.get("startdatum"))),
                        e(datum(x.get("einddatum"))),
                        e(x.get("regel")),
                    ]
                    for x in termijnen
                ],
                "Termijnen van het PIP",
            )
        )
    if pip.get("status") != "concept":
        if not versies.ok:
            delen.append(niet_beschikbaar("Versiegeschiedenis", versies.melding))
        else:
            lijst = versies.data if isinstance(versies.data, list) else (versies.data or {}).get("resultaten", [])
            rijen = [
                [
                    e(v.get("versie")) + overgenomen(v),
                    e(datum(v.get("ingangsdatum"))),
                    e(v.get("reden") or "vaststelling"),
                    e(", ".join(v.get("gewijzigdeVelden") or []) or "—"),
                ]
                for v in lijst
            ]
            delen.append(tabel(["Versie", "Ingangsdatum", "Reden", "Gewijzigd"], rijen, "Versiegeschiedenis"))
    delen.append(overgenomen_pips)
    return "".join(delen)


def _afspraken_van(pip: dict[str, Any]) -> list[tuple[str, str]]:
    """A PIP of this gemeente drafted from the previous gemeente's agreements on a move (pip-api's `overgenomenVan`)."""
    bron = pip.get("overgenomenVan")
    if not isinstance(bron, dict):
        return []
    versie = f", versie {bron['versie']}" if bron.get("versie") else ""
    return [("Afspraken overgenomen van", e(f"gemeente {bron.get('vanGemeente') or 'onbekend'}{versie}"))]


def _opdrachten_blok(antwoord: Antwoord, opdrachten: list[dict[str, Any]], meldingen: dict[str, Antwoord]) -> str:
    if not antwoord.ok:
        return niet_beschikbaar("Opdrachten", antwoord.melding)
    if not opdrachten:
        return "<p>Er zijn nog geen opdrachten verstrekt.</p>"
    per_aanbieder: dict[str, list[dict[str, Any]]] = {}
    for o in opdrachten:
        per_aanbieder.setdefault(o.get("aanbiederId") or "", []).append(o)
    delen = []
    for aanbieder_id, lijst in per_aanbieder.items():
        # An opdracht taken over on a move may name no provider of this gemeente.
        delen.append(f"<h3>Aanbieder {e(aanbieder_id[:8] or 'van de vorige gemeente')}</h3>")
        for o in lijst:
            stand = o.get("stand") or {}
            kop_id = f"opdracht-{o['id']}"
            delen.append(
                f'<div class="opdracht" aria-labelledby="{e(kop_id)}" role="group">'
                f'<h4 id="{e(kop_id)}">{e(t.woord(t.DIENST, o.get("onderdeel")))} — '
                f"{e(t.woord(t.OPDRACHTSTATUS, o.get('status')))}{overgenomen(o)}</h4>"
            )
            gecontracteerd = stand.get("urenGecontracteerd")
            delen.append(
                gegevenslijst(
                    [
                        (
                            "Gepland",
                            e(
                                f"{datum((o.get('inhoud') or {}).get('geplandeStartdatum'))} tot "
                                f"{datum((o.get('inhoud') or {}).get('geplandeEinddatum'))}"
                            ),
                        ),
                        ("Gestart op", e(datum(stand.get("gerealiseerdeStartdatum")))),
                        (
                            "Uren aanwezig",
                            e(
                                f"{uren(stand.get('urenAanwezig', 0))}"
                                + (f" van {gecontracteerd}" if gecontracteerd else "")
                            ),
                        ),
                        ("Uren ongeoorloofd afwezig", e(uren(stand.get("urenAfwezigOngeoorloofd", 0)))),
                        ("Laatste melding", e(tijdstip_str(o.get("laatsteMeldingOp")))),
                    ]
                )
            )
            m = meldingen.get(o["id"])
            if m is None or not m.ok:
                delen.append(niet_beschikbaar("Voortgang", m.melding if m else ""))
            else:
                perioden = []
                for r in sorted(m.data["resultaten"], key=lambda x: x["melding"].get("periodeVan", "")):
                    mm = r["melding"]
                    perioden.append(
                        (
                            f"{datum(mm.get('periodeVan'))} – {datum(mm.get('periodeTot'))}",
                            float(mm.get("urenAanwezig", 0)),
                            float(mm.get("urenAfwezigOngeoorloofd", 0)),
                        )
                    )
                delen.append(urengrafiek(f"grafiek-{o['id']}", "Aanwezigheid per periode", perioden))
                if perioden:
                    delen.append(
                        tabel(
                            ["Periode", "Uren aanwezig", "Uren ongeoorloofd afwezig"],
                            [[e(p), e(uren(a)), e(uren(b))] for p, a, b in perioden],
                            "Aanwezigheid per periode",
                        )
                    )
            delen.append("</div>")
    return "".join(delen)


def _signalen_blok(antwoord: Antwoord, i: str, ingelogd: Gebruiker) -> str:
    if not antwoord.ok:
        return niet_beschikbaar("Signalen", antwoord.melding)
    eigen = [s for s in antwoord.data["resultaten"] if s["inburgeraarId"] == i]
    onvolledig = (
        ""
        if antwoord.data.get("volledig", True)
        else ('<p class="hint">Er zijn meer open signalen dan deze pagina kan ophalen; zie ook de werklijst.</p>')
    )
    if not eigen:
        return f"<p>Geen open signalen.</p>{onvolledig}"
    return _signalentabel(eigen, ingelogd, met_persoon=False) + onvolledig


def _signalentabel(signalen: list[dict[str, Any]], ingelogd: Gebruiker, *, met_persoon: bool) -> str:
    rijen = []
    for s in signalen:
        actie = ""
        if ingelogd.kan("signalen:afhandelen"):
            actie = (
                f'<a href="{PREFIX}/signalen/{e(s["id"])}/afhandelen">Afhandelen<span class="verborgen"> '
                f"({e(t.woord(t.TERMIJN, s['termijnsoort']))}, {e(datum(s['einddatum']))})</span></a>"
            )
        rij = [
            e(t.woord(t.SIGNAAL, s["soort"])),
            e(t.woord(t.TERMIJN, s["termijnsoort"])),
            e(datum(s["einddatum"])),
            e(s.get("regel")),
            actie,
        ]
        if met_persoon:
            rij.insert(
                0,
                f'<a href="{PREFIX}/inburgeraars/{e(s["inburgeraarId"])}">Inburgeraar {e(s["inburgeraarId"][:8])}</a>',
            )
        rijen.append(rij)
    kop = ["Signaal", "Termijn", "Einddatum", "Regel", "Actie"]
    if met_persoon:
        kop.insert(0, "Inburgeraar")
    return tabel(kop, rijen, "Open signalen")


def _handhaving_blok(boetes: Antwoord, overtredingen: Antwoord) -> str:
    delen = []
    if not overtredingen.ok:
        delen.append(niet_beschikbaar("Handhaving", overtredingen.melding))
    else:
        lijst = overtredingen.data["resultaten"]
        delen.append(
            tabel(
                ["Overtreding", "Status", "Periode", "Voorgesteld bedrag"],
                [
                    [
                        e(o.get("soort")) + overgenomen(o),
                        e(t.woord(t.PROCEDURE, o.get("status"))),
                        e(f"{datum(o.get('gedragingVan'))} – {datum(o.get('gedragingTot'))}"),
                        e(f"€ {o['voorgesteldBedrag']}" if o.get("voorgesteldBedrag") else "—"),
                    ]
                    for o in lijst
                ],
                "Overtredingen",
            )
            if lijst
            else "<p>Geen overtredingen.</p>"
        )
    if not boetes.ok:
        if not boetes.niet_gevonden:
            delen.append(niet_beschikbaar("Boetes", boetes.melding))
    else:
        d = boetes.data
        delen.append(
            gegevenslijst(
                [
                    ("Opgelegd (brede intake)", e(f"€ {d.get('opgelegdBredeIntake', 0)}")),
                    ("Opgelegd (PIP)", e(f"€ {d.get('opgelegdPip', 0)}")),
                    ("Openstaand", e(f"€ {d.get('openstaand', 0)}")),
                    ("Ruimte onder het plafond", e(f"€ {d.get('ruimteOnderPlafond', 0)}")),
                ]
            )
        )
    return "".join(delen)


def _verwerkingen_blok(antwoorden: list[Antwoord]) -> str:
    delen, rijen = [], []
    for a in antwoorden:
        if not a.ok:
            delen.append(niet_beschikbaar(f"Verwerkingen {a.bron}", a.melding))
            continue
        for v in a.data["resultaten"]:
            rijen.append(
                (
                    v["tijdstip"],
                    [
                        e(tijdstip_str(v["tijdstip"])),
                        e(a.bron),
                        e(v["activiteit"]),
                        e(v["actie"]),
                        e(v["grondslag"]),
                        e(v.get("actorUser") or v["actorClient"]),
                    ],
                )
            )
    rijen.sort(key=lambda r: r[0], reverse=True)
    delen.append(
        tabel(
            ["Tijdstip", "Registratie", "Activiteit", "Actie", "Grondslag", "Door"],
            [r for _, r in rijen],
            "Verwerkingen",
        )
        if rijen
        else "<p>Geen verwerkingen gevonden.</p>"
    )
    return "".join(delen)


# ---- 3. work list of signals ----


@router.get("/signalen")
async def werklijst(
    request: Request,
    ingelogd: Aangemeld,
    wie: Annotated[Literal["mijn", "alle"], Query()] = "mijn",
    pagina_nr: Annotated[int, Query(alias="pagina", ge=1, le=10_000)] = 1,
) -> Response:
    a = await bronnen(request).get(
        "pip",
        "/signalen",
        ingelogd.token,
        status="open",
        page=pagina_nr,
        pageSize=50,
        klantregisseur=ingelogd.gebruikersnaam if wie == "mijn" else None,
    )
    keuze = "".join(
        f'<li><a href="{PREFIX}/signalen?wie={w}"{HUIDIG if w == wie else ""}>{tekst}</a></li>'
        for w, tekst in (("mijn", "Mijn caseload"), ("alle", "Hele gemeente"))
    )
    delen = ["<h1>Signalen</h1>", f'<nav aria-label="Welke signalen" class="tabs"><ul>{keuze}</ul></nav>']
    if request.query_params.get("gedaan") == "signaal":
        delen.append(melding("Het signaal is afgehandeld."))
    if not a.ok:
        delen.append(niet_beschikbaar("Signalen", a.melding))
    elif not a.data["resultaten"]:
        delen.append("<p>Geen open signalen.</p>")
    else:
        delen.append(_signalentabel(a.data["resultaten"], ingelogd, met_persoon=True))
        delen.append(paginering(f"{PREFIX}/signalen", {"wie": wie}, pagina_nr, a.data["totalPages"]))
    return html(request, pagina("Signalen", "".join(delen), kop=ingelogd.kop, actief="Signalen"))


_REDEN = [
    Veld(
        "reden",
        "Reden van afhandeling",
        "tekstvak",
        verplicht=True,
        hint="Wat u hebt gedaan of waarom er niets hoeft te gebeuren. Dit komt in het dossier.",
    )
]


def _afhandelpagina(
    request: Request,
    ingelogd: Gebruiker,
    signaal: dict[str, Any],
    waarden: dict[str, str],
    fouten: Fouten,
    status: int = 200,
) -> Response:
    s = signaal
    inhoud = (
        "<h1>Signaal afhandelen</h1>"
        + gegevenslijst(
            [
                ("Signaal", e(t.woord(t.SIGNAAL, s["soort"]))),
                ("Termijn", e(t.woord(t.TERMIJN, s["termijnsoort"]))),
                ("Einddatum", e(datum(s["einddatum"]))),
                ("Regel", e(s.get("regel"))),
                ("Inburgeraar", f'<a href="{PREFIX}/inburgeraars/{e(s["inburgeraarId"])}">bekijken</a>'),
            ]
        )
        + formulier(
            f"{PREFIX}/signalen/{s['id']}/afhandelen",
            _REDEN,
            waarden,
            fouten,
            csrf_token=ingelogd.sessie.csrf,
            knop="Signaal afhandelen",
        )
    )
    return html(
        request, pagina("Signaal afhandelen", inhoud, kop=ingelogd.kop, fout=bool(fouten), actief="Signalen"), status
    )


@router.get("/signalen/{signaal_id}/afhandelen")
async def afhandelen_formulier(request: Request, ingelogd: Aangemeld, signaal_id: uuid.UUID) -> Response:
    a = await bronnen(request).get("pip", f"/signalen/{signaal_id}", ingelogd.token)
    if not a.ok:
        inhoud = f"<h1>Signaal afhandelen</h1>{niet_beschikbaar('Signaal', a.melding)}"
        return html(request, pagina("Signaal afhandelen", inhoud, kop=ingelogd.kop), 404 if a.niet_gevonden else 200)
    return _afhandelpagina(request, ingelogd, a.data, {}, Fouten())


@router.post("/signalen/{signaal_id}/afhandelen")
async def afhandelen(request: Request, ingelogd: Aangemeld, signaal_id: uuid.UUID) -> Response:
    velden = await lees(request, ingelogd)
    b = bronnen(request)
    reden = velden.get("reden", "").strip()
    fouten = Fouten()
    if not reden:
        fouten.voeg_toe("reden", "Vul de reden van afhandeling in.")
    else:
        a = await b.vraag("pip", "POST", f"/signalen/{signaal_id}/_afhandelen", ingelogd.token, json={"reden": reden})
        if a.ok:
            return naar(request, f"{PREFIX}/inburgeraars/{a.data['inburgeraarId']}?gedaan=signaal")
        for p in a.invalid_params:
            fouten.voeg_toe("reden" if p.get("name", "").endswith("reden") else None, str(p.get("reason")))
        if not fouten:
            fouten.voeg_toe(None, a.melding)
    s = await b.get("pip", f"/signalen/{signaal_id}", ingelogd.token)
    if not s.ok:
        inhoud = f"<h1>Signaal afhandelen</h1>{niet_beschikbaar('Signaal', s.melding)}"
        return html(request, pagina("Signaal afhandelen", inhoud, kop=ingelogd.kop, fout=True), 200)
    return _afhandelpagina(request, ingelogd, s.data, velden, fouten, 400)


# ---- opening a person, processing log ----


_ZOEK = [Veld("inburgeraarId", "Id van de inburgeraar", hint="Het id uit het dossier of de taak, bijvoorbeeld 3f2b…")]


@router.get("/zoeken")
async def zoeken(request: Request, ingelogd: Aangemeld) -> Response:
    inhoud = "<h1>Inburgeraar openen</h1>" + _zoekformulier(ingelogd, {}, Fouten())
    return html(request, pagina("Inburgeraar openen", inhoud, kop=ingelogd.kop, actief="Inburgeraar openen"))


def _zoekformulier(ingelogd: Gebruiker, waarden: dict[str, str], fouten: Fouten) -> str:
    return formulier(f"{PREFIX}/zoeken", _ZOEK, waarden, fouten, csrf_token=ingelogd.sessie.csrf, knop="Openen")


@router.post("/zoeken")
async def zoeken_openen(request: Request, ingelogd: Aangemeld) -> Response:
    velden = await lees(request, ingelogd)
    try:
        gevonden = uuid.UUID(velden.get("inburgeraarId", "").strip())
    except ValueError:
        fouten = Fouten()
        fouten.voeg_toe("inburgeraarId", "Vul een geldig id in (32 tekens met streepjes).")
        inhoud = "<h1>Inburgeraar openen</h1>" + _zoekformulier(ingelogd, velden, fouten)
        return html(request, pagina("Inburgeraar openen", inhoud, kop=ingelogd.kop, fout=True), 400)
    return naar(request, f"{PREFIX}/inburgeraars/{gevonden}")


_BSN_ZOEK = [
    Veld(
        "bsn",
        "BSN van de betrokkene",
        hint="Voor een inzageverzoek: het BSN gaat alleen in het verzoek "
        "naar de registraties mee, nooit in een adres of log.",
        autocomplete="off",
    )
]


@router.get("/verwerkingen")
async def verwerkingen(request: Request, ingelogd: Aangemeld) -> Response:
    inhoud = "<h1>Verwerkingenlog</h1>" + formulier(
        f"{PREFIX}/verwerkingen", _BSN_ZOEK, {}, Fouten(), csrf_token=ingelogd.sessie.csrf, knop="Zoeken"
    )
    return html(request, pagina("Verwerkingenlog", inhoud, kop=ingelogd.kop, actief="Verwerkingenlog"))


@router.post("/verwerkingen")
async def verwerkingen_zoeken(request: Request, ingelogd: Aangemeld) -> Response:
    velden = await lees(request, ingelogd)
    bsn = velden.get("bsn", "").strip()
    fouten = Fouten()
    resultaat = ""
    if not (bsn.isdigit() and len(bsn) == 9):
        fouten.voeg_toe("bsn", "Vul een BSN van 9 cijfers in.")
    else:
        b = bronnen(request)
        r = await samen(
            **{
                bron: b.vraag(
                    bron, "POST", "/verwerkingen/_zoek", ingelogd.token, json={"bsn": bsn}, params={"pageSize": 100}
                )
                for bron in ("inburgeraar", "pip", "aanbieder", "handhaving")
            }
        )
        resultaat = _verwerkingen_blok(list(r.values()))
    inhoud = (
        "<h1>Verwerkingenlog</h1>"
        + formulier(f"{PREFIX}/verwerkingen", _BSN_ZOEK, {}, fouten, csrf_token=ingelogd.sessie.csrf, knop="Zoeken")
        + (
            f'<section aria-labelledby="resultaat"><h2 id="resultaat">Gevonden verwerkingen</h2>{resultaat}</section>'
            if resultaat
            else ""
        )
    )
    return html(
        request,
        pagina("Verwerkingenlog", inhoud, kop=ingelogd.kop, fout=bool(fouten), actief="Verwerkingenlog"),
        400 if fouten else 200,
    )
