"""The queries of the retention job (Besluit inburgering 2021 art. 9.9). Across gemeenten: the job acts for the
deployment, every row carries its gemeente into the report's counts only."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from inburgeraar_api.domain.retentie import KERN_CONTACT, KERN_PLICHT_SOORTEN
from inburgeraar_api.models import (
    BegeleidingOnderdeel,
    Bewaartermijn,
    BredeIntake,
    Inburgeraar,
    Intakegesprek,
    KlantprofielVersie,
    Ontzorgen,
    Oproep,
    OvergenomenDossier,
    PlichtMutatie,
    Verhuizing,
    WarmeOverdracht,
)

# Everything under a person that is none of the 50-year data, by the kind the report counts.
_OVERIGE: dict[str, Any] = {
    "klantprofiel-versie": KlantprofielVersie,
    "warme-overdracht": WarmeOverdracht,
    "brede-intake": BredeIntake,
    "oproep": Oproep,
    "intakegesprek": Intakegesprek,
    "begeleiding-onderdeel": BegeleidingOnderdeel,
    "ontzorgen": Ontzorgen,
    # A move and the dossier taken over from the previous gemeente are no core data of art. 9.9: the person's
    # residence now is the registration itself (kept with the 50-year data).
    "verhuizing": Verhuizing,
    "overgenomen-dossier": OvergenomenDossier,
}

_KERN_CONTACT = text(
    "UPDATE inburgeraar SET klantregisseur = NULL, contact = COALESCE(("
    "SELECT jsonb_object_agg(key, value) FROM jsonb_each(contact) WHERE key = ANY(:kern)), '{}'::jsonb) "
    "WHERE id = ANY(:ids)"
).bindparams(bindparam("kern"), bindparam("ids"))


@dataclass(frozen=True)
class Verlopen:
    inburgeraar_id: uuid.UUID
    gemeente_code: str
    bsn_pseudoniem: str | None


class RetentieRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def zet_einde(self, inburgeraar_id: uuid.UUID, einde: date | None) -> date | None:
        """Record the end of the plicht; returns the end recorded before (None if none)."""
        oud = (
            await self.session.execute(
                select(Bewaartermijn.einde_plicht_datum).where(Bewaartermijn.inburgeraar_id == inburgeraar_id)
            )
        ).scalar_one_or_none()
        statement = insert(Bewaartermijn).values(inburgeraar_id=inburgeraar_id, einde_plicht_datum=einde)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["inburgeraar_id"],
                # A new end (a plicht that ended again) makes the other data due again from that day.
                set_={"einde_plicht_datum": statement.excluded.einde_plicht_datum, "overige_verwijderd_at": None},
            )
        )
        return oud

    async def _verlopen(self, voor: date, *, overige: bool) -> list[Verlopen]:
        query = (
            select(Inburgeraar.id, Inburgeraar.gemeente_code, Inburgeraar.bsn_pseudoniem)
            .join(Bewaartermijn, Bewaartermijn.inburgeraar_id == Inburgeraar.id)
            .where(Bewaartermijn.einde_plicht_datum < voor)
        )
        if overige:
            query = query.where(Bewaartermijn.overige_verwijderd_at.is_(None))
        return [Verlopen(*row) for row in (await self.session.execute(query)).all()]

    async def overige_verlopen(self, voor: date) -> list[Verlopen]:
        """Persons whose plicht ended before `voor` and whose other data are still here."""
        return await self._verlopen(voor, overige=True)

    async def kern_verlopen(self, voor: date) -> list[Verlopen]:
        return await self._verlopen(voor, overige=False)

    async def verwijder_overige(self, ids: Sequence[uuid.UUID]) -> dict[str, int]:
        """Delete everything but the 50-year data of these persons; counts per kind."""
        if not ids:
            return {}
        aantallen: dict[str, int] = {}
        for soort, model in _OVERIGE.items():
            result = await self.session.execute(delete(model).where(model.inburgeraar_id.in_(ids)))
            aantallen[soort] = int(result.rowcount)  # type: ignore[attr-defined]
        result = await self.session.execute(
            delete(PlichtMutatie).where(
                PlichtMutatie.inburgeraar_id.in_(ids), PlichtMutatie.soort.not_in(KERN_PLICHT_SOORTEN)
            )
        )
        aantallen["plicht-mutatie"] = int(result.rowcount)  # type: ignore[attr-defined]
        result = await self.session.execute(_KERN_CONTACT, {"kern": sorted(KERN_CONTACT), "ids": list(ids)})
        aantallen["contactgegevens-en-klantregisseur"] = int(result.rowcount)  # type: ignore[attr-defined]
        await self.session.execute(
            update(Bewaartermijn)
            .where(Bewaartermijn.inburgeraar_id.in_(ids))
            .values(overige_verwijderd_at=text("now()"))
        )
        return aantallen

    async def verwijder_inburgeraars(self, ids: Sequence[uuid.UUID]) -> int:
        """The person with the 50-year data (their plicht facts and this table go with it, by cascade)."""
        if not ids:
            return 0
        result = await self.session.execute(delete(Inburgeraar).where(Inburgeraar.id.in_(ids)))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def ids_van_pseudoniem(self, gemeente: str, pseudoniem: str) -> list[uuid.UUID]:
        query = select(Inburgeraar.id).where(
            Inburgeraar.gemeente_code == gemeente, Inburgeraar.bsn_pseudoniem == pseudoniem
        )
        return list((await self.session.execute(query)).scalars().all())
