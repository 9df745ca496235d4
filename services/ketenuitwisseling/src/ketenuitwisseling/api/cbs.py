"""The delivery to CBS (Wi art. 35 lid 4): request one per gemeente and period, follow its progress, fetch the file.
Its own module and scopes (`cbs-levering:*`): the exchange's other routes are about DUO and COA."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status
from fastapi.responses import StreamingResponse
from pydantic import Field

from inburgering_kit.context import RequestContext, context
from inburgering_kit.schemas import ApiModel
from inburgering_kit.strict import Tijdstip
from ketenuitwisseling import scopes
from ketenuitwisseling.domain.cbs import Leveringstatus
from ketenuitwisseling.models import CbsLevering
from ketenuitwisseling.services import cbs

router = APIRouter(prefix="/cbs-leveringen", tags=["CBS"])

Aanvragen = Annotated[RequestContext, Depends(context(scopes.CBS_LEVERING_AANVRAGEN), scope="function")]
Volgen = Annotated[RequestContext, Depends(context(scopes.CBS_LEVERING_VOLGEN), scope="function")]
Ophalen = Annotated[RequestContext, Depends(context(scopes.CBS_LEVERING_OPHALEN), scope="function")]
LeveringId = Annotated[uuid.UUID, Path(alias="leveringId", description="Id van de CBS-levering.")]


class CbsLeveringCreate(ApiModel):
    gemeentecode: str = Field(pattern=r"^[0-9]{4}$", description="De eigen gemeente (die van het token).")
    periode: str = Field(
        max_length=7, description="Een kalenderjaar (`2026`) of kwartaal (`2026-Q3`).", examples=["2026", "2026-Q3"]
    )


class CbsLeveringRead(ApiModel):
    id: uuid.UUID
    gemeentecode: str
    periode: str
    van: str = Field(description="Eerste dag van de periode.")
    tot: str = Field(description="Dag na de periode: de peildatum van de standen.")
    status: Leveringstatus
    percentage: int = Field(ge=0, le=100, description="Voortgang, per geschreven deel bijgewerkt.")
    aantal_personen: int | None
    aantal_bytes: int | None = Field(description="Grootte van de NDJSON-inhoud (ongecomprimeerd).")
    sha256: str | None = Field(description="SHA-256 van de NDJSON-inhoud (ongecomprimeerd): gelijk bij herhaling.")
    reden: str | None = Field(description="Waarom de levering mislukte (of waarom ze opnieuw wordt geprobeerd).")
    pogingen: int
    aangevraagd_op: Tijdstip
    gereed_op: Tijdstip | None
    gedownload_op: Tijdstip | None
    beschikbaar_tot: Tijdstip | None = Field(description="Tot wanneer het bestand wordt bewaard.")
    inhoud_verwijderd: bool

    @classmethod
    def uit(cls, levering: CbsLevering) -> CbsLeveringRead:
        return cls(
            id=levering.id, gemeentecode=levering.gemeente_code, periode=levering.periode,
            van=levering.van_datum.isoformat(), tot=levering.tot_datum.isoformat(),
            status=Leveringstatus(levering.status), percentage=levering.percentage,
            aantal_personen=levering.aantal_personen, aantal_bytes=levering.aantal_bytes, sha256=levering.sha256,
            reden=levering.reden, pogingen=levering.pogingen, aangevraagd_op=levering.created_at,
            gereed_op=levering.gereed_at, gedownload_op=levering.gedownload_at, beschikbaar_tot=levering.verloopt_at,
            inhoud_verwijderd=levering.inhoud_verwijderd_at is not None,
        )  # fmt: skip


_LOCATION = {"Location": {"description": "URL van de levering.", "schema": {"type": "string"}}}


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="cbs_levering_create",
    summary="Een levering aan het CBS aanvragen voor een gemeente en periode (herhaald: dezelfde levering)",
    responses={202: {"headers": _LOCATION}},
)
async def aanvragen(body: CbsLeveringCreate, ctx: Aanvragen, response: Response) -> CbsLeveringRead:
    levering, _ = await cbs.vraag_aan(ctx, body.gemeentecode, body.periode)
    response.headers["Location"] = f"{ctx.api_prefix}/cbs-leveringen/{levering.id}"
    return CbsLeveringRead.uit(levering)


@router.get("/{leveringId}", operation_id="cbs_levering_read", summary="De stand van een levering aan het CBS")
async def lezen(levering_id: LeveringId, ctx: Volgen) -> CbsLeveringRead:
    return CbsLeveringRead.uit(await cbs.levering(ctx, levering_id))


@router.get(
    "/{leveringId}/bestand",
    operation_id="cbs_levering_bestand",
    summary="Het bestand van een gereede levering: NDJSON met gzip, één regel per inburgeraar",
    response_class=StreamingResponse,
    # Not yet gereed (409); its content deleted after the retention (410).
    openapi_extra={"x-problems": ["409", "410"]},
    responses={
        200: {
            "description": "Het bestand (`application/gzip`); de SHA-256 van de inhoud staat in de levering.",
            "content": {"application/gzip": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def bestand(levering_id: LeveringId, ctx: Ophalen) -> StreamingResponse:
    levering, delen = await cbs.bestand(ctx, levering_id)
    naam = f"cbs-levering-{levering.gemeente_code}-{levering.periode}.ndjson.gz"
    return StreamingResponse(
        delen,
        media_type="application/gzip",
        headers={"Content-Disposition": f'attachment; filename="{naam}"', "ETag": f'"{levering.sha256}"'},
    )
