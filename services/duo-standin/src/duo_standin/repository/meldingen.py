"""Notifications waiting for delivery, claimed by one delivery worker at a time (several may run)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from duo_standin.models import Abonnement, Feit, Melding


@dataclass(frozen=True)
class TeBezorgen:
    melding_id: int
    pogingen: int
    feit_id: uuid.UUID
    soort: str
    gemeente_code: str
    volgnummer: int
    tijdstip: datetime
    callback_url: str


async def claim(session: AsyncSession, limit: int) -> list[TeBezorgen]:
    """Due notifications of gemeenten that subscribed, oldest fact first, locked until the caller's transaction ends;
    rows another worker holds are skipped."""
    rows = await session.execute(
        select(
            Melding.id,
            Melding.pogingen,
            Feit.id,
            Feit.soort,
            Feit.gemeente_code,
            Feit.volgnummer,
            Feit.created_at,
            Abonnement.callback_url,
        )
        .join(Feit, Feit.id == Melding.feit_id)
        .join(Abonnement, Abonnement.gemeente_code == Feit.gemeente_code)
        .where(Melding.afgeleverd_at.is_(None), Melding.volgende_poging_at <= func.now())
        .order_by(Feit.volgnummer)
        .limit(limit)
        .with_for_update(of=Melding, skip_locked=True)
    )
    return [TeBezorgen(*row) for row in rows]


async def afgeleverd(session: AsyncSession, melding_ids: list[int]) -> None:
    if melding_ids:
        await session.execute(
            update(Melding)
            .where(Melding.id.in_(melding_ids))
            .values(afgeleverd_at=func.now(), pogingen=Melding.pogingen + 1, laatste_fout=None)
        )


async def mislukt(session: AsyncSession, melding_id: int, *, wacht_seconden: float, fout: str) -> None:
    await session.execute(
        update(Melding)
        .where(Melding.id == melding_id)
        .values(
            pogingen=Melding.pogingen + 1,
            volgende_poging_at=func.now() + text("make_interval(secs => :wacht)").bindparams(wacht=wacht_seconden),
            laatste_fout=fout[:1000],
        )
    )


async def stand(session: AsyncSession, gemeente_code: str | None) -> list[tuple[uuid.UUID, int, int, bool, str | None]]:
    """Per notification: fact, volgnummer, attempts, delivered, last error."""
    query = (
        select(Feit.id, Feit.volgnummer, Melding.pogingen, Melding.afgeleverd_at.is_not(None), Melding.laatste_fout)
        .join(Feit, Feit.id == Melding.feit_id)
        .order_by(Feit.volgnummer)
    )
    if gemeente_code is not None:
        query = query.where(Feit.gemeente_code == gemeente_code)
    return [tuple(row) for row in await session.execute(query)]  # type: ignore[misc]
