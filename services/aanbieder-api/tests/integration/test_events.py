"""Events leave through the outbox and JetStream exactly once, each valid against its published schema, and a
redelivered PIP event changes the projection once."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import jsonschema_rs
import nats
from sqlalchemy import text

from aanbieder_api.settings import Settings
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent, source_urn
from inburgering_kit.testing.events import Recorder, recorder_fixture
from inburgering_kit.testing.waiting import eventually

if TYPE_CHECKING:
    from .conftest import Omgeving

API = "/api/v1"
EVENTS_DIR = Path(__file__).resolve().parents[4] / "contracts" / "events"
DURABLE = "test-aanbieder-ontvanger"


ontvanger = recorder_fixture(durable=DURABLE, filter_subject="nl.inburgering.aanbieder.>")


async def _outbox_count(database: Database) -> int:
    async with database.engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM outbox"))).scalar_one())


class TestEvents:
    async def test_every_event_reaches_a_consumer_once_and_matches_its_schema(
        self, client: httpx.AsyncClient, omgeving: Omgeving, database: Database, ontvanger: Recorder
    ) -> None:
        aanbieder = await omgeving.aanbieder(diensten=("b1-route", "leerbaarheidstoets"))
        opdracht = await omgeving.opdracht(aanbieder)
        toets = await omgeving.opdracht(aanbieder, onderdeel="leerbaarheidstoets")
        meldingen: list[tuple[dict[str, Any], dict[str, Any]]] = [
            (
                opdracht,
                {
                    "soort": "aanwezigheid",
                    "periodeVan": "2026-04-01",
                    "periodeTot": "2026-04-30",
                    "urenAanwezig": 30,
                    "urenAfwezigOngeoorloofd": 3,
                },
            ),
            (
                opdracht,
                {"soort": "examenresultaat", "datum": "2026-12-01", "onderdeel": "lezen", "resultaat": "behaald"},
            ),
            (
                opdracht,
                {"soort": "routeadvies", "datum": "2026-12-02", "advies": "opschalen", "reden": "snelle voortgang"},
            ),
            (toets, {"soort": "leerbaarheidstoets", "datum": "2026-04-02", "resultaat": "hoog"}),
        ]
        for o, body in meldingen:
            r = await client.post(
                f"{API}/toegewezen-opdrachten/{o['id']}/meldingen",
                json=body,
                headers={**aanbieder.headers, "Idempotency-Key": f"e-{uuid.uuid4()}"},
            )
            assert r.status_code == 201, r.text
        await client.post(
            f"{API}/opdrachten/{opdracht['id']}/_wijzigen",
            json={"wijzigingen": {"uren": 650}, "reden": "extra"},
            headers=omgeving.regisseur,
        )
        await client.post(f"{API}/opdrachten/{toets['id']}/_intrekken", json={"reden": "x"}, headers=omgeving.regisseur)
        verwacht = await _outbox_count(database)
        events = await ontvanger.wacht_op(verwacht)
        await asyncio.sleep(0.5)
        assert len(events) == verwacht == len({e.id for e in events})
        soorten = {e.type.removeprefix("nl.inburgering.aanbieder.") for e in events}
        assert soorten == {
            "opdracht-verstrekt",
            "voortgang-gemeld",
            "verzuim-gemeld",
            "uren-bijgewerkt",
            "resultaat-behaald",
            "routeadvies-ontvangen",
            "leerbaarheidstoets-afgenomen",
            "opdracht-gewijzigd",
            "opdracht-ingetrokken",
        }
        validators: dict[str, Any] = {}
        for event in events:
            if event.type not in validators:
                schema = json.loads((EVENTS_DIR / f"{event.type}.json").read_text())
                validators[event.type] = jsonschema_rs.validator_for(schema, validate_formats=True)
            document = json.loads(event.model_dump_json())
            assert [e.message for e in validators[event.type].iter_errors(document)] == [], event.type
            assert event.dataref and event.dataref.startswith("http://test/api/v1/opdrachten/")
        sample = json.loads(events[0].model_dump_json())
        assert not validators[events[0].type].is_valid({**sample, "data": {**sample["data"], "bsn": "999999990"}})


class TestProjectie:
    async def test_a_redelivered_pip_event_changes_the_opdracht_once(
        self, client: httpx.AsyncClient, omgeving: Omgeving, settings: Settings
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        pip = await omgeving.pip_api.vastgesteld()
        opdracht = await omgeving.opdracht(aanbieder, pip=pip)
        event = CloudEvent(
            id=str(uuid.uuid4()),
            source=source_urn(settings.oin, "pip-api"),
            type="nl.inburgering.pip.pip-gewijzigd",
            time="2026-06-01T00:00:00Z",
            subject=str(pip[0]),
            gemeentecode="0363",
            data={
                "pipId": str(pip[0]),
                "inburgeraarId": str(pip[1]),
                "versie": 2,
                "ingangsdatum": "2026-06-01",
                "gewijzigdeVelden": ["map"],
            },
        )
        nc = await nats.connect(settings.nats_url)
        try:
            js = nc.jetstream()
            # Twice on the wire, the second time outside JetStream's de-duplication (another Nats-Msg-Id).
            await js.publish(event.type, event.model_dump_json().encode(), headers={"Nats-Msg-Id": event.id})
            await js.publish(event.type, event.model_dump_json().encode(), headers={"Nats-Msg-Id": f"{event.id}-2"})
        finally:
            await nc.close()

        async def twee() -> bool:
            r = await client.get(f"{API}/opdrachten/{opdracht['id']}", headers=omgeving.regisseur)
            return bool(r.json()["pipTeHerzien"])

        await eventually(twee, what="PIP-wijziging verwerkt")
        await asyncio.sleep(1.0)
        r = await client.get(f"{API}/opdrachten/{opdracht['id']}/versies", headers=omgeving.regisseur)
        assert [v["versie"] for v in r.json()["resultaten"]] == [1, 2] and r.json()["totalItems"] == 2
