"""The PIP resource: concept, vaststellen, wijzigen (new version), beëindigen, and the version history."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from inburgering_kit.context import RequestContext, context
from inburgering_kit.filters import als_lijst, id_filter
from inburgering_kit.idempotency import IdempotencyDep
from inburgering_kit.pagination import Page, Paging
from inburgering_kit.problems import Forbidden
from pip_api import scopes
from pip_api.api import beschikking as beschikking_document
from pip_api.api.schemas import (
    PipBeeindigen,
    PipCreate,
    PipRead,
    PipUpdate,
    PipVaststellen,
    PipVersieRead,
    PipVoortgangRead,
    PipWijzigen,
)
from pip_api.domain.leerroutes import routeverplichting
from pip_api.domain.pip import PipStatus
from pip_api.domain.voortgang import UrenOverride
from pip_api.services import pip as use_cases
from pip_api.settings import Settings

router = APIRouter(prefix="/pips", tags=["PIP"])

Lezen = Annotated[RequestContext, Depends(context(scopes.PIP_LEZEN), scope="function")]
Schrijven = Annotated[RequestContext, Depends(context(scopes.PIP_SCHRIJVEN), scope="function")]
PipId = Annotated[uuid.UUID, Path(alias="pipId", description="Id van het PIP.")]
Versienummer = Annotated[int, Path(alias="versie", ge=1, le=10_000, description="Nummer van de versie.")]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="pip_create",
    summary="Een PIP opstellen als concept",
    responses={
        201: {"headers": {"Location": {"description": "URL van het nieuwe PIP.", "schema": {"type": "string"}}}}
    },
)
async def stel_op(body: PipCreate, ctx: Schrijven, idem: IdempotencyDep, response: Response) -> PipRead:
    if (replay := await idem.replay(ctx, body)) is not None:
        return replay  # type: ignore[return-value]
    result = PipRead.van(await use_cases.stel_op(ctx, body.inburgeraar_id, body.inhoud()))
    response.headers["Location"] = f"{ctx.api_prefix}{use_cases.pad(result.id)}"
    await idem.store(ctx, 201, result)
    return result


@router.get(
    "",
    operation_id="pip_list",
    summary="PIP's van de gemeente, gefilterd en gepagineerd",
    description="Zonder `inburgeraarId`, of met meer dan één, alleen met `pip:overzicht` (de klantregisseur, "
    "bijvoorbeeld voor een pagina van zijn caseload): een specialist leest het PIP van één inburgeraar waar hij aan "
    "werkt, niet de plannen van iedereen.",
)
async def lijst(
    ctx: Lezen,
    paging: Paging,
    inburgeraar_ids: Annotated[list[uuid.UUID] | None, id_filter("inburgeraarId", "inburgeraars")] = None,
    status_: Annotated[PipStatus | None, Query(alias="status")] = None,
) -> Page[PipRead]:
    ids = als_lijst(inburgeraar_ids)
    if (ids is None or len(ids) > 1) and not ctx.principal.has(scopes.PIP_OVERZICHT):
        raise Forbidden(
            f"vereiste scope: {scopes.PIP_OVERZICHT}, of filter op één inburgeraarId",
            headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scopes.PIP_OVERZICHT}"'},
        )
    rows, total = await use_cases.lijst(ctx, paging, inburgeraar_ids=ids, status=status_.value if status_ else None)
    return Page[PipRead].of([PipRead.van(r) for r in rows], total, paging)


@router.get("/{pipId:uuid}", operation_id="pip_read", summary="Eén PIP met zijn termijnen")
async def lees(pip_id: PipId, ctx: Lezen) -> PipRead:
    return PipRead.van(await use_cases.raadpleeg(ctx, pip_id))


@router.patch("/{pipId:uuid}", operation_id="pip_update", summary="Het concept van een PIP bewerken")
async def wijzig_concept(pip_id: PipId, body: PipUpdate, ctx: Schrijven) -> PipRead:
    return PipRead.van(await use_cases.wijzig_concept(ctx, pip_id, body.wijzigingen()))


@router.post(
    "/{pipId:uuid}/_vaststellen",
    operation_id="pip_vaststellen",
    summary="Het PIP vaststellen (beschikking, versie 1)",
)
async def stel_vast(pip_id: PipId, body: PipVaststellen, ctx: Schrijven) -> PipRead:
    return PipRead.van(
        await use_cases.stel_vast(
            ctx, pip_id, dagtekening=body.dagtekening, verzenddatum=body.verzenddatum, ingangsdatum=body.ingangsdatum
        )
    )


@router.post(
    "/{pipId:uuid}/_wijzigen",
    operation_id="pip_wijzigen",
    summary="Het vastgestelde PIP wijzigen (een nieuwe versie met datum en reden)",
)
async def wijzig(pip_id: PipId, body: PipWijzigen, ctx: Schrijven) -> PipRead:
    return PipRead.van(
        await use_cases.wijzig(
            ctx,
            pip_id,
            body.wijzigingen.wijzigingen(),
            reden=body.reden,
            dagtekening=body.dagtekening,
            verzenddatum=body.verzenddatum,
            ingangsdatum=body.ingangsdatum,
            routewissel_grond=body.routewissel_grond,
            uren_override=(
                UrenOverride(body.uren_override.taaluren, body.uren_override.reden) if body.uren_override else None
            ),
        )
    )


@router.post("/{pipId:uuid}/_beeindigen", operation_id="pip_beeindigen", summary="Het PIP beëindigen")
async def beeindig(pip_id: PipId, body: PipBeeindigen, ctx: Schrijven) -> PipRead:
    return PipRead.van(
        await use_cases.beeindig(ctx, pip_id, datum=body.datum, reden=body.reden, toelichting=body.toelichting)
    )


@router.get("/{pipId:uuid}/versies", operation_id="pip_versie_list", summary="Alle vastgestelde versies")
async def versies(pip_id: PipId, ctx: Lezen) -> list[PipVersieRead]:
    return [PipVersieRead.van(v) for v in await use_cases.versies(ctx, pip_id)]


@router.get("/{pipId:uuid}/versies/{versie}", operation_id="pip_versie_read", summary="Eén vastgestelde versie")
async def versie(pip_id: PipId, nummer: Versienummer, ctx: Lezen) -> PipVersieRead:
    return PipVersieRead.van(await use_cases.versie(ctx, pip_id, nummer))


@router.get(
    "/{pipId:uuid}/beschikking",
    operation_id="pip_beschikking",
    summary="De beschikking als HTML- of PDF-document, om aan de inburgeraar te sturen (zonder BSN)",
    response_class=HTMLResponse,
    responses={
        200: {
            "description": "De beschikking: HTML, of PDF bij `Accept: application/pdf`.",
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
    # A concept is no beschikking yet: `pip-niet-vastgesteld`.
    openapi_extra={"x-problems": ["409"]},
)
async def beschikking(
    request: Request,
    pip_id: PipId,
    ctx: Lezen,
    versie: Annotated[
        int | None, Query(ge=1, le=10_000, description="Nummer van de versie; standaard de huidige.")
    ] = None,
    accept: Annotated[str | None, Header(description="`application/pdf` voor PDF; anders HTML.")] = None,
) -> Response:
    gegevens, gevonden = await use_cases.beschikking(ctx, pip_id, versie)
    settings: Settings = request.app.state.settings
    html = beschikking_document.render(
        gegevens.pip,
        gevonden,
        gegevens.termijnen,
        routeverplichting(gegevens.doelgroep),
        settings.gemeenten.get(gegevens.pip.gemeente_code),
    )
    if accept and "application/pdf" in accept and "text/html" not in accept:
        document = await run_in_threadpool(beschikking_document.pdf, html)
        return Response(
            document,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="beschikking-pip-{pip_id}-{gevonden.versie}.pdf"'},
        )
    return HTMLResponse(html)


@router.get(
    "/{pipId:uuid}/voortgang",
    operation_id="pip_voortgang",
    summary="De voortgang bij de aanbieders: per onderdeel uren, aanwezigheid, resultaten en routeadviezen",
)
async def voortgang(pip_id: PipId, ctx: Lezen) -> PipVoortgangRead:
    return PipVoortgangRead.van(await use_cases.voortgang(ctx, pip_id))
