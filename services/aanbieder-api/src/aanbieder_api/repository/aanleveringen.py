"""Uploaded files and the lines they rejected."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.models import Aanlevering, AanleveringAfwijzing
from inburgering_kit.pagination import PageParams, paginate


class AanleveringRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def add(self, aanlevering: Aanlevering) -> bool:
        try:
            async with self.session.begin_nested():
                self.session.add(aanlevering)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def get(self, aanlevering_id: uuid.UUID, aanbieder_id: uuid.UUID | None) -> Aanlevering | None:
        query = select(Aanlevering).where(Aanlevering.id == aanlevering_id, Aanlevering.gemeente_code == self.gemeente)
        if aanbieder_id is not None:
            query = query.where(Aanlevering.aanbieder_id == aanbieder_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_hash(self, aanbieder_id: uuid.UUID, bestand_hash: str) -> Aanlevering | None:
        query = select(Aanlevering).where(
            Aanlevering.gemeente_code == self.gemeente,
            Aanlevering.aanbieder_id == aanbieder_id,
            Aanlevering.bestand_hash == bestand_hash,
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def list(self, paging: PageParams, aanbieder_id: uuid.UUID | None) -> tuple[Sequence[Aanlevering], int]:
        query = select(Aanlevering).where(Aanlevering.gemeente_code == self.gemeente)
        if aanbieder_id is not None:
            query = query.where(Aanlevering.aanbieder_id == aanbieder_id)
        return await paginate(self.session, query, paging, Aanlevering.created_at.desc(), Aanlevering.id)

    async def afwijzingen(
        self, aanlevering_id: uuid.UUID, paging: PageParams
    ) -> tuple[Sequence[AanleveringAfwijzing], int]:
        query = select(AanleveringAfwijzing).where(AanleveringAfwijzing.aanlevering_id == aanlevering_id)
        return await paginate(self.session, query, paging, AanleveringAfwijzing.regel)

    async def add_afwijzingen(self, aanlevering_id: uuid.UUID, afwijzingen: Sequence[tuple[int, Any]]) -> None:
        if afwijzingen:
            await self.session.execute(
                text(
                    "INSERT INTO aanlevering_afwijzing (aanlevering_id, regel, fouten) "
                    "SELECT :a, r, f FROM unnest(CAST(:r AS integer[]), CAST(:f AS jsonb[])) AS u(r, f) "
                    "ON CONFLICT (aanlevering_id, regel) DO NOTHING"
                ),
                {"a": aanlevering_id, "r": [r for r, _ in afwijzingen], "f": [json.dumps(f) for _, f in afwijzingen]},
            )

    async def list_open(self) -> Sequence[tuple[uuid.UUID, uuid.UUID]]:
        """Uploads not yet fully processed, of every gemeente, oldest first, each with its aanbieder (a restarted
        worker resumes them)."""
        query = (
            select(Aanlevering.id, Aanlevering.aanbieder_id)
            .where(Aanlevering.status != "verwerkt")
            .order_by(Aanlevering.created_at, Aanlevering.id)
        )
        return [(row.id, row.aanbieder_id) for row in await self.session.execute(query)]

    async def anderen_wachten(self, aanbieder_id: uuid.UUID) -> bool:
        """Whether an upload of another aanbieder (of any gemeente) waits to be processed."""
        query = select(
            select(Aanlevering.id)
            .where(Aanlevering.status != "verwerkt", Aanlevering.aanbieder_id != aanbieder_id)
            .exists()
        )
        return bool((await self.session.execute(query)).scalar_one())
