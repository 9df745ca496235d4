"""The projection of inburgeraar facts, fed by inburgeraar-api's events (subjects `nl.inburgering.inburgeraar.>`).

Only ids, doelgroep, codes and dates are kept (DOMAIN §4): the registration's dates and whether the BSN is still
missing, DUO's termijnen, the oproepen for the brede intake and their outcome, and the end of the brede intake.
The consumer is durable (`pip-api`) and idempotent via the kit's inbox, so a redelivered or replayed event changes
nothing twice; events arrive in stream order per subject.

`verhuisd` is more than a fact: the person moved to another gemeente, so this gemeente's running PIP ends with reason
`verhuisd` and the person's open signals lapse (`services.overdracht.verhuisd`; issue 15 §3), with their events in
the same transaction as the inbox record. It arrives on the same consumer as the registration, so never before it.

An event about an inburgeraar the projection never saw is applied by rule, never by failing it (a failed event is
redelivered, spams its traceback and is finally dropped by JetStream):
- `inburgeraar-geregistreerd` / `-gewijzigd` carry every fact kept here, so either one creates the row;
- a DUO termijn before the registration (another replica may still hold that event) is kept aside and applied when
  the registration arrives; one for an inburgeraar that is never registered stays aside and changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.auth import Principal
from inburgering_kit.context import ContextSource, work_in
from inburgering_kit.events import CloudEvent
from pip_api.domain.enums import Doelgroep
from pip_api.models import InburgeraarFeit
from pip_api.repository import ProjectieRepository
from pip_api.services import overdracht

logger = logging.getLogger(__name__)

# Dates of the regie are Dutch calendar days.
_TIJDZONE = ZoneInfo("Europe/Amsterdam")

DURABLE = "pip-api"
FILTER_SUBJECT = "nl.inburgering.inburgeraar.>"
_GEREGISTREERD = "nl.inburgering.inburgeraar.inburgeraar-geregistreerd"
_GEWIJZIGD = "nl.inburgering.inburgeraar.inburgeraar-gewijzigd"
_PLICHT = "nl.inburgering.inburgeraar.plichtgegevens-ontvangen"
_BSN = "nl.inburgering.inburgeraar.bsn-vastgelegd"
_OPROEP_VERSTUURD = "nl.inburgering.inburgeraar.oproep-verstuurd"
# The outcome of an oproep, by event type.
_OPROEP_UITKOMST = {
    "nl.inburgering.inburgeraar.oproep-verschenen": "verschenen",
    "nl.inburgering.inburgeraar.oproep-niet-verschenen": "niet-verschenen",
    "nl.inburgering.inburgeraar.oproep-onvoldoende-meegewerkt": "onvoldoende-meegewerkt",
}
_INTAKE_AFGEROND = "nl.inburgering.inburgeraar.brede-intake-afgerond"
_VERHUISD = "nl.inburgering.inburgeraar.verhuisd"
# The projection acts as the system itself in the processing log when it ends a PIP on a move.
SYSTEEM = Principal(
    client_id="pip-api:inburgeraar-projectie", user=None, scopes=frozenset(), gemeente_code=None, aanbieder_id=None,
    roles=frozenset(),
)  # fmt: skip
_BSN_ONTBREEKT = "bsn-ontbreekt"
_TYPES = {_GEREGISTREERD, _GEWIJZIGD, _PLICHT, _BSN, _OPROEP_VERSTUURD, _INTAKE_AFGEROND, *_OPROEP_UITKOMST}
# DUO's termijn kinds (inburgeraar-api `Termijnsoort`) → the projected column.
_TERMIJN_KOLOM = {"ibp": "duo_termijn_eind_datum", "pvt": "duo_pvt_eind_datum", "map": "duo_map_eind_datum"}


class _Inburgeraarfeiten(BaseModel):
    """The part of inburgeraar-api's `inburgeraar-geregistreerd` / `-gewijzigd` data this context keeps."""

    model_config = ConfigDict(alias_generator=to_camel, extra="ignore")

    inburgeraar_id: uuid.UUID
    doelgroep: Doelgroep
    datum_koppeling: date | None = None
    datum_inschrijving_brp: date | None = None
    # Only in `inburgeraar-geregistreerd`: `geregistreerd`, or `bsn-ontbreekt` while the BSN is unknown.
    status: str | None = None


class _Inburgeraar(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="ignore")

    inburgeraar_id: uuid.UUID


class _Oproep(_Inburgeraar):
    oproep_id: uuid.UUID
    afspraak_op: datetime | None = None


class _Verhuisd(_Inburgeraar):
    naar_gemeente: str | None = None
    verhuisdatum: date | None = None


class _IntakeAfgerond(_Inburgeraar):
    datum: date


class _Termijnfeit(BaseModel):
    """The part of `plichtgegevens-ontvangen` this context keeps: DUO's termijn and its (new) end."""

    model_config = ConfigDict(alias_generator=to_camel, extra="ignore")

    inburgeraar_id: uuid.UUID
    termijn: str | None = None
    einddatum: date | None = None


async def verwerk_event(session: AsyncSession, event: CloudEvent) -> None:
    """Apply one inburgeraar event to the projection; other event types are not needed here."""
    if event.type not in _TYPES or event.gemeentecode is None:
        return
    dag = event.time.astimezone(_TIJDZONE).date()
    try:
        if event.type == _PLICHT:
            await _termijnfeit(session, _Termijnfeit.model_validate(event.data))
        elif event.type == _BSN:
            await _bsn_vastgelegd(session, _Inburgeraar.model_validate(event.data))
        elif event.type == _OPROEP_VERSTUURD or event.type in _OPROEP_UITKOMST:
            await _oproep(session, event.gemeentecode, event.type, _Oproep.model_validate(event.data))
        elif event.type == _INTAKE_AFGEROND:
            await _intake_afgerond(session, _IntakeAfgerond.model_validate(event.data))
        else:
            feiten = _Inburgeraarfeiten.model_validate(event.data)
            await _inburgeraarfeiten(session, event.gemeentecode, feiten, dag if event.type == _GEREGISTREERD else None)
    except ValidationError:
        # Data that breaks the published contract will not mend on redelivery: log it and move on, so one bad
        # message never blocks the projection (its id is in the inbox, so it is not handled twice either).
        logger.warning("projectie: event %s (%s) voldoet niet aan het contract; overgeslagen", event.id, event.type)


class Projectie:
    """The consumer's handler: the facts (`verwerk_event`) and the move, which ends what this gemeente ran."""

    def __init__(self, source: ContextSource) -> None:
        self.source = source

    async def verwerk(self, session: AsyncSession, event: CloudEvent) -> None:
        if event.type != _VERHUISD:
            await verwerk_event(session, event)
            return
        if event.gemeentecode is None:
            return
        try:
            verhuizing = _Verhuisd.model_validate(event.data)
        except ValidationError:
            logger.warning("projectie: event %s (%s) voldoet niet aan het contract; overgeslagen", event.id, event.type)
            return
        # Without a date the move counts from the day it was reported: the regie here ended then at the latest.
        datum = verhuizing.verhuisdatum or event.time.astimezone(_TIJDZONE).date()
        async with work_in(session, self.source, principal=SYSTEEM, gemeente=event.gemeentecode) as ctx:
            await overdracht.verhuisd(ctx, verhuizing.inburgeraar_id, datum)


async def _inburgeraarfeiten(
    session: AsyncSession, gemeente: str, feiten: _Inburgeraarfeiten, geregistreerd_op: date | None
) -> None:
    repo = ProjectieRepository(session)
    feit = await repo.get(feiten.inburgeraar_id)
    if feit is None:
        feit = InburgeraarFeit(inburgeraar_id=feiten.inburgeraar_id, gemeente_code=gemeente)
        session.add(feit)
    if geregistreerd_op is not None:
        # Registered (again) here: whatever move ended an earlier registration, the regie is this gemeente's now.
        feit.verhuisd_datum = None
        if feiten.status != _BSN_ONTBREEKT:
            feit.bsn_ontbreekt_sinds = None
        elif feit.bsn_ontbreekt_sinds is None:
            feit.bsn_ontbreekt_sinds = geregistreerd_op
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


async def _bsn_vastgelegd(session: AsyncSession, feit_: _Inburgeraar) -> None:
    feit = await ProjectieRepository(session).get(feit_.inburgeraar_id)
    if feit is not None:
        feit.bsn_ontbreekt_sinds = None
        await session.flush()


async def _oproep(session: AsyncSession, gemeente: str, type_: str, oproep: _Oproep) -> None:
    afspraak = oproep.afspraak_op.astimezone(_TIJDZONE).date() if oproep.afspraak_op is not None else None
    await ProjectieRepository(session).oproep(
        oproep.oproep_id, oproep.inburgeraar_id, gemeente, afspraak, _OPROEP_UITKOMST.get(type_)
    )


async def _intake_afgerond(session: AsyncSession, afgerond: _IntakeAfgerond) -> None:
    feit = await ProjectieRepository(session).get(afgerond.inburgeraar_id)
    if feit is not None:
        feit.brede_intake_afgerond_datum = afgerond.datum
        await session.flush()
