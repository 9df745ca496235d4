"""Persons and their facts, and the notification written with each fact."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from duo_standin.models import Feit, Melding, Persoon


async def persoon_met_bsn(session: AsyncSession, bsn: str) -> Persoon | None:
    return await session.scalar(select(Persoon).where(Persoon.bsn == bsn).with_for_update())


async def persoon_met_extern_id(session: AsyncSession, extern_id: str) -> Persoon | None:
    return await session.scalar(select(Persoon).where(Persoon.extern_id == extern_id).with_for_update())


async def voeg_persoon_toe(session: AsyncSession, persoon: Persoon) -> Persoon:
    session.add(persoon)
    await session.flush()
    return persoon


async def verhuis(session: AsyncSession, persoon_id: uuid.UUID, gemeente_code: str) -> None:
    await session.execute(update(Persoon).where(Persoon.id == persoon_id).values(gemeente_code=gemeente_code))


async def zet_bsn(session: AsyncSession, persoon_id: uuid.UUID, bsn: str) -> None:
    await session.execute(update(Persoon).where(Persoon.id == persoon_id).values(bsn=bsn))


async def voeg_feit_toe(
    session: AsyncSession,
    *,
    soort: str,
    gemeente_code: str,
    persoon_id: uuid.UUID,
    registratie_datum: date,
    gegevens: dict[str, Any],
) -> Feit:
    """The fact and its notification, in the caller's transaction."""
    feit_id = uuid.uuid4()
    feit: Feit | None = await session.scalar(
        insert(Feit)
        .values(
            id=feit_id,
            soort=soort,
            gemeente_code=gemeente_code,
            persoon_id=persoon_id,
            registratie_datum=registratie_datum,
            gegevens=gegevens,
        )
        .returning(Feit)
    )
    assert feit is not None
    await session.execute(insert(Melding).values(feit_id=feit_id))
    return feit


async def feit(session: AsyncSession, feit_id: uuid.UUID) -> tuple[Feit, Persoon] | None:
    row = (
        await session.execute(
            select(Feit, Persoon).join(Persoon, Persoon.id == Feit.persoon_id).where(Feit.id == feit_id)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def feed(session: AsyncSession, gemeente_code: str, vanaf: int, limit: int) -> list[Feit]:
    rows = await session.scalars(
        select(Feit)
        .where(Feit.gemeente_code == gemeente_code, Feit.volgnummer >= vanaf)
        .order_by(Feit.volgnummer)
        .limit(limit)
    )
    return list(rows)
