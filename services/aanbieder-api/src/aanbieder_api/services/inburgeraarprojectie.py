"""The projection of registered inburgeraars, fed by inburgeraar-api's events (subjects `nl.inburgering.inburgeraar.>`).

Only the id, the gemeente and the doelgroep are kept (no BSN, no name, no dates): what an opdracht made before the
PIP needs (`domain.voor_pip`). A person is known from `inburgeraar-geregistreerd` on; `inburgeraar-gewijzigd`
carries the doelgroep too, so a change (or a registration this projection missed) lands as well. The kit's consumer
gives the inbox (a redelivered event changes nothing twice), the dead letters and the source check (only
inburgeraar-api is believed on these subjects).
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
from aanbieder_api.settings import Settings
from inburgering_kit.consumer import EventConsumer
from inburgering_kit.context import AppWithState
from inburgering_kit.events import TYPE_PREFIX, CloudEvent

logger = logging.getLogger(__name__)

DURABLE = "aanbieder-api-inburgeraar"
FILTER_SUBJECT = f"{TYPE_PREFIX}.inburgeraar.>"
_GEVOLGD = {f"{TYPE_PREFIX}.inburgeraar.inburgeraar-geregistreerd", f"{TYPE_PREFIX}.inburgeraar.inburgeraar-gewijzigd"}


class _Inburgeraarfeit(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="ignore")

    inburgeraar_id: uuid.UUID
    doelgroep: str


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
        handler=verwerk,
        stream=settings.stream_name,
        oin=settings.oin,
    )


def achtergrondtaak(settings: Settings) -> Any:
    async def run(app: AppWithState, stop: asyncio.Event) -> None:
        await consumer(app, settings).run(stop)

    return run
