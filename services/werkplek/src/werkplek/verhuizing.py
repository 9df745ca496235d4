"""A move to another gemeente (Besluit art. 9.4 lid 4, DOMAIN §6) as the klantregisseur sees it on the person's page:
the moves registered at inburgeraar-api, the state of the dossier transfer the gemeente's exchange runs for each, a
form to register one, and a banner once the person has moved away (the regie then lies with the new gemeente).

inburgeraar-api and the exchange own all of it; the werkplek only asks and shows. The exchange's status holds no
dossier content, only its steps, so it is safe for every role that may read the exchange at all."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any

from fastapi import Request, Response

from inburgering_kit.html import Fouten, Veld, datum, e, formulier, tabel, tijdstip
from inburgering_kit.problems import Forbidden
from werkplek import teksten as t
from werkplek.acties import _fouten
from werkplek.bronnen import Antwoord
from werkplek.toegang import Aangemeld, Gebruiker, bronnen, html, naar, nieuwe_router
from werkplek.toegang import formulier as lees
from werkplek.weergave import PREFIX, niet_beschikbaar, pagina

router = nieuwe_router()

# Registering a move is the klantregisseur's (at the gemeente left): inburgeraar-api's scope for it.
REGISTREREN = "verhuizing:registreren"
# The exchange's transfer status: the klantregisseur reads the exchange with this scope.
KETEN_LEZEN = "keten:lezen"

VELDEN = [
    Veld(
        "naarGemeente",
        "Nieuwe gemeente (gemeentecode)",
        verplicht=True,
        hint="De gemeentecode van vier cijfers van de gemeente waar de inburgeraar gaat wonen, bijvoorbeeld 0599.",
        autocomplete="off",
    ),
    Veld("verhuisdatum", "Verhuisdatum", "datum", hint="Vul die in als die al bekend is."),
]


def mag_registreren(ingelogd: Gebruiker) -> bool:
    return ingelogd.kan(REGISTREREN)


def lijst(data: Any) -> list[dict[str, Any]]:
    """The items of a list answer, whether a bare list or a page (`resultaten`, or `items`)."""
    if isinstance(data, dict):
        data = data.get("resultaten", data.get("items", []))
    return [x for x in data if isinstance(x, dict)] if isinstance(data, list) else []


def _tijd(waarde: Any) -> str:
    if not waarde:
        return "—"
    try:
        return tijdstip(datetime.fromisoformat(str(waarde)))
    except ValueError:
        return str(waarde)


def _datum(waarde: Any) -> str:
    try:
        return datum(waarde)
    except (TypeError, ValueError):
        return str(waarde)


# ---- on the person's page ----


def banner(persoon: dict[str, Any], verhuizingen: Antwoord) -> str:
    """Said at the top, right under the name: what follows is the history up to the move."""
    if not t.verhuisd(persoon):
        return ""
    veld = persoon.get("verhuisd")
    gegeven: dict[str, Any] = veld if isinstance(veld, dict) else {}
    naar_gemeente = gegeven.get("naarGemeente") or persoon.get("naarGemeente")
    op = gegeven.get("verhuisdatum")
    if not naar_gemeente and verhuizingen.ok:
        klaar = [v for v in lijst(verhuizingen.data) if v.get("status") == "overgedragen"]
        if klaar:
            laatste = max(klaar, key=lambda v: str(v.get("overgedragenOp") or ""))
            naar_gemeente, op = laatste.get("naarGemeente"), laatste.get("verhuisdatum")
    waarheen = f"naar gemeente {naar_gemeente}" if naar_gemeente else "naar een andere gemeente"
    wanneer = f" op {_datum(op)}" if op else ""
    return (
        f'<div class="verhuisd"><p><strong>Verhuisd {e(waarheen)}{e(wanneer)}.</strong> Het dossier is '
        "overgedragen en de regie ligt nu bij de nieuwe gemeente. Wat hieronder staat, is de geschiedenis tot de "
        "verhuizing.</p></div>"
    )


def blok(
    i: str,
    persoon: Antwoord,
    verhuizingen: Antwoord,
    overdrachten: Antwoord,
    ingelogd: Gebruiker,
) -> str:
    """The moves, the transfers and the form; empty when the user may see none of them."""
    delen = []
    if ingelogd.kan("inburgeraar:lezen"):
        delen.append(_verhuizingen(verhuizingen))
    if ingelogd.kan(KETEN_LEZEN):
        delen.append(_overdrachten(overdrachten))
    if mag_registreren(ingelogd) and persoon.ok and not t.verhuisd(persoon.data):
        delen.append(_formulier(i, ingelogd))
    return "".join(delen)


def _verhuizingen(a: Antwoord) -> str:
    # 404 on the list of a person that exists: an inburgeraar-api from before moves were registered; the person
    # itself is checked by its own call.
    if not a.ok and not a.niet_gevonden:
        return niet_beschikbaar("Verhuizingen", a.melding)
    items = sorted(lijst(a.data) if a.ok else [], key=lambda v: str(v.get("aangemeldOp") or ""), reverse=True)
    if not items:
        return "<p>Er is geen verhuizing geregistreerd.</p>"
    rijen = [
        [
            e(v.get("vanGemeente") or "—"),
            e(v.get("naarGemeente") or "—"),
            e(_datum(v.get("verhuisdatum"))),
            e(t.woord(t.VERHUIZINGBRON, v.get("bron"))),
            e(t.woord(t.VERHUIZINGSTATUS, v.get("status"))),
            e(_tijd(v.get("aangemeldOp"))),
            e(_tijd(v.get("overgedragenOp"))),
        ]
        for v in items
    ]
    return tabel(
        ["Van gemeente", "Naar gemeente", "Verhuisdatum", "Gemeld door", "Status", "Aangemeld op", "Overgedragen op"],
        rijen,
        "Verhuizingen",
    )


def _stappen(stappen: Any) -> str:
    """The transfer's steps (one per context, in whatever shape the exchange gives them) as a list of words."""
    paren: list[tuple[str, Any]] = []
    if isinstance(stappen, dict):
        paren = list(stappen.items())
    elif isinstance(stappen, list):
        for n, s in enumerate(stappen, 1):
            if isinstance(s, dict):
                naam = s.get("naam") or s.get("stap") or s.get("onderdeel") or s.get("context") or f"Stap {n}"
                paren.append((str(naam), s))
            else:
                paren.append((f"Stap {n}", s))
    if not paren:
        return "—"
    items = []
    for naam, stand in paren:
        stap = t.woord(t.OVERDRACHTSTAP, naam)
        if isinstance(stand, dict) and "status" in stand:
            tekst = f"{stap}: {t.woord(t.OVERDRACHTSTATUS, stand['status'])}"
        elif isinstance(stand, dict):
            # The exchange's own shape: a step is done when it has its moment.
            moment = stand.get("gedaanOp")
            tekst = f"{stap}: gedaan op {_tijd(moment)}" if moment else f"{stap}: nog niet"
        elif isinstance(stand, bool) or stand is None:
            tekst = f"{stap}: {'gedaan' if stand else 'nog niet'}"
        else:
            tekst = f"{stap}: gedaan op {_tijd(stand)}"
        items.append(f"<li>{e(tekst)}</li>")
    return f'<ul class="stappen">{"".join(items)}</ul>'


def _overdrachten(a: Antwoord) -> str:
    if not a.ok:
        return niet_beschikbaar("Overdracht van het dossier", a.melding)
    items = sorted(lijst(a.data), key=lambda o: str(o.get("aangemaaktOp") or ""), reverse=True)
    if not items:
        return "<p>Er is geen overdracht van het dossier.</p>"
    rijen = []
    for o in items:
        status = e(t.woord(t.OVERDRACHTSTATUS, o.get("status")))
        fout = o.get("laatsteFout") or o.get("fout")
        if fout and o.get("status") != "afgerond":
            tekst = (fout.get("detail") or fout.get("title") or fout.get("code")) if isinstance(fout, dict) else fout
            status += f'<br><span class="foutmelding">Laatste fout: {e(tekst)}</span>'
        rijen.append(
            [
                e(t.woord(t.RICHTING, o.get("richting"))),
                e(o.get("vanGemeente") or "—"),
                e(o.get("naarGemeente") or "—"),
                status,
                _stappen(o.get("stappen")),
                e(_tijd(o.get("aangemaaktOp"))),
                e(_tijd(o.get("bijgewerktOp"))),
            ]
        )
    return tabel(
        ["Richting", "Van gemeente", "Naar gemeente", "Status", "Stappen", "Aangemaakt", "Bijgewerkt"],
        rijen,
        "Overdracht van het dossier",
    )


def _formulier(i: str, ingelogd: Gebruiker) -> str:
    return (
        '<h3 id="verhuizing-registreren">Verhuizing registreren</h3>'
        "<p>Na de registratie draagt de ketenuitwisseling het dossier over aan de nieuwe gemeente: de brede intake, "
        "het PIP met zijn wijzigingen, de voortgang en de handhaving. Daarna ligt de regie bij die gemeente.</p>"
        + formulier(
            f"{PREFIX}/inburgeraars/{i}/verhuizingen",
            VELDEN,
            {},
            Fouten(),
            csrf_token=ingelogd.sessie.csrf,
            knop="Verhuizing registreren",
        )
    )


# ---- registering ----


def _pagina(
    request: Request, ingelogd: Gebruiker, i: uuid.UUID, waarden: dict[str, str], fouten: Fouten, status: int = 200
) -> Response:
    inhoud = (
        "<h1>Verhuizing registreren</h1>"
        "<p>Na de registratie draagt de ketenuitwisseling het dossier over aan de nieuwe gemeente.</p>"
        + formulier(
            f"{PREFIX}/inburgeraars/{i}/verhuizingen",
            VELDEN,
            waarden,
            fouten,
            csrf_token=ingelogd.sessie.csrf,
            knop="Verhuizing registreren",
        )
        + f'<p><a href="{PREFIX}/inburgeraars/{i}">Terug naar het overzicht</a></p>'
    )
    return html(request, pagina("Verhuizing registreren", inhoud, kop=ingelogd.kop, fout=bool(fouten)), status)


def _controleer(ingelogd: Gebruiker) -> None:
    if not mag_registreren(ingelogd):
        raise Forbidden("Een verhuizing registreert de klantregisseur.")


@router.get("/inburgeraars/{inburgeraar_id}/verhuizingen")
async def registreren_formulier(request: Request, ingelogd: Aangemeld, inburgeraar_id: uuid.UUID) -> Response:
    _controleer(ingelogd)
    return _pagina(request, ingelogd, inburgeraar_id, {}, Fouten())


@router.post("/inburgeraars/{inburgeraar_id}/verhuizingen")
async def registreren(request: Request, ingelogd: Aangemeld, inburgeraar_id: uuid.UUID) -> Response:
    v = await lees(request, ingelogd)
    _controleer(ingelogd)
    naar_gemeente = v.get("naarGemeente", "").strip()
    verhuisdatum = v.get("verhuisdatum", "").strip()
    fouten = Fouten()
    # The werkplek's own checks first: a typo costs no call; inburgeraar-api checks all of it again.
    if not re.fullmatch(r"\d{4}", naar_gemeente):
        fouten.voeg_toe("naarGemeente", "Vul de gemeentecode van vier cijfers in, bijvoorbeeld 0599.")
    elif naar_gemeente == ingelogd.gemeente:
        fouten.voeg_toe("naarGemeente", "Dit is uw eigen gemeente: vul de gemeente in waar de inburgeraar gaat wonen.")
    if verhuisdatum:
        try:
            date.fromisoformat(verhuisdatum)
        except ValueError:
            fouten.voeg_toe("verhuisdatum", "Vul een geldige verhuisdatum in, bijvoorbeeld 1-7-2026.")
    if not fouten:
        body = {"naarGemeente": naar_gemeente, "verhuisdatum": verhuisdatum or None, "bron": "klantregisseur"}
        a = await bronnen(request).vraag(
            "inburgeraar", "POST", f"/inburgeraars/{inburgeraar_id}/verhuizingen", ingelogd.token, json=body
        )
        if a.ok:
            return naar(request, f"{PREFIX}/inburgeraars/{inburgeraar_id}?gedaan=verhuizing")
        fouten = _fouten(a, VELDEN)
    return _pagina(request, ingelogd, inburgeraar_id, v, fouten, 400)
