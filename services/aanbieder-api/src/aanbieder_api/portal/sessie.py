"""The portal's HTTP plumbing: the session cookie and the signed-in employee, CSRF and form reading, and the
mapping of problems and missing sessions to pages (a person reads these answers, never JSON).

Security, after the NCSC ICT-beveiligingsrichtlijnen voor webapplicaties and OWASP's cheat sheets:
- a server-side session behind a random cookie: HttpOnly, SameSite=Strict, Secure (and `__Host-`) outside
  development, ending after 30 minutes idle, 8 hours at most, or on sign-out;
- every form POST carries a CSRF token (the session's, or before sign-in a cookie's double), and a post whose
  `Origin` is another site's or `null` is refused;
- a Content-Security-Policy that allows only the portal's own stylesheet: no script runs on these pages at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute

from aanbieder_api import scopes
from aanbieder_api.portal import toegang
from aanbieder_api.portal.html import PREFIX, Gebruiker, e, pagina
from aanbieder_api.services.toegang import Aanbiederidentiteit
from inburgering_kit import web
from inburgering_kit.auth import Principal
from inburgering_kit.db import Database
from inburgering_kit.problems import NotFound, Problem
from inburgering_kit.web import FormulierGeweigerd

PORTAAL_CLIENT = "aanbieder-portaal"
MAX_FORMULIER = 64 * 1024
# The portal's own stylesheet and nothing else; forms post to this origin only. The kit adds its own
# `frame-ancestors 'none'` policy beside this one: a browser enforces both.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

# ---- responses, cookies, errors ----


def html(inhoud: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(inhoud, status_code=status_code, headers={"Content-Security-Policy": CSP})


def naar(pad: str) -> RedirectResponse:
    # 303: after a POST the browser follows with a GET, so reloading the next page never posts again.
    return RedirectResponse(pad, status_code=303)


def _veilig(request: Request) -> bool:
    return bool(request.app.state.settings.environment != "development")


def cookie(request: Request, naam: str) -> str:
    return web.cookie_naam(naam, veilig=_veilig(request))


def zet_cookie(response: Response, request: Request, naam: str, waarde: str, max_age: int) -> None:
    web.zet_cookie(response, naam, waarde, max_age, veilig=_veilig(request))


def wis_cookie(response: Response, request: Request, naam: str) -> None:
    web.wis_cookie(response, naam, veilig=_veilig(request))


SESSIE = "portaal-sessie"
AANMELD_CSRF = "portaal-aanmelden"


class NietAangemeld(Exception):  # noqa: N818 - a state, rendered as a redirect to the sign-in page
    pass


class WachtwoordKiezen(Exception):  # noqa: N818 - a state: a handed-out password is replaced before anything else
    pass


def foutpagina(status: int, titel: str, tekst: str, gebruiker: Gebruiker | None = None) -> HTMLResponse:
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
                return naar(f"{PREFIX}/aanmelden")
            except WachtwoordKiezen:
                return naar(f"{PREFIX}/wachtwoord")
            except (NotFound, RequestValidationError):
                gebruiker = getattr(request.state, "portaal_gebruiker", None)
                return foutpagina(
                    404,
                    "Pagina niet gevonden",
                    "Deze pagina of opdracht bestaat niet, of hoort niet bij uw organisatie.",
                    gebruiker,
                )
            except FormulierGeweigerd:
                return foutpagina(
                    403,
                    "Formulier verlopen",
                    "Het formulier is verlopen of is niet vanaf dit portaal verstuurd. Open de pagina opnieuw en "
                    "probeer het nog eens.",
                    getattr(request.state, "portaal_gebruiker", None),
                )
            except Problem as exc:
                return foutpagina(exc.status, exc.title, exc.detail or exc.title, None)

        return portaal_handler


def nieuwe_router() -> APIRouter:
    """A router of portal pages: under the portal's prefix, outside the contract, its answers pages."""
    return APIRouter(prefix=PREFIX, include_in_schema=False, route_class=PortaalRoute, tags=["Portaal"])


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


def database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def sessie_van(request: Request) -> toegang.ActieveSessie | None:
    async with database(request).unit_of_work() as uow:
        actief = await toegang.actieve_sessie(uow.session, request.cookies.get(cookie(request, SESSIE)))
        await uow.commit()
    return actief


async def medewerker(request: Request) -> Medewerker:
    token = request.cookies.get(cookie(request, SESSIE))
    actief = await sessie_van(request)
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
    """A posted form (see `inburgering_kit.web.lees_formulier`): one value per name."""
    return {k: v[0] for k, v in (await web.lees_formulier(request, MAX_FORMULIER)).items()}


def client_adres(request: Request) -> str:
    """The client's address as the brake counts it (see `toegang.client_adres`)."""
    return toegang.client_adres(
        request.client.host if request.client else None,
        request.headers.getlist("x-forwarded-for"),
        request.app.state.settings.trusted_proxies,
    )


def begrenzer(request: Request) -> toegang.Begrenzer:
    state = request.app.state
    if not hasattr(state, "portaal_begrenzer"):
        state.portaal_begrenzer = toegang.Begrenzer()
    begrenzer: toegang.Begrenzer = state.portaal_begrenzer
    return begrenzer
