"""Subscriptions (`/abonnementen`): register a callback, pause and resume it, read its delivery log and
deliver again."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from inburgering_kit.context import RequestContext, context
from inburgering_kit.pagination import Page, Paging
from notificaties import scopes
from notificaties.api.schemas import (
    AbonnementAangemaakt,
    AbonnementCreate,
    AbonnementRead,
    AbonnementStatus,
    AbonnementUpdate,
    AfleveringRead,
    AfleveringStatus,
    Afleverstand,
    OpnieuwAfleveren,
    OpnieuwAfleverenResultaat,
)
from notificaties.domain.abonnement import ACTIEF, GEPAUZEERD
from notificaties.domain.aflevering import WACHTEND
from notificaties.models import Aflevering
from notificaties.services import abonnementen
from notificaties.services.abonnementen import AbonnementMetStand, DeliveryConfig, NieuwAbonnement

router = APIRouter(prefix="/abonnementen", tags=["Abonnementen"])

Lezen = Annotated[RequestContext, Depends(context(scopes.ABONNEMENTEN_LEZEN), scope="function")]
Schrijven = Annotated[RequestContext, Depends(context(scopes.ABONNEMENTEN_SCHRIJVEN), scope="function")]
AbonnementId = Annotated[uuid.UUID, Path(alias="abonnementId", description="Id van het abonnement.")]
AfleveringId = Annotated[uuid.UUID, Path(alias="afleveringId", description="Id van de aflevering.")]


def _config(request: Request) -> DeliveryConfig:
    config: DeliveryConfig = request.app.state.delivery_config
    return config


Config = Annotated[DeliveryConfig, Depends(_config)]


def abonnement_read(gelezen: AbonnementMetStand) -> AbonnementRead:
    abonnement, stand = gelezen.abonnement, gelezen.stand
    return AbonnementRead(
        id=abonnement.id,
        callback_url=abonnement.callback_url,
        heeft_authorization_header=abonnement.autorisatie_versleuteld is not None,
        type_prefix=abonnement.type_prefix,
        source=abonnement.source,
        subject=abonnement.subject,
        formaat=abonnement.formaat,
        herhaaltermijn_uren=abonnement.herhaaltermijn_uren,
        status=abonnement.status,
        aangemaakt_op=abonnement.created_at,
        afleverstand=Afleverstand(
            wachtend=stand.wachtend,
            afgeleverd=stand.afgeleverd,
            dead_letter=stand.dead_letter,
            laatst_afgeleverd_op=stand.laatst_afgeleverd_op,
        ),
    )


def aflevering_read(aflevering: Aflevering) -> AfleveringRead:
    return AfleveringRead(
        id=aflevering.id,
        event_id=aflevering.event_id,
        event_type=aflevering.event_type,
        event_time=aflevering.event_time,
        status=aflevering.status,
        pogingen=aflevering.pogingen,
        volgende_poging_op=aflevering.next_attempt_at if aflevering.status == WACHTEND else None,
        laatste_poging_op=aflevering.laatste_poging_at,
        laatste_statuscode=aflevering.laatste_statuscode,
        laatste_duur_ms=aflevering.laatste_duur_ms,
        laatste_fout=aflevering.laatste_fout,
        afgeleverd_op=aflevering.afgeleverd_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="abonnement_create",
    summary="Een abonnement nemen op events van de eigen gemeente",
    responses={
        201: {"headers": {"Location": {"description": "URL van het nieuwe abonnement.", "schema": {"type": "string"}}}}
    },
)
async def maak(body: AbonnementCreate, ctx: Schrijven, config: Config, response: Response) -> AbonnementAangemaakt:
    data = NieuwAbonnement(
        callback_url=body.callback_url,
        formaat=body.formaat.value,
        herhaaltermijn_uren=body.herhaaltermijn_uren,
        authorization_header=body.authorization_header,
        type_prefix=body.type_prefix,
        source=body.source,
        subject=body.subject,
    )
    gemaakt, geheim = await abonnementen.maak(ctx, data, config)
    response.headers["Location"] = f"{ctx.api_prefix}{abonnementen.pad(gemaakt.abonnement.id)}"
    return AbonnementAangemaakt(**abonnement_read(gemaakt).model_dump(), geheim=geheim)


@router.get("", operation_id="abonnement_list", summary="Abonnementen van de gemeente, gepagineerd")
async def lijst(
    ctx: Lezen, paging: Paging, status_: Annotated[AbonnementStatus | None, Query(alias="status")] = None
) -> Page[AbonnementRead]:
    items, total = await abonnementen.lijst(ctx, paging, status=status_.value if status_ else None)
    return Page[AbonnementRead].of([abonnement_read(i) for i in items], total, paging)


@router.get("/{abonnementId:uuid}", operation_id="abonnement_read", summary="Eén abonnement met zijn afleverstand")
async def lees(abonnement_id: AbonnementId, ctx: Lezen) -> AbonnementRead:
    return abonnement_read(await abonnementen.lees(ctx, abonnement_id))


@router.patch(
    "/{abonnementId:uuid}",
    operation_id="abonnement_update",
    summary="Een abonnement wijzigen (alleen de meegegeven velden)",
)
async def wijzig(abonnement_id: AbonnementId, body: AbonnementUpdate, ctx: Schrijven, config: Config) -> AbonnementRead:
    wijzigingen = {name: getattr(body, name) for name in body.model_fields_set}
    if body.formaat is not None:
        wijzigingen["formaat"] = body.formaat.value
    return abonnement_read(await abonnementen.wijzig(ctx, abonnement_id, wijzigingen, config))


@router.delete(
    "/{abonnementId:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="abonnement_delete",
    summary="Een abonnement opzeggen; wachtende afleveringen vervallen",
)
async def verwijder(abonnement_id: AbonnementId, ctx: Schrijven) -> Response:
    await abonnementen.verwijder(ctx, abonnement_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{abonnementId:uuid}/_pauzeren",
    operation_id="abonnement_pauzeer",
    summary="Een abonnement pauzeren: events in de pauze worden niet afgeleverd",
)
async def pauzeer(abonnement_id: AbonnementId, ctx: Schrijven) -> AbonnementRead:
    return abonnement_read(await abonnementen.zet_status(ctx, abonnement_id, GEPAUZEERD))


@router.post(
    "/{abonnementId:uuid}/_hervatten",
    operation_id="abonnement_hervat",
    summary="Een gepauzeerd abonnement hervatten",
)
async def hervat(abonnement_id: AbonnementId, ctx: Schrijven) -> AbonnementRead:
    return abonnement_read(await abonnementen.zet_status(ctx, abonnement_id, ACTIEF))


@router.get(
    "/{abonnementId:uuid}/afleveringen",
    operation_id="aflevering_list",
    summary="Het afleverlog van een abonnement, nieuwste eerst (filter `status=dead-letter` voor opgegeven)",
    description="Afleveringen die afgerond zijn (afgeleverd of dead-letter) blijven de bewaartermijn van de "
    "gemeente bewaard (standaard 7 dagen na de laatste poging) en verdwijnen daarna uit dit log; wachtende "
    "afleveringen blijven altijd staan.",
)
async def afleveringen(
    abonnement_id: AbonnementId,
    ctx: Lezen,
    paging: Paging,
    status_: Annotated[AfleveringStatus | None, Query(alias="status")] = None,
) -> Page[AfleveringRead]:
    rows, total = await abonnementen.afleveringen(ctx, abonnement_id, paging, status=status_.value if status_ else None)
    return Page[AfleveringRead].of([aflevering_read(r) for r in rows], total, paging)


@router.get(
    "/{abonnementId:uuid}/afleveringen/{afleveringId:uuid}",
    operation_id="aflevering_read",
    summary="Eén aflevering",
)
async def aflevering(abonnement_id: AbonnementId, aflevering_id: AfleveringId, ctx: Lezen) -> AfleveringRead:
    return aflevering_read(await abonnementen.aflevering(ctx, abonnement_id, aflevering_id))


@router.post(
    "/{abonnementId:uuid}/afleveringen/{afleveringId:uuid}/_opnieuw",
    operation_id="aflevering_opnieuw",
    summary="Eén event opnieuw afleveren (ook na aflevering of dead-letter)",
)
async def opnieuw(abonnement_id: AbonnementId, aflevering_id: AfleveringId, ctx: Schrijven) -> AfleveringRead:
    return aflevering_read(await abonnementen.opnieuw(ctx, abonnement_id, aflevering_id))


@router.post(
    "/{abonnementId:uuid}/afleveringen/_opnieuw",
    operation_id="abonnement_opnieuw_afleveren",
    summary="Alle events van een periode opnieuw afleveren aan dit abonnement",
    description="Alleen events binnen de bewaartermijn (standaard 7 dagen) zijn hier nog bekend; van oudere "
    "events haalt een afnemer de stand op bij de bron (`dataref` van het event).",
)
async def opnieuw_periode(
    abonnement_id: AbonnementId, body: OpnieuwAfleveren, ctx: Schrijven
) -> OpnieuwAfleverenResultaat:
    aantal = await abonnementen.opnieuw_periode(ctx, abonnement_id, body.vanaf, body.tot)
    return OpnieuwAfleverenResultaat(aantal=aantal)
