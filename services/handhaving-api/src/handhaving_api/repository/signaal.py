"""The zienswijze signals: raised by the job, one per voornemen."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from handhaving_api.domain.enums import Procedurestatus
from handhaving_api.models import Overtreding, ZienswijzeSignaal


@dataclass(frozen=True, slots=True)
class SignaalRij:
    id: uuid.UUID
    overtreding_id: uuid.UUID
    gemeente_code: str
    inburgeraar_id: uuid.UUID
    zienswijze_uiterste_datum: date


class SignaalJobRepository:
    """Across every gemeente: the job acts for the system, not for one caller."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def raise_batch(self, dag: date, limit: int) -> Sequence[SignaalRij]:
        """Insert the signals of up to `limit` voornemens whose term passed before `dag` without a zienswijze and
        without a signal; return the rows this statement inserted.

        A voornemen another replica is signalling at the same moment waits on its key and is skipped here
        (ON CONFLICT DO NOTHING): only the transaction that inserted a row writes its event. A batch that inserted
        nothing ends this pass; the replica that inserted those rows goes on until it finds none left."""
        kandidaten = (
            select(
                func.gen_random_uuid(),
                Overtreding.id,
                Overtreding.gemeente_code,
                Overtreding.inburgeraar_id,
                Overtreding.klantregisseur,
                Overtreding.zienswijze_uiterste_datum,
            )
            .where(
                Overtreding.status == Procedurestatus.VOORGENOMEN.value,
                Overtreding.zienswijze_uiterste_datum < dag,
                ~exists().where(ZienswijzeSignaal.overtreding_id == Overtreding.id),
            )
            .order_by(Overtreding.id)
            .limit(limit)
            .cte("kandidaten")
        )
        statement = (
            insert(ZienswijzeSignaal)
            .from_select(
                [
                    "id",
                    "overtreding_id",
                    "gemeente_code",
                    "inburgeraar_id",
                    "klantregisseur",
                    "zienswijze_uiterste_datum",
                ],
                select(kandidaten),
            )
            .on_conflict_do_nothing(index_elements=["overtreding_id"])
            .returning(
                ZienswijzeSignaal.id,
                ZienswijzeSignaal.overtreding_id,
                ZienswijzeSignaal.gemeente_code,
                ZienswijzeSignaal.inburgeraar_id,
                ZienswijzeSignaal.zienswijze_uiterste_datum,
            )
        )
        return [SignaalRij(*row) for row in (await self.session.execute(statement)).all()]
