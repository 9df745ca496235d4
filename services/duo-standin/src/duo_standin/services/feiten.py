"""Recording DUO's facts (the scenario's side) and serving them to the gemeente they belong to."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from duo_standin.models import Feit, Persoon
from duo_standin.repository import feiten as repo
from inburgering_kit.problems import NotFound, Unprocessable, invalid

BRON = "duo"


@dataclass(frozen=True)
class FeitMetPersoon:
    feit: Feit
    bsn: str | None
    extern_id: str


def _nieuw_duo_id() -> str:
    return f"DUO{secrets.randbelow(10**9):09d}"


async def registreer(
    session: AsyncSession,
    *,
    soort: str,
    gemeente_code: str,
    bsn: str,
    duo_id: str | None,
    gegevens: dict[str, Any],
    registratie_datum: date | None = None,
) -> FeitMetPersoon:
    """Record a fact about the plichtige with `bsn` for `gemeente_code` and queue its notification. A move is recorded
    twice, for the gemeente left and the gemeente moved into, so both hear of it."""
    persoon = await repo.persoon_met_bsn(session, bsn)
    if persoon is None:
        if duo_id is not None and await repo.persoon_met_extern_id(session, duo_id) is not None:
            raise Unprocessable(
                "Dit duoId hoort bij een ander BSN.",
                invalid_params=[invalid("persoon.duoId", "hoort bij een ander BSN")],
            )
        persoon = await repo.voeg_persoon_toe(
            session,
            Persoon(id=uuid.uuid4(), bsn=bsn, extern_id=duo_id or _nieuw_duo_id(), gemeente_code=gemeente_code),
        )
    elif duo_id is not None and duo_id != persoon.extern_id:
        raise Unprocessable(
            "Dit BSN heeft bij DUO een ander duoId.", invalid_params=[invalid("persoon.duoId", "past niet bij het BSN")]
        )
    datum = registratie_datum or datetime.now(UTC).date()
    if soort == "verhuisd":
        vorige, nieuwe = gegevens["vorigeGemeentecode"], gegevens["nieuweGemeentecode"]
        if nieuwe != gemeente_code or vorige == nieuwe:
            raise Unprocessable(
                "Een verhuizing gaat naar de gemeente van het feit, vanuit een andere.",
                invalid_params=[invalid("gegevens.nieuweGemeentecode", "moet gelijk zijn aan gemeentecode")],
            )
        await repo.voeg_feit_toe(
            session,
            soort=soort,
            gemeente_code=vorige,
            persoon_id=persoon.id,
            registratie_datum=datum,
            gegevens=gegevens,
        )
        await repo.verhuis(session, persoon.id, nieuwe)
    feit = await repo.voeg_feit_toe(
        session,
        soort=soort,
        gemeente_code=gemeente_code,
        persoon_id=persoon.id,
        registratie_datum=datum,
        gegevens=gegevens,
    )
    return FeitMetPersoon(feit, persoon.bsn, persoon.extern_id)


async def haal_op(session: AsyncSession, feit_id: uuid.UUID, gemeente_code: str) -> FeitMetPersoon:
    """The fact, for the gemeente it was recorded for only: any other gemeente gets the same 404 as for no fact."""
    found = await repo.feit(session, feit_id)
    if found is None or found[0].gemeente_code != gemeente_code:
        raise NotFound("Dit feit bestaat niet.")
    feit, persoon = found
    return FeitMetPersoon(feit, persoon.bsn, persoon.extern_id)


async def feed(session: AsyncSession, gemeente_code: str, vanaf: int, limit: int) -> list[Feit]:
    return await repo.feed(session, gemeente_code, vanaf, limit)
