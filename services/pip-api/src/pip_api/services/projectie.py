"""The projection of inburgeraar facts, fed by inburgeraar-api's events (subjects `nl.inburgering.inburgeraar.>`).

Only ids, doelgroep and dates are kept (DOMAIN §4). The consumer is durable (`pip-api`) and idempotent via the
kit's inbox, so a redelivered or replayed event changes nothing twice; events arrive in stream order per subject.

An event about an inburgeraar the projection never saw is applied by rule, never by failing it (a failed event is
redelivered, spams its traceback and is finally dropped by JetStream):
- `inburgeraar-geregistreerd` / `-gewijzigd` carry every fact kept here, so either one creates the row;
- a DUO termijn before the registration (another replica may still hold that event) is kept aside and applied when
  the registration arrives; one for an inburgeraar that is never registered stays aside and changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.events import CloudEvent
from pip_api.domain.enums import Doelgroep
from pip_api.models import InburgeraarFeit
from pip_api.repository import ProjectieRepository

logger = logging.getLogger(__name__)

DURABLE = "pip-api"
FILTER_SUBJECT = "nl.inburgering.inburgeraar.>"
_GEREGISTREERD = "nl.inburgering.inburgeraar.inburgeraar-geregistreerd"
_GEWIJZIGD = "nl.inburgering.inburgeraar.inburgeraar-gewijzigd"
_PLICHT = "nl.inburgering.inburgeraar.plichtgegevens-ontvangen"
# DUO's termijn kinds (inburgeraar-api `Termijnsoort`) → the projected column.
_TERMIJN_KOLOM = {"ibp": "duo_termijn_eind_datum", "pvt": "duo_pvt_eind_datum", "map": "duo_map_eind_datum"}


class _Inburgeraarfeiten(BaseModel):
    """The part of inburgeraar-api's `inburgeraar-geregistreerd` / `-gewijzigd` data this context keeps."""

    model_config = ConfigDict(alias_generator=to_camel, extra="ignore")

    inburgeraar_id: uuid.UUID
    doelgroep: Doelgroep
    datum_koppeling: date | None = None
    datum_inschrijving_brp: date | None = None


class _Termijnfeit(BaseModel):
    """The part of `plichtgegevens-ontvangen` this context keeps: DUO's termijn and its (new) end."""

    model_config = ConfigDict(alias_generator=to_camel, extra="ignore")

    inburgeraar_id: uuid.UUID
    termijn: str | None = None
    einddatum: date | None = None


async def verwerk_event(session: AsyncSession, event: CloudEvent) -> None:
    """Apply one inburgeraar event to the projection; other event types are not needed here."""
    if event.type not in {_GEREGISTREERD, _GEWIJZIGD, _PLICHT} or event.gemeentecode is None:
        return
    try:
        if event.type == _PLICHT:
            await _termijnfeit(session, _Termijnfeit.model_validate(event.data))
        else:
            await _inburgeraarfeiten(session, event.gemeentecode, _Inburgeraarfeiten.model_validate(event.data))
    except ValidationError:
        # Data that breaks the published contract will not mend on redelivery: log it and move on, so one bad
        # message never blocks the projection (its id is in the inbox, so it is not handled twice either).
        logger.warning("projectie: event %s (%s) voldoet niet aan het contract; overgeslagen", event.id, event.type)


async def _inburgeraarfeiten(session: AsyncSession, gemeente: str, feiten: _Inburgeraarfeiten) -> None:
    repo = ProjectieRepository(session)
    feit = await repo.get(feiten.inburgeraar_id)
    if feit is None:
        feit = InburgeraarFeit(inburgeraar_id=feiten.inburgeraar_id, gemeente_code=gemeente)
        session.add(feit)
    feit.gemeente_code = gemeente
    feit.doelgroep = feiten.doelgroep.value
    feit.koppeling_datum = feiten.datum_koppeling
    feit.brp_inschrijving_datum = feiten.datum_inschrijving_brp
    for kolom, einddatum in (await repo.take_parked(feiten.inburgeraar_id)).items():
        setattr(feit, kolom, einddatum)
    await session.flush()


async def _termijnfeit(session: AsyncSession, termijnfeit: _Termijnfeit) -> None:
    # A DUO termijn fact moves the deadline (a vaststelling, change or verlenging all name the new end).
    kolom = _TERMIJN_KOLOM.get(str(termijnfeit.termijn))
    if kolom is None or termijnfeit.einddatum is None:
        return
    repo = ProjectieRepository(session)
    feit = await repo.get(termijnfeit.inburgeraar_id)
    if feit is None:
        await repo.park(termijnfeit.inburgeraar_id, kolom, termijnfeit.einddatum)
        return
    setattr(feit, kolom, termijnfeit.einddatum)
    await session.flush()
