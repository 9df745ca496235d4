"""Recording COA's facts (the scenario's side) and serving them to the gemeente they belong to."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coa_standin.models import Feit, Persoon
from coa_standin.repository import feiten as repo
from inburgering_kit.problems import NotFound, Unprocessable, invalid

BRON = "coa"


@dataclass(frozen=True)
class FeitMetPersoon:
    feit: Feit
    bsn: str | None
    extern_id: str


def _nieuw_coa_id() -> str:
    return f"COA{secrets.randbelow(10**9):09d}"


def _weiger(veld: str, reden: str) -> Unprocessable:
    return Unprocessable(reden, invalid_params=[invalid(veld, reden)])


async def _persoon(session: AsyncSession, bsn: str | None, coa_id: str | None) -> Persoon | None:
    bij_id = await repo.persoon_met_extern_id(session, coa_id) if coa_id is not None else None
    bij_bsn = await repo.persoon_met_bsn(session, bsn) if bsn is not None else None
    if bij_id is not None and bij_bsn is not None and bij_id.id != bij_bsn.id:
        raise _weiger("persoon.bsn", "dit BSN hoort bij een andere coaId")
    return bij_id or bij_bsn


async def registreer(
    session: AsyncSession,
    *,
    soort: str,
    gemeente_code: str,
    bsn: str | None,
    coa_id: str | None,
    gegevens: dict[str, Any],
    registratie_datum: date | None = None,
) -> FeitMetPersoon:
    """Record a fact and queue its notification. A `koppeling` links a statushouder (new, or known by coaId or BSN)
    to `gemeente_code`, with or without a BSN; `bsn-bekend` adds the BSN to a known coaId; a `klantprofiel` is the
    next version of the person's profile."""
    persoon = await _persoon(session, bsn, coa_id)
    if soort == "koppeling":
        if persoon is None:
            persoon = await repo.voeg_persoon_toe(
                session,
                Persoon(id=uuid.uuid4(), bsn=bsn, extern_id=coa_id or _nieuw_coa_id(), gemeente_code=gemeente_code),
            )
        else:
            await repo.verhuis(session, persoon.id, gemeente_code)
            if bsn is not None and persoon.bsn is None:
                await repo.zet_bsn(session, persoon.id, bsn)
                persoon.bsn = bsn
    elif persoon is None or coa_id is None:
        raise _weiger("persoon.coaId", "onbekende of ontbrekende coaId: eerst een koppeling")
    elif soort == "bsn-bekend":
        if bsn is None:
            raise _weiger("persoon.bsn", "verplicht bij bsn-bekend")
        if persoon.bsn is not None and persoon.bsn != bsn:
            raise _weiger("persoon.bsn", "deze persoon heeft al een ander BSN")
        await repo.zet_bsn(session, persoon.id, bsn)
        persoon.bsn = bsn
    elif soort == "klantprofiel":
        gegevens = {**gegevens, "versie": await repo.aantal(session, persoon.id, soort) + 1}
    datum = registratie_datum or datetime.now(UTC).date()
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
