"""Reports as received, de-duplicated on their id."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from duo_standin.models import Rapportage


async def voeg_toe(
    session: AsyncSession,
    *,
    rapport_id: uuid.UUID,
    item: str,
    gemeente_code: str,
    bsn: str,
    gegevens: dict[str, Any],
    inhoud_hash: str,
) -> Rapportage | None:
    """The new row, or None when a report with this id exists (the caller reads that one)."""
    return await session.scalar(
        insert(Rapportage)
        .values(
            rapport_id=rapport_id,
            item=item,
            gemeente_code=gemeente_code,
            bsn=bsn,
            gegevens=gegevens,
            inhoud_hash=inhoud_hash,
        )
        .on_conflict_do_nothing(index_elements=[Rapportage.rapport_id])
        .returning(Rapportage)
    )


async def lees(session: AsyncSession, rapport_id: uuid.UUID) -> Rapportage | None:
    return await session.get(Rapportage, rapport_id)


async def lijst(
    session: AsyncSession, gemeente_code: str | None, offset: int, limit: int
) -> tuple[list[Rapportage], int]:
    query = select(Rapportage)
    count = select(func.count()).select_from(Rapportage)
    if gemeente_code is not None:
        query = query.where(Rapportage.gemeente_code == gemeente_code)
        count = count.where(Rapportage.gemeente_code == gemeente_code)
    rows = await session.scalars(
        query.order_by(Rapportage.ontvangen_at, Rapportage.rapport_id).offset(offset).limit(limit)
    )
    return list(rows), int(await session.scalar(count) or 0)
