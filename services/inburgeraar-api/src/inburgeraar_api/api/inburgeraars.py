"""The inburgeraar resource: register, find (by BSN only through `_zoek`), list, read, change."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, Security, status

from inburgeraar_api import scopes
from inburgeraar_api.api.params import InburgeraarId
from inburgeraar_api.api.schemas import (
    BsnVastleggen,
    Contactgegevens,
    InburgeraarCreate,
    InburgeraarRead,
    InburgeraarUpdate,
    InburgeraarZoek,
)
from inburgeraar_api.domain.enums import Doelgroep, InburgeraarStatus
from inburgeraar_api.services import registratie
from inburgering_kit.auth import require_any_scope
from inburgering_kit.bsn import Bsn
from inburgering_kit.context import RequestContext, context
from inburgering_kit.idempotency import IdempotencyDep
from inburgering_kit.pagination import Page, PageParams, Paging
from inburgering_kit.strict import Datum
from inburgering_kit.types import TEXT_PATTERN

router = APIRouter(prefix="/inburgeraars", tags=["Inburgeraars"])

# Each route states the scopes of which one suffices; which persons the caller then sees is the service's rule
# (`registratie.alleen_eigen`). The context itself checks only the token and the gemeente.
Ctx = Annotated[RequestContext, Depends(context(), scope="function")]
_LEZEN = [Security(require_any_scope(scopes.INBURGERAAR_LEZEN, scopes.INBURGERAAR_KOPPELEN))]
_SCHRIJVEN = [Security(require_any_scope(scopes.INBURGERAAR_SCHRIJVEN, scopes.INBURGERAAR_KOPPELEN))]
_ZOEKEN = [
    Security(require_any_scope(scopes.INBURGERAAR_LEZEN, scopes.INBURGERAAR_KOPPELEN, scopes.INBURGERAAR_ZOEKEN))
]


def _beperkt(ctx: RequestContext, gevonden: InburgeraarRead) -> InburgeraarRead:
    """What a caller that may only find a person (DUO) gets: the registration, not who the person is or who
    handles it."""
    if ctx.principal.has(scopes.INBURGERAAR_LEZEN) or ctx.principal.has(scopes.INBURGERAAR_KOPPELEN):
        return gevonden
    return gevonden.model_copy(update={"contact": Contactgegevens(), "klantregisseur": None})


def _contact(contact: Contactgegevens | None) -> dict[str, Any]:
    return contact.model_dump(mode="json", exclude_none=True) if contact else {}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="inburgeraar_registreer",
    summary="Een inburgeraar registreren (bij koppeling of BRP-inschrijving)",
    dependencies=_SCHRIJVEN,
    responses={
        201: {"headers": {"Location": {"description": "URL van de nieuwe inburgeraar.", "schema": {"type": "string"}}}}
    },
)
async def registreer(body: InburgeraarCreate, ctx: Ctx, idem: IdempotencyDep, response: Response) -> InburgeraarRead:
    if (replay := await idem.replay(ctx, body)) is not None:
        return replay  # type: ignore[return-value]
    nieuw = registratie.NieuweInburgeraar(
        bsn=Bsn(str(body.bsn)) if body.bsn is not None else None,
        doelgroep=body.doelgroep,
        nareiziger=body.nareiziger,
        datum_koppeling=body.datum_koppeling,
        datum_inschrijving_brp=body.datum_inschrijving_brp,
        contact=_contact(body.contact),
        klantregisseur=body.klantregisseur,
    )
    result = InburgeraarRead.model_validate(await registratie.registreer(ctx, nieuw))
    response.headers["Location"] = f"{ctx.api_prefix}{registratie.pad(result.id)}"
    await idem.store(ctx, 201, result)
    return result


@router.get(
    "",
    operation_id="inburgeraar_list",
    summary="Inburgeraars van de gemeente, gefilterd en gepagineerd",
    description="Met alleen `inburgeraar:koppelen` (COA): de inburgeraars die deze client zelf registreerde.",
    dependencies=_LEZEN,
)
async def lijst(
    ctx: Ctx,
    paging: Paging,
    doelgroep: Doelgroep | None = None,
    status_: Annotated[InburgeraarStatus | None, Query(alias="status")] = None,
    klantregisseur: Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN)] = None,
    ingeschreven_vanaf: Annotated[Datum | None, Query(alias="ingeschrevenVanaf")] = None,
    ingeschreven_tot: Annotated[Datum | None, Query(alias="ingeschrevenTot")] = None,
) -> Page[InburgeraarRead]:
    rows, total = await registratie.lijst(
        ctx,
        paging,
        doelgroep=doelgroep.value if doelgroep else None,
        status=status_.value if status_ else None,
        klantregisseur=klantregisseur,
        ingeschreven_vanaf=ingeschreven_vanaf,
        ingeschreven_tot=ingeschreven_tot,
    )
    return Page[InburgeraarRead].of([InburgeraarRead.model_validate(r) for r in rows], total, paging)


@router.post(
    "/_zoek",
    operation_id="inburgeraar_zoek",
    summary="Een inburgeraar zoeken op BSN (het BSN gaat in de body, nooit in de URL)",
    description="Met alleen `inburgeraar:koppelen` (COA) alleen een inburgeraar die deze client zelf registreerde; "
    "met alleen `inburgeraar:zoeken` (DUO) de registratie zonder contactgegevens en klantregisseur.",
    dependencies=_ZOEKEN,
)
async def zoek(body: InburgeraarZoek, ctx: Ctx) -> Page[InburgeraarRead]:
    found = await registratie.zoek_op_bsn(ctx, Bsn(str(body.bsn)))
    items = [_beperkt(ctx, InburgeraarRead.model_validate(found))] if found else []
    return Page[InburgeraarRead].of(items, len(items), PageParams(page=1, page_size=1))


@router.get("/{inburgeraarId:uuid}", operation_id="inburgeraar_read", summary="Eén inburgeraar", dependencies=_LEZEN)
async def lees(inburgeraar_id: InburgeraarId, ctx: Ctx) -> InburgeraarRead:
    return InburgeraarRead.model_validate(await registratie.raadpleeg(ctx, inburgeraar_id))


@router.patch(
    "/{inburgeraarId:uuid}",
    operation_id="inburgeraar_update",
    summary="Gegevens van een inburgeraar wijzigen (alleen de meegegeven velden)",
    dependencies=_SCHRIJVEN,
)
async def wijzig(inburgeraar_id: InburgeraarId, body: InburgeraarUpdate, ctx: Ctx) -> InburgeraarRead:
    changes = body.model_dump(exclude_unset=True, by_alias=False)
    if "contact" in changes:
        changes["contact"] = _contact(body.contact)
    return InburgeraarRead.model_validate(await registratie.wijzig(ctx, inburgeraar_id, changes))


@router.post(
    "/{inburgeraarId:uuid}/bsn",
    operation_id="inburgeraar_bsn_vastleggen",
    summary="Het BSN vastleggen van een inburgeraar die op `bsn-ontbreekt` staat",
    dependencies=_SCHRIJVEN,
)
async def leg_bsn_vast(inburgeraar_id: InburgeraarId, body: BsnVastleggen, ctx: Ctx) -> InburgeraarRead:
    return InburgeraarRead.model_validate(await registratie.leg_bsn_vast(ctx, inburgeraar_id, Bsn(str(body.bsn))))
