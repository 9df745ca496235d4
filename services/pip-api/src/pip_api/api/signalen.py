"""The klantregisseur's worklist: the termijn signals of the gemeente, and resolving one (who, why, when)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from inburgering_kit.context import RequestContext, context
from inburgering_kit.filters import als_lijst, id_filter
from inburgering_kit.pagination import Page, Paging
from inburgering_kit.strict import Datum
from pip_api import scopes
from pip_api.api.schemas import SignaalAfhandelen, SignaalRead
from pip_api.domain.enums import Termijnsoort
from pip_api.domain.signalen import Signaalsoort, Signaalstatus
from pip_api.repository import Signaalfilter
from pip_api.services import signalen as use_cases

router = APIRouter(prefix="/signalen", tags=["Signalen"])

Lezen = Annotated[RequestContext, Depends(context(scopes.SIGNALEN_LEZEN), scope="function")]
Afhandelen = Annotated[RequestContext, Depends(context(scopes.SIGNALEN_AFHANDELEN), scope="function")]
SignaalId = Annotated[uuid.UUID, Path(alias="signaalId", description="Id van het signaal.")]


@router.get("", operation_id="signaal_list", summary="Werklijst: de signalen van de gemeente, vroegste termijn eerst")
async def lijst(
    ctx: Lezen,
    paging: Paging,
    status_: Annotated[
        Signaalstatus, Query(alias="status", description="Standaard alleen de open signalen.")
    ] = Signaalstatus.OPEN,
    klantregisseur: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    inburgeraar_ids: Annotated[list[uuid.UUID] | None, id_filter("inburgeraarId", "inburgeraars")] = None,
    soort: Annotated[Signaalsoort | None, Query()] = None,
    termijnsoort: Annotated[Termijnsoort | None, Query()] = None,
    einddatum_vanaf: Annotated[Datum | None, Query(alias="einddatumVanaf", description="Uiterste datum vanaf.")] = None,
    einddatum_tot: Annotated[
        Datum | None, Query(alias="einddatumTot", description="Uiterste datum tot en met.")
    ] = None,
) -> Page[SignaalRead]:
    filters = Signaalfilter(
        status=status_.value,
        klantregisseur=klantregisseur,
        inburgeraar_ids=als_lijst(inburgeraar_ids),
        soort=soort.value if soort else None,
        termijnsoort=termijnsoort.value if termijnsoort else None,
        einddatum_vanaf=einddatum_vanaf,
        einddatum_tot=einddatum_tot,
    )
    rows, total = await use_cases.werklijst(ctx, paging, filters)
    return Page[SignaalRead].of([SignaalRead.van(r) for r in rows], total, paging)


@router.get("/{signaalId:uuid}", operation_id="signaal_read", summary="Eén signaal, open of afgehandeld")
async def lees(signaal_id: SignaalId, ctx: Lezen) -> SignaalRead:
    return SignaalRead.van(await use_cases.raadpleeg(ctx, signaal_id))


@router.post(
    "/{signaalId:uuid}/_afhandelen",
    operation_id="signaal_afhandelen",
    summary="Een signaal afhandelen, met de reden; wie en wanneer legt de API vast",
)
async def handel_af(signaal_id: SignaalId, body: SignaalAfhandelen, ctx: Afhandelen) -> SignaalRead:
    return SignaalRead.van(await use_cases.handel_af(ctx, signaal_id, body.reden))
