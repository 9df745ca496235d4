"""The PIP and its versions. Each method is scoped to the caller's gemeente: another gemeente's PIP is not
found, exactly like one that does not exist."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.pagination import PageParams, paginate
from pip_api.models import InburgeraarFeit, Pip, PipVersie

_PIP = Pip.__table__
_FEIT = InburgeraarFeit.__table__
_PIP_KOLOMMEN = tuple(c.key for c in _PIP.columns)
_FEIT_KOLOMMEN = tuple(c.key for c in _FEIT.columns)
# One round trip for what every decision on a PIP starts from: the PIP, locked against a concurrent change (two
# changes must not both become version n+1), with the projected facts of its inburgeraar in the same gemeente.
# Built once: the decision path is the hot path of this service.
_PIP_MET_FEIT = (
    select(_PIP, *(c.label(f"feit_{c.key}") for c in _FEIT.columns))
    .select_from(
        _PIP.outerjoin(
            _FEIT, and_(_FEIT.c.inburgeraar_id == _PIP.c.inburgeraar_id, _FEIT.c.gemeente_code == _PIP.c.gemeente_code)
        )
    )
    .where(_PIP.c.id == bindparam("pip_id"), _PIP.c.gemeente_code == bindparam("gemeente"))
)
_PIP_MET_FEIT_VOOR_WIJZIGING = _PIP_MET_FEIT.with_for_update(of=_PIP)

# A new concept; the partial unique index decides whether the inburgeraar already has a living PIP, also under a race,
# and ON CONFLICT DO NOTHING keeps the transaction usable without a savepoint.
_NIEUWE_PIP = text(
    f"INSERT INTO pip ({', '.join(_PIP_KOLOMMEN)}) VALUES ("  # noqa: S608 - our own column names
    + ", ".join("CAST(:inhoud AS jsonb)" if c == "inhoud" else f":{c}" for c in _PIP_KOLOMMEN)
    + ") ON CONFLICT (inburgeraar_id) WHERE status <> 'beeindigd' DO NOTHING RETURNING id"
)

# A new vastgesteld version and the PIP's new current state in one statement: the version is a frozen copy of the
# inhoud the PIP holds after the update (RETURNING), so the two can never differ.
_NIEUWE_VERSIE = text(
    """
    WITH gewijzigd AS (
        UPDATE pip SET status = :status, versie = :versie, inhoud = CAST(:inhoud AS jsonb),
                       vastgesteld_datum = :vastgesteld_datum, updated_at = :nu
        WHERE id = :pip_id
        RETURNING id, inhoud)
    INSERT INTO pip_versie (id, pip_id, versie, inhoud, dagtekening, verzend_datum, ingangs_datum, reden,
                            gewijzigde_velden, created_at)
    SELECT :versie_id, id, :versie, inhoud, :dagtekening, :verzenddatum, :ingangsdatum, :reden,
           CAST(:gewijzigde_velden AS jsonb), :nu
    FROM gewijzigd
    """
)


class PipRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def inburgeraar(self, inburgeraar_id: uuid.UUID) -> InburgeraarFeit | None:
        return (
            await self.session.execute(
                select(InburgeraarFeit).where(
                    InburgeraarFeit.inburgeraar_id == inburgeraar_id, InburgeraarFeit.gemeente_code == self.gemeente
                )
            )
        ).scalar_one_or_none()

    async def inburgeraars(self, inburgeraar_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, InburgeraarFeit]:
        if not inburgeraar_ids:
            return {}
        query = select(InburgeraarFeit).where(
            InburgeraarFeit.inburgeraar_id.in_(inburgeraar_ids), InburgeraarFeit.gemeente_code == self.gemeente
        )
        return {f.inburgeraar_id: f for f in (await self.session.execute(query)).scalars()}

    async def get(self, pip_id: uuid.UUID, *, for_update: bool = False) -> Pip | None:
        query = select(Pip).where(Pip.id == pip_id, Pip.gemeente_code == self.gemeente)
        if for_update:
            # Two concurrent changes of one PIP must not both become version n+1.
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def met_feit(
        self, pip_id: uuid.UUID, *, for_update: bool = False
    ) -> tuple[Pip, InburgeraarFeit | None] | None:
        """The PIP and the projected facts of its inburgeraar (None when not projected), or None when the PIP is
        not found. Plain rows, not loaded into the session: a change is written with `add_versie`."""
        statement = _PIP_MET_FEIT_VOOR_WIJZIGING if for_update else _PIP_MET_FEIT
        row = (await self.session.execute(statement, {"pip_id": pip_id, "gemeente": self.gemeente})).first()
        if row is None:
            return None
        pip = Pip(**{k: row[i] for i, k in enumerate(_PIP_KOLOMMEN)})
        if row[len(_PIP_KOLOMMEN)] is None:
            return pip, None
        feit = InburgeraarFeit(**{k: row[len(_PIP_KOLOMMEN) + i] for i, k in enumerate(_FEIT_KOLOMMEN)})
        return pip, feit

    async def add_versie(self, pip: Pip, versie: PipVersie) -> None:
        """Store `versie` as the PIP's new current version, with the PIP's state as `pip` now holds it."""
        pip.updated_at = versie.created_at = datetime.now(UTC)
        versie.id = versie.id or uuid.uuid4()
        await self.session.execute(
            _NIEUWE_VERSIE,
            {
                "pip_id": pip.id,
                "status": pip.status,
                "versie": versie.versie,
                "inhoud": json.dumps(versie.inhoud),
                "vastgesteld_datum": pip.vastgesteld_datum,
                "nu": pip.updated_at,
                "versie_id": versie.id,
                "dagtekening": versie.dagtekening,
                "verzenddatum": versie.verzend_datum,
                "ingangsdatum": versie.ingangs_datum,
                "reden": versie.reden,
                "gewijzigde_velden": json.dumps(versie.gewijzigde_velden),
            },
        )

    async def list(
        self, paging: PageParams, *, inburgeraar_ids: Sequence[uuid.UUID] | None, status: str | None
    ) -> tuple[Sequence[Pip], int]:
        query = select(Pip).where(Pip.gemeente_code == self.gemeente)
        if inburgeraar_ids:
            query = query.where(Pip.inburgeraar_id.in_(inburgeraar_ids))
        if status is not None:
            query = query.where(Pip.status == status)
        return await paginate(self.session, query, paging, Pip.created_at, Pip.id)

    async def versies(self, pip_id: uuid.UUID) -> Sequence[PipVersie]:
        return (
            (await self.session.execute(select(PipVersie).where(PipVersie.pip_id == pip_id).order_by(PipVersie.versie)))
            .scalars()
            .all()
        )

    async def versie(self, pip_id: uuid.UUID, versie: int) -> PipVersie | None:
        return (
            await self.session.execute(select(PipVersie).where(PipVersie.pip_id == pip_id, PipVersie.versie == versie))
        ).scalar_one_or_none()

    async def actieve_pip(self, inburgeraar_id: uuid.UUID) -> Pip | None:
        return (
            await self.session.execute(
                select(Pip).where(
                    Pip.gemeente_code == self.gemeente,
                    Pip.inburgeraar_id == inburgeraar_id,
                    Pip.status != "beeindigd",
                )
            )
        ).scalar_one_or_none()

    async def add_pip(self, pip: Pip) -> bool:
        """False when the inburgeraar already has a living PIP (the partial unique index decides under races).
        Not added to the session (no ORM flush): the object is the caller's record of what was inserted."""
        pip.created_at = pip.updated_at = datetime.now(UTC)
        params = {c: getattr(pip, c) for c in _PIP_KOLOMMEN}
        params["inhoud"] = json.dumps(pip.inhoud)
        return (await self.session.execute(_NIEUWE_PIP, params)).first() is not None
