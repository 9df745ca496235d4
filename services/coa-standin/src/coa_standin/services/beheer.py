"""Subscriptions and the fault switches of the scenario."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from coa_standin.models import Storing
from coa_standin.repository import beheer as repo
from coa_standin.repository import meldingen as meldingen_repo


async def abonneer(session: AsyncSession, gemeente_code: str, callback_url: str) -> None:
    await repo.zet_abonnement(session, gemeente_code, callback_url)


async def storing(session: AsyncSession) -> Storing:
    return await repo.storing(session)


async def zet_storing(session: AsyncSession, modus: str, dubbele_meldingen: bool, omgekeerde_volgorde: bool) -> Storing:
    await repo.zet_storing(session, modus, dubbele_meldingen, omgekeerde_volgorde)
    return Storing(id=1, modus=modus, dubbele_meldingen=dubbele_meldingen, omgekeerde_volgorde=omgekeerde_volgorde)


async def meldingen(
    session: AsyncSession, gemeente_code: str | None
) -> list[tuple[uuid.UUID, int, int, bool, str | None]]:
    return await meldingen_repo.stand(session, gemeente_code)
