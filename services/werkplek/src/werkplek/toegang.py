"""The signed-in user of a page request, and the HTTP answers every page gives: HTML with a strict
Content-Security-Policy, a 303 after a POST, a page (never JSON, never a stack trace) for every refusal."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute

from inburgering_kit import web
from inburgering_kit.auth import Principal, TokenVerifier
from inburgering_kit.problems import NotAuthenticated, Problem
from werkplek.bronnen import Bronnen
from werkplek.scopes import BSN_ROLLEN
from werkplek.sessie import SESSIE, Kluis, Sessie
from werkplek.settings import Settings
from werkplek.weergave import PREFIX, Kop, foutpagina

logger = logging.getLogger(__name__)

# The werkplek's own stylesheet and nothing else: no script runs on these pages, images only inline (the charts).
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Gebruiker:
    sessie: Sessie
    principal: Principal

    @property
    def token(self) -> str:
        return self.sessie.token

    @property
    def rol(self) -> str:
        return ", ".join(sorted(self.principal.roles)) or "onbekende rol"

    @property
    def gemeente(self) -> str:
        return self.principal.gemeente_code or "—"

    @property
    def gebruikersnaam(self) -> str | None:
        return self.principal.user

    def kan(self, *scopes: str) -> bool:
        return all(self.principal.has(s) for s in scopes)

    @property
    def ziet_bsn(self) -> bool:
        return bool(self.principal.roles & BSN_ROLLEN)

    @property
    def kop(self) -> Kop:
        return Kop(self.sessie.naam, self.rol, self.gemeente, self.sessie.csrf, self.kan)


class NietAangemeld(Exception):  # noqa: N818 - a state, rendered as a redirect to the sign-in page
    pass


def settings(request: Request) -> Settings:
    s: Settings = request.app.state.settings
    return s


def kluis(request: Request) -> Kluis:
    k: Kluis = request.app.state.kluis
    return k


def bronnen(request: Request) -> Bronnen:
    b: Bronnen = request.app.state.bronnen
    return b


def verifier(request: Request) -> TokenVerifier:
    v: TokenVerifier = request.app.state.token_verifier
    return v


def cookie(request: Request, naam: str) -> str | None:
    return request.cookies.get(web.cookie_naam(naam, veilig=settings(request).veilig))


async def gebruiker(request: Request) -> Gebruiker:
    sessie = kluis(request).sessie(cookie(request, SESSIE))
    if sessie is None:
        raise NietAangemeld
    try:
        principal = verifier(request).verify(sessie.token)
    except NotAuthenticated as exc:
        # The token expired (or its key was rotated away): the session ends with it.
        raise NietAangemeld from exc
    ingelogd = Gebruiker(sessie.gebruikt(), principal)
    request.state.gebruiker = ingelogd
    return ingelogd


Aangemeld = Annotated[Gebruiker, Depends(gebruiker)]


def _met_sessie(request: Request, response: Response) -> Response:
    ingelogd: Gebruiker | None = getattr(request.state, "gebruiker", None)
    if ingelogd is not None:
        s = settings(request)
        web.zet_cookie(
            response, SESSIE, kluis(request).sessie_cookie(ingelogd.sessie), s.sessie_max_uren * 3600, veilig=s.veilig
        )
    return response


def html(request: Request, inhoud: str, status_code: int = 200) -> Response:
    return _met_sessie(request, HTMLResponse(inhoud, status_code=status_code, headers={"Content-Security-Policy": CSP}))


def naar(request: Request, pad: str) -> Response:
    # 303: after a POST the browser follows with a GET, so reloading the next page never posts again.
    return _met_sessie(request, RedirectResponse(pad, status_code=303))


async def formulier(request: Request, ingelogd: Gebruiker) -> dict[str, str]:
    """A posted form whose CSRF token is the session's: one value per name."""
    velden = {k: v[0] for k, v in (await web.lees_formulier(request)).items()}
    web.controleer_csrf(ingelogd.sessie.csrf, velden.get("csrf"))
    return velden


class PaginaRoute(APIRoute):
    """Refusals and a missing session become pages: a person reads these answers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def pagina_handler(request: Request) -> Response:
            kop = None
            try:
                return await handler(request)
            except NietAangemeld:
                return RedirectResponse(f"{PREFIX}/aanmelden", status_code=303)
            except RequestValidationError:
                kop = _kop(request)
                return html(request, foutpagina(404, "Pagina niet gevonden", "Deze pagina bestaat niet.", kop), 404)
            except web.FormulierGeweigerd:
                kop = _kop(request)
                tekst = "Het formulier is verlopen of niet vanaf de werkplek verstuurd. Open de pagina opnieuw."
                return html(request, foutpagina(403, "Formulier verlopen", tekst, kop), 403)
            except Problem as exc:
                kop = _kop(request)
                return html(request, foutpagina(exc.status, exc.title, exc.detail or exc.title, kop), exc.status)

        return pagina_handler


def _kop(request: Request) -> Kop | None:
    ingelogd: Gebruiker | None = getattr(request.state, "gebruiker", None)
    return ingelogd.kop if ingelogd else None


def nieuwe_router() -> APIRouter:
    return APIRouter(prefix=PREFIX, include_in_schema=False, route_class=PaginaRoute)
