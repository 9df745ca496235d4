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
from notificaties.crypto import SecretBox, nieuw_geheim
from notificaties.delivery import ssrf
from notificaties.domain.abonnement import ACTIEF
from notificaties.domain.aflevering import AFGELEVERD, DEAD_LETTER, WACHTEND
from notificaties.models import Abonnement, Aflevering
from notificaties.repository.abonnementen import AbonnementRepository
from notificaties.settings import Settings


class OngeldigeCallback(Unprocessable):
    code = "ongeldige-callback"
    title = "De callbackUrl wordt niet geaccepteerd."


class OngeldigePeriode(Unprocessable):
    code = "ongeldige-periode"
    title = "`vanaf` moet voor `tot` liggen."


@dataclass(frozen=True)
class DeliveryConfig:
    settings: Settings
    secret_box: SecretBox


@dataclass(frozen=True)
class Afleverstand:
    """Counts of what is still there; ended deliveries count until their retention ends."""

    wachtend: int = 0
    afgeleverd: int = 0
    dead_letter: int = 0
    laatst_afgeleverd_op: datetime | None = None


@dataclass(frozen=True)
class AbonnementMetStand:
    abonnement: Abonnement
    stand: Afleverstand


@dataclass(frozen=True)
class NieuwAbonnement:
    """What a subscriber asks for; `authorization_header` and filters are optional."""

    callback_url: str
    formaat: str
    herhaaltermijn_uren: int
    authorization_header: str | None = None
    type_prefix: str | None = None
    source: str | None = None
    subject: str | None = None


def pad(abonnement_id: uuid.UUID) -> str:
    return f"/abonnementen/{abonnement_id}"


async def _controleer_callback(url: str, config: DeliveryConfig) -> None:
    try:
        await ssrf.check_url(
            url, allow_http=config.settings.allow_http, allow_private=config.settings.allow_private_addresses
        )
    except ssrf.GeweigerdAdres as exc:
        raise OngeldigeCallback(str(exc), invalid_params=[invalid("callbackUrl", str(exc), "geweigerd")]) from exc


def _stand(stand: dict[str, Any] | None) -> Afleverstand:
    stand = stand or {}
    return Afleverstand(
        wachtend=stand.get(WACHTEND, 0),
        afgeleverd=stand.get(AFGELEVERD, 0),
        dead_letter=stand.get(DEAD_LETTER, 0),
        laatst_afgeleverd_op=stand.get("laatst"),
    )


async def vind(ctx: RequestContext, abonnement_id: uuid.UUID, *, for_update: bool = False) -> Abonnement:
    abonnement = await AbonnementRepository(ctx.session, ctx.gemeente).get(abonnement_id, for_update=for_update)
    if abonnement is None:
        raise NotFound("Er is geen abonnement met dit id in uw gemeente.")
    return abonnement


async def lees(ctx: RequestContext, abonnement_id: uuid.UUID) -> AbonnementMetStand:
    abonnement = await vind(ctx, abonnement_id)
    stand = await AbonnementRepository(ctx.session, ctx.gemeente).afleverstand([abonnement.id])
    return AbonnementMetStand(abonnement, _stand(stand.get(abonnement.id)))


async def maak(ctx: RequestContext, data: NieuwAbonnement, config: DeliveryConfig) -> tuple[AbonnementMetStand, str]:
    """The new subscription and its signing secret, which is shown this once."""
    await _controleer_callback(data.callback_url, config)
    geheim = nieuw_geheim()
    abonnement = Abonnement(
        id=uuid.uuid4(),
        gemeente_code=ctx.gemeente,
        client_id=ctx.principal.client_id,
        callback_url=data.callback_url,
        geheim_versleuteld=config.secret_box.encrypt(geheim),
        autorisatie_versleuteld=(
            config.secret_box.encrypt(data.authorization_header) if data.authorization_header else None
        ),
        type_prefix=data.type_prefix,
        source=data.source,
        subject=data.subject,
        formaat=data.formaat,
        herhaaltermijn_uren=data.herhaaltermijn_uren,
        status=ACTIEF,
    )
    await AbonnementRepository(ctx.session, ctx.gemeente).add(abonnement)
    return AbonnementMetStand(abonnement, Afleverstand()), geheim


async def wijzig(
    ctx: RequestContext, abonnement_id: uuid.UUID, wijzigingen: dict[str, Any], config: DeliveryConfig
) -> AbonnementMetStand:
    """Only the fields given change (snake_case names); None clears a filter or the authorization header."""
    abonnement = await vind(ctx, abonnement_id, for_update=True)
    if "callback_url" in wijzigingen:
        callback_url = wijzigingen["callback_url"]
        if callback_url is None:
            raise OngeldigeCallback(
                "Een abonnement heeft altijd een callbackUrl.",
                invalid_params=[invalid("callbackUrl", "mag niet leeg zijn", "verplicht")],
            )
        await _controleer_callback(callback_url, config)
        abonnement.callback_url = callback_url
    if "authorization_header" in wijzigingen:
        header = wijzigingen["authorization_header"]
        abonnement.autorisatie_versleuteld = config.secret_box.encrypt(header) if header else None
    for name in ("type_prefix", "source", "subject"):
        if name in wijzigingen:
            setattr(abonnement, name, wijzigingen[name])
    for name in ("formaat", "herhaaltermijn_uren"):
        if wijzigingen.get(name) is not None:
            setattr(abonnement, name, wijzigingen[name])
    await ctx.session.flush()
    return await lees(ctx, abonnement_id)


async def zet_status(ctx: RequestContext, abonnement_id: uuid.UUID, status: str) -> AbonnementMetStand:
    abonnement = await vind(ctx, abonnement_id, for_update=True)
    abonnement.status = status
    await ctx.session.flush()
    return await lees(ctx, abonnement_id)


async def verwijder(ctx: RequestContext, abonnement_id: uuid.UUID) -> None:
    repository = AbonnementRepository(ctx.session, ctx.gemeente)
    await repository.delete(await vind(ctx, abonnement_id, for_update=True))


async def lijst(ctx: RequestContext, paging: PageParams, *, status: str | None) -> tuple[list[AbonnementMetStand], int]:
    repository = AbonnementRepository(ctx.session, ctx.gemeente)
    rows, total = await repository.page(paging, status=status)
    stand = await repository.afleverstand([r.id for r in rows])
    return [AbonnementMetStand(r, _stand(stand.get(r.id))) for r in rows], total


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
