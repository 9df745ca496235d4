"""Retention (Besluit inburgering 2021 art. 9.9) in the delivery context. Nothing here is kept per person for years:
the stored events carry ids only and go with their deliveries after `retention_hours` (`delivery.retention`, every
worker, continuously). The kit's daily job adds the processing log's own retention (`inburgering_kit.retentie`): this
context processes subscriptions of systems, not persons, so its records carry no betrokkene and go after 5 years."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.retentie import Opruimer
from notificaties.repository import inzage
from notificaties.settings import Settings

SERVICE = "notificaties"


def opruimer(settings: Settings) -> Opruimer:
    del settings

    async def opruimen(session: AsyncSession, peildatum: date) -> dict[str, int]:
        del session, peildatum
        return {}

    return opruimen


async def verzamel(
    session: AsyncSession, gemeente: str, inburgeraar_id: uuid.UUID
) -> Mapping[str, Sequence[Mapping[str, Any]]]:
    return await inzage.alles_van(session, gemeente, inburgeraar_id)
