"""The klantregisseur's actions without leaving the werkplek: the outcome of an intake oproep, a PIP drafted,
vastgesteld and changed, an opdracht to a provider, and a preview of the beschikking. Each form posts to the werkplek,
which makes the one API call as the user; a refusal comes back as `invalidParams` and each is shown at its field
(the route rules' errors at the leerroute, the ingangsdatum, the afschaling), the rest above the form."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from fastapi import Request, Response

from inburgering_kit.html import Fouten, Veld, e, formulier
from werkplek import teksten as t
from werkplek.bronnen import Antwoord
from werkplek.toegang import Aangemeld, Gebruiker, bronnen, html, naar, nieuwe_router
from werkplek.toegang import formulier as lees
from werkplek.weergave import PREFIX, niet_beschikbaar, pagina

router = nieuwe_router()


def _fouten(a: Antwoord, velden: Sequence[Veld], voorvoegsel: str = "") -> Fouten:
    """Each `invalidParams` entry at the field it names (`wijzigingen.leerroute` → `leerroute` on the change form),
    else above the form."""
    fouten = Fouten()
    namen = {v.naam for v in velden}
    for p in a.invalid_params:
        naam = str(p.get("name", ""))
        if voorvoegsel and naam.startswith(voorvoegsel):
            naam = naam[len(voorvoegsel) :]
        # A field inside an object the form shows as one field (`pvt.geplandeStart` and `pvt`).
        while naam and naam not in namen and "." in naam:
            naam = naam.rsplit(".", 1)[0]
        reden = str(p.get("reason", ""))
        reden = reden[:1].upper() + reden[1:]
        fouten.voeg_toe(naam if naam in namen else None, f"{_label(velden, naam)}: {reden}" if naam in namen else reden)
    if not fouten:
        fouten.voeg_toe(None, a.melding)
    return fouten


def _label(velden: Sequence[Veld], naam: str) -> str:
    return next((v.label for v in velden if v.naam == naam), naam)


def _formulierpagina(
    request: Request,
    ingelogd: Gebruiker,
    titel: str,
    intro: str,
    actie: str,
    velden: Sequence[Veld],
    waarden: dict[str, str],
    fouten: Fouten,
    knop: str,
    terug: str,
    status: int = 200,
) -> Response:
    inhoud = (
        f"<h1>{e(titel)}</h1>{intro}"
        + formulier(actie, velden, waarden, fouten, csrf_token=ingelogd.sessie.csrf, knop=knop)
        + f'<p><a href="{e(terug)}">Terug naar het overzicht</a></p>'
    )
    return html(request, pagina(titel, inhoud, kop=ingelogd.kop, fout=bool(fouten)), status)


# ---- intake ----

_UITKOMST = [
    Veld("uitkomst", "Uitkomst van de oproep", "keuze", verplicht=True, opties=tuple(t.OPROEPUITKOMST.items())),
    Veld("toelichting", "Toelichting", "tekstvak"),
]


@router.get("/inburgeraars/{inburgeraar_id}/oproepen/{oproep_id}/uitkomst")
async def uitkomst_formulier(
    request: Request, ingelogd: Aangemeld, inburgeraar_id: uuid.UUID, oproep_id: uuid.UUID
) -> Response:
    return _formulierpagina(
        request,
        ingelogd,
        "Uitkomst van de oproep vastleggen",
        "",
        f"{PREFIX}/inburgeraars/{inburgeraar_id}/oproepen/{oproep_id}/uitkomst",
        _UITKOMST,
        {},
        Fouten(),
        "Uitkomst vastleggen",
        f"{PREFIX}/inburgeraars/{inburgeraar_id}",
    )


@router.post("/inburgeraars/{inburgeraar_id}/oproepen/{oproep_id}/uitkomst")
async def uitkomst(request: Request, ingelogd: Aangemeld, inburgeraar_id: uuid.UUID, oproep_id: uuid.UUID) -> Response:
    v = await lees(request, ingelogd)
    fouten = Fouten()
    if v.get("uitkomst") not in t.OPROEPUITKOMST:
        fouten.voeg_toe("uitkomst", "Kies de uitkomst van de oproep.")
    else:
        body = {"uitkomst": v["uitkomst"], "toelichting": v.get("toelichting") or None}
        a = await bronnen(request).vraag(
            "inburgeraar",
            "PUT",
            f"/inburgeraars/{inburgeraar_id}/brede-intake/oproepen/{oproep_id}/uitkomst",
            ingelogd.token,
            json=body,
        )
        if a.ok:
            return naar(request, f"{PREFIX}/inburgeraars/{inburgeraar_id}?gedaan=intake")
        fouten = _fouten(a, _UITKOMST)
    return _formulierpagina(
        request,
        ingelogd,
        "Uitkomst van de oproep vastleggen",
        "",
        f"{PREFIX}/inburgeraars/{inburgeraar_id}/oproepen/{oproep_id}/uitkomst",
        _UITKOMST,
        v,
        fouten,
        "Uitkomst vastleggen",
        f"{PREFIX}/inburgeraars/{inburgeraar_id}",
        400,
    )


# ---- PIP ----

_PIP_INHOUD = [
    Veld("leerroute", "Leerroute", "keuze", verplicht=True, opties=tuple(t.LEERROUTE.items())),
    Veld("taalniveau", "Taalniveau", "lijst", verplicht=True, opties=tuple((n, n) for n in ("A1", "A2", "B1", "B2"))),
    Veld("intensiteit", "Intensiteit", hint="Bijvoorbeeld: 12 uur per week."),
    Veld("pvt.aanbieder", "Aanbieder participatieverklaringstraject (PVT)"),
    Veld("pvt.geplandeStart", "Geplande start PVT", "datum"),
    Veld("map.aanbieder", "Aanbieder module arbeidsmarkt en participatie (MAP)"),
    Veld("knm.aanbieder", "Aanbieder kennis Nederlandse maatschappij (KNM)"),
    Veld("zRoute.taaluren", "Z-route: taaluren", "uren"),
    Veld("zRoute.participatieuren", "Z-route: participatie-uren", "uren"),
]


def _pip_inhoud(v: dict[str, str], *, alleen_gevuld: bool) -> dict[str, Any]:
    """The form as the API's PIP body. On a change only what was filled in: the rest stays as it is."""
    body: dict[str, Any] = {}
    for naam in ("leerroute", "taalniveau", "intensiteit"):
        if v.get(naam):
            body[naam] = v[naam]
    for onderdeel in ("pvt", "map", "knm"):
        if v.get(f"{onderdeel}.aanbieder"):
            body[onderdeel] = {"aanbieder": v[f"{onderdeel}.aanbieder"]}
            if onderdeel == "pvt" and v.get("pvt.geplandeStart"):
                body["pvt"]["geplandeStart"] = v["pvt.geplandeStart"]
    if v.get("zRoute.taaluren") or v.get("zRoute.participatieuren"):
        body["zRoute"] = {
            "taaluren": _getal(v.get("zRoute.taaluren")),
            "participatieuren": _getal(v.get("zRoute.participatieuren")),
        }
    if not alleen_gevuld:
        body.setdefault("leerroute", None)
        body.setdefault("taalniveau", None)
    return body


def _getal(tekst: str | None) -> int | str | None:
    if not tekst:
        return None
    return int(tekst) if re.fullmatch(r"\d{1,6}", tekst.strip()) else tekst


@router.get("/inburgeraars/{inburgeraar_id}/pip/nieuw")
async def pip_nieuw_formulier(request: Request, ingelogd: Aangemeld, inburgeraar_id: uuid.UUID) -> Response:
    return _formulierpagina(
        request,
        ingelogd,
        "PIP opstellen",
        "<p>Het PIP wordt als concept opgeslagen; u stelt het daarna vast.</p>",
        f"{PREFIX}/inburgeraars/{inburgeraar_id}/pip/nieuw",
        _PIP_INHOUD,
        {},
        Fouten(),
        "Concept opslaan",
        f"{PREFIX}/inburgeraars/{inburgeraar_id}",
    )


@router.post("/inburgeraars/{inburgeraar_id}/pip/nieuw")
async def pip_nieuw(request: Request, ingelogd: Aangemeld, inburgeraar_id: uuid.UUID) -> Response:
    v = await lees(request, ingelogd)
    body = {
        **_pip_inhoud(v, alleen_gevuld=False),
        "inburgeraarId": str(inburgeraar_id),
        "klantregisseur": ingelogd.gebruikersnaam,
    }
    a = await bronnen(request).vraag("pip", "POST", "/pips", ingelogd.token, json=body, idempotent=True)
    if a.ok:
        return naar(request, f"{PREFIX}/inburgeraars/{inburgeraar_id}?gedaan=pip-concept")
    return _formulierpagina(
        request,
        ingelogd,
        "PIP opstellen",
        "",
        f"{PREFIX}/inburgeraars/{inburgeraar_id}/pip/nieuw",
        _PIP_INHOUD,
        v,
        _fouten(a, _PIP_INHOUD),
        "Concept opslaan",
        f"{PREFIX}/inburgeraars/{inburgeraar_id}",
        400,
    )


_BESLUIT = [
    Veld("dagtekening", "Dagtekening van de beschikking", "datum", verplicht=True),
    Veld("verzenddatum", "Verzenddatum", "datum", verplicht=True),
    Veld("ingangsdatum", "Ingangsdatum", "datum", verplicht=True),
]
_WIJZIGEN = [
    *_BESLUIT,
    Veld("reden", "Reden van de wijziging", "tekstvak", verplicht=True),
    Veld("routewisselGrond", "Grond voor de routewissel", "tekstvak", hint="Alleen bij een andere leerroute."),
    *[Veld(v.naam, v.label, v.soort, False, v.hint, v.opties) for v in _PIP_INHOUD],
]


async def _pip(request: Request, ingelogd: Gebruiker, pip_id: uuid.UUID) -> Antwoord:
    return await bronnen(request).get("pip", f"/pips/{pip_id}", ingelogd.token)


def _vandaag() -> dict[str, str]:
    d = date.today().isoformat()
    return {"dagtekening": d, "verzenddatum": d, "ingangsdatum": d}


@router.get("/pips/{pip_id}/vaststellen")
async def vaststellen_formulier(request: Request, ingelogd: Aangemeld, pip_id: uuid.UUID) -> Response:
    pip = await _pip(request, ingelogd, pip_id)
    if not pip.ok:
        return html(
            request,
            pagina(
                "PIP vaststellen", f"<h1>PIP vaststellen</h1>{niet_beschikbaar('PIP', pip.melding)}", kop=ingelogd.kop
            ),
        )
    return _formulierpagina(
        request,
        ingelogd,
        "PIP vaststellen",
        "",
        f"{PREFIX}/pips/{pip_id}/vaststellen",
        _BESLUIT,
        _vandaag(),
        Fouten(),
        "PIP vaststellen",
        f"{PREFIX}/inburgeraars/{pip.data['inburgeraarId']}",
    )


@router.post("/pips/{pip_id}/vaststellen")
async def vaststellen(request: Request, ingelogd: Aangemeld, pip_id: uuid.UUID) -> Response:
    v = await lees(request, ingelogd)
    body = {k: v.get(k) or None for k in ("dagtekening", "verzenddatum", "ingangsdatum")}
    a = await bronnen(request).vraag("pip", "POST", f"/pips/{pip_id}/_vaststellen", ingelogd.token, json=body)
    if a.ok:
        return naar(request, f"{PREFIX}/inburgeraars/{a.data['inburgeraarId']}?gedaan=pip-vastgesteld")
    pip = await _pip(request, ingelogd, pip_id)
    terug = f"{PREFIX}/inburgeraars/{pip.data['inburgeraarId']}" if pip.ok else PREFIX
    return _formulierpagina(
        request,
        ingelogd,
        "PIP vaststellen",
        "",
        f"{PREFIX}/pips/{pip_id}/vaststellen",
        _BESLUIT,
        v,
        _fouten(a, _BESLUIT),
        "PIP vaststellen",
        terug,
        400,
    )


def _huidig(pip: dict[str, Any]) -> str:
    return (
        f"<p>Huidige versie {e(pip.get('versie'))}: {e(t.woord(t.LEERROUTE, pip.get('leerroute')))}, "
        f"taalniveau {e(pip.get('taalniveau'))}. Vul alleen in wat verandert.</p>"
    )


@router.get("/pips/{pip_id}/wijzigen")
async def wijzigen_formulier(request: Request, ingelogd: Aangemeld, pip_id: uuid.UUID) -> Response:
    pip = await _pip(request, ingelogd, pip_id)
    if not pip.ok:
        return html(
            request,
            pagina("PIP wijzigen", f"<h1>PIP wijzigen</h1>{niet_beschikbaar('PIP', pip.melding)}", kop=ingelogd.kop),
        )
    return _formulierpagina(
        request,
        ingelogd,
        "PIP wijzigen",
        _huidig(pip.data),
        f"{PREFIX}/pips/{pip_id}/wijzigen",
        _WIJZIGEN,
        _vandaag(),
        Fouten(),
        "Wijziging vaststellen",
        f"{PREFIX}/inburgeraars/{pip.data['inburgeraarId']}",
    )


@router.post("/pips/{pip_id}/wijzigen")
async def wijzigen(request: Request, ingelogd: Aangemeld, pip_id: uuid.UUID) -> Response:
    v = await lees(request, ingelogd)
    body = {
        **{k: v.get(k) or None for k in ("dagtekening", "verzenddatum", "ingangsdatum", "reden", "routewisselGrond")},
        "wijzigingen": _pip_inhoud(v, alleen_gevuld=True),
    }
    a = await bronnen(request).vraag("pip", "POST", f"/pips/{pip_id}/_wijzigen", ingelogd.token, json=body)
    if a.ok:
        return naar(request, f"{PREFIX}/inburgeraars/{a.data['inburgeraarId']}?gedaan=pip-gewijzigd")
    pip = await _pip(request, ingelogd, pip_id)
    intro = _huidig(pip.data) if pip.ok else ""
    terug = f"{PREFIX}/inburgeraars/{pip.data['inburgeraarId']}" if pip.ok else PREFIX
    return _formulierpagina(
        request,
        ingelogd,
        "PIP wijzigen",
        intro,
        f"{PREFIX}/pips/{pip_id}/wijzigen",
        _WIJZIGEN,
        v,
        _fouten(a, _WIJZIGEN, "wijzigingen."),
        "Wijziging vaststellen",
        terug,
        400,
    )


@router.get("/pips/{pip_id}/beschikking")
async def beschikking(request: Request, ingelogd: Aangemeld, pip_id: uuid.UUID) -> Response:
    """The letter as pip-api renders it, inside the werkplek's page: its body only (pip-api escapes every value)."""
    a = await bronnen(request).vraag("pip", "GET", f"/pips/{pip_id}/beschikking", ingelogd.token, accept="text/html")
    delen = ["<h1>Voorbeeld van de beschikking</h1>"]
    if not a.ok or a.tekst is None:
        delen.append(niet_beschikbaar("Beschikking", a.melding))
    else:
        match = re.search(r"<body[^>]*>(.*)</body>", a.tekst, re.DOTALL | re.IGNORECASE)
        romp = match.group(1) if match else ""
        # The letter's own headings start at h1; inside this page they sit one level lower.
        for n in range(5, 0, -1):
            romp = re.sub(rf"<(/?)h{n}(\b[^>]*)>", rf"<\1h{n + 1}\2>", romp)
        romp = re.sub(r"<(/?)main\b[^>]*>", r"<\1div>", romp)
        delen.append(f'<article class="brief" aria-label="Beschikking">{romp}</article>')
    return html(request, pagina("Voorbeeld van de beschikking", "".join(delen), kop=ingelogd.kop))


# ---- opdracht ----

_OPDRACHT = [
    Veld("aanbiederId", "Id van de aanbieder", verplicht=True),
    Veld("onderdeel", "Onderdeel", "lijst", verplicht=True, opties=tuple(t.DIENST.items())),
    Veld("inhoud.geplandeStartdatum", "Geplande startdatum", "datum", verplicht=True),
    Veld("inhoud.geplandeEinddatum", "Geplande einddatum", "datum", verplicht=True),
    Veld("inhoud.uren", "Aantal uren", "uren"),
    Veld("inhoud.cursusnaam", "Cursusnaam"),
]


@router.get("/pips/{pip_id}/opdrachten/nieuw")
async def opdracht_formulier(request: Request, ingelogd: Aangemeld, pip_id: uuid.UUID) -> Response:
    return _formulierpagina(
        request,
        ingelogd,
        "Opdracht verstrekken",
        "",
        f"{PREFIX}/pips/{pip_id}/opdrachten/nieuw",
        _OPDRACHT,
        {},
        Fouten(),
        "Opdracht verstrekken",
        PREFIX,
    )


@router.post("/pips/{pip_id}/opdrachten/nieuw")
async def opdracht(request: Request, ingelogd: Aangemeld, pip_id: uuid.UUID) -> Response:
    v = await lees(request, ingelogd)
    inhoud: dict[str, Any] = {
        k.split(".", 1)[1]: v.get(k) or None
        for k in ("inhoud.geplandeStartdatum", "inhoud.geplandeEinddatum", "inhoud.cursusnaam")
    }
    if v.get("inhoud.uren"):
        inhoud["uren"] = _getal(v["inhoud.uren"])
    body = {
        "pipId": str(pip_id),
        "aanbiederId": v.get("aanbiederId") or None,
        "onderdeel": v.get("onderdeel") or None,
        "inhoud": inhoud,
    }
    a = await bronnen(request).vraag("aanbieder", "POST", "/opdrachten", ingelogd.token, json=body, idempotent=True)
    if a.ok:
        return naar(request, f"{PREFIX}/inburgeraars/{a.data['inburgeraarId']}?gedaan=opdracht")
    return _formulierpagina(
        request,
        ingelogd,
        "Opdracht verstrekken",
        "",
        f"{PREFIX}/pips/{pip_id}/opdrachten/nieuw",
        _OPDRACHT,
        v,
        _fouten(a, _OPDRACHT),
        "Opdracht verstrekken",
        PREFIX,
        400,
    )
