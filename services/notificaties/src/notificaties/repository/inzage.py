"""What this context holds about one person, for an inzageverzoek: the stored events that name the inburgeraar (their
`data` carries ids, codes and dates only) and their deliveries, while the delivery log's retention keeps them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.privacy import als_json
from notificaties.models import Aflevering, Bericht


async def alles_van(session: AsyncSession, gemeente: str, inburgeraar_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
    berichten = list(
        (
            await session.execute(
                select(Bericht).where(
                    Bericht.event["gemeentecode"].astext == gemeente,
                    or_(
                        Bericht.event["subject"].astext == str(inburgeraar_id),
                        Bericht.event["data"]["inburgeraarId"].astext == str(inburgeraar_id),
                    ),
                )
            )
        ).scalars()
    )
    if not berichten:
        return {}
    afleveringen = (
        await session.execute(select(Aflevering).where(Aflevering.event_id.in_([b.event_id for b in berichten])))
    ).scalars()
    return {
        "bericht": [als_json(b) for b in berichten],
        "aflevering": [als_json(a, zonder=("laatste_fout",)) for a in afleveringen],
    }
