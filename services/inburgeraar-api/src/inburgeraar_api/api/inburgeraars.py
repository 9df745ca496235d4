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
from inburgeraar_api.domain.registratie import RegistratieOngeldig
from inburgeraar_api.services import registratie
from inburgering_kit.auth import require_any_scope
from inburgering_kit.bsn import Bsn
from inburgering_kit.context import RequestContext, context
from inburgering_kit.idempotency import IdempotencyDep
from inburgering_kit.pagination import Page, PageParams, Paging
from inburgering_kit.problems import Forbidden, invalid
from inburgering_kit.strict import Datum
from inburgering_kit.types import TEXT_PATTERN

router = APIRouter(prefix="/inburgeraars", tags=["Inburgeraars"])

# Each route states the scopes of which one suffices; which persons the caller then sees is the service's rule
# (`registratie.alleen_eigen`). The context itself checks only the token and the gemeente.
Ctx = Annotated[RequestContext, Depends(context(), scope="function")]
_LEZEN = [Security(require_any_scope(scopes.INBURGERAAR_LEZEN, scopes.INBURGERAAR_KOPPELEN))]
_SCHRIJVEN = [Security(require_any_scope(scopes.INBURGERAAR_SCHRIJVEN, scopes.INBURGERAAR_KOPPELEN))]
# The chain exchange registers a person who moved here (DUO's notice) with `verhuizing:registreren` and nothing else.
_REGISTREREN = [
    Security(
        require_any_scope(scopes.INBURGERAAR_SCHRIJVEN, scopes.INBURGERAAR_KOPPELEN, scopes.VERHUIZING_REGISTREREN)
    )
]
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
    description="Met `herkomst` (soort `verhuizing`) een inburgeraar die uit een andere gemeente kwam, bijvoorbeeld op "
    "de melding van DUO door de ketenuitwisseling (scope `verhuizing:registreren` volstaat dan): het BSN is dan "
    "verplicht en registreren idempotent per gemeente en BSN — is het BSN al geregistreerd, dan 200 met die "
    "inburgeraar. Was die eerder uit deze gemeente verhuisd (status `verhuisd`), dan is hij teruggekeerd: dezelfde "
    "registratie wordt weer actief (`geregistreerd`, met deze `herkomst`) en `inburgeraar-geregistreerd` volgt.",
    dependencies=_REGISTREREN,
    responses={
        201: {"headers": {"Location": {"description": "URL van de nieuwe inburgeraar.", "schema": {"type": "string"}}}},
        200: {
            "description": "Met `herkomst`: het BSN was al geregistreerd (na een verhuizing terug: weer actief).",
            "model": InburgeraarRead,
        },
    },
)
async def registreer(body: InburgeraarCreate, ctx: Ctx, idem: IdempotencyDep, response: Response) -> InburgeraarRead:
    verhuisd = body.herkomst is not None
    if not verhuisd and not (
        ctx.principal.has(scopes.INBURGERAAR_SCHRIJVEN) or ctx.principal.has(scopes.INBURGERAAR_KOPPELEN)
    ):
        raise Forbidden("Met `verhuizing:registreren` alleen een registratie met `herkomst` (een verhuizing).")
    if body.herkomst is not None:
        fouten = []
        if body.bsn is None:
            fouten.append(
                invalid("bsn", "verplicht bij een verhuizing: daarop is de registratie idempotent", "verplicht")
            )
        if body.herkomst.van_gemeente == ctx.gemeente:
            fouten.append(invalid("herkomst.vanGemeente", "mag niet de eigen gemeente zijn", "eigen-gemeente"))
        if fouten:
            raise RegistratieOngeldig("Een registratie na een verhuizing is niet compleet.", invalid_params=fouten)
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
        herkomst=body.herkomst.model_dump(mode="json") if body.herkomst else None,
    )
    if verhuisd:
        inburgeraar, nieuw_geregistreerd = await registratie.registreer_bij_verhuizing(ctx, nieuw)
    else:
        inburgeraar, nieuw_geregistreerd = await registratie.registreer(ctx, nieuw), True
    result = InburgeraarRead.model_validate(inburgeraar)
    if not nieuw_geregistreerd:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"{ctx.api_prefix}{registratie.pad(result.id)}"
    await idem.store(ctx, response.status_code or status.HTTP_201_CREATED, result)
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
