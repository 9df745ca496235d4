"""Boetes: read, correct (a new besluit), payments as registered, bezwaar and beroep with their beslissing."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.responses import HTMLResponse

from handhaving_api.api import brieven
from handhaving_api.api.deps import BoeteId, Lezen, Schrijven, ZaakId, location
from handhaving_api.api.schemas import (
    Beslissen,
    Betaling,
    BoeteRead,
    Corrigeren,
    RechtsmiddelCreate,
    RechtsmiddelRead,
)
from handhaving_api.domain.enums import Boetestatus, Rechtsmiddel, Rechtsmiddelstatus
from handhaving_api.services import boetes as use_cases
from handhaving_api.settings import Settings
from inburgering_kit.pagination import Page, Paging

router = APIRouter(prefix="/boetes", tags=["Boetes"])
_WEIGERING = {"x-problems": ["422"]}
_WEIGERING_OF_CONFLICT = {"x-problems": ["409", "422"]}


@router.get(
    "",
    operation_id="boete_list",
    summary="Boetes van de gemeente, gefilterd en gepagineerd",
    description="De werklijst van boetes in bezwaar: `rechtsmiddelstatus=bezwaar-aanhangig`, per klantregisseur met "
    "`klantregisseur`.",
)
async def lijst(
    ctx: Lezen,
    paging: Paging,
    inburgeraar_id: Annotated[uuid.UUID | None, Query(alias="inburgeraarId")] = None,
    status_: Annotated[Boetestatus | None, Query(alias="status")] = None,
    rechtsmiddelstatus: Annotated[Rechtsmiddelstatus | None, Query()] = None,
    klantregisseur: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="Alleen de boetes op overtredingen van deze klantregisseur."),
    ] = None,
) -> Page[BoeteRead]:
    rows, total = await use_cases.lijst(
        ctx,
        paging,
        inburgeraar_id=inburgeraar_id,
        status=status_.value if status_ else None,
        rechtsmiddelstatus=rechtsmiddelstatus.value if rechtsmiddelstatus else None,
        klantregisseur=klantregisseur,
    )
    return Page[BoeteRead].of([BoeteRead.van(r) for r in rows], total, paging)


@router.get("/{boeteId:uuid}", operation_id="boete_read", summary="Eén boetebesluit")
async def lees(boete_id: BoeteId, ctx: Lezen) -> BoeteRead:
    return BoeteRead.van(await use_cases.raadpleeg(ctx, boete_id))


@router.get(
    "/{boeteId:uuid}/brief",
    operation_id="boete_brief",
    summary="Het boetebesluit als HTML- of PDF-brief, om aan de inburgeraar te sturen (zonder BSN)",
    response_class=HTMLResponse,
    responses=brieven.RESPONSES,
)
async def brief(
    request: Request,
    boete_id: BoeteId,
    ctx: Lezen,
    accept: Annotated[str | None, Header(description="`application/pdf` voor PDF; anders HTML.")] = None,
) -> Response:
    boete, overtreding = await use_cases.brief(ctx, boete_id)
    settings: Settings = request.app.state.settings
    html = brieven.boetebesluit(boete, overtreding, settings.gemeenten.get(boete.gemeente_code))
    return await brieven.antwoord(html, accept, f"boetebesluit-{boete.id}")


@router.post(
    "/{boeteId:uuid}/_corrigeren",
    status_code=status.HTTP_201_CREATED,
    operation_id="boete_corrigeren",
    summary="Een besluit corrigeren: een nieuw besluit dat naar het oude verwijst",
    responses=location("URL van het nieuwe besluit."),
    openapi_extra=_WEIGERING,
)
async def corrigeer(boete_id: BoeteId, body: Corrigeren, ctx: Schrijven, response: Response) -> BoeteRead:
    nieuw = await use_cases.corrigeer(
        ctx, boete_id, bedrag=body.bedrag, datum=body.datum, verzenddatum=body.verzenddatum, reden=body.reden
    )
    response.headers["Location"] = f"{ctx.api_prefix}{use_cases.pad(nieuw.id)}"
    return BoeteRead.van(nieuw)


@router.post(
    "/{boeteId:uuid}/_betalen",
    operation_id="boete_betaling_registreren",
    summary="Een betaling registreren zoals ontvangen",
    openapi_extra=_WEIGERING,
)
async def betaling(boete_id: BoeteId, body: Betaling, ctx: Schrijven) -> BoeteRead:
    return BoeteRead.van(await use_cases.registreer_betaling(ctx, boete_id, bedrag=body.bedrag))


def _rechtsmiddel_routes(soort: Rechtsmiddel, meervoud: str) -> None:
    @router.post(
        f"/{{boeteId:uuid}}/{meervoud}",
        status_code=status.HTTP_201_CREATED,
        operation_id=f"{soort.value}_create",
        summary=f"Een {soort.value} registreren (binnen zes weken, of later met reden)",
        responses=location(f"URL van het {soort.value}."),
        openapi_extra=_WEIGERING_OF_CONFLICT,
    )
    async def dien_in(
        boete_id: BoeteId, body: RechtsmiddelCreate, ctx: Schrijven, response: Response
    ) -> RechtsmiddelRead:
        zaak = await use_cases.dien_in(
            ctx, boete_id, soort, ingediend=body.ingediend_datum, reden_te_laat=body.reden_te_laat
        )
        response.headers["Location"] = f"{ctx.api_prefix}{use_cases.pad(boete_id)}/{meervoud}/{zaak.id}"
        return RechtsmiddelRead.van(zaak)

    @router.get(
        f"/{{boeteId:uuid}}/{meervoud}", operation_id=f"{soort.value}_list", summary=f"De {meervoud} tegen de boete"
    )
    async def lijst_zaken(boete_id: BoeteId, ctx: Lezen) -> list[RechtsmiddelRead]:
        return [RechtsmiddelRead.van(z) for z in await use_cases.zaken(ctx, boete_id, soort)]

    @router.post(
        f"/{{boeteId:uuid}}/{meervoud}/{{zaakId:uuid}}/_beslissen",
        operation_id=f"{soort.value}_beslissen",
        summary=f"De beslissing op het {soort.value}: gegrond, ongegrond of deels gegrond met een nieuw bedrag",
        openapi_extra=_WEIGERING_OF_CONFLICT,
    )
    async def beslis(boete_id: BoeteId, zaak_id: ZaakId, body: Beslissen, ctx: Schrijven) -> RechtsmiddelRead:
        zaak = await use_cases.beslis(
            ctx,
            boete_id,
            zaak_id,
            soort,
            beslissing=body.beslissing,
            datum=body.datum,
            nieuw_bedrag=body.nieuw_bedrag,
            toelichting=body.toelichting,
        )
        return RechtsmiddelRead.van(zaak)


_rechtsmiddel_routes(Rechtsmiddel.BEZWAAR, "bezwaren")
_rechtsmiddel_routes(Rechtsmiddel.BEROEP, "beroepen")
