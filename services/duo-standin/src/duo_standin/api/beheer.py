"""Playing DUO's side of a scenario and switching its faults: for tests, demos and the reliability runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from duo_standin.api.deps import PARTNER, BeheerSessie, BeheerToegang, valideer
from duo_standin.api.feiten import feit_read
from duo_standin.api.schemas import FeitCreate, FeitRead, RapportageRead
from duo_standin.api.soorten import SOORTEN
from duo_standin.services import feiten as feiten_use_cases
from duo_standin.services import rapportages
from inburgering_kit.pagination import Page, Paging
from ketenpartner_standin.api import meldingen_route, soorten_beschrijving, storing_routes
from ketenpartner_standin.schemas import Gemeentecode

router = APIRouter(prefix="/beheer", tags=["Beheer"])


@router.post(
    "/feiten",
    operation_id="beheer_feit_create",
    summary="DUO legt een feit vast over een inburgeringsplichtige en meldt het de gemeente",
    description=soorten_beschrijving(SOORTEN),
    status_code=status.HTTP_201_CREATED,
    openapi_extra={"x-problems": ["422"]},
)
async def registreer(body: FeitCreate, _: BeheerToegang, session: BeheerSessie) -> FeitRead:
    gegevens = valideer(SOORTEN[body.soort], body.gegevens, "gegevens")
    gevonden = await feiten_use_cases.registreer(
        session,
        soort=body.soort,
        gemeente_code=body.gemeentecode,
        bsn=str(body.persoon.bsn),
        duo_id=body.persoon.duo_id,
        gegevens=gegevens,
        registratie_datum=body.registratiedatum,
    )
    return feit_read(gevonden)


storing_routes(router, PARTNER)


@router.get("/rapportages", operation_id="beheer_rapportage_list", summary="De ontvangen rapportages")
async def rapportage_lijst(
    _: BeheerToegang,
    session: BeheerSessie,
    paging: Paging,
    gemeentecode: Annotated[Gemeentecode | None, Query()] = None,
) -> Page[RapportageRead]:
    rows, total = await rapportages.lijst(session, gemeentecode, paging.offset, paging.page_size)
    items = [
        RapportageRead(
            rapport_id=r.rapport_id,
            item=r.item,
            gemeentecode=r.gemeente_code,
            bsn=r.bsn,
            gegevens=r.gegevens,
            ontvangen_op=r.ontvangen_at,
        )
        for r in rows
    ]
    return Page[RapportageRead].of(items, total, paging)


meldingen_route(router, PARTNER)
