"""The gemeente's side of opdrachten: verstrekken, wijzigen (a new version), intrekken, and what was reported."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from aanbieder_api.api.deps import OpdrachtenBeheren, OpdrachtenLezen, SettingsDep
from aanbieder_api.api.schemas import (
    GemeenteMeldingRead,
    Meldachterstand,
    OpdrachtCreate,
    OpdrachtIntrekken,
    OpdrachtRead,
    OpdrachtVersieRead,
    OpdrachtWijzigen,
)
from aanbieder_api.domain.enums import Meldingsoort, OpdrachtStatus
from aanbieder_api.domain.vrije_tekst import weiger_bsn
from aanbieder_api.models import Opdracht
from aanbieder_api.services import meldgedrag, voortgang
from aanbieder_api.services import opdrachten as use_cases
from inburgering_kit.context import RequestContext
from inburgering_kit.filters import als_lijst, id_filter
from inburgering_kit.idempotency import IdempotencyDep
from inburgering_kit.pagination import Page, Paging
from inburgering_kit.strict import Datum, Tijdstip

router = APIRouter(tags=["Opdrachten"])

OpdrachtId = Annotated[uuid.UUID, Path(alias="opdrachtId", description="Id van de opdracht.")]


async def _read(ctx: RequestContext, opdracht: Opdracht) -> OpdrachtRead:
    return OpdrachtRead.van_gemeente(opdracht, await use_cases.pip_versie(ctx, opdracht))


@router.post(
    "/opdrachten",
    status_code=status.HTTP_201_CREATED,
    operation_id="opdracht_create",
    summary="Een onderdeel van het PIP (of een leerbaarheidstoets of maatschappelijke begeleiding al vóór het PIP) als "
    "opdracht aan een aanbieder verstrekken",
    responses={201: {"headers": {"Location": {"description": "URL van de opdracht.", "schema": {"type": "string"}}}}},
)
async def verstrek(
    body: OpdrachtCreate, ctx: OpdrachtenBeheren, idem: IdempotencyDep, response: Response, settings: SettingsDep
) -> OpdrachtRead:
    if (replay := await idem.replay(ctx, body)) is not None:
        return replay  # type: ignore[return-value]
    weiger_bsn(body, "inhoud")
    opdracht = await use_cases.verstrek(
        ctx,
        pip_id=body.pip_id,
        inburgeraar_id=body.inburgeraar_id,
        aanbieder_id=body.aanbieder_id,
        onderdeel=body.onderdeel,
        inhoud=body.inhoud,
        deelnemer_key=settings.deelnemer_key.get_secret_value().encode(),
    )
    result = await _read(ctx, opdracht)
    response.headers["Location"] = f"{ctx.api_prefix}{use_cases.pad(opdracht.id)}"
    await idem.store(ctx, 201, result)
    return result


@router.get("/opdrachten", operation_id="opdracht_list", summary="Opdrachten van de gemeente, gefilterd en gepagineerd")
async def lijst(
    ctx: OpdrachtenLezen,
    paging: Paging,
    aanbieder_id: Annotated[uuid.UUID | None, Query(alias="aanbiederId")] = None,
    pip_id: Annotated[uuid.UUID | None, Query(alias="pipId")] = None,
    inburgeraar_ids: Annotated[list[uuid.UUID] | None, id_filter("inburgeraarId", "inburgeraars")] = None,
    status_: Annotated[OpdrachtStatus | None, Query(alias="status")] = None,
    pip_te_herzien: Annotated[
        bool | None, Query(alias="pipTeHerzien", description="Alleen opdrachten waarvan het PIP sindsdien wijzigde.")
    ] = None,
    gewijzigd_sinds: Annotated[Tijdstip | None, Query(alias="gewijzigdSinds")] = None,
) -> Page[OpdrachtRead]:
    rows, total = await use_cases.lijst(
        ctx, paging, aanbieder_id=aanbieder_id, pip_id=pip_id, inburgeraar_ids=als_lijst(inburgeraar_ids),
        status=status_.value if status_ else None, pip_te_herzien=pip_te_herzien, gewijzigd_sinds=gewijzigd_sinds,
    )  # fmt: skip
    versies = await use_cases.pip_versies(ctx, rows)
    return Page[OpdrachtRead].of(
        [OpdrachtRead.van_gemeente(r, versies.get(r.pip_id) if r.pip_id else None) for r in rows], total, paging
    )


@router.get("/opdrachten/{opdrachtId:uuid}", operation_id="opdracht_read", summary="Eén opdracht met zijn stand")
async def lees(opdracht_id: OpdrachtId, ctx: OpdrachtenLezen) -> OpdrachtRead:
    return await _read(ctx, await use_cases.raadpleeg(ctx, opdracht_id))


@router.post(
    "/opdrachten/{opdrachtId:uuid}/_wijzigen",
    operation_id="opdracht_wijzigen",
    summary="De opdracht wijzigen: een nieuwe versie met reden (ook om een PIP-wijziging te verwerken)",
)
async def wijzig(opdracht_id: OpdrachtId, body: OpdrachtWijzigen, ctx: OpdrachtenBeheren) -> OpdrachtRead:
    weiger_bsn(body)  # the new content and the reason: the aanbieder reads both in the versions
    return await _read(ctx, await use_cases.wijzig(ctx, opdracht_id, body.wijzigingen.wijzigingen(), reden=body.reden))


@router.post("/opdrachten/{opdrachtId:uuid}/_intrekken", operation_id="opdracht_intrekken", summary="Intrekken")
async def trek_in(opdracht_id: OpdrachtId, body: OpdrachtIntrekken, ctx: OpdrachtenBeheren) -> OpdrachtRead:
    weiger_bsn(body)
    return await _read(ctx, await use_cases.trek_in(ctx, opdracht_id, reden=body.reden))


@router.get(
    "/opdrachten/{opdrachtId:uuid}/versies", operation_id="opdracht_versie_list", summary="De versies, oudste eerst"
)
async def versies(opdracht_id: OpdrachtId, ctx: OpdrachtenLezen, paging: Paging) -> Page[OpdrachtVersieRead]:
    rows, total = await use_cases.versies(ctx, opdracht_id, paging)
    return Page[OpdrachtVersieRead].of([OpdrachtVersieRead.van(v) for v in rows], total, paging)


@router.get(
    "/opdrachten/{opdrachtId:uuid}/meldingen",
    operation_id="opdracht_melding_list",
    summary="Wat de aanbieder over deze opdracht meldde, wanneer en via welk kanaal",
)
async def meldingen(
    opdracht_id: OpdrachtId,
    ctx: OpdrachtenLezen,
    paging: Paging,
    soort: Annotated[Meldingsoort | None, Query()] = None,
) -> Page[GemeenteMeldingRead]:
    rows, total = await voortgang.meldingen(ctx, paging, opdracht_id=opdracht_id, soort=soort.value if soort else None)
    return Page[GemeenteMeldingRead].of([GemeenteMeldingRead.van_gemeente(r) for r in rows], total, paging)


@router.get(
    "/meldingen",
    operation_id="melding_list",
    summary="Alle meldingen van aanbieders aan de gemeente, nieuwste eerst",
)
async def alle_meldingen(
    ctx: OpdrachtenLezen,
    paging: Paging,
    aanbieder_id: Annotated[uuid.UUID | None, Query(alias="aanbiederId")] = None,
    opdracht_ids: Annotated[list[uuid.UUID] | None, id_filter("opdrachtId", "opdrachten")] = None,
    soort: Annotated[Meldingsoort | None, Query()] = None,
    vanaf: Annotated[Tijdstip | None, Query(description="Gemeld op of na dit tijdstip.")] = None,
) -> Page[GemeenteMeldingRead]:
    rows, total = await voortgang.meldingen(
        ctx, paging, aanbieder_id=aanbieder_id, opdracht_ids=als_lijst(opdracht_ids),
        soort=soort.value if soort else None, vanaf=vanaf,
    )  # fmt: skip
    return Page[GemeenteMeldingRead].of([GemeenteMeldingRead.van_gemeente(r) for r in rows], total, paging)


@router.get(
    "/meldachterstanden",
    operation_id="meldachterstand_list",
    summary="Opdrachten waarop de aanbieder te laat meldt, volgens de meldnormen (meest te laat eerst)",
)
async def achterstanden(
    ctx: OpdrachtenLezen,
    paging: Paging,
    settings: SettingsDep,
    aanbieder_id: Annotated[uuid.UUID | None, Query(alias="aanbiederId")] = None,
    peildatum: Annotated[Datum | None, Query(description="Standaard vandaag.")] = None,
) -> Page[Meldachterstand]:
    pagina, total = await meldgedrag.te_laat(ctx, settings, peildatum or datetime.now(UTC).date(), aanbieder_id, paging)
    return Page[Meldachterstand].of(
        [
            Meldachterstand(
                opdracht_id=g.opdracht_id,
                aanbieder_id=g.aanbieder_id,
                onderdeel=g.onderdeel,
                norm=g.achterstand.norm,
                bron=g.bron,
                verwacht_uiterlijk=g.achterstand.verwacht_uiterlijk,
                laatst_gemeld_tot=g.laatst_gemeld_tot,
                dagen_te_laat=g.achterstand.dagen_te_laat,
            )
            for g in pagina
        ],
        total,
        paging,
    )
