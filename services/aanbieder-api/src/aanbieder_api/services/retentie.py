"""Retention (Besluit inburgering 2021 art. 9.9) and the inzage export in the provider context. The end of the plicht
comes from inburgeraar-api's `einde-plicht-gewijzigd` through this service's own consumer (`aanbieder-api-retentie`,
kept in the kit's `retentie_betrokkene`); nothing here reads another context's tables."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.domain.retentie import OVERIGE_JAREN
from aanbieder_api.repository.retentie import RetentieRepository
from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.retentie import Opruimer, grens, markeer_verwijderd, verlopen, verwijder_verwerkingen
from inburgering_kit.settings import ServiceSettings

SERVICE = "aanbieder-api"
DURABLE = "aanbieder-api-retentie"


def opruimer(settings: ServiceSettings) -> Opruimer:
    log = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode())

    async def opruimen(session: AsyncSession, peildatum: date) -> dict[str, int]:
        due = await verlopen(session, grens(peildatum, OVERIGE_JAREN))
        ids = [i for i, _ in due]
        aantallen = await RetentieRepository(session).verwijder(ids)
        aantallen["verwerking"] = await verwijder_verwerkingen(
            session, [(g, str(log.betrokkene_van(i))) for i, g in due]
        )
        await markeer_verwijderd(session, ids)
        # An upload is no one person's: it is kept 5 years from the upload, never longer than any person's data in
        # it would be (their plicht ends after the upload).
        begin = datetime.combine(grens(peildatum, OVERIGE_JAREN), time.min, tzinfo=UTC)
        aantallen["aanlevering"] = await RetentieRepository(session).verwijder_aanleveringen(begin)
        return aantallen

    return opruimen


async def verzamel(
    session: AsyncSession, gemeente: str, inburgeraar_id: uuid.UUID
) -> Mapping[str, Sequence[Mapping[str, Any]]]:
    return await RetentieRepository(session).alles_van(gemeente, inburgeraar_id)
