"""The dossier transfer on a move (Besluit inburgering 2021 art. 9.4 lid 4; issue 15 §3): this context's part for the
gemeente's chain exchange, and the history taken over from the previous gemeente for whoever reads the PIP."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from inburgering_kit.context import RequestContext, context
from inburgering_kit.overdracht import DossierExporteur, DossierImporteur, Overdrachtsdeel
from pip_api import scopes
from pip_api.domain.overdracht import GeimporteerdePip, Overdrachtsdossier, Overname
from pip_api.services import overdracht as use_cases

router = APIRouter(tags=["Overdracht"])

Lezen = Annotated[RequestContext, Depends(context(scopes.PIP_LEZEN), scope="function")]
InburgeraarId = Annotated[uuid.UUID, Path(alias="inburgeraarId", description="De inburgeraar bij deze gemeente.")]
OverdrachtId = Annotated[
    uuid.UUID,
    Path(alias="overdrachtId", description="Id van de overdracht (van de ketenuitwisseling): maakt de PUT idempotent."),
]


@router.get(
    "/overdrachtsdossiers/{inburgeraarId:uuid}",
    operation_id="overdrachtsdossier_read",
    summary="Het deel van het dossier van een inburgeraar voor de nieuwe gemeente na een verhuizing",
    description="Alle PIP's van de inburgeraar bij deze gemeente met elke vastgestelde versie (afspraken, datums, "
    "reden en gewijzigde velden), de beoordeelde uitkomsten van MAP en PVT, de voortgangsgesprekken en de voortgang "
    "bij de aanbieders (uren, aanwezigheid, resultaten, routeadviezen). Lege lijsten als de inburgeraar hier geen PIP "
    "heeft. Alleen voor de ketenuitwisseling van de gemeente (Besluit inburgering 2021 art. 9.4 lid 4); vastgelegd "
    "als verstrekking.",
)
async def exporteer(inburgeraar_id: InburgeraarId, ctx: DossierExporteur) -> Overdrachtsdossier:
    return await use_cases.exporteer(ctx, inburgeraar_id)


@router.put(
    "/overdrachten/{overdrachtId:uuid}",
    status_code=status.HTTP_201_CREATED,
    operation_id="overdracht_put",
    summary="Het deel van het dossier van de vorige gemeente overnemen na een verhuizing",
    description="Bewaart de PIP's van de vorige gemeente als alleen-lezen historie van de inburgeraar van deze "
    "gemeente (`GET /geimporteerde-pips`), en stelt met de afspraken van de laatste vastgestelde versie een PIP op "
    "als concept van deze gemeente, met een signaal `overgenomen-pip` voor de klantregisseur: vaststellen is het "
    "eigen besluit van deze gemeente. `dossier` is precies wat `GET /overdrachtsdossiers/{inburgeraarId}` bij de "
    "vorige gemeente gaf; een ongeldig dossier is 422 met elk ongeldig veld. Dezelfde body opnieuw onder hetzelfde "
    "`overdrachtId` geeft 200 met hetzelfde antwoord; een andere body 409.",
    responses={
        200: {"model": Overname, "description": "Deze overdracht was al overgenomen met dezelfde body."},
        201: {"description": "Overgenomen."},
    },
    openapi_extra={"x-problems": ["409", "422"]},
)
async def neem_over(
    overdracht_id: OverdrachtId, body: Overdrachtsdeel, ctx: DossierImporteur, response: Response
) -> Overname:
    antwoord, nieuw = await use_cases.neem_over(ctx, overdracht_id, body)
    if not nieuw:
        response.status_code = status.HTTP_200_OK
    return antwoord


@router.get(
    "/geimporteerde-pips",
    operation_id="geimporteerde_pip_list",
    summary="De PIP's van vorige gemeenten van een inburgeraar, als alleen-lezen historie",
    description="Wat bij een verhuizing van de vorige gemeente is overgenomen: elk PIP met al zijn versies, "
    "uitkomsten, voortgangsgesprekken en voortgang, gemarkeerd `geimporteerd` met `vanGemeente`. Nooit een PIP van "
    "deze gemeente zelf: het telt niet mee in de CBS-levering, de monitoring, de signalen of de meldingen aan DUO.",
)
async def geimporteerd(
    ctx: Lezen,
    inburgeraar_id: Annotated[uuid.UUID, Query(alias="inburgeraarId", description="De inburgeraar bij deze gemeente.")],
) -> list[GeimporteerdePip]:
    return await use_cases.geimporteerd(ctx, inburgeraar_id)
