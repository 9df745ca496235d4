"""The retention job's queries and the inzage export's: everything of this context about given inburgeraars."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.privacy import als_json
from pip_api.models import (
    InburgeraarFeit,
    OnderdeelUitkomst,
    Overdracht,
    Pip,
    PipVersie,
    Signaal,
    Voortgangsgesprek,
    WachtendTermijnfeit,
)


class RetentieRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _count(self, statement: Any) -> int:
        return int((await self.session.execute(statement)).rowcount)  # type: ignore[attr-defined]

    async def verwijder(self, ids: Sequence[uuid.UUID]) -> dict[str, int]:
        """Delete the persons' plans (with their versions and gesprekken), signals, projected facts and the history
        taken over from a previous gemeente (its retention runs with the person's here: Besluit art. 9.9)."""
        if not ids:
            return {}
        pips = select(Pip.id).where(Pip.inburgeraar_id.in_(ids))
        return {
            "voortgangsgesprek": await self._count(delete(Voortgangsgesprek).where(Voortgangsgesprek.pip_id.in_(pips))),
            "onderdeel-uitkomst": await self._count(
                delete(OnderdeelUitkomst).where(OnderdeelUitkomst.pip_id.in_(pips))
            ),
            "pip-versie": await self._count(delete(PipVersie).where(PipVersie.pip_id.in_(pips))),
            "signaal": await self._count(delete(Signaal).where(Signaal.inburgeraar_id.in_(ids))),
            "pip": await self._count(delete(Pip).where(Pip.inburgeraar_id.in_(ids))),
            "overdracht": await self._count(delete(Overdracht).where(Overdracht.inburgeraar_id.in_(ids))),
            "inburgeraar-feit": await self._count(
                delete(InburgeraarFeit).where(InburgeraarFeit.inburgeraar_id.in_(ids))
            ),
            "wachtend-termijnfeit": await self._count(
                delete(WachtendTermijnfeit).where(WachtendTermijnfeit.inburgeraar_id.in_(ids))
            ),
        }

    async def alles_van(self, gemeente: str, inburgeraar_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
        pips = list(
            (
                await self.session.execute(
                    select(Pip).where(Pip.inburgeraar_id == inburgeraar_id, Pip.gemeente_code == gemeente)
                )
            ).scalars()
        )
        ids = [p.id for p in pips]
        result: dict[str, list[dict[str, Any]]] = {}
        for soort, rows in (
            ("inburgeraar-feit", await self._rows(select(InburgeraarFeit).where(
                InburgeraarFeit.inburgeraar_id == inburgeraar_id, InburgeraarFeit.gemeente_code == gemeente))),
            ("pip", pips),
            ("pip-versie", await self._rows(select(PipVersie).where(PipVersie.pip_id.in_(ids)))),
            ("voortgangsgesprek", await self._rows(select(Voortgangsgesprek).where(Voortgangsgesprek.pip_id.in_(ids)))),
            ("onderdeel-uitkomst", await self._rows(
                select(OnderdeelUitkomst).where(OnderdeelUitkomst.pip_id.in_(ids)))),
            ("signaal", await self._rows(select(Signaal).where(
                Signaal.inburgeraar_id == inburgeraar_id, Signaal.gemeente_code == gemeente))),
            ("overdracht", await self._rows(select(Overdracht).where(
                Overdracht.inburgeraar_id == inburgeraar_id, Overdracht.gemeente_code == gemeente))),
        ):  # fmt: skip
            if rows:
                result[soort] = [als_json(r) for r in rows]
        return result

    async def _rows(self, query: Any) -> list[Any]:
        return list((await self.session.execute(query)).scalars())
