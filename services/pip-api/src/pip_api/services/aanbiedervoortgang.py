"""The projection of provider progress per PIP part, fed by aanbieder-api's events (`nl.inburgering.aanbieder.>`).

Per opdracht (a PIP part at one aanbieder): planned start and end, the start as reported, the last report, hours
present and the Z-route's language and participation hours (aanbieder-api's running totals), attendance per
reported period, intermediate, exam and final results with level, and route advice. Ids, codes, dates and hours
only: aanbieder-api's events carry no BSN and no names, and nothing here could hold one.

The consumer is durable (`pip-api-aanbieder`) and idempotent through the kit's inbox: a redelivered or replayed event
changes nothing twice. An event about an opdracht never seen creates it from the ids every aanbieder event carries,
so no event waits for another. An event that breaks the published contract (or names no gemeente) will not mend on
redelivery: it goes to the dead letters at once, kept and replayable, and never blocks the ones after it.

What the events do not carry is taken from the event itself: the reported start is the day the first report of
activity arrived (`voortgang-gemeld` with status past `verstrekt`), never earlier than the real start, so a signal
built on it is never early; a changed planned end (`planning`) is not on the wire and stays as the opdracht had it.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from nats.aio.msg import Msg
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.consumer import EventConsumer, Untrusted
from inburgering_kit.events import TYPE_PREFIX, CloudEvent
from pip_api.models import Aanbiederresultaat, OpdrachtVoortgang, Routeadvies
from pip_api.repository.aanbiedervoortgang import AanbiedervoortgangRepository

DURABLE = "pip-api-aanbieder"
FILTER_SUBJECT = f"{TYPE_PREFIX}.aanbieder.>"
_A = f"{TYPE_PREFIX}.aanbieder."
_TIJDZONE = ZoneInfo("Europe/Amsterdam")


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="ignore")


class _Opdracht(_Model):
    opdracht_id: uuid.UUID
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    aanbieder_id: uuid.UUID
    onderdeel: str


class _Verstrekt(_Opdracht):
    geplande_startdatum: date
    geplande_einddatum: date


class _Voortgang(_Opdracht):
    melding_id: uuid.UUID
    soort: str
    status: str


class _Verzuim(_Opdracht):
    melding_id: uuid.UUID
    periode_van: date
    periode_tot: date
    uren_afwezig_ongeoorloofd: Decimal
    uren_afwezig_geoorloofd: Decimal


class _Uren(_Opdracht):
    melding_id: uuid.UUID
    uren_aanwezig: Decimal
    uren_taal: Decimal
    uren_participatie: Decimal
    uren_gecontracteerd: int | None = None


class _Resultaat(_Opdracht):
    melding_id: uuid.UUID
    soort: str
    datum: date
    niveau: str | None = None


class _Advies(_Opdracht):
    melding_id: uuid.UUID
    advies: str


_MODELLEN: dict[str, type[_Opdracht]] = {
    f"{_A}opdracht-verstrekt": _Verstrekt,
    f"{_A}opdracht-gewijzigd": _Opdracht,
    f"{_A}opdracht-ingetrokken": _Opdracht,
    f"{_A}voortgang-gemeld": _Voortgang,
    f"{_A}verzuim-gemeld": _Verzuim,
    f"{_A}uren-bijgewerkt": _Uren,
    f"{_A}resultaat-behaald": _Resultaat,
    f"{_A}resultaat-niet-behaald": _Resultaat,
    f"{_A}routeadvies-ontvangen": _Advies,
}


class NietToepasbaar(Exception):  # noqa: N818 - a verdict on an event, like the kit's Untrusted
    """An aanbieder event this projection cannot apply, whatever the number of attempts."""


def lees(event: CloudEvent) -> _Opdracht | None:
    """The event's data as this projection reads it; None for a type it does not need (e.g. the leerbaarheidstoets,
    which belongs to the brede intake)."""
    model = _MODELLEN.get(event.type)
    if model is None:
        return None
    if event.gemeentecode is None:
        raise NietToepasbaar(f"{event.type} zonder gemeentecode")
    if isinstance(event.data, dict) and "pipId" in event.data and event.data["pipId"] is None:
        return None  # an opdracht made before any PIP (leerbaarheidstoets, begeleiding) is no PIP part's progress
    try:
        return model.model_validate(event.data)
    except ValidationError as exc:
        raise NietToepasbaar(f"{event.type} voldoet niet aan het contract: {exc.error_count()} fout(en)") from None


class AanbiederConsumer(EventConsumer):
    """The kit's consumer, with one addition: an event `lees` refuses is dead-lettered at once instead of after its
    retries (a contract breach does not mend by waiting)."""

    async def handle(self, msg: Msg) -> None:
        try:
            event = self.parse(msg)
        except Untrusted:
            await super().handle(msg)
            return
        try:
            lees(event)
        except NietToepasbaar as exc:
            await self.dead_letter(msg, str(exc), event_id=event.id)
            return
        await super().handle(msg)


def _dag(event: CloudEvent) -> date:
    return event.time.astimezone(_TIJDZONE).date()


async def verwerk_event(session: AsyncSession, event: CloudEvent) -> None:
    """Apply one aanbieder event to the projection (the consumer's handler; the kit's inbox makes it once)."""
    data = lees(event)
    if data is None:
        return
    assert event.gemeentecode is not None
    repo = AanbiedervoortgangRepository(session)
    opdracht = await repo.opdracht(data.opdracht_id)
    if opdracht is None:
        opdracht = OpdrachtVoortgang(
            opdracht_id=data.opdracht_id, pip_id=data.pip_id, inburgeraar_id=data.inburgeraar_id,
            aanbieder_id=data.aanbieder_id, gemeente_code=event.gemeentecode, onderdeel=data.onderdeel,
            status="verstrekt", uren_aanwezig=Decimal(0), uren_taal=Decimal(0), uren_participatie=Decimal(0),
        )  # fmt: skip
        await repo.add(opdracht)
    # A PIP change may move the opdracht to the PIP's new id (aanbieder-api `opdracht-gewijzigd`, reden pip-gewijzigd).
    opdracht.pip_id = data.pip_id
    opdracht.onderdeel = data.onderdeel
    dag = _dag(event)
    if isinstance(data, _Verstrekt):
        opdracht.geplande_startdatum = data.geplande_startdatum
        opdracht.geplande_einddatum = data.geplande_einddatum
    elif event.type == f"{_A}opdracht-ingetrokken":
        opdracht.status = "ingetrokken"
    elif isinstance(data, _Voortgang):
        await _voortgang(repo, opdracht, data, dag)
    elif isinstance(data, _Verzuim):
        periode = await repo.periode(data.melding_id, opdracht.opdracht_id)
        periode.periode_van, periode.periode_tot = data.periode_van, data.periode_tot
        periode.uren_afwezig_ongeoorloofd = float(data.uren_afwezig_ongeoorloofd)
        periode.uren_afwezig_geoorloofd = float(data.uren_afwezig_geoorloofd)
    elif isinstance(data, _Uren):
        await _uren(repo, opdracht, data)
    elif isinstance(data, _Resultaat):
        await _resultaat(repo, opdracht, data, behaald=event.type == f"{_A}resultaat-behaald")
    elif isinstance(data, _Advies):
        await repo.add(
            Routeadvies(
                melding_id=data.melding_id, opdracht_id=opdracht.opdracht_id, pip_id=data.pip_id,
                advies=data.advies, ontvangen_datum=dag,
            )
        )  # fmt: skip
    await session.flush()


async def _voortgang(
    repo: AanbiedervoortgangRepository, opdracht: OpdrachtVoortgang, data: _Voortgang, dag: date
) -> None:
    opdracht.status = data.status
    opdracht.laatste_melding_datum = dag
    if data.status != "verstrekt" and opdracht.start_gemeld_datum is None:
        opdracht.start_gemeld_datum = dag
    if data.soort == "aanwezigheid":
        await repo.periode(data.melding_id, opdracht.opdracht_id)
    elif data.soort == "tussenresultaat":
        await repo.add(
            Aanbiederresultaat(
                melding_id=data.melding_id, opdracht_id=opdracht.opdracht_id, soort="tussenresultaat", uitslag=None,
                datum=dag, niveau=None,
            )
        )  # fmt: skip


async def _uren(repo: AanbiedervoortgangRepository, opdracht: OpdrachtVoortgang, data: _Uren) -> None:
    periode = await repo.bestaande_periode(data.melding_id)
    if periode is not None:
        # The hours present in this period: what the running total moved by, plus what an earlier report of the
        # same period (now replaced) had counted.
        verschil = data.uren_aanwezig - Decimal(str(opdracht.uren_aanwezig))
        vorige = Decimal(str(await repo.vervang_eerdere(periode))) if periode.periode_van is not None else Decimal(0)
        periode.uren_aanwezig = float(max(verschil + vorige, Decimal(0)))
    opdracht.uren_aanwezig = float(data.uren_aanwezig)
    opdracht.uren_taal = float(data.uren_taal)
    opdracht.uren_participatie = float(data.uren_participatie)
    opdracht.uren_gecontracteerd = data.uren_gecontracteerd


async def _resultaat(
    repo: AanbiedervoortgangRepository, opdracht: OpdrachtVoortgang, data: _Resultaat, *, behaald: bool
) -> None:
    uitslag = "behaald" if behaald else "niet-behaald"
    await repo.add(
        Aanbiederresultaat(
            melding_id=data.melding_id, opdracht_id=opdracht.opdracht_id, soort=data.soort, uitslag=uitslag,
            datum=data.datum, niveau=data.niveau,
        )
    )  # fmt: skip
    if data.niveau is not None:
        opdracht.niveau = data.niveau
    if data.soort == "eindresultaat":
        opdracht.eindresultaat, opdracht.eindresultaat_datum = uitslag, data.datum
