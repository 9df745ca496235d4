"""Signing in and out. Production: OpenID Connect (see `oidc`). `make run` and the tests: a development sign-in
that picks a role and a gemeente and mints a token with the development key, as `make token` does — the werkplek
then works exactly as with a provider's token, since the APIs see the same claims."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Query, Request, Response
from fastapi.responses import RedirectResponse

from inburgering_kit import web
from inburgering_kit.auth import mint_token
from inburgering_kit.html import Fouten, Veld, formulier
from inburgering_kit.problems import NotAuthenticated
from werkplek.oidc import OidcFout, Poging, Provider
from werkplek.sessie import AANMELD_CSRF, OIDC_STAAT, SESSIE, Sessie
from werkplek.toegang import cookie, html, kluis, nieuwe_router, settings, verifier
from werkplek.weergave import PREFIX, foutpagina, melding, pagina

router = nieuwe_router()
_POGING_SECONDEN = 600


def _velden(rollen: list[str], gemeenten: list[str]) -> list[Veld]:
    return [
        Veld("naam", "Uw naam", verplicht=True, autocomplete="name"),
        Veld("rol", "Rol", "lijst", verplicht=True, opties=tuple((r, r) for r in rollen)),
        Veld("gemeente", "Gemeente", "lijst", verplicht=True, opties=tuple((g, g) for g in gemeenten)),
    ]


def _aanmeldpagina(request: Request, waarden: dict[str, str], fouten: Fouten, status: int = 200) -> Response:
    s = settings(request)
    csrf = cookie(request, AANMELD_CSRF) or secrets.token_urlsafe(32)
    delen = ["<h1>Aanmelden</h1>"]
    if s.oidc is not None:
        delen.append(
            f'<p><a class="knop" href="{PREFIX}/aanmelden/oidc">Aanmelden met uw account van de gemeente</a></p>'
        )
    if s.ontwikkelaanmelding is not None:
        o = s.ontwikkelaanmelding
        delen.append(
            "<h2>Ontwikkelaanmelding</h2><p>Alleen voor ontwikkeling en tests: kies een rol en een gemeente; de "
            "werkplek maakt een ontwikkeltoken met die rechten.</p>"
        )
        delen.append(
            formulier(
                f"{PREFIX}/aanmelden",
                _velden(sorted(o.rollen), o.gemeenten),
                waarden,
                fouten,
                csrf_token=csrf,
                knop="Aanmelden",
            )
        )
    response = html(request, pagina("Aanmelden", "".join(delen), fout=bool(fouten)), status)
    web.zet_cookie(response, AANMELD_CSRF, csrf, _POGING_SECONDEN, veilig=s.veilig)
    return response


@router.get("/aanmelden")
async def aanmelden(request: Request) -> Response:
    return _aanmeldpagina(request, {}, Fouten())


@router.post("/aanmelden")
async def ontwikkel_aanmelden(request: Request) -> Response:
    s = settings(request)
    o = s.ontwikkelaanmelding
    if o is None:
        return html(request, foutpagina(404, "Pagina niet gevonden", "Deze pagina bestaat niet.", None), 404)
    velden = {k: v[0] for k, v in (await web.lees_formulier(request)).items()}
    web.controleer_csrf(cookie(request, AANMELD_CSRF), velden.get("csrf"))
    fouten = Fouten()
    naam = velden.get("naam", "").strip()
    if not naam or len(naam) > 100:
        fouten.voeg_toe("naam", "Vul uw naam in (hoogstens 100 tekens).")
    if velden.get("rol") not in o.rollen:
        fouten.voeg_toe("rol", "Kies een rol.")
    if velden.get("gemeente") not in o.gemeenten:
        fouten.voeg_toe("gemeente", "Kies een gemeente.")
    if fouten:
        return _aanmeldpagina(request, velden, fouten, 400)
    rol = velden["rol"]
    token = mint_token(
        o.private_key_file.read_bytes(),
        issuer=o.issuer,
        audience=o.audience,
        client_id="werkplek",
        scopes=sorted(o.rollen[rol]),
        gemeente_code=velden["gemeente"],
        user=naam,
        roles=[rol],
        ttl_seconds=o.ttl_seconden,
    )
    return _begin_sessie(request, token, naam)


def _begin_sessie(request: Request, token: str, naam: str) -> Response:
    s = settings(request)
    response = RedirectResponse(PREFIX, status_code=303)
    web.zet_cookie(
        response,
        SESSIE,
        kluis(request).sessie_cookie(Sessie.nieuw(token, naam)),
        s.sessie_max_uren * 3600,
        veilig=s.veilig,
    )
    web.wis_cookie(response, AANMELD_CSRF, veilig=s.veilig)
    web.wis_cookie(response, OIDC_STAAT, veilig=s.veilig)
    return response


def _provider(request: Request) -> Provider | None:
    provider: Provider | None = request.app.state.oidc
    return provider


def _mislukt(request: Request) -> Response:
    tekst = "Aanmelden is niet gelukt. Probeer het opnieuw; lukt het dan nog niet, neem contact op met de servicedesk."
    return html(request, foutpagina(401, "Aanmelden mislukt", tekst, None), 401)


@router.get("/aanmelden/oidc")
async def oidc_begin(request: Request) -> Response:
    provider = _provider(request)
    if provider is None:
        return html(request, foutpagina(404, "Pagina niet gevonden", "Deze pagina bestaat niet.", None), 404)
    poging = Poging.nieuw()
    try:
        url = await provider.autorisatie_url(poging)
    except OidcFout:
        return _mislukt(request)
    response = RedirectResponse(url, status_code=303)
    bewaard = kluis(request).verzegel({"state": poging.state, "nonce": poging.nonce, "verifier": poging.verifier})
    # The provider sends the user back with a navigation from its own site, on which a Strict cookie is not sent:
    # this attempt's cookie is Lax (still HttpOnly, sealed, short-lived, and worth nothing without the code).
    response.set_cookie(
        web.cookie_naam(OIDC_STAAT, veilig=settings(request).veilig),
        bewaard,
        max_age=_POGING_SECONDEN,
        path="/",
        secure=settings(request).veilig,
        httponly=True,
        samesite="lax",
    )
    return response


@router.get("/aanmelden/terug")
async def oidc_terug(
    request: Request,
    code: Annotated[str | None, Query(max_length=2048)] = None,
    state: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    provider = _provider(request)
    bewaard = kluis(request).open(cookie(request, OIDC_STAAT), ttl=_POGING_SECONDEN)
    if provider is None or bewaard is None or not code or not state:
        return _mislukt(request)
    poging = Poging(str(bewaard.get("state")), str(bewaard.get("nonce")), str(bewaard.get("verifier")))
    if not secrets.compare_digest(poging.state.encode(), state.encode()):
        return _mislukt(request)
    try:
        token = await provider.wissel_code(code, poging)
        principal = verifier(request).verify(token)
    except (OidcFout, NotAuthenticated):
        return _mislukt(request)
    response = _begin_sessie(request, token, principal.user or principal.client_id)
    # Not a redirect: a browser sends no Strict cookie on a chain of redirects that began on the provider's site,
    # so the next page is reached from this page of our own (at once, by the refresh; by the link without it).
    inhoud = f'<h1>Aangemeld</h1><p><a href="{PREFIX}">Ga verder naar de werkplek</a></p>'
    pagina_html = pagina("Aangemeld", inhoud).replace(
        '<meta name="referrer"', f'<meta http-equiv="refresh" content="0;url={PREFIX}">\n<meta name="referrer"', 1
    )
    gevolgd = html(request, pagina_html)
    for naam, waarde in response.raw_headers:
        if naam == b"set-cookie":
            gevolgd.raw_headers.append((naam, waarde))
    return gevolgd


@router.post("/afmelden")
async def afmelden(request: Request) -> Response:
    s = settings(request)
    sessie = kluis(request).sessie(cookie(request, SESSIE))
    velden = {k: v[0] for k, v in (await web.lees_formulier(request)).items()}
    web.controleer_csrf(sessie.csrf if sessie else None, velden.get("csrf"))
    inhoud = f'<h1>Afgemeld</h1>{melding("U bent afgemeld.")}<p><a href="{PREFIX}/aanmelden">Opnieuw aanmelden</a></p>'
    response = html(request, pagina("Afgemeld", inhoud))
    web.wis_cookie(response, SESSIE, veilig=s.veilig)
    return response
