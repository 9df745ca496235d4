"""Reports to DUO from the events of the contexts that own the data: one durable consumer per context; each event
gives its items (`domain.rapportage`), queued in the same transaction as the event's inbox record, so a redelivered
event queues nothing twice. The report id is derived from the event id and the item: stable across redeliveries and
replicas, and DUO de-duplicates on it. Where an event is minimal, the exchange completes it from what it remembered
of an earlier one (`bronfeit`: ids, dates, codes), or names what the worker fetches at the owner before it sends
(`aanvullen`: a fetch here would tie the event's acknowledgement to the owner being up; queued, the report waits
out an outage with the delivery's back-off and is never lost)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.events import TYPE_PREFIX, CloudEvent
from ketenuitwisseling.domain.rapportage import projectie_van, rapporten
from ketenuitwisseling.repository import BronfeitRepository, RapportageRepository

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


@dataclass
class _Geladen:
    opdrachten: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    boetes: dict[str, Mapping[str, Any]] = field(default_factory=dict)

    def opdracht(self, opdracht_id: str) -> Mapping[str, Any] | None:
        return self.opdrachten.get(opdracht_id)

    def boete(self, boete_id: str) -> Mapping[str, Any] | None:
        return self.boetes.get(boete_id)


async def _laad(repo: BronfeitRepository, event: CloudEvent, gemeente: str) -> _Geladen:
    geladen = _Geladen()
    opdracht_id, boete_id = event.data.get("opdrachtId"), event.data.get("boeteId")
    if opdracht_id is not None and (gevonden := await repo.get("opdracht", str(opdracht_id), gemeente)) is not None:
        geladen.opdrachten[str(opdracht_id)] = gevonden
    if boete_id is not None and (gevonden := await repo.get("boete", str(boete_id), gemeente)) is not None:
        geladen.boetes[str(boete_id)] = gevonden
    return geladen


async def verwerk(session: AsyncSession, event: CloudEvent) -> None:
    inburgeraar_id = event.data.get("inburgeraarId")
    gemeente = event.gemeentecode
    if gemeente is None or inburgeraar_id is None:
        return
    bronfeiten = BronfeitRepository(session)
    if (onthouden := projectie_van(event.type, event.data)) is not None:
        await bronfeiten.onthoud(onthouden[0], onthouden[1], gemeente, onthouden[2])
    items = rapporten(
        event.type, event.data, tijdstip=event.time.date(), projectie=await _laad(bronfeiten, event, gemeente)
    )
    rows = [
        {
            "id": rapport_id(event.id, r.item),
            "gemeente_code": gemeente,
            "inburgeraar_id": uuid.UUID(str(inburgeraar_id)),
            "item": r.item,
            "gegevens": r.gegevens,
            "bron_event_id": event.id,
            "bron_event_type": event.type,
            "aanvullen": r.aanvullen,
        }
        for r in items
    ]
    await RapportageRepository(session).voeg_toe(rows)
