"""The inburgeraar itself. Each method is scoped to the caller's gemeente: another gemeente's inburgeraar is not
found, exactly like one that does not exist."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from inburgeraar_api.models import Inburgeraar
from inburgering_kit.pagination import PageParams, paginate


class DuplicateBsn(Exception):  # noqa: N818 - a signal for the service layer, not an error shown as is
    def __init__(self, existing_id: uuid.UUID) -> None:
        self.existing_id = existing_id


_INBURGERAAR_COLUMNS = tuple(c.key for c in Inburgeraar.__table__.columns)
_JSON_COLUMNS = ("contact", "herkomst")
# Prepared once: registration is the hot path of this service.
_INSERT_INBURGERAAR = text(
    f"INSERT INTO inburgeraar ({', '.join(_INBURGERAAR_COLUMNS)}) VALUES ("  # noqa: S608 - our own column names
    + ", ".join(f"CAST(:{c} AS jsonb)" if c in _JSON_COLUMNS else f":{c}" for c in _INBURGERAAR_COLUMNS)
    + ") ON CONFLICT ON CONSTRAINT uq_inburgeraar_gemeente_bsn DO NOTHING RETURNING id"
)


class InburgeraarRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def add(self, inburgeraar: Inburgeraar) -> None:
        """Insert, or raise `DuplicateBsn` when the gemeente already has this BSN. The unique index decides, also
        under a race; `ON CONFLICT DO NOTHING` keeps the transaction usable without a savepoint."""
        # Not added to the session (no ORM flush): the object is the caller's record of what was inserted.
        inburgeraar.created_at = inburgeraar.updated_at = datetime.now(UTC)
        params = {c: getattr(inburgeraar, c) for c in _INBURGERAAR_COLUMNS}
        params["contact"] = json.dumps(inburgeraar.contact)
        params["herkomst"] = json.dumps(inburgeraar.herkomst) if inburgeraar.herkomst is not None else None
        inserted = (await self.session.execute(_INSERT_INBURGERAAR, params)).first()
        if inserted is None:
            existing = await self.find_by_pseudoniem(inburgeraar.bsn_pseudoniem or "")
            if existing is None:
                raise RuntimeError("conflict without a conflicting row")
            raise DuplicateBsn(existing.id)

    async def leg_bsn_vast(self, inburgeraar: Inburgeraar, bsn: str, pseudoniem: str | None) -> None:
        """Give a loaded inburgeraar its BSN, or raise `DuplicateBsn` when the gemeente has it already. The change
        is made inside the savepoint: made before it, opening the savepoint flushes the UPDATE outside it, and the
        unique violation aborts the whole transaction instead of only the savepoint."""
        try:
            async with self.session.begin_nested():
                inburgeraar.bsn = bsn
                inburgeraar.bsn_pseudoniem = pseudoniem
                await self.session.flush()
        except IntegrityError:
            existing = await self.find_by_pseudoniem(pseudoniem or "")
            if existing is None:
                raise
            raise DuplicateBsn(existing.id) from None

    async def get(self, inburgeraar_id: uuid.UUID, *, for_update: bool = False) -> Inburgeraar | None:
        query = select(Inburgeraar).where(Inburgeraar.id == inburgeraar_id, Inburgeraar.gemeente_code == self.gemeente)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def get_many(self, ids: Sequence[uuid.UUID]) -> Sequence[Inburgeraar]:
        query = select(Inburgeraar).where(Inburgeraar.id.in_(set(ids)), Inburgeraar.gemeente_code == self.gemeente)
        return (await self.session.execute(query)).scalars().all()

    async def find_by_pseudoniem(self, pseudoniem: str) -> Inburgeraar | None:
        query = select(Inburgeraar).where(
            Inburgeraar.gemeente_code == self.gemeente, Inburgeraar.bsn_pseudoniem == pseudoniem
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def list(
        self,
        paging: PageParams,
        *,
        doelgroep: str | None = None,
        status: str | None = None,
        klantregisseur: str | None = None,
        ingeschreven_vanaf: date | None = None,
        ingeschreven_tot: date | None = None,
        geregistreerd_door: str | None = None,
    ) -> tuple[Sequence[Inburgeraar], int]:
        query = select(Inburgeraar).where(Inburgeraar.gemeente_code == self.gemeente)
        if geregistreerd_door is not None:
            query = query.where(Inburgeraar.geregistreerd_door == geregistreerd_door)
        if doelgroep is not None:
            query = query.where(Inburgeraar.doelgroep == doelgroep)
        if status is not None:
            query = query.where(Inburgeraar.status == status)
        if klantregisseur is not None:
            query = query.where(Inburgeraar.klantregisseur == klantregisseur)
        if ingeschreven_vanaf is not None:
            query = query.where(Inburgeraar.datum_inschrijving_brp >= ingeschreven_vanaf)
        if ingeschreven_tot is not None:
            query = query.where(Inburgeraar.datum_inschrijving_brp < ingeschreven_tot)
        return await paginate(self.session, query, paging, Inburgeraar.created_at.desc(), Inburgeraar.id)
