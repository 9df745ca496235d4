"""Receiving the gemeente's reports a–s: DUO de-duplicates on the report's id."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from duo_standin.models import Rapportage
from duo_standin.repository import rapportages as repo
from inburgering_kit.problems import Conflict


def inhoud_hash(item: str, gemeente_code: str, bsn: str, gegevens: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"item": item, "gemeentecode": gemeente_code, "bsn": bsn, "gegevens": gegevens},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def ontvang(
    session: AsyncSession, rapport_id: uuid.UUID, *, item: str, gemeente_code: str, bsn: str, gegevens: dict[str, Any]
) -> tuple[Rapportage, bool]:
    """The stored report and whether it is new. The same id with the same content is the same report (a retry); with
    other content it is a conflict, never a second report."""
    digest = inhoud_hash(item, gemeente_code, bsn, gegevens)
    nieuw = await repo.voeg_toe(
        session,
        rapport_id=rapport_id,
        item=item,
        gemeente_code=gemeente_code,
        bsn=bsn,
        gegevens=gegevens,
        inhoud_hash=digest,
    )
    if nieuw is not None:
        return nieuw, True
    bestaand = await repo.lees(session, rapport_id)
    assert bestaand is not None
    if bestaand.inhoud_hash != digest:
        raise Conflict("Er is al een rapportage met dit rapportId en een andere inhoud; stuur een nieuw rapportId.")
    return bestaand, False


async def lijst(
    session: AsyncSession, gemeente_code: str | None, offset: int, limit: int
) -> tuple[list[Rapportage], int]:
    return await repo.lijst(session, gemeente_code, offset, limit)
