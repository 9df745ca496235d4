"""Playing COA's side of a scenario and switching its faults: for tests, demos and the reliability runs."""

from __future__ import annotations

from fastapi import APIRouter, status

from coa_standin.api.deps import PARTNER, BeheerSessie, BeheerToegang, valideer
from coa_standin.api.feiten import feit_read
from coa_standin.api.schemas import FeitCreate, FeitRead
from coa_standin.api.soorten import SOORTEN
from coa_standin.services import feiten as feiten_use_cases
from ketenpartner_standin.api import meldingen_route, soorten_beschrijving, storing_routes

router = APIRouter(prefix="/beheer", tags=["Beheer"])


@router.post(
    "/feiten",
    operation_id="beheer_feit_create",
    summary="COA legt een feit vast over een statushouder en meldt het de gemeente",
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
        bsn=str(body.persoon.bsn) if body.persoon.bsn is not None else None,
        coa_id=body.persoon.coa_id,
        gegevens=gegevens,
        registratie_datum=body.registratiedatum,
    )
    return feit_read(gevonden)


storing_routes(router, PARTNER)
meldingen_route(router, PARTNER)
