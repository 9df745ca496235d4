"""The leerbaarheidstoets instance's report (aanbieder-api's `leerbaarheidstoets-afgenomen`) becomes the brede
intake's leerbaarheidstoets as the instance's own report, through NATS and the durable consumer: recorded once,
its `leerbaarheidstoets-vastgelegd` raised once, a redelivery or a replay from the source changing nothing; a hand
entry stays possible and is marked as the gemeente's."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import nats
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from inburgeraar_api import scopes
from inburgeraar_api.services.aanbiedermeldingen import Aanbiedermeldingen
from inburgeraar_api.settings import Settings
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from inburgering_kit.outbox import ensure_stream
from inburgering_kit.problems import NotFound
from inburgering_kit.testing.events import StandIn
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.waiting import eventually

# The OIN of the test settings: the consumer believes aanbieder-api at that OIN only.
AANBIEDER_SOURCE = "urn:nld:oin:00000001002564440000:systeem:aanbieder-api"
VASTGELEGD = "nl.inburgering.inburgeraar.leerbaarheidstoets-vastgelegd"


class AanbiederApi(StandIn):
    source = AANBIEDER_SOURCE
    context = "aanbieder"


def afgenomen(inburgeraar_id: str, *, datum: str = "2026-03-12", melding_id: uuid.UUID | None = None) -> dict[str, Any]:
    return {
        "opdrachtId": str(uuid.uuid4()),
        "pipId": None,
        "inburgeraarId": inburgeraar_id,
        "aanbiederId": str(uuid.uuid4()),
        "onderdeel": "leerbaarheidstoets",
        "meldingId": str(melding_id or uuid.uuid4()),
        "datum": datum,
        "resultaat": "score 74",
        "geadviseerdeLeerroute": "b1",
    }


@pytest.fixture
def aanbieder_api(settings: Settings, database: Database) -> AanbiederApi:
    return AanbiederApi(settings, database)


@pytest.fixture
def lezen(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(scopes.INTAKE_LEZEN, scopes.INTAKE_SCHRIJVEN)


@pytest.fixture
async def persoon(client: httpx.AsyncClient, tokens: TokenFactory) -> str:
    created = await client.post(
        "/api/v1/inburgeraars",
        json={"bsn": "999993653", "doelgroep": "gezinsmigrant", "datumInschrijvingBrp": "2026-03-01"},
        headers=tokens.headers(scopes.INBURGERAAR_SCHRIJVEN),
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def _vastgelegd(database: Database, persoon: str) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT event FROM outbox WHERE event->>'type' = :t AND event->>'subject' = :s ORDER BY seq"),
            {"t": VASTGELEGD, "s": persoon},
        )
        return [r[0]["data"] for r in rows]


async def _meldingen(database: Database, persoon: str) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT * FROM leerbaarheidstoets_melding WHERE inburgeraar_id = :i ORDER BY ontvangen_at"),
            {"i": persoon},
        )
        return [dict(r) for r in rows.mappings()]


async def _intake(client: httpx.AsyncClient, persoon: str, headers: dict[str, str]) -> dict[str, Any]:
    r = await client.get(f"/api/v1/inburgeraars/{persoon}/brede-intake", headers=headers)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def _wacht_op_melding(database: Database, persoon: str, aantal: int) -> list[dict[str, Any]]:
    gezien: list[dict[str, Any]] = []

    async def klaar() -> bool:
        gezien[:] = await _meldingen(database, persoon)
        return len(gezien) >= aantal

    await eventually(klaar, what=f"{aantal} leerbaarheidstoets-melding(en)")
    return gezien


class TestLeerbaarheidstoetsVanDeInstantie:
    async def test_the_report_becomes_the_intakes_result_marked_as_the_providers_and_is_raised_once(
        self,
        client: httpx.AsyncClient,
        database: Database,
        settings: Settings,
        aanbieder_api: AanbiederApi,
        persoon: str,
        lezen: dict[str, str],
    ) -> None:
        data = afgenomen(persoon)
        event_id = await aanbieder_api.publish("leerbaarheidstoets-afgenomen", uuid.UUID(data["opdrachtId"]), data)
        await _wacht_op_melding(database, persoon, 1)
        toets = (await _intake(client, persoon, lezen))["leerbaarheidstoets"]
        assert toets["bron"] == "aanbieder" and toets["datum"] == "2026-03-12"
        assert (toets["resultaat"], toets["geadviseerdeLeerroute"]) == ("score 74", "b1")
        bron = toets["gemeldDoorAanbieder"]
        assert (bron["opdrachtId"], bron["aanbiederId"], bron["meldingId"]) == (
            data["opdrachtId"], data["aanbiederId"], data["meldingId"],
        )  # fmt: skip
        assert [(e["bron"], e["geadviseerdeLeerroute"]) for e in await _vastgelegd(database, persoon)] == [
            ("aanbieder", "b1")
        ]

        # A redelivery of the same event (JetStream's de-duplication window passed: another Nats-Msg-Id).
        event = CloudEvent(
            id=event_id, source=AANBIEDER_SOURCE, type="nl.inburgering.aanbieder.leerbaarheidstoets-afgenomen",
            time="2026-03-12T10:00:00Z", subject=data["opdrachtId"], gemeentecode="0363", data=data,
        )  # fmt: skip
        nc = await nats.connect(settings.nats_url)
        try:
            js = nc.jetstream()
            await ensure_stream(js, settings.stream_name)
            await js.publish(event.type, event.model_dump_json().encode(), headers={"Nats-Msg-Id": str(uuid.uuid4())})
        finally:
            await nc.close()
        # The source replays the same report under a new event id.
        await aanbieder_api.publish("leerbaarheidstoets-afgenomen", uuid.UUID(data["opdrachtId"]), data)
        # A marker after both: once it has landed, the two before it have been handled (one stream, in order).
        ander = afgenomen(persoon, datum="2026-03-01")
        await aanbieder_api.publish("leerbaarheidstoets-afgenomen", uuid.UUID(ander["opdrachtId"]), ander)
        meldingen = await _wacht_op_melding(database, persoon, 2)
        assert [str(m["melding_id"]) for m in meldingen] == [data["meldingId"], ander["meldingId"]]
        # The earlier test's late report is kept, not taken over: the intake keeps the later result.
        assert [m["overgenomen"] for m in meldingen] == [True, False]
        assert (await _intake(client, persoon, lezen))["leerbaarheidstoets"]["gemeldDoorAanbieder"] == bron
        assert len(await _vastgelegd(database, persoon)) == 1

    async def test_a_hand_entry_stays_possible_and_is_the_gemeentes(
        self,
        client: httpx.AsyncClient,
        database: Database,
        aanbieder_api: AanbiederApi,
        persoon: str,
        lezen: dict[str, str],
    ) -> None:
        data = afgenomen(persoon)
        await aanbieder_api.publish("leerbaarheidstoets-afgenomen", uuid.UUID(data["opdrachtId"]), data)
        await _wacht_op_melding(database, persoon, 1)
        hand = {"datum": "2026-04-20", "resultaat": "hertoets: score 80", "geadviseerdeLeerroute": "onderwijsroute",
                "instantie": "Toetsinstantie Noord"}  # fmt: skip
        r = await client.put(
            f"/api/v1/inburgeraars/{persoon}/brede-intake/leerbaarheidstoets", json=hand, headers=lezen
        )
        assert r.status_code == 200, r.text
        toets = r.json()["leerbaarheidstoets"]
        assert toets == {**hand, "bron": "gemeente", "gemeldDoorAanbieder": None}
        assert [e["bron"] for e in await _vastgelegd(database, persoon)] == ["aanbieder", "gemeente"]

    async def test_a_closed_intake_keeps_its_result_and_the_report_is_kept(
        self,
        client: httpx.AsyncClient,
        database: Database,
        aanbieder_api: AanbiederApi,
        persoon: str,
        lezen: dict[str, str],
    ) -> None:
        async with database.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO brede_intake (id, inburgeraar_id, status, afgerond_datum, afgerond_bij_afwezigheid, "
                    "resultaten, versie) VALUES (:id, :i, 'afgerond', '2026-05-01', true, '{}', 3)"
                ),
                {"id": uuid.uuid4(), "i": persoon},
            )
        data = afgenomen(persoon)
        await aanbieder_api.publish("leerbaarheidstoets-afgenomen", uuid.UUID(data["opdrachtId"]), data)
        assert [m["overgenomen"] for m in await _wacht_op_melding(database, persoon, 1)] == [False]
        assert (await _intake(client, persoon, lezen))["leerbaarheidstoets"] is None
        assert await _vastgelegd(database, persoon) == []

    async def test_a_report_about_a_person_this_gemeente_does_not_know_is_not_dropped(
        self, database: Database, app: FastAPI, persoon: str
    ) -> None:
        verwerking = Aanbiedermeldingen(app.state.publisher, app.state.api_prefix, app.state.verwerkingslog)
        for gemeente, wie in (("0363", str(uuid.uuid4())), ("0344", persoon)):
            data = afgenomen(wie)
            event = CloudEvent(
                id=str(uuid.uuid4()), source=AANBIEDER_SOURCE, time="2026-03-12T10:00:00Z", subject=data["opdrachtId"],
                type="nl.inburgering.aanbieder.leerbaarheidstoets-afgenomen", gemeentecode=gemeente, data=data,
            )  # fmt: skip
            # It fails, so the kit's consumer retries it and keeps it as a dead letter (visible, replayable).
            async with database.unit_of_work() as uow:
                with pytest.raises(NotFound):
                    await verwerking.verwerk(uow.session, event)
        assert await _meldingen(database, persoon) == []
