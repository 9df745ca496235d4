"""The retention job's queries and the inzage export's: everything of this context about given inburgeraars."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.models import (
    Aanlevering,
    Melding,
    Opdracht,
    OpdrachtVersie,
    OvergenomenVoortgang,
    Periode,
    PipFeit,
    PortaalGezien,
)
from inburgering_kit.privacy import als_json


class RetentieRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _count(self, statement: Any) -> int:
        return int((await self.session.execute(statement)).rowcount)  # type: ignore[attr-defined]

    async def verwijder(self, ids: Sequence[uuid.UUID]) -> dict[str, int]:
        if not ids:
            return {}
        opdrachten = select(Opdracht.id).where(Opdracht.inburgeraar_id.in_(ids))
        return {
            "melding": await self._count(delete(Melding).where(Melding.opdracht_id.in_(opdrachten))),
            "periode": await self._count(delete(Periode).where(Periode.opdracht_id.in_(opdrachten))),
            "opdracht-versie": await self._count(
                delete(OpdrachtVersie).where(OpdrachtVersie.opdracht_id.in_(opdrachten))
            ),
            "portaal-gezien": await self._count(delete(PortaalGezien).where(PortaalGezien.opdracht_id.in_(opdrachten))),
            "opdracht": await self._count(delete(Opdracht).where(Opdracht.inburgeraar_id.in_(ids))),
            "pip-feit": await self._count(delete(PipFeit).where(PipFeit.inburgeraar_id.in_(ids))),
            # Taken over from a previous gemeente for this gemeente's person: the same rule as the person's own data.
            "overgenomen-voortgang": await self._count(
                delete(OvergenomenVoortgang).where(OvergenomenVoortgang.inburgeraar_id.in_(ids))
            ),
        }

    async def verwijder_aanleveringen(self, voor: datetime) -> int:
        """Uploaded files' records (counts, and per rejected row its errors) made before `voor`, with their rows."""
        return await self._count(delete(Aanlevering).where(Aanlevering.created_at < voor))

    async def alles_van(self, gemeente: str, inburgeraar_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
        opdrachten = await self._rows(
            select(Opdracht).where(Opdracht.inburgeraar_id == inburgeraar_id, Opdracht.gemeente_code == gemeente)
        )
        ids = [o.id for o in opdrachten]
        result: dict[str, list[dict[str, Any]]] = {}
        for soort, rows in (
            ("pip-feit", await self._rows(select(PipFeit).where(
                PipFeit.inburgeraar_id == inburgeraar_id, PipFeit.gemeente_code == gemeente))),
            ("opdracht", opdrachten),
            ("opdracht-versie", await self._rows(select(OpdrachtVersie).where(OpdrachtVersie.opdracht_id.in_(ids)))),
            ("melding", await self._rows(select(Melding).where(Melding.opdracht_id.in_(ids)))),
            ("overgenomen-voortgang", await self._rows(select(OvergenomenVoortgang).where(
                OvergenomenVoortgang.inburgeraar_id == inburgeraar_id,
                OvergenomenVoortgang.gemeente_code == gemeente))),
        ):  # fmt: skip
            if rows:
                result[soort] = [als_json(r) for r in rows]
        return result

    async def _rows(self, query: Any) -> list[Any]:
        return list((await self.session.execute(query)).scalars())
