"""The provider portal (seed 000 §4.4.3, the "gemeente portal" for manual entry): web pages where an employee of
an aanbieder without a system of its own signs in, sees its opdrachten and reports on them.

Every read and every report goes through the same use cases as the provider API (`opdrachten.*_voor_aanbieder`,
`voortgang.meld`), so the three channels land in the same records, with the same events and processing records.
The pages are not part of the API contract (`include_in_schema=False`): they are HTML for people.

Security, after the NCSC ICT-beveiligingsrichtlijnen voor webapplicaties and OWASP's cheat sheets:
- a server-side session behind a random cookie: HttpOnly, SameSite=Strict, Secure (and `__Host-`) outside
  development, ending after 30 minutes idle, 8 hours at most, or on sign-out;
- every form POST carries a CSRF token (the session's, or before sign-in a cookie's double), and a cross-site
  `Origin` is refused;
- five wrong passwords in a row block the account for 15 minutes; every refused sign-in says the same thing;
- a Content-Security-Policy that allows only the portal's own stylesheet: no script runs on these pages at all.
"""

from __future__ import annotations

import hmac
import logging
import math
import secrets
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError

from aanbieder_api import scopes
from aanbieder_api.domain.enums import Dienst, Kanaal, Meldingsoort, OpdrachtStatus
from aanbieder_api.domain.opdracht import OpdrachtInhoud
from aanbieder_api.domain.stand import Stand
from aanbieder_api.models import Opdracht, OpdrachtVersie
from aanbieder_api.portal import formulieren, toegang
from aanbieder_api.portal.html import (
    PREFIX,
    Fouten,
    Gebruiker,
    Veld,
    datum,
    e,
    formulier,
    gegevenslijst,
    melding_box,
    pagina,
    tabel,
    tijdstip,
    uren,
)
from aanbieder_api.portal.repository import PortaalRepository
from aanbieder_api.services import opdrachten, voortgang
from aanbieder_api.services.toegang import Aanbiederidentiteit, werkcontext
from inburgering_kit.auth import Principal
from inburgering_kit.context import RequestContext
from inburgering_kit.db import Database
from inburgering_kit.idempotency import Idempotency, IdempotencyKeyReused
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import NotFound, Problem

logger = logging.getLogger(__name__)

PORTAAL_CLIENT = "aanbieder-portaal"
PAGINAGROOTTE = 25
MAX_FORMULIER = 64 * 1024
# The portal's own stylesheet and nothing else; forms post to this origin only. The kit adds its own
# `frame-ancestors 'none'` policy beside this one: a browser enforces both.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

_DIENST = {
    Dienst.LEERBAARHEIDSTOETS: "Leerbaarheidstoets",
    Dienst.MAATSCHAPPELIJKE_BEGELEIDING: "Maatschappelijke begeleiding",
    Dienst.PVT: "Participatieverklaringstraject (PVT)",
    Dienst.MAP: "Module Arbeidsmarkt en Participatie (MAP)",
    Dienst.B1_ROUTE: "B1-route",
    Dienst.ONDERWIJSROUTE: "Onderwijsroute",
    Dienst.Z_ROUTE: "Z-route",
}
_STATUS = {
    OpdrachtStatus.VERSTREKT: "Nog niet gestart",
    OpdrachtStatus.GESTART: "Gestart",
    OpdrachtStatus.AFGEROND: "Afgerond",
    OpdrachtStatus.INGETROKKEN: "Ingetrokken door de gemeente",
}
_INHOUD_VELDEN = {
    "deelnemer": "Contactgegevens deelnemer",
    "afspraken": "Afspraken",
    "leerroute": "Leerroute",
    "taalniveauPip": "Taalniveau eerste PIP",
    "geplandeStartdatum": "Geplande startdatum",
    "geplandeEinddatum": "Geplande einddatum",
    "cursusnaam": "Cursusnaam",
    "cursusonderdelen": "Cursusonderdelen",
    "uren": "Te besteden uren",
    "mapIntensiteit": "Intensiteit MAP",
    "doelen": "Doelen",
    "wettelijkeTermijn": "Wettelijke termijn",
    "pipWijzigingen": "Wijzigingen in het PIP",
    "status": "Status",
}


def _dienst(code: str) -> str:
    try:
        return _DIENST[Dienst(code)]
    except ValueError:
        return code


def _status(code: str) -> str:
    try:
        return _STATUS[OpdrachtStatus(code)]
    except ValueError:
        return code


# ---- responses, cookies, errors ----


def html(inhoud: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(inhoud, status_code=status_code, headers={"Content-Security-Policy": CSP})


def _naar(pad: str) -> RedirectResponse:
    # 303: after a POST the browser follows with a GET, so reloading the next page never posts again.
    return RedirectResponse(pad, status_code=303)


def _veilig(request: Request) -> bool:
    return bool(request.app.state.settings.environment != "development")


def _cookie(request: Request, naam: str) -> str:
    # `__Host-`: the browser accepts it only with Secure, Path=/ and no Domain, so no other host can set it.
    return f"__Host-{naam}" if _veilig(request) else naam


def _zet_cookie(response: Response, request: Request, naam: str, waarde: str, max_age: int) -> None:
    response.set_cookie(
        _cookie(request, naam),
        waarde,
        max_age=max_age,
        path="/",
        secure=_veilig(request),
        httponly=True,
        samesite="strict",
    )


def _wis_cookie(response: Response, request: Request, naam: str) -> None:
    response.delete_cookie(_cookie(request, naam), path="/", secure=_veilig(request), httponly=True, samesite="strict")


SESSIE = "portaal-sessie"
AANMELD_CSRF = "portaal-aanmelden"


class NietAangemeld(Exception):  # noqa: N818 - a state, rendered as a redirect to the sign-in page
    pass


class WachtwoordKiezen(Exception):  # noqa: N818 - a state: a handed-out password is replaced before anything else
    pass


class FormulierGeweigerd(Problem):
    status = 403
    code = "formulier-geweigerd"
    title = "Dit formulier is verlopen of komt niet van dit portaal."


class FormulierOngeldig(Problem):
    status = 400
    code = "formulier-ongeldig"
    title = "Het formulier kon niet worden gelezen."


def _foutpagina(status: int, titel: str, tekst: str, gebruiker: Gebruiker | None = None) -> HTMLResponse:
    terug = f'<p><a href="{PREFIX}/opdrachten">Naar uw opdrachten</a></p>' if gebruiker else ""
    return html(pagina(titel, f"<h1>{e(titel)}</h1><p>{e(tekst)}</p>{terug}", gebruiker=gebruiker), status)


class PortaalRoute(APIRoute):
    """Problems and a missing session become pages, never JSON: a person reads these answers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def portaal_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except NietAangemeld:
                return _naar(f"{PREFIX}/aanmelden")
            except WachtwoordKiezen:
                return _naar(f"{PREFIX}/wachtwoord")
            except (NotFound, RequestValidationError):
                gebruiker = getattr(request.state, "portaal_gebruiker", None)
                return _foutpagina(
                    404,
                    "Pagina niet gevonden",
                    "Deze pagina of opdracht bestaat niet, of hoort niet bij uw organisatie.",
                    gebruiker,
                )
            except FormulierGeweigerd:
                return _foutpagina(
                    403,
                    "Formulier verlopen",
                    "Het formulier is verlopen of is niet vanaf dit portaal verstuurd. Open de pagina opnieuw en "
                    "probeer het nog eens.",
                    getattr(request.state, "portaal_gebruiker", None),
                )
            except Problem as exc:
                return _foutpagina(exc.status, exc.title, exc.detail or exc.title, None)

        return portaal_handler


router = APIRouter(prefix=PREFIX, include_in_schema=False, route_class=PortaalRoute, tags=["Portaal"])


# ---- the signed-in user ----


@dataclass(frozen=True)
class Medewerker:
    actief: toegang.ActieveSessie
    account_id: uuid.UUID
    gebruiker: Gebruiker
    principal: Principal
    wie: Aanbiederidentiteit
    token: str


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def _sessie_van(request: Request) -> toegang.ActieveSessie | None:
    async with _database(request).unit_of_work() as uow:
        actief = await toegang.actieve_sessie(uow.session, request.cookies.get(_cookie(request, SESSIE)))
        await uow.commit()
    return actief


async def medewerker(request: Request) -> Medewerker:
    token = request.cookies.get(_cookie(request, SESSIE))
    actief = await _sessie_van(request)
    if actief is None or token is None:
        raise NietAangemeld
    account = actief.account
    if account.wachtwoord_wijzigen and request.url.path not in {f"{PREFIX}/wachtwoord", f"{PREFIX}/afmelden"}:
        raise WachtwoordKiezen
    gebruiker = Gebruiker(account.naam, actief.aanbieder_naam, actief.sessie.csrf_token)
    request.state.portaal_gebruiker = gebruiker
    return Medewerker(
        actief=actief,
        account_id=account.id,
        gebruiker=gebruiker,
        # What the processing log and every report record as the actor: the portal, and the employee in it.
        principal=Principal(
            client_id=PORTAAL_CLIENT,
            user=account.email,
            scopes=frozenset({scopes.VOORTGANG_MELDEN}),
            gemeente_code=account.gemeente_code,
            aanbieder_id=str(account.aanbieder_id),
            roles=frozenset({"aanbieder"}),
        ),
        wie=Aanbiederidentiteit(account.gemeente_code, account.aanbieder_id, None),
        token=token,
    )


Aangemeld = Annotated[Medewerker, Depends(medewerker)]


async def lees_formulier(request: Request) -> dict[str, str]:
    """An `application/x-www-form-urlencoded` body, read by hand: one value per name, bounded in size."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        raise FormulierOngeldig("Verwacht een HTML-formulier.")
    origin = request.headers.get("origin")
    # SameSite=Strict already keeps the cookie off cross-site posts; this refuses them outright. "null" passes: with
    # the kit's `Referrer-Policy: no-referrer` browsers send it on the portal's own posts (the CSRF token decides).
    # Behind a proxy, the Host header must reach the service unchanged.
    if origin is not None and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise FormulierGeweigerd("Verstuurd vanaf een andere site.")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORMULIER:
            raise FormulierOngeldig("Het formulier is te groot.")
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100, strict_parsing=False)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormulierOngeldig("Het formulier kon niet worden gelezen.") from exc
    return {k: v[0] for k, v in parsed.items()}


def _controleer_csrf(verwacht: str | None, gekregen: str | None) -> None:
    if not verwacht or not gekregen or not hmac.compare_digest(verwacht.encode(), gekregen.encode()):
        raise FormulierGeweigerd("CSRF-token ontbreekt of klopt niet.")


# ---- pages ----


@router.get("")
async def start() -> RedirectResponse:
    return _naar(f"{PREFIX}/opdrachten")


@router.get("/static/portaal.css")
async def stylesheet() -> Response:
    return Response(_css(), media_type="text/css", headers={"Content-Security-Policy": CSP})


@cache
def _css() -> bytes:
    return resources.files("aanbieder_api.portal").joinpath("static/portaal.css").read_bytes()


def _begrenzer(request: Request) -> toegang.Begrenzer:
    state = request.app.state
    if not hasattr(state, "portaal_begrenzer"):
        state.portaal_begrenzer = toegang.Begrenzer()
    begrenzer: toegang.Begrenzer = state.portaal_begrenzer
    return begrenzer


_AANMELDVELDEN = (
    Veld("email", "E-mailadres", "email", True, autocomplete="username"),
    Veld("wachtwoord", "Wachtwoord", "wachtwoord", True, autocomplete="current-password"),
)
GEWEIGERD = (
    "Aanmelden is niet gelukt. Controleer uw e-mailadres en wachtwoord. Na vijf mislukte pogingen kunt u een "
    "kwartier niet aanmelden."
)


def _aanmeldpagina(csrf: str, waarden: dict[str, str], fouten: Fouten, bericht: str = "") -> str:
    inhoud = (
        f"{bericht}<h1>Aanmelden</h1>"
        "<p>Meld u aan met het account dat de gemeente voor u heeft aangemaakt. U ziet daarna de opdrachten van uw "
        "organisatie en kunt voortgang doorgeven.</p>"
        + formulier(f"{PREFIX}/aanmelden", _AANMELDVELDEN, waarden, fouten, csrf_token=csrf, knop="Aanmelden")
    )
    return pagina("Aanmelden", inhoud, fout=bool(fouten))


@router.get("/aanmelden")
async def aanmelden(request: Request, afgemeld: Annotated[bool, Query()] = False) -> Response:
    if await _sessie_van(request) is not None:
        return _naar(f"{PREFIX}/opdrachten")
    csrf = secrets.token_urlsafe(32)
    bericht = melding_box("U bent afgemeld.") if afgemeld else ""
    response = html(_aanmeldpagina(csrf, {}, Fouten(), bericht))
    _zet_cookie(response, request, AANMELD_CSRF, csrf, 3600)
    return response


@router.post("/aanmelden")
async def aanmelden_verstuurd(request: Request) -> Response:
    waarden = await lees_formulier(request)
    csrf = request.cookies.get(_cookie(request, AANMELD_CSRF))
    _controleer_csrf(csrf, waarden.get("csrf"))
    assert csrf is not None
    email, wachtwoord = waarden.get("email", "").strip(), waarden.get("wachtwoord", "")
    fouten = Fouten()
    if not email:
        fouten.voeg_toe("email", "Vul uw e-mailadres in")
    if not wachtwoord:
        fouten.voeg_toe("wachtwoord", "Vul uw wachtwoord in")
    adres = request.client.host if request.client else "onbekend"
    begrenzer = _begrenzer(request)
    if not fouten and begrenzer.geweigerd(adres):
        logger.warning("portaal: aanmelden vanaf %s tijdelijk geweigerd (te veel mislukte pogingen)", adres)
        fouten.voeg_toe(None, GEWEIGERD)
    if not fouten:
        async with _database(request).unit_of_work() as uow:
            vorige = request.cookies.get(_cookie(request, SESSIE))
            if vorige:
                # A new sign-in in this browser replaces the session it had: never two behind one cookie name.
                await toegang.meld_af(uow.session, vorige)
            aangemeld = await toegang.meld_aan(uow.session, email, wachtwoord)
            # Committed either way: a refusal counts towards the lockout.
            await uow.commit()
        if aangemeld is not None:
            response = _naar(f"{PREFIX}/opdrachten")
            _zet_cookie(response, request, SESSIE, aangemeld.token, int(toegang.SESSIE_MAXIMAAL.total_seconds()))
            _wis_cookie(response, request, AANMELD_CSRF)
            return response
        begrenzer.mislukt(adres)
        fouten.voeg_toe(None, GEWEIGERD)
    return html(_aanmeldpagina(csrf, {"email": email}, fouten), 401 if fouten.algemeen else 422)


_WACHTWOORDVELDEN = (
    Veld("huidig", "Huidig wachtwoord", "wachtwoord", True, autocomplete="current-password"),
    Veld(
        "nieuw",
        "Nieuw wachtwoord",
        "wachtwoord",
        True,
        hint="Minstens 12 tekens. Een zin van een paar woorden is sterk en goed te onthouden.",
        autocomplete="new-password",
    ),
    Veld("herhaling", "Nieuw wachtwoord nogmaals", "wachtwoord", True, autocomplete="new-password"),
)


def _wachtwoordpagina(wie: Medewerker, fouten: Fouten) -> str:
    uitleg = (
        "<p>U hebt een wachtwoord van de gemeente gekregen. Kies nu een eigen wachtwoord; daarna kunt u verder.</p>"
        if wie.actief.account.wachtwoord_wijzigen
        else "<p>Na het wijzigen wordt u op andere apparaten afgemeld.</p>"
    )
    inhoud = (
        "<h1>Wachtwoord wijzigen</h1>"
        + uitleg
        + formulier(
            f"{PREFIX}/wachtwoord", _WACHTWOORDVELDEN, {}, fouten, csrf_token=wie.gebruiker.csrf_token, knop="Opslaan"
        )
    )
    return pagina("Wachtwoord wijzigen", inhoud, gebruiker=wie.gebruiker, fout=bool(fouten))


@router.get("/wachtwoord")
async def wachtwoord_pagina(wie: Aangemeld) -> Response:
    return html(_wachtwoordpagina(wie, Fouten()))


@router.post("/wachtwoord")
async def wachtwoord_verstuurd(request: Request, wie: Aangemeld) -> Response:
    waarden = await lees_formulier(request)
    _controleer_csrf(wie.gebruiker.csrf_token, waarden.get("csrf"))
    fouten = Fouten()
    for veld in _WACHTWOORDVELDEN:
        if not waarden.get(veld.naam):
            fouten.voeg_toe(veld.naam, f"Vul {veld.label.lower()} in")
    if not fouten and waarden["nieuw"] != waarden["herhaling"]:
        fouten.voeg_toe("herhaling", "Vul twee keer hetzelfde nieuwe wachtwoord in")
    if not fouten:
        async with _database(request).unit_of_work() as uow:
            reden = await toegang.wijzig_wachtwoord(uow.session, wie.actief, waarden["huidig"], waarden["nieuw"])
            await uow.commit()
        if reden is None:
            return _naar(f"{PREFIX}/opdrachten?wachtwoord=true")
        fouten.voeg_toe("huidig" if "huidige wachtwoord klopt" in reden else "nieuw", reden)
    return html(_wachtwoordpagina(wie, fouten), 422)


@router.post("/afmelden")
async def afmelden(request: Request, wie: Aangemeld) -> Response:
    waarden = await lees_formulier(request)
    _controleer_csrf(wie.gebruiker.csrf_token, waarden.get("csrf"))
    async with _database(request).unit_of_work() as uow:
        await toegang.meld_af(uow.session, wie.token)
        await uow.commit()
    response = _naar(f"{PREFIX}/aanmelden?afgemeld=true")
    _wis_cookie(response, request, SESSIE)
    return response


def _deelnemer(opdracht: Opdracht) -> str:
    return f'<span class="referentie">{e(opdracht.deelnemer_referentie)}</span>'


def _status_label(opdracht: Opdracht, gezien: int | None) -> str:
    if gezien is None:
        return ' <span class="label">Nieuw</span>'
    if opdracht.versie > gezien:
        return ' <span class="label">Gewijzigd</span>'
    return ""


def _statusfilter(gekozen: OpdrachtStatus | None) -> str:
    """A GET form (no CSRF needed: it changes nothing) that narrows the list to one status."""
    opties = '<option value="">Alle</option>' + "".join(
        f'<option value="{s.value}"{" selected" if s is gekozen else ""}>{e(label)}</option>'
        for s, label in _STATUS.items()
    )
    return (
        f'<form method="get" action="{PREFIX}/opdrachten" class="filter"><div class="veld">'
        f'<label for="filter-status">Status</label><select id="filter-status" name="status">{opties}</select></div>'
        '<button type="submit" class="knop knop-secundair">Toon</button></form>'
    )


@router.get("/opdrachten")
async def opdrachten_lijst(
    request: Request,
    wie: Aangemeld,
    pagina_: Annotated[int, Query(alias="pagina", ge=1, le=10_000)] = 1,
    status_: Annotated[OpdrachtStatus | Literal[""] | None, Query(alias="status")] = None,
    wachtwoord: Annotated[bool, Query()] = False,
) -> Response:
    status = status_ or None
    paging = PageParams(page=pagina_, page_size=PAGINAGROOTTE)
    async with werkcontext(request.app, wie.principal) as ctx:
        rows, total = await opdrachten.lijst_voor_aanbieder(
            ctx, wie.wie, paging, status=status.value if status else None
        )
        gezien = await PortaalRepository(ctx.session).gezien(wie.account_id, [r.id for r in rows])
    rijen = []
    for o in rows:
        inhoud = o.inhoud
        rijen.append(
            [
                f'<a href="{PREFIX}/opdrachten/{o.id}">{_deelnemer(o)}</a>{_status_label(o, gezien.get(o.id))}',
                e(_dienst(o.onderdeel)),
                e(_status(o.status)),
                e(datum(inhoud.get("geplandeStartdatum"))),
                e(datum(inhoud.get("geplandeEinddatum"))),
            ]
        )
    if rijen:
        lijst = tabel(
            ["Deelnemer", "Onderdeel", "Status", "Geplande start", "Geplande einde"],
            rijen,
            f"Opdrachten, pagina {pagina_} van {max(1, math.ceil(total / PAGINAGROOTTE))} ({total} in totaal)",
        )
    elif status is not None:
        lijst = f"<p>Er zijn geen opdrachten met status {e(_STATUS[status].lower())}.</p>"
    else:
        lijst = "<p>Er zijn (nog) geen opdrachten voor uw organisatie.</p>"
    filter_ = f"&status={status.value}" if status else ""
    navigatie = []
    if pagina_ > 1:
        navigatie.append(f'<a href="{PREFIX}/opdrachten?pagina={pagina_ - 1}{filter_}" rel="prev">Vorige pagina</a>')
    if pagina_ * PAGINAGROOTTE < total:
        navigatie.append(f'<a href="{PREFIX}/opdrachten?pagina={pagina_ + 1}{filter_}" rel="next">Volgende pagina</a>')
    nav = (
        f'<nav aria-label="Paginering"><ul class="acties">{"".join(f"<li>{n}</li>" for n in navigatie)}</ul></nav>'
        if navigatie
        else ""
    )
    bericht = melding_box("Uw nieuwe wachtwoord is opgeslagen.") if wachtwoord else ""
    body = bericht + (
        "<h1>Opdrachten</h1><p>De opdrachten die de gemeente aan uw organisatie heeft verstrekt. Deelnemers staan "
        'onder hun referentie bij uw organisatie. <span class="label">Gewijzigd</span> betekent dat de gemeente '
        "de opdracht heeft gewijzigd sinds u haar het laatst bekeek.</p>" + _statusfilter(status) + lijst + nav
    )
    return html(pagina("Opdrachten", body, gebruiker=wie.gebruiker))


def _waarde(naam: str, waarde: Any) -> str:
    if waarde is None or waarde in ((), []):
        return "—"
    if naam == "deelnemer" and isinstance(waarde, dict):
        delen = [" ".join(str(waarde.get(k, "")) for k in ("roepnaam", "achternaam")).strip()]
        delen += [f"{label}: {waarde[k]}" for k, label in (("telefoon", "telefoon"), ("email", "e-mail"),
                  ("voorkeurstaal", "voorkeurstaal")) if waarde.get(k)]  # fmt: skip
        return "<br>".join(e(d) for d in delen if d)
    if isinstance(waarde, list | tuple):
        return "<ul>" + "".join(f"<li>{e(w)}</li>" for w in waarde) + "</ul>"
    weergave = _WEERGAVE.get(naam)
    return e(weergave(str(waarde)) if weergave else waarde)


# How a value of the opdracht's content reads on the page, by its wire name.
_WEERGAVE: dict[str, Callable[[str], str]] = {
    "geplandeStartdatum": datum,
    "geplandeEinddatum": datum,
    "wettelijkeTermijn": datum,
    "status": _status,
    "leerroute": lambda code: dict(formulieren.LEERROUTES).get(code, code),
}


def _wijzigingen(versies: list[OpdrachtVersie], gezien: int | None) -> str:
    if gezien is None:
        return ""
    nieuw = [v for v in versies if v.versie > gezien]
    if not nieuw:
        return "<h2>Wijzigingen</h2><p>Niets gewijzigd sinds u deze opdracht het laatst bekeek.</p>"
    vorige = {v.versie: v for v in versies}
    blokken = []
    for v in nieuw:
        oud = vorige.get(v.versie - 1)
        rijen = []
        for veld in v.gewijzigde_velden:
            voor = (oud.inhoud.get(veld) if oud else None) if veld != "status" else None
            na = v.inhoud.get(veld) if veld != "status" else "ingetrokken"
            rijen.append([e(_INHOUD_VELDEN.get(veld, veld)), _waarde(veld, voor), _waarde(veld, na)])
        reden = f"<p>Reden: {e(v.reden)}</p>" if v.reden else ""
        blokken.append(
            f"<h3>Versie {v.versie}, {e(tijdstip(v.created_at))}</h3>{reden}"
            + tabel(["Gegeven", "Was", "Is nu"], rijen, f"Wijzigingen in versie {v.versie}")
        )
    return '<h2 id="wijzigingen">Gewijzigd sinds uw laatste bezoek</h2>' + "".join(blokken)


def _stand(opdracht: Opdracht) -> str:
    stand = Stand.model_validate(opdracht.stand)
    rijen = [
        ("Gerealiseerde start", e(datum(stand.gerealiseerde_startdatum))),
        ("Aangepaste einddatum", e(datum(stand.aangepaste_einddatum))),
        ("Uren aanwezig", e(uren(stand.uren_aanwezig))),
        ("Uren afwezig met geldige reden", e(uren(stand.uren_afwezig_geoorloofd))),
        ("Uren afwezig zonder geldige reden", e(uren(stand.uren_afwezig_ongeoorloofd))),
        ("Gemeld tot en met", e(datum(stand.laatste_periode_tot))),
    ]
    if opdracht.onderdeel == Dienst.Z_ROUTE.value:
        rijen += [("Uren taal", e(uren(stand.uren_taal))), ("Uren participatie", e(uren(stand.uren_participatie)))]
    if stand.eindresultaat is not None:
        rijen.append(("Eindresultaat", e(dict(formulieren.UITSLAGEN).get(stand.eindresultaat.value, ""))))
        rijen.append(("Afgerond op", e(datum(stand.einddatum))))
    if stand.niveau_bereikt is not None:
        rijen.append(("Bereikt niveau", e(stand.niveau_bereikt.value)))
    if stand.leerbaarheidstoets_datum is not None:
        rijen.append(
            ("Leerbaarheidstoets", e(f"{datum(stand.leerbaarheidstoets_datum)}: {stand.leerbaarheidstoets_resultaat}"))
        )
    return gegevenslijst(rijen)


@router.get("/opdrachten/{opdracht_id}")
async def opdracht_pagina(
    request: Request,
    opdracht_id: uuid.UUID,
    wie: Aangemeld,
    gemeld: Annotated[Meldingsoort | None, Query()] = None,
    herhaald: Annotated[bool, Query()] = False,
) -> Response:
    async with werkcontext(request.app, wie.principal) as ctx:
        opdracht = await opdrachten.voor_aanbieder(ctx, wie.wie, opdracht_id)
        versies = list(await opdrachten.versies_voor_aanbieder(ctx, wie.wie, opdracht_id))
        meldingen, _ = await voortgang.meldingen_voor_aanbieder(
            ctx, wie.wie, opdracht_id, PageParams(page=1, page_size=10)
        )
        repo = PortaalRepository(ctx.session)
        gezien = (await repo.gezien(wie.account_id, [opdracht.id])).get(opdracht.id)
        await repo.markeer_gezien(wie.account_id, opdracht.id, opdracht.versie)
    inhoud = OpdrachtInhoud.model_validate(opdracht.inhoud).model_dump(mode="json", by_alias=True)
    bericht = ""
    if gemeld is not None:
        titel = formulieren.FORMULIEREN[gemeld].titel.removesuffix(" doorgeven").removesuffix(" geven")
        bericht = melding_box(
            f"{titel}: deze melding was al ontvangen, er is niets dubbel opgeslagen."
            if herhaald
            else f"{titel}: uw melding is opgeslagen."
        )
    gegevens = gegevenslijst(
        [("Deelnemer", _deelnemer(opdracht)), ("Onderdeel", e(_dienst(opdracht.onderdeel))),
         ("Status", e(_status(opdracht.status))), ("Versie", e(opdracht.versie))]
        + [(label, _waarde(naam, inhoud.get(naam))) for naam, label in _INHOUD_VELDEN.items()
           if naam != "status" and inhoud.get(naam) not in (None, [], ())]
    )  # fmt: skip
    acties = ""
    if opdracht.status != OpdrachtStatus.INGETROKKEN.value:
        links = "".join(
            f'<li><a href="{PREFIX}/opdrachten/{opdracht.id}/meldingen/{f.soort.value}">{e(f.titel)}</a></li>'
            for f in formulieren.formulieren_voor(Dienst(opdracht.onderdeel))
        )
        acties = f'<h2>Voortgang doorgeven</h2><ul class="acties">{links}</ul>'
    historie = (
        tabel(
            ["Gemeld op", "Soort", "Via"],
            [
                [e(tijdstip(m.gemeld_at)), e(_soort_titel(m.soort)), e(_KANAAL.get(m.kanaal, m.kanaal))]
                for m in meldingen
            ],
            "Laatste meldingen",
        )
        if meldingen
        else "<p>Er is nog niets gemeld.</p>"
    )
    body = (
        f"{bericht}<h1>Opdracht {_deelnemer(opdracht)}</h1>"
        f"{_wijzigingen(versies, gezien)}"
        f"<h2>Gegevens van de opdracht</h2>{gegevens}"
        f"<h2>Stand</h2>{_stand(opdracht)}"
        f"{acties}<h2>Meldingen</h2>{historie}"
    )
    return html(
        pagina(
            f"Opdracht {opdracht.deelnemer_referentie}",
            body,
            gebruiker=wie.gebruiker,
            kruimelpad=[("Opdrachten", f"{PREFIX}/opdrachten")],
        )
    )


_KANAAL = {Kanaal.API.value: "koppeling (API)", Kanaal.BESTAND.value: "bestand", Kanaal.PORTAAL.value: "portaal"}


def _soort_titel(soort: str) -> str:
    try:
        return formulieren.FORMULIEREN[Meldingsoort(soort)].titel.removesuffix(" doorgeven").removesuffix(" geven")
    except ValueError:
        return soort


def _meldformulier(soort: str) -> formulieren.Meldformulier:
    try:
        return formulieren.FORMULIEREN[Meldingsoort(soort)]
    except ValueError:
        raise NotFound(f"Onbekende soort melding {soort}") from None


def _meldpagina(
    opdracht: Opdracht,
    f: formulieren.Meldformulier,
    wie: Medewerker,
    waarden: dict[str, str],
    fouten: Fouten,
    formulier_id: str,
) -> str:
    actie = f"{PREFIX}/opdrachten/{opdracht.id}/meldingen/{f.soort.value}"
    inhoud = (
        f"<h1>{e(f.titel)}</h1>"
        f"<p>Opdracht {_deelnemer(opdracht)}, {e(_dienst(opdracht.onderdeel))}.</p><p>{e(f.uitleg)}</p>"
        + formulier(
            actie,
            f.velden,
            waarden,
            fouten,
            csrf_token=wie.gebruiker.csrf_token,
            knop=f.knop,
            verborgen={"formulier": formulier_id},
        )
    )
    return pagina(
        f.titel,
        inhoud,
        gebruiker=wie.gebruiker,
        fout=bool(fouten),
        kruimelpad=[
            ("Opdrachten", f"{PREFIX}/opdrachten"),
            (f"Opdracht {opdracht.deelnemer_referentie}", f"{PREFIX}/opdrachten/{opdracht.id}"),
        ],
    )


async def _eigen_opdracht(ctx: RequestContext, wie: Medewerker, opdracht_id: uuid.UUID) -> Opdracht:
    return await opdrachten.voor_aanbieder(ctx, wie.wie, opdracht_id)


@router.get("/opdrachten/{opdracht_id}/meldingen/{soort}")
async def meldformulier(request: Request, opdracht_id: uuid.UUID, soort: str, wie: Aangemeld) -> Response:
    f = _meldformulier(soort)
    async with werkcontext(request.app, wie.principal) as ctx:
        opdracht = await _eigen_opdracht(ctx, wie, opdracht_id)
    # A fresh key per rendered form: submitting this form twice (a double click, a reload) applies it once.
    return html(_meldpagina(opdracht, f, wie, {}, Fouten(), str(uuid.uuid4())))


@router.post("/opdrachten/{opdracht_id}/meldingen/{soort}")
async def meld(request: Request, opdracht_id: uuid.UUID, soort: str, wie: Aangemeld) -> Response:
    f = _meldformulier(soort)
    waarden = await lees_formulier(request)
    _controleer_csrf(wie.gebruiker.csrf_token, waarden.get("csrf"))
    formulier_id = waarden.get("formulier", "")
    try:
        formulier_uuid = uuid.UUID(formulier_id)
    except ValueError:
        raise FormulierGeweigerd("Formulier zonder geldig kenmerk.") from None
    fouten = Fouten()
    try:
        melding = f.model.model_validate(formulieren.invoer(f, waarden))
    except ValidationError as exc:
        melding, fouten = None, formulieren.fouten_uit(f, exc)
    if melding is not None:
        try:
            async with werkcontext(request.app, wie.principal) as ctx:
                idem = Idempotency(f"portaal:{wie.account_id}:{formulier_uuid}", request)
                herhaald = await idem.replay(ctx, melding) is not None
                if not herhaald:
                    try:
                        resultaat = await voortgang.meld(ctx, wie.wie, opdracht_id, melding, Kanaal.PORTAAL)
                    except NotFound:
                        raise
                    except Problem as exc:
                        # Raised out of the block, so the transaction rolls back: nothing of a refusal is kept.
                        raise _Afgewezen(_problem_fouten(f, exc)) from exc
                    herhaald = not resultaat.nieuw
                    await idem.store(ctx, 201, {"meldingId": str(resultaat.melding_id)})
        except _Afgewezen as afgewezen:
            fouten = afgewezen.fouten
        except IdempotencyKeyReused:
            fouten.voeg_toe(None, "Dit formulier is al verstuurd. Open het formulier opnieuw voor een nieuwe melding.")
            formulier_id = str(uuid.uuid4())
        else:
            return _naar(
                f"{PREFIX}/opdrachten/{opdracht_id}?gemeld={f.soort.value}" + ("&herhaald=true" if herhaald else "")
            )
    # Refused: the same form again, with what was entered and a message per field.
    async with werkcontext(request.app, wie.principal) as ctx:
        opdracht = await _eigen_opdracht(ctx, wie, opdracht_id)
    return html(_meldpagina(opdracht, f, wie, waarden, fouten, formulier_id), 422)


class _Afgewezen(Exception):  # noqa: N818 - carries the refusal out of the transaction, which then rolls back
    def __init__(self, fouten: Fouten) -> None:
        self.fouten = fouten


def _problem_fouten(f: formulieren.Meldformulier, exc: Problem) -> Fouten:
    """A rule the use case enforced (it names the fields in `invalidParams`), as messages on the form."""
    fouten = Fouten()
    namen = {v.naam for v in f.velden}
    for param in exc.invalid_params or []:
        tekst = formulieren.leesbaar(param.reason, f)
        fouten.voeg_toe(param.name if param.name in namen else None, tekst[:1].upper() + tekst[1:])
    if not fouten:
        fouten.voeg_toe(None, formulieren.leesbaar(exc.detail or exc.title, f))
    return fouten
