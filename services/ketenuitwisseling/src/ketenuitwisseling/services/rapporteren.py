"""Reports to DUO from the events of the contexts that own the data: one durable consumer per context; each event
gives its items (`domain.rapportage`), queued in the same transaction as the event's inbox record, so a redelivered
event queues nothing twice. The report id is derived from the event id and the item: stable across redeliveries and
replicas, and DUO de-duplicates on it."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.events import TYPE_PREFIX, CloudEvent
from ketenuitwisseling.domain.rapportage import rapporten
from ketenuitwisseling.repository import RapportageRepository

# Durable name -> filter subject (also in the kit's `nats_access`: subscribe only, nothing published).
CONSUMERS = {
    "ketenuitwisseling-pip": f"{TYPE_PREFIX}.pip.>",
    "ketenuitwisseling-aanbieder": f"{TYPE_PREFIX}.aanbieder.>",
    "ketenuitwisseling-inburgeraar": f"{TYPE_PREFIX}.inburgeraar.>",
    "ketenuitwisseling-handhaving": f"{TYPE_PREFIX}.handhaving.>",
}

_NAMESPACE = uuid.UUID("7d0e6c1e-3f7b-4a55-9f43-2b1c0e5a9d11")


def rapport_id(event_id: str, item: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{event_id}:{item}")


async def verwerk(session: AsyncSession, event: CloudEvent) -> None:
    inburgeraar_id = event.data.get("inburgeraarId")
    if event.gemeentecode is None or inburgeraar_id is None:
        return
    items = rapporten(event.type, event.data, tijdstip=event.time.date())
    rows = [
        {
            "id": rapport_id(event.id, r.item),
            "gemeente_code": event.gemeentecode,
            "inburgeraar_id": uuid.UUID(str(inburgeraar_id)),
            "item": r.item,
            "gegevens": r.gegevens,
            "bron_event_id": event.id,
            "bron_event_type": event.type,
        }
        for r in items
    ]
    await RapportageRepository(session).voeg_toe(rows)
