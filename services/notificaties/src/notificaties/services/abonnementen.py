"""Managing subscriptions and their deliveries. Every lookup is scoped to the caller's gemeente."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from inburgering_kit.context import RequestContext
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import NotFound, Unprocessable, invalid
from notificaties import ssrf
from notificaties.api.schemas import (
    AbonnementAangemaakt,
    AbonnementCreate,
    AbonnementRead,
    AbonnementUpdate,
    AfleveringRead,
    Afleverstand,
)
from notificaties.crypto import Kluis, nieuw_geheim
from notificaties.models import Abonnement, Aflevering
from notificaties.repository import ACTIEF, DEAD_LETTER, WACHTEND, AbonnementRepository
from notificaties.settings import Settings


class OngeldigeCallback(Unprocessable):
    code = "ongeldige-callback"
    title = "De callbackUrl wordt niet geaccepteerd."


class OngeldigePeriode(Unprocessable):
    code = "ongeldige-periode"
    title = "`vanaf` moet voor `tot` liggen."


@dataclass(frozen=True)
class Bezorgconfig:
    settings: Settings
    kluis: Kluis


def pad(abonnement_id: uuid.UUID) -> str:
    return f"/abonnementen/{abonnement_id}"


async def _controleer_callback(url: str, config: Bezorgconfig) -> None:
    try:
        await ssrf.check_url(
            url, allow_http=config.settings.allow_http, allow_private=config.settings.allow_private_addresses
        )
    except ssrf.GeweigerdAdres as exc:
        raise OngeldigeCallback(str(exc), invalid_params=[invalid("callbackUrl", str(exc), "geweigerd")]) from exc


def _read(abonnement: Abonnement, stand: dict[str, Any] | None) -> AbonnementRead:
    stand = stand or {}
    return AbonnementRead(
        id=abonnement.id,
        callback_url=abonnement.callback_url,
        heeft_authorization_header=abonnement.autorisatie_versleuteld is not None,
        type_prefix=abonnement.type_prefix,
        source=abonnement.source,
        subject=abonnement.subject,
        formaat=abonnement.formaat,
        status=abonnement.status,
        aangemaakt_op=abonnement.created_at,
        afleverstand=Afleverstand(
            wachtend=stand.get(WACHTEND, 0),
            afgeleverd=stand.get("afgeleverd", 0),
            dead_letter=stand.get(DEAD_LETTER, 0),
            laatst_afgeleverd_op=stand.get("laatst"),
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


async def vind(ctx: RequestContext, abonnement_id: uuid.UUID, *, for_update: bool = False) -> Abonnement:
    abonnement = await AbonnementRepository(ctx.session, ctx.gemeente).get(abonnement_id, for_update=for_update)
    if abonnement is None:
        raise NotFound("Er is geen abonnement met dit id in uw gemeente.")
    return abonnement


async def lees(ctx: RequestContext, abonnement_id: uuid.UUID) -> AbonnementRead:
    abonnement = await vind(ctx, abonnement_id)
    stand = await AbonnementRepository(ctx.session, ctx.gemeente).afleverstand([abonnement.id])
    return _read(abonnement, stand.get(abonnement.id))


async def maak(ctx: RequestContext, data: AbonnementCreate, config: Bezorgconfig) -> AbonnementAangemaakt:
    await _controleer_callback(data.callback_url, config)
    geheim = nieuw_geheim()
    abonnement = Abonnement(
        id=uuid.uuid4(),
        gemeente_code=ctx.gemeente,
        client_id=ctx.principal.client_id,
        callback_url=data.callback_url,
        geheim_versleuteld=config.kluis.versleutel(geheim),
        autorisatie_versleuteld=(
            config.kluis.versleutel(data.authorization_header) if data.authorization_header else None
        ),
        type_prefix=data.type_prefix,
        source=data.source,
        subject=data.subject,
        formaat=data.formaat.value,
        status=ACTIEF,
    )
    await AbonnementRepository(ctx.session, ctx.gemeente).add(abonnement)
    read = _read(abonnement, None)
    return AbonnementAangemaakt(**read.model_dump(), geheim=geheim)


async def wijzig(
    ctx: RequestContext, abonnement_id: uuid.UUID, data: AbonnementUpdate, config: Bezorgconfig
) -> AbonnementRead:
    abonnement = await vind(ctx, abonnement_id, for_update=True)
    fields = data.model_fields_set
    if "callback_url" in fields:
        if data.callback_url is None:
            raise OngeldigeCallback(
                "Een abonnement heeft altijd een callbackUrl.",
                invalid_params=[invalid("callbackUrl", "mag niet leeg zijn", "verplicht")],
            )
        await _controleer_callback(data.callback_url, config)
        abonnement.callback_url = data.callback_url
    if "authorization_header" in fields:
        abonnement.autorisatie_versleuteld = (
            config.kluis.versleutel(data.authorization_header) if data.authorization_header else None
        )
    for name in ("type_prefix", "source", "subject"):
        if name in fields:
            setattr(abonnement, name, getattr(data, name))
    if "formaat" in fields and data.formaat is not None:
        abonnement.formaat = data.formaat.value
    await ctx.session.flush()
    return await lees(ctx, abonnement_id)


async def zet_status(ctx: RequestContext, abonnement_id: uuid.UUID, status: str) -> AbonnementRead:
    abonnement = await vind(ctx, abonnement_id, for_update=True)
    abonnement.status = status
    await ctx.session.flush()
    return await lees(ctx, abonnement_id)


async def verwijder(ctx: RequestContext, abonnement_id: uuid.UUID) -> None:
    repository = AbonnementRepository(ctx.session, ctx.gemeente)
    await repository.delete(await vind(ctx, abonnement_id, for_update=True))


async def lijst(ctx: RequestContext, paging: PageParams, *, status: str | None) -> tuple[list[AbonnementRead], int]:
    repository = AbonnementRepository(ctx.session, ctx.gemeente)
    rows, total = await repository.page(paging, status=status)
    stand = await repository.afleverstand([r.id for r in rows])
    return [_read(r, stand.get(r.id)) for r in rows], total


async def afleveringen(
    ctx: RequestContext, abonnement_id: uuid.UUID, paging: PageParams, *, status: str | None
) -> tuple[Sequence[Aflevering], int]:
    await vind(ctx, abonnement_id)
    return await AbonnementRepository(ctx.session, ctx.gemeente).afleveringen(abonnement_id, paging, status=status)


async def aflevering(ctx: RequestContext, abonnement_id: uuid.UUID, aflevering_id: uuid.UUID) -> Aflevering:
    await vind(ctx, abonnement_id)
    found = await AbonnementRepository(ctx.session, ctx.gemeente).aflevering(abonnement_id, aflevering_id)
    if found is None:
        raise NotFound("Dit abonnement heeft geen aflevering met dit id.")
    return found


async def opnieuw(ctx: RequestContext, abonnement_id: uuid.UUID, aflevering_id: uuid.UUID) -> Aflevering:
    # Locked: a re-queued delivery takes its place in the queue like a new one (see the repository).
    await vind(ctx, abonnement_id, for_update=True)
    await aflevering(ctx, abonnement_id, aflevering_id)
    await AbonnementRepository(ctx.session, ctx.gemeente).opnieuw(abonnement_id, aflevering_id=aflevering_id)
    ctx.session.expire_all()
    return await aflevering(ctx, abonnement_id, aflevering_id)


async def opnieuw_periode(ctx: RequestContext, abonnement_id: uuid.UUID, vanaf: datetime, tot: datetime) -> int:
    # A time without an offset is read as UTC, the zone every answer of this API uses.
    vanaf, tot = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (vanaf, tot))
    if vanaf >= tot:
        raise OngeldigePeriode(invalid_params=[invalid("tot", "moet na `vanaf` liggen", "periode")])
    await vind(ctx, abonnement_id, for_update=True)
    return await AbonnementRepository(ctx.session, ctx.gemeente).opnieuw(abonnement_id, vanaf=vanaf, tot=tot)
