"""What other contexts publish, turned into facts and candidates (ids, codes and dates only: no BSN, no names).

Three durable consumers, one per source context, each with the kit's inbox (a redelivered event changes nothing
twice), its dead letters and its source check (only the owner of a subject is believed):
- inburgeraar-api: doelgroep (`inburgeraar-geregistreerd`/`-gewijzigd`), the end of the plicht
  (`plichtgegevens-ontvangen` with `plicht-vervallen`, `vrijstelling` or `ontheffing`), and a missed or
  uncooperative brede intake (`oproep-niet-verschenen`, `oproep-onvoldoende-meegewerkt`) as a candidate;
- pip-api: `pip-vastgesteld` and `pip-beeindigd` (a PIP boete needs a vastgesteld PIP, Wi art. 16 and 23), and a
  missed voortgangsgesprek (`voortgangsgesprek-gemist`) or attendance below the agreed norm
  (`aanwezigheid-onder-norm`) as a candidate, only while a boete on it could follow: the PIP vastgesteld by the
  gedraging, plicht and PIP not ended when it was recorded (`toelaatbaarheid.vereis_pip_boete_mogelijk`);
- aanbieder-api: `verzuim-gemeld` (unauthorised absence, Wi art. 23) as a candidate.
And inburgeraar-api's `verhuisd`: the person moved to another gemeente, which enforces from then on; the open
candidates and procedures here end (`services.overdracht`) and no candidate follows — until the person moves back
and is registered here again (`inburgeraar-geregistreerd` for the same id).
A candidate the gemeente may not enforce for the person's doelgroep is not offered (Wi art. 23; DOMAIN §2 stap 12).
Data that breaks the published contract will not mend on redelivery: it is logged and skipped.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel
from sqlalchemy.ext.asyncio import AsyncSession

from handhaving_api import activiteiten
from handhaving_api.domain.enums import Doelgroep, Overtredingsoort, Procedurestatus
from handhaving_api.domain.regels import Weigering
from handhaving_api.domain.toelaatbaarheid import Persoonsfeiten, handhaafbaar, vereis_pip_boete_mogelijk
from handhaving_api.repository import OvertredingRepository, ProjectieRepository
from handhaving_api.services.overdracht import beeindig_na_verhuizing
from inburgering_kit.audit import Actie, Verwerkingslog
from inburgering_kit.auth import Principal
from inburgering_kit.context import ContextSource, work_in
from inburgering_kit.events import TYPE_PREFIX, CloudEvent
from inburgering_kit.outbox import EventPublisher

logger = logging.getLogger(__name__)

# Durable name → filter subject; the same pairs are this service's NATS permissions (kit `nats_access`).
CONSUMERS: dict[str, str] = {
    "handhaving-api-inburgeraar": f"{TYPE_PREFIX}.inburgeraar.>",
    "handhaving-api-pip": f"{TYPE_PREFIX}.pip.>",
    "handhaving-api-aanbieder": f"{TYPE_PREFIX}.aanbieder.>",
}
_I = f"{TYPE_PREFIX}.inburgeraar."
_PLICHT_EINDE = {"plicht-vervallen", "vrijstelling", "ontheffing"}
_OPROEP = {
    f"{_I}oproep-niet-verschenen": Overtredingsoort.BREDE_INTAKE_NIET_VERSCHENEN,
    f"{_I}oproep-onvoldoende-meegewerkt": Overtredingsoort.BREDE_INTAKE_ONVOLDOENDE_MEEGEWERKT,
}
# aanbieder-api's `Dienst` → the gedraging; the language routes (b1-route, onderwijsroute, z-route) are the leerroute.
# The leerbaarheidstoets is part of the brede intake (Wi art. 14; Besluit art. 5.2; DOMAIN §2 stap 6).
_ONDERDEEL = {
    "pvt": Overtredingsoort.PIP_PVT,
    "map": Overtredingsoort.PIP_MAP,
    "maatschappelijke-begeleiding": Overtredingsoort.PIP_ONDERSTEUNING,
    "leerbaarheidstoets": Overtredingsoort.BREDE_INTAKE_ONVOLDOENDE_MEEGEWERKT,
}
# The projection acts as the system itself in the processing log.
SYSTEEM = Principal(
    client_id="handhaving-api:projectie", user=None, scopes=frozenset(), gemeente_code=None, aanbieder_id=None,
    roles=frozenset(),
)  # fmt: skip


class _Feiten(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="ignore")

    inburgeraar_id: uuid.UUID


class _Inburgeraar(_Feiten):
    doelgroep: str


class _Plicht(_Feiten):
    soort: str
    ingangsdatum: date


class _Oproep(_Feiten):
    oproep_id: uuid.UUID
    volgnummer: int
    aantal_niet_verschenen: int


class _PipVastgesteld(_Feiten):
    pip_id: uuid.UUID
    ingangsdatum: date


class _PipBeeindigd(_Feiten):
    pip_id: uuid.UUID
    datum: date


class _Verzuim(_Feiten):
    # None for an opdracht made before the PIP (a leerbaarheidstoets: part of the brede intake, Wi art. 14).
    pip_id: uuid.UUID | None
    opdracht_id: uuid.UUID
    melding_id: uuid.UUID
    onderdeel: str
    periode_van: date
    periode_tot: date
    uren_afwezig_ongeoorloofd: float


class _Verhuisd(_Feiten):
    naar_gemeente: str
    verhuisdatum: date | None = None


class _GesprekGemist(_Feiten):
    gesprek_id: uuid.UUID
    pip_id: uuid.UUID
    gepland_datum: date
    vastgelegd_op: date
    reden: str | None = None


class _OnderNorm(_Feiten):
    pip_id: uuid.UUID
    opdracht_id: uuid.UUID
    onderdeel: str
    periode_van: date
    periode_tot: date
    aanwezigheidspercentage: int
    norm: int
    aantal_perioden: int


@dataclass(frozen=True, slots=True)
class _Gedraging:
    """What an event says happened, as a candidate records it."""

    inburgeraar_id: uuid.UUID
    soort: Overtredingsoort
    van: date
    tot: date
    bewijs: dict[str, object]
    pip_id: uuid.UUID | None = None


class Projectie:
    def __init__(self, publisher: EventPublisher, api_prefix: str, log: Verwerkingslog) -> None:
        self.source = ContextSource(publisher, log, api_prefix)
        self._handlers: dict[str, Callable[[AsyncSession, CloudEvent, str], Awaitable[None]]] = {
            f"{_I}inburgeraar-geregistreerd": self._inburgeraar,
            f"{_I}inburgeraar-gewijzigd": self._inburgeraar,
            f"{_I}plichtgegevens-ontvangen": self._plicht,
            f"{_I}verhuisd": self._verhuisd,
            **dict.fromkeys(_OPROEP, self._oproep),
            f"{TYPE_PREFIX}.pip.pip-vastgesteld": self._pip_vastgesteld,
            f"{TYPE_PREFIX}.pip.pip-beeindigd": self._pip_beeindigd,
            f"{TYPE_PREFIX}.pip.voortgangsgesprek-gemist": self._gesprek_gemist,
            f"{TYPE_PREFIX}.pip.aanwezigheid-onder-norm": self._onder_norm,
            f"{TYPE_PREFIX}.aanbieder.verzuim-gemeld": self._verzuim,
        }

    async def verwerk(self, session: AsyncSession, event: CloudEvent) -> None:
        handler = self._handlers.get(event.type)
        if handler is None or event.gemeentecode is None:
            return
        try:
            await handler(session, event, event.gemeentecode)
        except ValidationError:
            logger.warning("projectie: event %s (%s) voldoet niet aan het contract; overgeslagen", event.id, event.type)

    async def _inburgeraar(self, session: AsyncSession, event: CloudEvent, gemeente: str) -> None:
        feit = _Inburgeraar.model_validate(event.data)
        waarden: dict[str, object] = {"doelgroep": feit.doelgroep}
        if event.type == f"{_I}inburgeraar-geregistreerd":
            # Registered (again) here: a person who moved away and came back is this gemeente's to enforce again.
            waarden["verhuisd_datum"] = None
        await ProjectieRepository(session).upsert(feit.inburgeraar_id, gemeente, **waarden)

    async def _plicht(self, session: AsyncSession, event: CloudEvent, gemeente: str) -> None:
        feit = _Plicht.model_validate(event.data)
        if feit.soort in _PLICHT_EINDE:
            await ProjectieRepository(session).upsert(
                feit.inburgeraar_id, gemeente, plicht_einde_datum=feit.ingangsdatum
            )

    async def _verhuisd(self, session: AsyncSession, event: CloudEvent, gemeente: str) -> None:
        feit = _Verhuisd.model_validate(event.data)
        # The step is dated the day the regie here ended (the event), not the move itself, which may lie before it.
        async with work_in(session, self.source, principal=SYSTEEM, gemeente=gemeente) as ctx:
            aantal = await beeindig_na_verhuizing(ctx, feit.inburgeraar_id, event.time.date())
        logger.info("projectie: verhuisd %s: %d open procedure(s) beeindigd", event.id, aantal)

    async def _pip_vastgesteld(self, session: AsyncSession, event: CloudEvent, gemeente: str) -> None:
        feit = _PipVastgesteld.model_validate(event.data)
        await ProjectieRepository(session).upsert(
            feit.inburgeraar_id,
            gemeente,
            pip_id=feit.pip_id,
            pip_vastgesteld_datum=feit.ingangsdatum,
            pip_beeindigd_datum=None,
        )

    async def _pip_beeindigd(self, session: AsyncSession, event: CloudEvent, gemeente: str) -> None:
        feit = _PipBeeindigd.model_validate(event.data)
        await ProjectieRepository(session).upsert(feit.inburgeraar_id, gemeente, pip_beeindigd_datum=feit.datum)

    async def _oproep(self, session: AsyncSession, event: CloudEvent, gemeente: str) -> None:
        feit = _Oproep.model_validate(event.data)
        bewijs = {
            "oproepId": str(feit.oproep_id),
            "volgnummer": feit.volgnummer,
            "aantalNietVerschenen": feit.aantal_niet_verschenen,
        }
        datum = event.time.date()
        soort = _OPROEP[event.type]
        await self._kandidaat(session, event, gemeente, _Gedraging(feit.inburgeraar_id, soort, datum, datum, bewijs))

    async def _verzuim(self, session: AsyncSession, event: CloudEvent, gemeente: str) -> None:
        feit = _Verzuim.model_validate(event.data)
        if feit.uren_afwezig_ongeoorloofd <= 0:
            return
        bewijs = {
            "meldingId": str(feit.melding_id),
            "opdrachtId": str(feit.opdracht_id),
            "onderdeel": feit.onderdeel,
            "urenAfwezigOngeoorloofd": feit.uren_afwezig_ongeoorloofd,
        }
        soort = _ONDERDEEL.get(feit.onderdeel.lower(), Overtredingsoort.PIP_LEERROUTE)
        gedraging = _Gedraging(feit.inburgeraar_id, soort, feit.periode_van, feit.periode_tot, bewijs, feit.pip_id)
        await self._kandidaat(session, event, gemeente, gedraging)

    async def _gesprek_gemist(self, session: AsyncSession, event: CloudEvent, gemeente: str) -> None:
        feit = _GesprekGemist.model_validate(event.data)
        # The reason is free text and stays in pip-api (ids, codes and dates only here); whether one was given is
        # part of the evidence, and the dataref leads to the gesprek itself.
        bewijs = {
            "gesprekId": str(feit.gesprek_id),
            "geplandDatum": feit.gepland_datum.isoformat(),
            "vastgelegdOp": feit.vastgelegd_op.isoformat(),
            "redenOpgegeven": bool(feit.reden and feit.reden.strip()),
        }
        soort = Overtredingsoort.PIP_VOORTGANGSGESPREK
        gedraging = _Gedraging(feit.inburgeraar_id, soort, feit.gepland_datum, feit.gepland_datum, bewijs, feit.pip_id)
        await self._kandidaat(session, event, gemeente, gedraging, pip_vastgelegd=feit.vastgelegd_op)

    async def _onder_norm(self, session: AsyncSession, event: CloudEvent, gemeente: str) -> None:
        feit = _OnderNorm.model_validate(event.data)
        if feit.aanwezigheidspercentage >= feit.norm:
            return
        bewijs = {
            "opdrachtId": str(feit.opdracht_id),
            "onderdeel": feit.onderdeel,
            "aanwezigheidspercentage": feit.aanwezigheidspercentage,
            "norm": feit.norm,
            "aantalPerioden": feit.aantal_perioden,
        }
        soort = _ONDERDEEL.get(feit.onderdeel.lower(), Overtredingsoort.PIP_LEERROUTE)
        gedraging = _Gedraging(feit.inburgeraar_id, soort, feit.periode_van, feit.periode_tot, bewijs, feit.pip_id)
        await self._kandidaat(session, event, gemeente, gedraging, pip_vastgelegd=event.time.date())

    async def _kandidaat(
        self,
        session: AsyncSession,
        event: CloudEvent,
        gemeente: str,
        g: _Gedraging,
        *,
        pip_vastgelegd: date | None = None,
    ) -> None:
        """The candidate of `g`, once per event, if the gemeente enforces it for the person's doelgroep. With
        `pip_vastgelegd` (pip-api's sources, the day the gedraging was recorded) only if a boete on it could follow,
        so the klantregisseur gets no candidate they could only dismiss; pip-api's `pip-vastgesteld` comes through
        the same consumer, before the events about that PIP."""
        feit = await ProjectieRepository(session).get(g.inburgeraar_id, gemeente)
        doelgroep = Doelgroep(feit.doelgroep) if feit and feit.doelgroep in {d.value for d in Doelgroep} else None
        if not handhaafbaar(g.soort, doelgroep):
            return
        if feit is not None and feit.verhuisd_datum is not None:
            # The person moved away: the new gemeente enforces what follows.
            logger.info("projectie: event %s (%s) geen kandidaat: verhuisd", event.id, event.type)
            return
        bewijs = {**g.bewijs, "eventId": event.id, "bron": event.source}
        if pip_vastgelegd is not None:
            feiten = Persoonsfeiten(
                pip_vastgesteld=feit.pip_vastgesteld_datum if feit else None,
                pip_beeindigd=feit.pip_beeindigd_datum if feit else None,
                plicht_einde=feit.plicht_einde_datum if feit else None,
            )
            try:
                vereis_pip_boete_mogelijk(g.soort, feiten, g.van, pip_vastgelegd)
            except Weigering as weigering:
                logger.info("projectie: event %s (%s) geen kandidaat: %s", event.id, event.type, weigering.regel.code)
                return
            if event.dataref is not None:
                bewijs["dataref"] = event.dataref
        async with work_in(session, self.source, principal=SYSTEEM, gemeente=gemeente) as ctx:
            overtreding_id = await OvertredingRepository(session, gemeente).add_once(
                {
                    "id": uuid.uuid4(),
                    "gemeente_code": gemeente,
                    "inburgeraar_id": g.inburgeraar_id,
                    "soort": g.soort.value,
                    "categorie": g.soort.categorie.value,
                    "status": Procedurestatus.KANDIDAAT.value,
                    "gedraging_van": g.van,
                    "gedraging_tot": g.tot,
                    "bron": event.type,
                    "bron_id": event.id,
                    "bewijs": bewijs,
                    "pip_id": g.pip_id,
                    "berekening": [],
                }
            )
            if overtreding_id is not None:
                await ctx.verwerk(
                    activiteiten.OVERTREDING_REGISTREREN,
                    Actie.AANMAKEN,
                    object_type="overtreding",
                    object_id=overtreding_id,
                    betrokkene=ctx.log.betrokkene_van(g.inburgeraar_id),
                )
