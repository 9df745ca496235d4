"""Playing a partner's side by hand (`seed`, `speel`): written straight to the database through the stand-in's use
cases; the API's delivery worker notifies the subscribed gemeente."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.db import Database
from inburgering_kit.problems import Problem
from ketenpartner_standin.repository import Opslag
from ketenpartner_standin.services import FeitMetPersoon

# soort, gemeentecode, BSN, the partner's own id of the person, gegevens
Zet = tuple[str, str, str | None, str | None, dict[str, Any]]
Registreer = Callable[[AsyncSession, Zet], Awaitable[FeitMetPersoon]]


async def registreer(database_url: str, zetten: Sequence[Zet], vastleggen: Registreer) -> None:
    """Each move in its own transaction, as the partner would record them one by one."""
    database = Database(database_url, pool_size=1)
    try:
        for zet in zetten:
            async with database.unit_of_work() as uow:
                gevonden = await vastleggen(uow.session, zet)
                await uow.commit()
            print(f"{zet[0]} voor {zet[1]}: feit {gevonden.feit.id} (volgnummer {gevonden.feit.volgnummer})")
    finally:
        await database.dispose()


async def _zaai(database_url: str, opslag: Opslag, zetten: Sequence[Zet], vastleggen: Registreer) -> None:
    database = Database(database_url, pool_size=1)
    try:
        async with database.unit_of_work() as uow:
            al_gezaaid = await opslag.er_zijn_feiten(uow.session)
    finally:
        await database.dispose()
    if al_gezaaid:
        print("Er staan al feiten in de stand-in: niets gezaaid.")
        return
    await registreer(database_url, zetten, vastleggen)


def zaai(database_url: str, opslag: Opslag, zetten: Sequence[Zet], vastleggen: Registreer) -> None:
    """The demo set, once: on a stand-in that holds facts already it does nothing."""
    asyncio.run(_zaai(database_url, opslag, zetten, vastleggen))


def speel_een(
    database_url: str, gegevens_json: str, zet: Callable[[dict[str, Any]], Zet], vastleggen: Registreer
) -> None:
    """One move from the command line; a refusal is told with every invalid field, not as a trace."""
    try:
        gegevens = json.loads(gegevens_json)
        asyncio.run(registreer(database_url, [zet(gegevens)], vastleggen))
    except (json.JSONDecodeError, Problem) as exc:
        reasons = [f"  {p.name}: {p.reason}" for p in getattr(exc, "invalid_params", None) or []]
        raise SystemExit("\n".join([f"geweigerd: {exc}", *reasons])) from exc
