"""Retention (Besluit inburgering 2021 art. 9.9) and the inzage export in the plan context. The end of the plicht
comes from inburgeraar-api's `einde-plicht-gewijzigd` through this service's own consumer (`pip-api-retentie`, kept in
the kit's `retentie_betrokkene`); nothing here reads another context's tables."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.retentie import Opruimer, grens, markeer_verwijderd, verlopen, verwijder_verwerkingen
from inburgering_kit.settings import ServiceSettings
from pip_api.domain.retentie import OVERIGE_JAREN
from pip_api.repository.retentie import RetentieRepository

SERVICE = "pip-api"
DURABLE = "pip-api-retentie"


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
        return aantallen

    return opruimen


async def verzamel(
    session: AsyncSession, gemeente: str, inburgeraar_id: uuid.UUID
) -> Mapping[str, Sequence[Mapping[str, Any]]]:
    return await RetentieRepository(session).alles_van(gemeente, inburgeraar_id)
