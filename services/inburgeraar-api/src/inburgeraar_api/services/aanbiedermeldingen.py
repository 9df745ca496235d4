"""What providers report that belongs to the person context, from aanbieder-api's events (`nl.inburgering.aanbieder.>`).

Today one fact: `leerbaarheidstoets-afgenomen`, the leerbaarheidstoets instance's report (date, result, advised
leerroute) on the gemeente's opdracht. It becomes the brede intake's leerbaarheidstoets as the instance's own report
(`domain.aanbiedermelding`), with the same `leerbaarheidstoets-vastgelegd` event a hand-typed one gives, so pip-api
and the werkplek see one fact whichever way it came. Every report is also kept as received
(`leerbaarheidstoets_melding`). The kit's consumer gives the inbox (a redelivered event changes nothing twice), the
dead letters (a report about a person this gemeente has not registered goes there, visible and replayable) and the
source check (only aanbieder-api is believed on these subjects).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel
from sqlalchemy.ext.asyncio import AsyncSession

from inburgeraar_api import activiteiten
from inburgeraar_api.domain.aanbiedermelding import AanbiederBron, LeerbaarheidstoetsUitslag, neemt_over
from inburgeraar_api.domain.enums import Leerroute
from inburgeraar_api.events import LeerbaarheidstoetsVastgelegd
from inburgeraar_api.models import BredeIntake, LeerbaarheidstoetsMelding
from inburgeraar_api.repository import DossierRepository
from inburgeraar_api.repository.aanbiedermeldingen import AanbiedermeldingRepository
from inburgeraar_api.services.registratie import pad, verwerk, vind
from inburgeraar_api.settings import Settings
from inburgering_kit.audit import Actie, Verwerkingslog
from inburgering_kit.auth import Principal
from inburgering_kit.consumer import EventConsumer
from inburgering_kit.context import AppWithState, ContextSource, RequestContext, work_in
from inburgering_kit.events import TYPE_PREFIX, CloudEvent
from inburgering_kit.outbox import EventPublisher

logger = logging.getLogger(__name__)

DURABLE = "inburgeraar-api-aanbieder"
FILTER_SUBJECT = f"{TYPE_PREFIX}.aanbieder.>"
LEERBAARHEIDSTOETS_AFGENOMEN = f"{TYPE_PREFIX}.aanbieder.leerbaarheidstoets-afgenomen"
# The consumer acts as the system itself in the processing log.
SYSTEEM = Principal(
    client_id="inburgeraar-api:aanbiedermeldingen", user=None, scopes=frozenset(), gemeente_code=None,
    aanbieder_id=None, roles=frozenset(),
)  # fmt: skip


class _Afgenomen(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="ignore")

    opdracht_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    aanbieder_id: uuid.UUID
    melding_id: uuid.UUID
    onderdeel: str
    datum: date
    resultaat: str | None = None
    geadviseerde_leerroute: Leerroute | None = None


async def neem_leerbaarheidstoets_over(ctx: RequestContext, feit: _Afgenomen, event_id: str) -> bool:
    """Record the instance's report; True when it became the brede intake's leerbaarheidstoets."""
    meldingen = AanbiedermeldingRepository(ctx.session)
    if await meldingen.leerbaarheidstoets(feit.melding_id) is not None:
        return False  # the same report under another event id (a replay from the source): already here
    inburgeraar = await vind(ctx, feit.inburgeraar_id, for_update=True)  # another gemeente's person: NotFound
    repo = DossierRepository(ctx.session)
    intake = await repo.brede_intake(inburgeraar.id, for_update=True)
    if intake is None:
        intake = BredeIntake(
            id=uuid.uuid4(), inburgeraar_id=inburgeraar.id, status="lopend", resultaten={},
            afgerond_bij_afwezigheid=False, versie=1,
        )  # fmt: skip
        await repo.add(intake)
    huidig = intake.leerbaarheidstoets
    # A closed intake is not changed (its outcome was decided on what it held); the report is kept all the same.
    overnemen = intake.status != "afgerond" and neemt_over(
        date.fromisoformat(huidig["datum"]) if huidig else None, feit.datum
    )
    now = datetime.now(UTC)
    await meldingen.add(
        LeerbaarheidstoetsMelding(
            melding_id=feit.melding_id, inburgeraar_id=inburgeraar.id, opdracht_id=feit.opdracht_id,
            aanbieder_id=feit.aanbieder_id, datum=feit.datum, resultaat=feit.resultaat,
            geadviseerde_leerroute=feit.geadviseerde_leerroute.value if feit.geadviseerde_leerroute else None,
            event_id=event_id, overgenomen=overnemen, ontvangen_at=now,
        )
    )  # fmt: skip
    await verwerk(
        ctx, inburgeraar, activiteiten.BREDE_INTAKE, Actie.AANMAKEN, "leerbaarheidstoets-melding", feit.melding_id
    )
    if not overnemen:
        logger.info("leerbaarheidstoets %s bewaard, niet overgenomen in de brede intake", feit.melding_id)
        return False
    uitslag = LeerbaarheidstoetsUitslag(
        datum=feit.datum,
        resultaat=feit.resultaat,
        geadviseerde_leerroute=feit.geadviseerde_leerroute,
        bron="aanbieder",
        gemeld_door_aanbieder=AanbiederBron(
            opdracht_id=feit.opdracht_id, aanbieder_id=feit.aanbieder_id, melding_id=feit.melding_id, ontvangen_op=now
        ),
    )
    intake.leerbaarheidstoets = uitslag.model_dump(mode="json", exclude_none=True)
    intake.versie += 1
    await ctx.session.flush()
    await ctx.emit(
        LeerbaarheidstoetsVastgelegd(
            inburgeraar_id=inburgeraar.id,
            datum=feit.datum,
            geadviseerde_leerroute=uitslag.geadviseerde_leerroute.value if uitslag.geadviseerde_leerroute else None,
            bron="aanbieder",
        ),
        subject=inburgeraar.id,
        resource_path=f"{pad(inburgeraar.id)}/brede-intake",
    )
    await verwerk(ctx, inburgeraar, activiteiten.BREDE_INTAKE, Actie.WIJZIGEN, "brede-intake", intake.id)
    return True


class Aanbiedermeldingen:
    def __init__(self, publisher: EventPublisher, api_prefix: str, log: Verwerkingslog) -> None:
        self.source = ContextSource(publisher, log, api_prefix)

    async def verwerk(self, session: AsyncSession, event: CloudEvent) -> None:
        if event.type != LEERBAARHEIDSTOETS_AFGENOMEN or event.gemeentecode is None:
            return
        try:
            feit = _Afgenomen.model_validate(event.data)
        except ValidationError:
            # Contract-breaking data will not mend on redelivery; its id is in the inbox, so it is skipped once.
            logger.warning("aanbiedermelding %s (%s) voldoet niet aan het contract; overgeslagen", event.id, event.type)
            return
        async with work_in(session, self.source, principal=SYSTEEM, gemeente=event.gemeentecode) as ctx:
            await neem_leerbaarheidstoets_over(ctx, feit, event.id)


def consumer(app: AppWithState, settings: Settings) -> EventConsumer:
    verwerking = Aanbiedermeldingen(app.state.publisher, app.state.api_prefix, app.state.verwerkingslog)
    return EventConsumer(
        app.state.database,
        settings.nats_url,
        durable=DURABLE,
        filter_subject=FILTER_SUBJECT,
        handler=verwerking.verwerk,
        stream=settings.stream_name,
        oin=settings.oin,
    )


def achtergrondtaak(settings: Settings) -> Any:
    async def run(app: AppWithState, stop: asyncio.Event) -> None:
        await consumer(app, settings).run(stop)

    return run
