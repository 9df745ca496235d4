"""Recording DUO's facts (the scenario's side); serving them to the gemeente they belong to is every stand-in's
(`ketenpartner_standin.services`)."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from duo_standin.repository.opslag import OPSLAG
from inburgering_kit.problems import Unprocessable, invalid
from ketenpartner_standin.services import FeitMetPersoon

BRON = "duo"


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
    persoon = await OPSLAG.persoon_met_bsn(session, bsn)
    if persoon is None:
        if duo_id is not None and await OPSLAG.persoon_met_extern_id(session, duo_id) is not None:
            raise Unprocessable(
                "Dit duoId hoort bij een ander BSN.",
                invalid_params=[invalid("persoon.duoId", "hoort bij een ander BSN")],
            )
        persoon = await OPSLAG.voeg_persoon_toe(
            session, bsn=bsn, extern_id=duo_id or _nieuw_duo_id(), gemeente_code=gemeente_code
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
        await OPSLAG.voeg_feit_toe(
            session,
            soort=soort,
            gemeente_code=vorige,
            persoon_id=persoon.id,
            registratie_datum=datum,
            gegevens=gegevens,
        )
        await OPSLAG.verhuis(session, persoon.id, nieuwe)
    feit = await OPSLAG.voeg_feit_toe(
        session,
        soort=soort,
        gemeente_code=gemeente_code,
        persoon_id=persoon.id,
        registratie_datum=datum,
        gegevens=gegevens,
    )
    return FeitMetPersoon(feit, persoon.bsn, persoon.extern_id)
