"""Subscriptions and the fault switches."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from coa_standin.models import Abonnement, Storing

_STORING_ID = 1


async def zet_abonnement(session: AsyncSession, gemeente_code: str, callback_url: str) -> None:
    statement = insert(Abonnement).values(gemeente_code=gemeente_code, callback_url=callback_url)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Abonnement.gemeente_code], set_={"callback_url": statement.excluded.callback_url}
        )
    )


async def storing(session: AsyncSession) -> Storing:
    found = await session.get(Storing, _STORING_ID)
    return found or Storing(id=_STORING_ID, modus="normaal", dubbele_meldingen=False, omgekeerde_volgorde=False)


async def zet_storing(session: AsyncSession, modus: str, dubbele_meldingen: bool, omgekeerde_volgorde: bool) -> None:
    values = {"modus": modus, "dubbele_meldingen": dubbele_meldingen, "omgekeerde_volgorde": omgekeerde_volgorde}
    statement = insert(Storing).values(id=_STORING_ID, **values)
    await session.execute(statement.on_conflict_do_update(index_elements=[Storing.id], set_=values))


async def abonnementen(session: AsyncSession) -> list[Abonnement]:
    return list(await session.scalars(select(Abonnement).order_by(Abonnement.gemeente_code)))
