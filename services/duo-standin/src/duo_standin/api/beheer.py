"""Playing DUO's side of a scenario and switching its faults: for tests, demos and the reliability runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from duo_standin.api.deps import BeheerSessie, BeheerToegang, valideer
from duo_standin.api.feiten import feit_read
from duo_standin.api.schemas import (
    FeitCreate,
    FeitRead,
    Gemeentecode,
    MeldingStand,
    RapportageRead,
    StoringIn,
    StoringRead,
)
from duo_standin.api.soorten import SOORTEN
from duo_standin.services import beheer, rapportages
from duo_standin.services import feiten as feiten_use_cases
from inburgering_kit.pagination import Page, Paging

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
    summary="DUO legt een feit vast over een inburgeringsplichtige en meldt het de gemeente",
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
        bsn=str(body.persoon.bsn),
        duo_id=body.persoon.duo_id,
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


@router.get("/meldingen", operation_id="beheer_melding_list", summary="Hoe ver de bezorging van de meldingen is")
async def meldingen(
    _: BeheerToegang, session: BeheerSessie, gemeentecode: Annotated[Gemeentecode | None, Query()] = None
) -> list[MeldingStand]:
    return [
        MeldingStand(feit_id=f, volgnummer=v, pogingen=p, afgeleverd=a, laatste_fout=e)
        for f, v, p, a, e in await beheer.meldingen(session, gemeentecode)
    ]
