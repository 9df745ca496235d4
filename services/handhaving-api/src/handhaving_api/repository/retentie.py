"""The retention job's queries and the inzage export's: everything of this context about given inburgeraars."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from handhaving_api.models import (
    Boete,
    DuoBoete,
    Handhavingsdossier,
    InburgeraarFeit,
    OvergenomenHandhaving,
    Overtreding,
    ParticipatiewetMaatregel,
    Procedurestap,
    Rechtsmiddelzaak,
    ZienswijzeSignaal,
)
from inburgering_kit.privacy import als_json

# Per person, in an order the foreign keys allow; each kind as the report counts it.
_PER_PERSOON: tuple[tuple[str, Any], ...] = (
    ("zienswijze-signaal", ZienswijzeSignaal),
    ("boete", Boete),
    ("overtreding", Overtreding),
    ("participatiewet-maatregel", ParticipatiewetMaatregel),
    ("duo-boete", DuoBoete),
    # The history taken over from the previous gemeente is this gemeente's data on its person now: same term.
    ("overgenomen-handhaving", OvergenomenHandhaving),
    ("handhavingsdossier", Handhavingsdossier),
    ("inburgeraar-feit", InburgeraarFeit),
)


class RetentieRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _count(self, statement: Any) -> int:
        return int((await self.session.execute(statement)).rowcount)  # type: ignore[attr-defined]

    async def verwijder(self, ids: Sequence[uuid.UUID]) -> dict[str, int]:
        if not ids:
            return {}
        boetes = select(Boete.id).where(Boete.inburgeraar_id.in_(ids))
        overtredingen = select(Overtreding.id).where(Overtreding.inburgeraar_id.in_(ids))
        aantallen = {
            "rechtsmiddel": await self._count(delete(Rechtsmiddelzaak).where(Rechtsmiddelzaak.boete_id.in_(boetes))),
            "procedurestap": await self._count(
                delete(Procedurestap).where(Procedurestap.overtreding_id.in_(overtredingen))
            ),
        }
        for soort, model in _PER_PERSOON:
            aantallen[soort] = await self._count(delete(model).where(model.inburgeraar_id.in_(ids)))
        return aantallen

    async def alles_van(self, gemeente: str, inburgeraar_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
        result: dict[str, list[dict[str, Any]]] = {}
        for soort, model in reversed(_PER_PERSOON):
            rows = await self._rows(
                select(model).where(model.inburgeraar_id == inburgeraar_id, model.gemeente_code == gemeente)
            )
            if rows:
                result[soort] = [als_json(r) for r in rows]
        overtredingen = [r["id"] for r in result.get("overtreding", [])]
        boetes = [r["id"] for r in result.get("boete", [])]
        for soort, query in (
            ("procedurestap", select(Procedurestap).where(Procedurestap.overtreding_id.in_(overtredingen))),
            ("rechtsmiddel", select(Rechtsmiddelzaak).where(Rechtsmiddelzaak.boete_id.in_(boetes))),
        ):
            rows = await self._rows(query)
            if rows:
                result[soort] = [als_json(r) for r in rows]
        return result

    async def _rows(self, query: Any) -> list[Any]:
        return list((await self.session.execute(query)).scalars())
