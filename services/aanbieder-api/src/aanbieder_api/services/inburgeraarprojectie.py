"""The projection of registered inburgeraars, fed by inburgeraar-api's events (subjects `nl.inburgering.inburgeraar.>`).

Only the id, the gemeente and the doelgroep are kept (no BSN, no name, no dates): what an opdracht made before the
PIP needs (`domain.voor_pip`). A person is known from `inburgeraar-geregistreerd` on; `inburgeraar-gewijzigd`
carries the doelgroep too, so a change (or a registration this projection missed) lands as well. The kit's consumer
gives the inbox (a redelivered event changes nothing twice), the dead letters and the source check (only
inburgeraar-api is believed on these subjects).

`verhuisd` (the person moved to another gemeente, which took the dossier over) ends every opdracht of theirs that
still runs in the event's gemeente, with reason `verhuisd` (`opdrachten.beeindig_bij_verhuizing`): in the same
transaction as the inbox row, so a redelivery ends nothing twice and tells no provider twice.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.models import InburgeraarFeit
from aanbieder_api.services.opdrachten import beeindig_bij_verhuizing
from aanbieder_api.settings import Settings
from inburgering_kit.auth import Principal
from inburgering_kit.consumer import EventConsumer, Handler
from inburgering_kit.context import AppWithState, ContextSource, work_in
from inburgering_kit.events import TYPE_PREFIX, CloudEvent

logger = logging.getLogger(__name__)

DURABLE = "aanbieder-api-inburgeraar"
FILTER_SUBJECT = f"{TYPE_PREFIX}.inburgeraar.>"
_GEVOLGD = {f"{TYPE_PREFIX}.inburgeraar.inburgeraar-geregistreerd", f"{TYPE_PREFIX}.inburgeraar.inburgeraar-gewijzigd"}
_VERHUISD = f"{TYPE_PREFIX}.inburgeraar.verhuisd"
# Ending opdrachten on a move acts as the system itself in the processing log and in the versions it adds.
SYSTEEM = Principal(
    client_id="aanbieder-api:inburgeraar-projectie", user=None, scopes=frozenset(), gemeente_code=None,
    aanbieder_id=None, roles=frozenset(),
)  # fmt: skip


class _Inburgeraarfeit(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="ignore")

    inburgeraar_id: uuid.UUID
    doelgroep: str


class _Verhuizing(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="ignore")

    inburgeraar_id: uuid.UUID


def handler(source: ContextSource) -> Handler:
    """The consumer's handler: the projection, and the end of a moved person's opdrachten (which emits events and
    processing records, so it needs the service's publisher and log)."""

    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        if event.type == _VERHUISD and event.gemeentecode is not None:
            await verhuisd(session, source, event)
        else:
            await verwerk(session, event)

    return handle


async def verhuisd(session: AsyncSession, source: ContextSource, event: CloudEvent) -> None:
    assert event.gemeentecode is not None
    try:
        feit = _Verhuizing.model_validate(event.data)
    except ValidationError:
        logger.warning("projectie: event %s (%s) voldoet niet aan het contract; overgeslagen", event.id, event.type)
        return
    async with work_in(session, source, principal=SYSTEEM, gemeente=event.gemeentecode) as ctx:
        beeindigd = await beeindig_bij_verhuizing(ctx, feit.inburgeraar_id)
    logger.info("verhuisd: %d opdracht(en) van inburgeraar %s beëindigd", len(beeindigd), feit.inburgeraar_id)


async def verwerk(session: AsyncSession, event: CloudEvent) -> None:
    if event.type not in _GEVOLGD or event.gemeentecode is None:
        return
    try:
        feit = _Inburgeraarfeit.model_validate(event.data)
    except ValidationError:
        # Contract-breaking data will not mend on redelivery; its id is in the inbox, so it is skipped once.
        logger.warning("projectie: event %s (%s) voldoet niet aan het contract; overgeslagen", event.id, event.type)
        return
    # A person belongs to the gemeente that registered them: an event of another gemeente about the same id does not
    # move it (ids are random UUIDs; a collision is an error, not a transfer — a verhuizing is a new registration).
    await session.execute(
        insert(InburgeraarFeit)
        .values(inburgeraar_id=feit.inburgeraar_id, gemeente_code=event.gemeentecode, doelgroep=feit.doelgroep)
        .on_conflict_do_update(
            index_elements=[InburgeraarFeit.inburgeraar_id],
            set_={"doelgroep": feit.doelgroep},
            where=InburgeraarFeit.gemeente_code == event.gemeentecode,
        )
    )


def consumer(app: AppWithState, settings: Settings) -> EventConsumer:
    return EventConsumer(
        app.state.database,
        settings.nats_url,
        durable=DURABLE,
        filter_subject=FILTER_SUBJECT,
        handler=handler(ContextSource.of(app.state)),
        stream=settings.stream_name,
        oin=settings.oin,
    )


def achtergrondtaak(settings: Settings) -> Any:
    async def run(app: AppWithState, stop: asyncio.Event) -> None:
        await consumer(app, settings).run(stop)

    return run
