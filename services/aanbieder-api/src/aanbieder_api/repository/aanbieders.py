"""Aanbieders, their contracts and the API clients the gemeente registered for them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.models import Aanbieder, ApiClient, Contract
from inburgering_kit.pagination import PageParams, paginate


class AanbiederRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def add(self, record: Aanbieder | Contract | ApiClient) -> bool:
        """False when a unique key is taken (a KvK number, a client id), decided by the index also under races."""
        try:
            async with self.session.begin_nested():
                self.session.add(record)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def get(self, aanbieder_id: uuid.UUID, *, for_update: bool = False) -> Aanbieder | None:
        query = select(Aanbieder).where(Aanbieder.id == aanbieder_id, Aanbieder.gemeente_code == self.gemeente)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_kvk(self, kvk_nummer: str) -> Aanbieder | None:
        query = select(Aanbieder).where(Aanbieder.gemeente_code == self.gemeente, Aanbieder.kvk_nummer == kvk_nummer)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def list(
        self, paging: PageParams, *, dienst: str | None, kvk_nummer: str | None
    ) -> tuple[Sequence[Aanbieder], int]:
        query = select(Aanbieder).where(Aanbieder.gemeente_code == self.gemeente)
        if dienst is not None:
            query = query.where(Aanbieder.diensten.contains([dienst]))
        if kvk_nummer is not None:
            query = query.where(Aanbieder.kvk_nummer == kvk_nummer)
        return await paginate(self.session, query, paging, Aanbieder.naam, Aanbieder.id)

    async def contracten(self, aanbieder_id: uuid.UUID) -> Sequence[Contract]:
        query = (
            select(Contract)
            .where(Contract.aanbieder_id == aanbieder_id, Contract.gemeente_code == self.gemeente)
            .order_by(Contract.created_at)
        )
        return (await self.session.execute(query)).scalars().all()

    async def clients(self, aanbieder_id: uuid.UUID) -> Sequence[ApiClient]:
        query = (
            select(ApiClient)
            .where(ApiClient.aanbieder_id == aanbieder_id, ApiClient.gemeente_code == self.gemeente)
            .order_by(ApiClient.created_at)
        )
        return (await self.session.execute(query)).scalars().all()

    async def client(self, client_id: str, *, for_update: bool = False) -> ApiClient | None:
        query = select(ApiClient).where(ApiClient.gemeente_code == self.gemeente, ApiClient.client_id == client_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def client_geldig(self, client_id: str, aanbieder_id: uuid.UUID) -> bool:
        return (
            await self.session.execute(_CLIENT_GELDIG, {"g": self.gemeente, "c": client_id, "a": aanbieder_id})
        ).first() is not None


_CLIENT_GELDIG = text(
    "SELECT 1 FROM api_client WHERE gemeente_code = :g AND client_id = :c AND aanbieder_id = :a "
    "AND ingetrokken_at IS NULL"
)
