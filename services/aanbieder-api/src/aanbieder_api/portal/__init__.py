"""The provider portal (seed 000 §4.4.3, the "gemeente portal" for manual entry): web pages where an employee of
an aanbieder without a system of its own signs in, sees its opdrachten and reports on them.

Every read and every report goes through the same use cases as the provider API (`opdrachten.*_voor_aanbieder`,
`voortgang.meld`), so the three channels land in the same records, with the same events and processing records.
The pages are not part of the API contract (`include_in_schema=False`): they are HTML for people.

Layers, as in `api/` → `services/`: the page modules (`sessie`, `aanmelden`, `opdrachten`, `melden`) and the
gemeente's account routes (`beheer`) speak HTTP; `toegang` (accounts, sign-in, sessions), `wachtwoord` and
`repository` are the use cases and queries they call, and import nothing of FastAPI or Starlette; `html`,
`formulieren` and `weergave` render.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from aanbieder_api.portal import aanmelden, melden, opdrachten
from aanbieder_api.portal.sessie import CSP, nieuwe_router
from inburgering_kit.html import stylesheet as gedeelde_stylesheet

_statisch = nieuwe_router()


@_statisch.get("/static/portaal.css")
async def stylesheet() -> Response:
    return Response(_css(), media_type="text/css", headers={"Content-Security-Policy": CSP})


def _css() -> bytes:
    # The portal's look is the shared base rules as they are; the werkplek adds its own to them.
    return gedeelde_stylesheet()


router = APIRouter()
for _pagina in (_statisch, aanmelden.router, opdrachten.router, melden.router):
    router.include_router(_pagina)
