"""Playing COA's side of a scenario and switching its faults: for tests, demos and the reliability runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from coa_standin.api.deps import BeheerSessie, BeheerToegang, valideer
from coa_standin.api.feiten import feit_read
from coa_standin.api.schemas import (
    FeitCreate,
    FeitRead,
    Gemeentecode,
    MeldingStand,
    StoringIn,
    StoringRead,
)
from coa_standin.api.soorten import SOORTEN
from coa_standin.services import beheer
from coa_standin.services import feiten as feiten_use_cases

router = APIRouter(prefix="/beheer", tags=["Beheer"])

_SOORTEN = "Soorten (gegevens per soort):\n\n" + "\n".join(
    f"- `{soort}`: "
    + ", ".join(
        f"`{field.alias or name}`{'' if field.is_required() else ' (optioneel)'}"
        for name, field in model.model_fields.items()
    )
    for soort, model in SOORTEN.items()
)


@router.post(
    "/feiten",
    operation_id="beheer_feit_create",
    summary="COA legt een feit vast over een statushouder en meldt het de gemeente",
    description=_SOORTEN,
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


@router.get("/storingen", operation_id="beheer_storing_read", summary="De storingsschakelaars")
async def lees_storing(_: BeheerToegang, session: BeheerSessie) -> StoringRead:
    storing = await beheer.storing(session)
    return StoringRead.model_validate(storing)


@router.put("/storingen", operation_id="beheer_storing_update", summary="Storingen aan- of uitzetten")
async def zet_storing(body: StoringIn, _: BeheerToegang, session: BeheerSessie) -> StoringRead:
    storing = await beheer.zet_storing(session, body.modus, body.dubbele_meldingen, body.omgekeerde_volgorde)
    return StoringRead.model_validate(storing)


@router.get("/meldingen", operation_id="beheer_melding_list", summary="Hoe ver de bezorging van de meldingen is")
async def meldingen(
    _: BeheerToegang, session: BeheerSessie, gemeentecode: Annotated[Gemeentecode | None, Query()] = None
) -> list[MeldingStand]:
    return [
        MeldingStand(feit_id=f, volgnummer=v, pogingen=p, afgeleverd=a, laatste_fout=e)
        for f, v, p, a, e in await beheer.meldingen(session, gemeentecode)
    ]
