"""The projection of PIPs, fed by pip-api's events (subjects `nl.inburgering.pip.>`).

Only ids, version, leerroute, taalniveau and status are kept: what the events carry. An opdracht for a PIP this
projection does not know is refused (422). The projection knows a PIP from its `pip-vastgesteld` on: a change or end
of a PIP it never saw vastgesteld (a concept that was ended, say) is a no-op by rule, since no opdracht can refer to
it. A change of the PIP marks its opdrachten: each gets a new version
whose `pipWijzigingen` says what changed (field names, never values the aanbieder should not see) and an
`opdracht-gewijzigd` event, and it stays "te herzien" for the gemeente until the klantregisseur has checked it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.domain.enums import OpdrachtStatus
from aanbieder_api.domain.opdracht import OpdrachtInhoud
from aanbieder_api.models import PipFeit
from aanbieder_api.repository.opdrachten import OpdrachtRepository
from aanbieder_api.services.opdrachten import nieuwe_versie
from aanbieder_api.settings import Settings
from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.auth import Principal
from inburgering_kit.consumer import EventConsumer
from inburgering_kit.context import AppWithState, ContextSource, work_in
from inburgering_kit.events import CloudEvent
from inburgering_kit.outbox import EventPublisher

logger = logging.getLogger(__name__)

DURABLE = "aanbieder-api"
FILTER_SUBJECT = "nl.inburgering.pip.>"
_VASTGESTELD = "nl.inburgering.pip.pip-vastgesteld"
_GEWIJZIGD = "nl.inburgering.pip.pip-gewijzigd"
_LEERROUTE = "nl.inburgering.pip.leerroute-gewijzigd"
_BEEINDIGD = "nl.inburgering.pip.pip-beeindigd"
_GEVOLGD = {_VASTGESTELD, _GEWIJZIGD, _LEERROUTE, _BEEINDIGD}
# The projection acts as the system itself in the processing log and as the author of marked versions.
SYSTEEM = Principal(
    client_id="aanbieder-api:pip-projectie", user=None, scopes=frozenset(), gemeente_code=None, aanbieder_id=None,
    roles=frozenset(),
)  # fmt: skip


class _Pipfeit(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="ignore")

    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    versie: int | None = None
    leerroute: str | None = None
    taalniveau: str | None = None
    ingangsdatum: date | None = None
    gewijzigde_velden: list[str] = []
    datum: date | None = None
    reden: str | None = None


class Projectie:
    def __init__(self, publisher: EventPublisher, api_prefix: str, log: Verwerkingslog) -> None:
        self.publisher = publisher
        self.api_prefix = api_prefix
        self.log = log

    async def verwerk(self, session: AsyncSession, event: CloudEvent) -> None:
        if event.type not in _GEVOLGD or event.gemeentecode is None:
            return
        try:
            feit = _Pipfeit.model_validate(event.data)
        except ValidationError:
            # Contract-breaking data will not mend on redelivery; its id is in the inbox, so it is skipped once.
            logger.warning("projectie: event %s (%s) voldoet niet aan het contract; overgeslagen", event.id, event.type)
            return
        pip = await session.get(PipFeit, feit.pip_id, with_for_update=True)
        if event.type == _VASTGESTELD:
            if pip is None:
                session.add(
                    PipFeit(
                        pip_id=feit.pip_id,
                        gemeente_code=event.gemeentecode,
                        inburgeraar_id=feit.inburgeraar_id,
                        status="vastgesteld",
                        versie=feit.versie or 1,
                        leerroute=feit.leerroute,
                        taalniveau=feit.taalniveau,
                    )
                )
                await session.flush()
            return
        if pip is None:
            # Never vastgesteld as far as this projection knows (ending a concept emits pip-beeindigd): no opdracht
            # can refer to it, so there is nothing to mark. Retrying would only dead-letter a normal event.
            logger.info("projectie: %s voor PIP %s die nooit is vastgesteld; niets te doen", event.type, feit.pip_id)
            return
        if event.type == _BEEINDIGD:
            pip.status = "beeindigd"
            wijziging = f"PIP beëindigd per {feit.datum.isoformat() if feit.datum else '?'} (reden: {feit.reden})"
        elif event.type == _LEERROUTE:
            pip.versie = max(pip.versie, feit.versie or pip.versie)
            pip.leerroute, pip.taalniveau = feit.leerroute, feit.taalniveau
            wijziging = (
                f"PIP versie {feit.versie}: leerroute {feit.leerroute}, taalniveau {feit.taalniveau}"
                f" per {feit.ingangsdatum.isoformat() if feit.ingangsdatum else '?'}"
            )
        else:
            pip.versie = max(pip.versie, feit.versie or pip.versie)
            wijziging = (
                f"PIP versie {feit.versie} per {feit.ingangsdatum.isoformat() if feit.ingangsdatum else '?'}: "
                f"gewijzigd {', '.join(feit.gewijzigde_velden) or '(onbekend)'}"
            )
        await session.flush()
        await self._markeer(session, event.gemeentecode, pip, wijziging)

    async def _markeer(self, session: AsyncSession, gemeente: str, pip: PipFeit, wijziging: str) -> None:
        source = ContextSource(self.publisher, self.log, self.api_prefix)
        async with work_in(session, source, principal=SYSTEEM, gemeente=gemeente) as ctx:
            for opdracht in await OpdrachtRepository(session, gemeente).van_pip(pip.pip_id):
                if opdracht.status in {OpdrachtStatus.INGETROKKEN.value, OpdrachtStatus.AFGEROND.value}:
                    continue
                inhoud = OpdrachtInhoud.model_validate(opdracht.inhoud)
                nieuw = inhoud.wijzig({"pip_wijzigingen": (*inhoud.pip_wijzigingen, wijziging)[-50:]})
                # `pip_versie` stays: the opdracht is "te herzien" until the gemeente has looked at it.
                await nieuwe_versie(
                    ctx, opdracht, nieuw, reden=wijziging, reden_code="pip-gewijzigd", pip_versie=opdracht.pip_versie
                )


def consumer(app: AppWithState, settings: Settings) -> EventConsumer:
    projectie = Projectie(app.state.publisher, app.state.api_prefix, app.state.verwerkingslog)
    return EventConsumer(
        app.state.database,
        settings.nats_url,
        durable=DURABLE,
        filter_subject=FILTER_SUBJECT,
        handler=projectie.verwerk,
        stream=settings.stream_name,
        oin=settings.oin,
    )


def achtergrondtaak(settings: Settings) -> Any:
    async def run(app: AppWithState, stop: asyncio.Event) -> None:
        await consumer(app, settings).run(stop)

    return run
