"""Recording COA's facts (the scenario's side); serving them to the gemeente they belong to is every stand-in's
(`ketenpartner_standin.services`)."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coa_standin.repository.opslag import OPSLAG
from inburgering_kit.problems import Unprocessable, invalid
from ketenpartner_standin.models import PersoonBasis
from ketenpartner_standin.services import FeitMetPersoon

BRON = "coa"


def _nieuw_coa_id() -> str:
    return f"COA{secrets.randbelow(10**9):09d}"


def _weiger(veld: str, reden: str) -> Unprocessable:
    return Unprocessable(reden, invalid_params=[invalid(veld, reden)])


async def _persoon(session: AsyncSession, bsn: str | None, coa_id: str | None) -> PersoonBasis | None:
    bij_id = await OPSLAG.persoon_met_extern_id(session, coa_id) if coa_id is not None else None
    bij_bsn = await OPSLAG.persoon_met_bsn(session, bsn) if bsn is not None else None
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
            persoon = await OPSLAG.voeg_persoon_toe(
                session, bsn=bsn, extern_id=coa_id or _nieuw_coa_id(), gemeente_code=gemeente_code
            )
        else:
            await OPSLAG.verhuis(session, persoon.id, gemeente_code)
            if bsn is not None and persoon.bsn is None:
                await OPSLAG.zet_bsn(session, persoon.id, bsn)
                persoon.bsn = bsn
    elif persoon is None or coa_id is None:
        raise _weiger("persoon.coaId", "onbekende of ontbrekende coaId: eerst een koppeling")
    elif soort == "bsn-bekend":
        if bsn is None:
            raise _weiger("persoon.bsn", "verplicht bij bsn-bekend")
        if persoon.bsn is not None and persoon.bsn != bsn:
            raise _weiger("persoon.bsn", "deze persoon heeft al een ander BSN")
        await OPSLAG.zet_bsn(session, persoon.id, bsn)
        persoon.bsn = bsn
    elif soort == "klantprofiel":
        gegevens = {**gegevens, "versie": await OPSLAG.aantal(session, persoon.id, soort) + 1}
    datum = registratie_datum or datetime.now(UTC).date()
    feit = await OPSLAG.voeg_feit_toe(
        session,
        soort=soort,
        gemeente_code=gemeente_code,
        persoon_id=persoon.id,
        registratie_datum=datum,
        gegevens=gegevens,
    )
    return FeitMetPersoon(feit, persoon.bsn, persoon.extern_id)
