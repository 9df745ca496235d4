"""Across services, as deployed: a klantregisseur registers an inburgeraar in inburgeraar-api; its event reaches
pip-api through NATS (inburgeraar-api's relay → JetStream → pip-api's projection consumer); pip-api keeps working
with inburgeraar-api stopped; the PIP is vastgesteld and a consumer elsewhere sees pip-vastgesteld, valid against
its published schema, without the BSN anywhere in pip-api's events or tables.

Both applications run with their real lifespans (relays, consumer) over real PostgreSQL and a NATS server of this
module's own: the stream then holds only this flow's events, and no other test's consumer shares a durable name.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import jsonschema_rs
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from inburgeraar_api import scopes as inburgeraar_scopes
from inburgeraar_api.main import create_app as create_inburgeraar_app
from inburgeraar_api.settings import Settings as InburgeraarSettings
from inburgering_kit.auth import AuthSettings
from inburgering_kit.consumer import EventConsumer
from inburgering_kit.db import Database, plain_url
from inburgering_kit.events import CloudEvent
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory
from inburgering_kit.testing.service import Running
from inburgering_kit.testing.waiting import eventually
from pip_api import scopes as pip_scopes
from pip_api.main import create_app as create_pip_app
from pip_api.settings import Settings as PipSettings

ROOT = Path(__file__).resolve().parents[1]
EVENTS_DIR = ROOT / "contracts" / "events"
BSN = "999990019"
GEMEENTE = "0363"
STREAM = "INBURGERING_FLOW"


def _auth(tokens: TokenFactory) -> AuthSettings:
    return AuthSettings(issuers=[TEST_ISSUER], audience=TEST_AUDIENCE, public_key_file=tokens.public_key)


@pytest.fixture(scope="module")
def inburgeraar_settings(infra: Infra, nats_url: str, tokens: TokenFactory) -> InburgeraarSettings:
    return InburgeraarSettings(
        environment="test",
        database_url=infra.migrated_database(
            "test_flow_inburgeraar_api", ROOT / "services" / "inburgeraar-api" / "migrations"
        ),
        nats_url=nats_url,
        public_base_url="http://inburgeraar-api.test",
        auth=_auth(tokens),
        stream_name=STREAM,
    )


@pytest.fixture(scope="module")
def pip_settings(infra: Infra, nats_url: str, tokens: TokenFactory) -> PipSettings:
    return PipSettings(
        environment="test",
        database_url=infra.migrated_database("test_flow_pip_api", ROOT / "services" / "pip-api" / "migrations"),
        nats_url=nats_url,
        public_base_url="http://pip-api.test",
        auth=_auth(tokens),
        stream_name=STREAM,
    )


class Consumer:
    """Another system subscribed to pip-api's events: a durable JetStream consumer of `nl.inburgering.pip.>`."""

    def __init__(self) -> None:
        self.events: list[CloudEvent] = []

    async def handler(self, session: AsyncSession, event: CloudEvent) -> None:
        self.events.append(event)


@pytest.fixture(scope="module")
def afnemer_database_url(infra: Infra) -> str:
    # A database of its own for its inbox (the kit's tables): the consumer is another system, not part of pip-api.
    return infra.migrated_database("test_flow_afnemer", ROOT / "services" / "pip-api" / "migrations")


@pytest.fixture
async def consumer(afnemer_database_url: str, pip_settings: PipSettings) -> AsyncIterator[Consumer]:
    database = Database(afnemer_database_url, pool_size=2)
    seen = Consumer()
    stop = asyncio.Event()
    runner = EventConsumer(
        database,
        pip_settings.nats_url,
        durable="flow-afnemer",
        filter_subject="nl.inburgering.pip.>",
        handler=seen.handler,
        stream=STREAM,
    )
    task = asyncio.create_task(runner.run(stop))
    try:
        yield seen
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)
        await database.dispose()


async def _text_of_every_table(database_url: str) -> str:
    """Every row of every table of a database as text: to prove a value is nowhere in it."""
    conn = await asyncpg.connect(plain_url(database_url))
    try:
        tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        parts: list[str] = []
        for table in tables:
            rows = await conn.fetch(f'SELECT CAST(t AS text) FROM "{table["tablename"]}" t')
            parts.extend(row[0] for row in rows)
        return "\n".join(parts)
    finally:
        await conn.close()


class TestRegistratieTotPipVastgesteld:
    async def test_volledige_keten(
        self,
        inburgeraar_settings: InburgeraarSettings,
        pip_settings: PipSettings,
        tokens: TokenFactory,
        consumer: Consumer,
    ) -> None:
        inburgeraar_api = await Running(create_inburgeraar_app(inburgeraar_settings)).start()
        pip_api = await Running(create_pip_app(pip_settings)).start()
        try:
            # 1. inburgeraar-api: the klantregisseur registers an asielmigrant after the koppeling.
            registreer = tokens.headers(*inburgeraar_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE)
            response = await inburgeraar_api.client.post(
                "/api/v1/inburgeraars",
                json={
                    "bsn": BSN,
                    "doelgroep": "asielmigrant",
                    "datumKoppeling": "2026-02-01",
                    "datumInschrijvingBrp": "2026-03-02",
                    "contact": {"voornamen": "Amal", "achternaam": "Haddad"},
                    "klantregisseur": "k.de.vries",
                },
                headers=registreer,
            )
            assert response.status_code == 201, response.text
            inburgeraar_id = response.json()["id"]

            # 2. pip-api learns of the inburgeraar from the event alone (projection), not by asking inburgeraar-api.
            plan = tokens.headers(*pip_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE)
            concept = {"inburgeraarId": inburgeraar_id, "leerroute": "b1", "taalniveau": "B1", "intensiteit": "hoog"}
            aangemaakt: dict[str, Any] = {}

            async def concept_opgesteld() -> bool:
                response = await pip_api.client.post("/api/v1/pips", json=concept, headers=plan)
                if response.status_code == 422 and response.json()["code"] == "inburgeraar-onbekend":
                    return False
                assert response.status_code == 201, response.text
                aangemaakt.update(response.json())
                return True

            await eventually(concept_opgesteld, what="inburgeraar-geregistreerd in de projectie van pip-api")

            # 3. inburgeraar-api goes down; the plan context keeps deciding on its own projection.
            await inburgeraar_api.stop()
            pip_id = aangemaakt["id"]
            datums = {"dagtekening": "2026-05-04", "verzenddatum": "2026-05-05", "ingangsdatum": "2026-05-04"}
            response = await pip_api.client.post(f"/api/v1/pips/{pip_id}/_vaststellen", json=datums, headers=plan)
            assert response.status_code == 200, response.text
            vastgesteld = response.json()
            assert (vastgesteld["status"], vastgesteld["versie"], vastgesteld["routeverplichting"]) == (
                "vastgesteld",
                1,
                "verplichting",
            )
            # The 3-year termijn of an asielmigrant runs from the PIP's dagtekening (DOMAIN §2 step 7).
            termijn = next(t for t in vastgesteld["termijnen"] if t["soort"] == "inburgeringstermijn")
            assert (termijn["startdatum"], termijn["einddatum"]) == ("2026-05-04", "2029-05-04")

            # 4. Another system sees pip-vastgesteld through pip-api's relay and JetStream.
            await eventually(
                lambda: _gezien(consumer, "nl.inburgering.pip.pip-vastgesteld"), what="pip-vastgesteld bij de afnemer"
            )
        finally:
            await pip_api.stop()
            await inburgeraar_api.stop()

        event = next(e for e in consumer.events if e.type == "nl.inburgering.pip.pip-vastgesteld")
        assert event.subject == pip_id
        assert event.gemeentecode == GEMEENTE
        assert (event.data["inburgeraarId"], event.data["routeverplichting"]) == (inburgeraar_id, "verplichting")
        assert event.dataref == f"http://pip-api.test/api/v1/pips/{pip_id}/versies/1"
        document = json.loads(event.model_dump_json(exclude_none=True))
        schema = json.loads((EVENTS_DIR / "nl.inburgering.pip.pip-vastgesteld.json").read_text())
        validator = jsonschema_rs.validator_for(schema, validate_formats=True)
        assert [e.message for e in validator.iter_errors(document)] == []
        # Exactly once, whatever JetStream redelivered.
        assert [e.id for e in consumer.events].count(event.id) == 1

        # The BSN and the name stayed at their source: in no event and no table of pip-api.
        alles = await _text_of_every_table(pip_settings.database_url)
        assert inburgeraar_id in alles
        for geheim in (BSN, "Haddad", "Amal"):
            assert geheim not in alles
            assert all(geheim not in e.model_dump_json() for e in consumer.events)


async def _gezien(consumer: Consumer, event_type: str) -> bool:
    return any(e.type == event_type for e in consumer.events)
