"""Reports to DUO: the list (the rejected ones are the work list), one report, and the corrected resend."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from inburgering_kit.pagination import Page, Paging
from ketenuitwisseling.api.deps import InburgeraarId, Lezen, RapportId, Schrijven
from ketenuitwisseling.api.schemas import (
    Bron,
    Correctie,
    Item,
    MeldingRead,
    MeldingStatus,
    OverzichtRead,
    RapportageRead,
    RapportageStatus,
    UitwisselingenRead,
)
from ketenuitwisseling.services import beheer

router = APIRouter(tags=["Uitwisseling"])


@router.get(
    "/rapportages",
    operation_id="rapportage_list",
    summary="Rapportages aan DUO; `status=afgewezen` is de werklijst met de redenen van DUO",
)
async def rapportages(
    ctx: Lezen,
    paging: Paging,
    status_: Annotated[RapportageStatus | None, Query(alias="status")] = None,
    item: Annotated[Item | None, Query()] = None,
    inburgeraar_id: Annotated[uuid.UUID | None, Query(alias="inburgeraarId")] = None,
) -> Page[RapportageRead]:
    rows, total = await beheer.rapportages(
        ctx, paging, status=status_.value if status_ else None, item=item, inburgeraar_id=inburgeraar_id
    )
    return Page[RapportageRead].of([RapportageRead.van(r) for r in rows], total, paging)


@router.get("/rapportages/{rapportId}", operation_id="rapportage_read", summary="Eén rapportage aan DUO")
async def rapportage(rapport_id: RapportId, ctx: Lezen) -> RapportageRead:
    return RapportageRead.van(await beheer.rapportage(ctx, rapport_id))


@router.post(
    "/rapportages/{rapportId}/_corrigeren",
    status_code=status.HTTP_201_CREATED,
    operation_id="rapportage_opnieuw_verzenden",
    summary="Een afgewezen rapportage verbeterd opnieuw verzenden (als nieuwe rapportage met een nieuw rapportId)",
    responses={
        201: {"headers": {"Location": {"description": "URL van de nieuwe rapportage.", "schema": {"type": "string"}}}}
    },
)
async def opnieuw_verzenden(
    rapport_id: RapportId, body: Correctie, ctx: Schrijven, response: Response
) -> RapportageRead:
    nieuw = await beheer.opnieuw_verzenden(ctx, rapport_id, body.gegevens)
    response.headers["Location"] = f"{ctx.api_prefix}/rapportages/{nieuw.id}"
    return RapportageRead.van(nieuw)


@router.get(
    "/meldingen",
    operation_id="melding_list",
    summary="Ontvangen meldingen van DUO en COA; `status=werklijst` of `geweigerd` vraagt om een mens",
)
async def meldingen(
    ctx: Lezen,
    paging: Paging,
    status_: Annotated[MeldingStatus | None, Query(alias="status")] = None,
    bron: Annotated[Bron | None, Query()] = None,
) -> Page[MeldingRead]:
    rows, total = await beheer.meldingen(
        ctx, paging, status=status_.value if status_ else None, bron=bron.value if bron else None
    )
    return Page[MeldingRead].of([MeldingRead.van(m) for m in rows], total, paging)


@router.get(
    "/inburgeraars/{inburgeraarId}/uitwisselingen",
    operation_id="uitwisselingen_read",
    summary="Per persoon: wat van DUO en COA ontvangen en aan DUO gerapporteerd is, wanneer, en de stand",
)
async def uitwisselingen(inburgeraar_id: InburgeraarId, ctx: Lezen) -> UitwisselingenRead:
    u = await beheer.uitwisselingen(ctx, inburgeraar_id)
    return UitwisselingenRead(
        inburgeraar_id=inburgeraar_id,
        ontvangen=[MeldingRead.van(m) for m in u.ontvangen],
        gerapporteerd=[RapportageRead.van(r) for r in u.gerapporteerd],
    )


@router.get(
    "/overzicht",
    operation_id="overzicht_read",
    summary="Per gemeente: de achterstand naar DUO, de afwijzingen en de meldingen die om een mens vragen",
)
async def overzicht(ctx: Lezen) -> OverzichtRead:
    o = await beheer.overzicht(ctx)
    m = o.meldingen
    return OverzichtRead(
        rapportages_wachtrij=o.rapportages.get("wachtrij", 0),
        rapportages_afgewezen=o.rapportages.get("afgewezen", 0),
        rapportages_ontvangen=o.rapportages.get("ontvangen", 0),
        oudste_wachtend_sinds=o.oudste_wachtend,
        meldingen_te_verwerken=m.get("nieuw", 0) + m.get("opnieuw", 0),
        meldingen_werklijst=m.get("werklijst", 0),
        meldingen_geweigerd=m.get("geweigerd", 0),
        meldingen_verwerkt=m.get("verwerkt", 0) + m.get("verouderd", 0),
    )
