from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import nats
import pytest
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from inburgering_kit.outbox import ensure_stream
from inburgering_kit.testing.events import StandIn
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import isolation
from inburgering_kit.testing.waiting import eventually
from pip_api.scopes import ROLLEN
from pip_api.services.aanbiedervoortgang import DURABLE as DURABLE_AANBIEDER
from pip_api.services.aanbiedervoortgang import AanbiederConsumer
from pip_api.services.aanbiedervoortgang import verwerk_event as verwerk_aanbieder_event
from pip_api.settings import Settings

INBURGERAAR_SOURCE = "urn:nld:oin:00000001234567890000:systeem:inburgeraar-api"


_isolated = isolation()


class InburgeraarApi(StandIn):
    """Stands in for inburgeraar-api."""

    source = INBURGERAAR_SOURCE
    context = "inburgeraar"

    async def registreer(
        self,
        *,
        doelgroep: str = "asielmigrant",
        brp: date | None = date(2026, 3, 2),
        gemeente: str = "0363",
        wacht: bool = True,
    ) -> uuid.UUID:
        inburgeraar_id = uuid.uuid4()
        await self.publish(
            "inburgeraar-geregistreerd",
            inburgeraar_id,
            {
                "inburgeraarId": str(inburgeraar_id),
                "doelgroep": doelgroep,
                "nareiziger": False,
                "status": "geregistreerd",
                "datumKoppeling": "2026-02-01",
                "datumInschrijvingBrp": brp.isoformat() if brp else None,
            },
            gemeente,
        )
        if wacht:
            await self.wacht_op(inburgeraar_id)
        return inburgeraar_id

    async def feit(self, inburgeraar_id: uuid.UUID) -> dict[str, Any] | None:
        async with self.database.engine.connect() as conn:
            row = (
                (
                    await conn.execute(
                        text("SELECT * FROM inburgeraar_feit WHERE inburgeraar_id = :i"), {"i": inburgeraar_id}
                    )
                )
                .mappings()
                .first()
            )
        return dict(row) if row else None

    async def wacht_op(self, inburgeraar_id: uuid.UUID, check: Callable[[dict[str, Any]], bool] = bool) -> None:
        async def klaar() -> bool:
            feit = await self.feit(inburgeraar_id)
            return feit is not None and check(feit)

        await eventually(klaar, what=f"projectie van {inburgeraar_id}")


@pytest.fixture
def inburgeraar_api(settings: Settings, database: Database) -> InburgeraarApi:
    return InburgeraarApi(settings, database)


@pytest.fixture
def auth(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(*ROLLEN["klantregisseur"])


AANBIEDER_SOURCE = "urn:nld:oin:00000001234567890000:systeem:aanbieder-api"


# aanbieder-api's events about one opdracht, shaped as its progress service emits them (contracts/events/
# nl.inburgering.aanbieder.*.json): one report is `voortgang-gemeld`, then `verzuim-gemeld` (only with unauthorised
# absence) and `uren-bijgewerkt` (the running totals), under one meldingId.
@dataclass
class Opdracht:
    """One opdracht under a PIP and the running totals aanbieder-api keeps for it."""

    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    onderdeel: str = "b1-route"
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    aanbieder_id: uuid.UUID = field(default_factory=uuid.uuid4)
    gemeente: str = "0363"
    status: str = "verstrekt"
    uren_aanwezig: float = 0
    uren_taal: float = 0
    uren_participatie: float = 0
    perioden: dict[tuple[date, date], float] = field(default_factory=dict)

    def _basis(self) -> dict[str, Any]:
        return {
            "opdrachtId": str(self.id),
            "pipId": str(self.pip_id),
            "inburgeraarId": str(self.inburgeraar_id),
            "aanbiederId": str(self.aanbieder_id),
            "onderdeel": self.onderdeel,
        }

    def event(self, type_: str, data: dict[str, Any], op: date | None = None) -> CloudEvent:
        moment = datetime.combine(op, time(10), UTC) if op else datetime.now(UTC)
        return CloudEvent(
            id=str(uuid.uuid4()),
            source=AANBIEDER_SOURCE,
            type=f"nl.inburgering.aanbieder.{type_}",
            time=moment,
            subject=str(self.id),
            gemeentecode=self.gemeente,
            data={**self._basis(), **data},
        )

    def verstrekt(self, start: date, einde: date) -> list[CloudEvent]:
        data = {"versie": 1, "geplandeStartdatum": start.isoformat(), "geplandeEinddatum": einde.isoformat()}
        return [self.event("opdracht-verstrekt", data, start)]

    def _voortgang(self, soort: str, melding: uuid.UUID, op: date | None) -> CloudEvent:
        if self.status == "verstrekt":
            self.status = "gestart"
        data = {"meldingId": str(melding), "soort": soort, "kanaal": "api", "status": self.status}
        return self.event("voortgang-gemeld", data, op)

    def start(self, op: date) -> list[CloudEvent]:
        return [self._voortgang("start", uuid.uuid4(), op)]

    def aanwezigheid(
        self,
        van: date,
        tot: date,
        aanwezig: float,
        ongeoorloofd: float = 0,
        geoorloofd: float = 0,
        op: date | None = None,
    ) -> list[CloudEvent]:
        melding = uuid.uuid4()
        op = op or tot
        events = [self._voortgang("aanwezigheid", melding, op)]
        # a report of the same period again replaces it (a correction): the running total moves by the difference
        self.uren_aanwezig += aanwezig - self.perioden.get((van, tot), 0)
        self.perioden[(van, tot)] = aanwezig
        if ongeoorloofd > 0:
            events.append(
                self.event(
                    "verzuim-gemeld",
                    {
                        "meldingId": str(melding),
                        "periodeVan": van.isoformat(),
                        "periodeTot": tot.isoformat(),
                        "urenAfwezigOngeoorloofd": ongeoorloofd,
                        "urenAfwezigGeoorloofd": geoorloofd,
                    },
                    op,
                )
            )
        events.append(self._uren(melding, op))
        return events

    def _uren(self, melding: uuid.UUID, op: date | None) -> CloudEvent:
        data = {
            "meldingId": str(melding),
            "urenAanwezig": self.uren_aanwezig,
            "urenTaal": self.uren_taal,
            "urenParticipatie": self.uren_participatie,
            "urenGecontracteerd": 800,
        }
        return self.event("uren-bijgewerkt", data, op)

    def z_route_uren(self, taal: float, participatie: float, op: date | None = None) -> list[CloudEvent]:
        melding = uuid.uuid4()
        self.uren_taal += taal
        self.uren_participatie += participatie
        return [self._voortgang("z-route-uren", melding, op), self._uren(melding, op)]

    def resultaat(self, soort: str, behaald: bool, op: date, niveau: str | None = None) -> list[CloudEvent]:
        melding = uuid.uuid4()
        if soort == "eindresultaat":
            self.status = "afgerond"
        events = [self._voortgang(soort, melding, op)]
        data: dict[str, Any] = {"meldingId": str(melding), "soort": soort, "datum": op.isoformat()}
        if behaald:
            events.append(self.event("resultaat-behaald", {**data, "niveau": niveau}, op))
        else:
            events.append(self.event("resultaat-niet-behaald", data, op))
        return events

    def tussenresultaat(self, op: date) -> list[CloudEvent]:
        return [self._voortgang("tussenresultaat", uuid.uuid4(), op)]

    def routeadvies(self, advies: str, op: date) -> list[CloudEvent]:
        melding = uuid.uuid4()
        return [
            self._voortgang("routeadvies", melding, op),
            self.event("routeadvies-ontvangen", {"meldingId": str(melding), "advies": advies}, op),
        ]

    def ingetrokken(self, op: date) -> list[CloudEvent]:
        self.status = "ingetrokken"
        return [self.event("opdracht-ingetrokken", {"versie": 2}, op)]


class AanbiederApi:
    """Stands in for aanbieder-api: its opdrachten, and their events applied through pip-api's consumer (inbox and
    handler, as the consumer runs them) or published to JetStream."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self.settings = settings
        self.database = database

    def opdracht(self, pip_id: uuid.UUID, inburgeraar_id: uuid.UUID, onderdeel: str = "b1-route") -> Opdracht:
        return Opdracht(pip_id, inburgeraar_id, onderdeel)

    async def pas_toe(self, events: list[CloudEvent]) -> None:
        consumer = AanbiederConsumer(
            self.database, self.settings.nats_url, durable=DURABLE_AANBIEDER, filter_subject="x",
            handler=verwerk_aanbieder_event, stream=self.settings.stream_name,
        )  # fmt: skip
        for event in events:
            async with self.database.unit_of_work() as uow:
                await consumer.apply(uow.session, event)
                await uow.commit()

    async def publiceer(self, events: list[CloudEvent]) -> None:
        nc = await nats.connect(self.settings.nats_url)
        try:
            js = nc.jetstream()
            await ensure_stream(js, self.settings.stream_name)
            for event in events:
                await js.publish(event.type, event.model_dump_json().encode(), headers={"Nats-Msg-Id": event.id})
        finally:
            await nc.close()

    async def rij(self, tabel: str, **waar: Any) -> list[dict[str, Any]]:
        voorwaarde = " AND ".join(f"{k} = :{k}" for k in waar)
        async with self.database.engine.connect() as conn:
            rows = await conn.execute(text(f"SELECT * FROM {tabel} WHERE {voorwaarde}"), waar)
            return [dict(r) for r in rows.mappings()]


@pytest.fixture
def aanbieder_api(settings: Settings, database: Database) -> AanbiederApi:
    return AanbiederApi(settings, database)
