"""The gemeente's register of aanbieders: registration, contracts, API clients, and how each one reports."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from aanbieder_api.api.deps import AanbiedersBeheren, OpdrachtenLezen, SettingsDep
from aanbieder_api.api.schemas import (
    AanbiederCreate,
    AanbiederRead,
    AanbiederUpdate,
    ApiClientCreate,
    ApiClientRead,
    ContractCreate,
    ContractRead,
    Meldgedrag,
)
from aanbieder_api.domain.enums import Dienst
from aanbieder_api.domain.vrije_tekst import weiger_bsn
from aanbieder_api.services import aanbieders as use_cases
from aanbieder_api.services import meldgedrag
from inburgering_kit.idempotency import IdempotencyDep
from inburgering_kit.pagination import Page, Paging
from inburgering_kit.strict import Datum

router = APIRouter(prefix="/aanbieders", tags=["Aanbieders"])

AanbiederId = Annotated[uuid.UUID, Path(alias="aanbiederId", description="Id van de aanbieder.")]
ClientIdPad = Annotated[str, Path(alias="clientId", pattern=r"^[A-Za-z0-9\-_.:@]{3,200}$")]


def _vandaag() -> date:
    return datetime.now(UTC).date()


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="aanbieder_create",
    summary="Een aanbieder registreren",
    responses={201: {"headers": {"Location": {"description": "URL van de aanbieder.", "schema": {"type": "string"}}}}},
)
async def registreer(
    body: AanbiederCreate, ctx: AanbiedersBeheren, idem: IdempotencyDep, response: Response
) -> AanbiederRead:
    if (replay := await idem.replay(ctx, body)) is not None:
        return replay  # type: ignore[return-value]
    weiger_bsn(body)  # the aanbieder's users see its name in the portal
    result = AanbiederRead.van(await use_cases.registreer(ctx, body), _vandaag())
    response.headers["Location"] = f"{ctx.api_prefix}{use_cases.pad(result.id)}"
    await idem.store(ctx, 201, result)
    return result


@router.get("", operation_id="aanbieder_list", summary="Aanbieders van de gemeente")
async def lijst(
    ctx: OpdrachtenLezen,
    paging: Paging,
    dienst: Annotated[Dienst | None, Query(description="Alleen aanbieders die deze dienst bieden.")] = None,
    kvk_nummer: Annotated[str | None, Query(alias="kvkNummer", pattern=r"^[0-9]{8}$")] = None,
) -> Page[AanbiederRead]:
    rows, total = await use_cases.lijst(ctx, paging, dienst=dienst.value if dienst else None, kvk_nummer=kvk_nummer)
    return Page[AanbiederRead].of([AanbiederRead.van(r, _vandaag()) for r in rows], total, paging)


@router.get("/{aanbiederId:uuid}", operation_id="aanbieder_read", summary="Eén aanbieder")
async def lees(aanbieder_id: AanbiederId, ctx: OpdrachtenLezen) -> AanbiederRead:
    return AanbiederRead.van(await use_cases.raadpleeg(ctx, aanbieder_id), _vandaag())


@router.patch("/{aanbiederId:uuid}", operation_id="aanbieder_update", summary="Gegevens van een aanbieder wijzigen")
async def wijzig(aanbieder_id: AanbiederId, body: AanbiederUpdate, ctx: AanbiedersBeheren) -> AanbiederRead:
    weiger_bsn(body)
    return AanbiederRead.van(await use_cases.wijzig(ctx, aanbieder_id, body.wijzigingen()), _vandaag())


@router.post(
    "/{aanbiederId:uuid}/contracten",
    status_code=status.HTTP_201_CREATED,
    operation_id="contract_create",
    summary="Een contract met de aanbieder vastleggen (periode, diensten, uren)",
)
async def sluit_contract(
    aanbieder_id: AanbiederId, body: ContractCreate, ctx: AanbiedersBeheren, idem: IdempotencyDep
) -> ContractRead:
    return await idem.run(  # type: ignore[return-value]
        ctx, body, 201, lambda: _contract(ctx, aanbieder_id, body)
    )


async def _contract(ctx: AanbiedersBeheren, aanbieder_id: uuid.UUID, body: ContractCreate) -> ContractRead:
    return ContractRead.van(await use_cases.sluit_contract(ctx, aanbieder_id, body))


@router.get("/{aanbiederId:uuid}/contracten", operation_id="contract_list", summary="Contracten met de aanbieder")
async def contracten(aanbieder_id: AanbiederId, ctx: OpdrachtenLezen) -> list[ContractRead]:
    return [ContractRead.van(c) for c in await use_cases.contracten(ctx, aanbieder_id)]


@router.post(
    "/{aanbiederId:uuid}/api-clients",
    status_code=status.HTTP_201_CREATED,
    operation_id="api_client_create",
    summary="Een systeem van de aanbieder toegang geven (de client id van zijn tokens registreren)",
)
async def registreer_client(
    aanbieder_id: AanbiederId, body: ApiClientCreate, ctx: AanbiedersBeheren, idem: IdempotencyDep
) -> ApiClientRead:
    return await idem.run(  # type: ignore[return-value]
        ctx, body, 201, lambda: _client(ctx, aanbieder_id, body)
    )


async def _client(ctx: AanbiedersBeheren, aanbieder_id: uuid.UUID, body: ApiClientCreate) -> ApiClientRead:
    return ApiClientRead.van(await use_cases.registreer_client(ctx, aanbieder_id, body.client_id, body.omschrijving))


@router.get("/{aanbiederId:uuid}/api-clients", operation_id="api_client_list", summary="Geregistreerde clients")
async def clients(aanbieder_id: AanbiederId, ctx: AanbiedersBeheren) -> list[ApiClientRead]:
    return [ApiClientRead.van(c) for c in await use_cases.clients(ctx, aanbieder_id)]


@router.post(
    "/{aanbiederId:uuid}/api-clients/{clientId}/_intrekken",
    operation_id="api_client_intrekken",
    summary="De toegang van een client intrekken (zijn tokens worden vanaf nu geweigerd)",
)
async def trek_client_in(aanbieder_id: AanbiederId, client_id: ClientIdPad, ctx: AanbiedersBeheren) -> ApiClientRead:
    return ApiClientRead.van(await use_cases.trek_client_in(ctx, aanbieder_id, client_id))


@router.get(
    "/{aanbiederId:uuid}/meldgedrag",
    operation_id="aanbieder_meldgedrag",
    summary="Hoe de aanbieder meldt: lopende opdrachten, meldingen, achterstanden, uren",
)
async def gedrag(
    aanbieder_id: AanbiederId,
    ctx: OpdrachtenLezen,
    settings: SettingsDep,
    peildatum: Annotated[Datum | None, Query(description="Standaard vandaag.")] = None,
) -> Meldgedrag:
    await use_cases.raadpleeg(ctx, aanbieder_id)
    g = await meldgedrag.van_aanbieder(ctx, settings, peildatum or _vandaag(), aanbieder_id)
    return Meldgedrag(
        aanbieder_id=aanbieder_id, opdrachten_lopend=g.opdrachten_lopend, meldingen=g.meldingen,
        laatste_melding_op=g.laatste_melding_op, achterstanden=g.achterstanden, uren_aanwezig=g.uren_aanwezig,
        uren_gecontracteerd=g.uren_gecontracteerd,
    )  # fmt: skip
