"""Out: the owning contexts' events become reports to DUO, delivered exactly once through a DUO outage, a rejection
lands on the work list with DUO's reasons and is resent corrected under a new report id."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from inburgering_kit.testing.events import StandIn
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.waiting import eventually
from ketenuitwisseling.services import rapporteren
from ketenuitwisseling.settings import Settings

from .conftest import Keten

OIN = "00000001002564440000"
BSN = "999990019"


class PipApi(StandIn):
    source = f"urn:nld:oin:{OIN}:systeem:pip-api"
    context = "pip"


class AanbiederApi(StandIn):
    source = f"urn:nld:oin:{OIN}:systeem:aanbieder-api"
    context = "aanbieder"


class HandhavingApi(StandIn):
    source = f"urn:nld:oin:{OIN}:systeem:handhaving-api"
    context = "handhaving"


@pytest.fixture
def pip_api(settings: Settings, database: Database) -> PipApi:
    return PipApi(settings, database)


@pytest.fixture
def aanbieder_api(settings: Settings, database: Database) -> AanbiederApi:
    return AanbiederApi(settings, database)


@pytest.fixture
def handhaving_api(settings: Settings, database: Database) -> HandhavingApi:
    return HandhavingApi(settings, database)


def _pip_vastgesteld(inburgeraar_id: str) -> dict[str, object]:
    return {
        "pipId": str(uuid.uuid4()), "inburgeraarId": inburgeraar_id, "versie": 1, "leerroute": "b1",
        "taalniveau": "B1", "routeverplichting": "verplichting", "dagtekening": "2026-12-01",
        "ingangsdatum": "2026-12-02",
    }  # fmt: skip


async def _lijst(client: httpx.AsyncClient, tokens: TokenFactory, **params: str) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/rapportages", params=params, headers=tokens.headers("keten:lezen"))
    assert response.status_code == 200, response.text
    return list(response.json()["resultaten"])


class TestBezorging:
    async def test_duo_plat_dan_weer_op_eenmaal_ontvangen(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten, pip_api: PipApi
    ) -> None:
        inburgeraar_id = keten.inburgeraars.registreer(BSN)
        data = _pip_vastgesteld(inburgeraar_id)
        event_id = await pip_api.publish("pip-vastgesteld", uuid.UUID(str(data["pipId"])), data)
        await eventually(lambda: _aantal(client, tokens, 3), what="three reports queued (b, k, n)")
        keten.duo.plat = True
        for _ in range(3):
            await keten.bezorger.ronde()
        assert not keten.duo.rapportages
        wachtrij = await _lijst(client, tokens, status="wachtrij")
        assert len(wachtrij) == 3 and all(r["laatsteFout"] for r in wachtrij)
        keten.duo.plat = False
        await keten.leeg()
        ontvangen = await _lijst(client, tokens, status="ontvangen")
        assert sorted(r["item"] for r in ontvangen) == ["b", "k", "n"]
        assert len(keten.duo.rapportages) == 3
        for r in ontvangen:
            body = keten.duo.rapportages[str(r["id"])]["body"]
            assert body == {"item": r["item"], "gemeentecode": "0363", "bsn": BSN, "gegevens": r["gegevens"]}
        b = next(r for r in ontvangen if r["item"] == "b")
        assert b["gegevens"] == {"pipId": data["pipId"], "vastgesteldOp": "2026-12-01"}
        # The same event again (a relay that published twice): JetStream's de-duplication and the inbox leave it
        # at three reports, and DUO got each id once.
        await pip_api.publish("pip-vastgesteld", uuid.UUID(str(data["pipId"])), data)
        assert event_id
        # A new event id is a new report with the same content (the consumer queues it in its own time).
        await eventually(lambda: _aantal(client, tokens, 6), what="three more reports queued")
        await keten.leeg()
        assert len(await _lijst(client, tokens, status="ontvangen")) == 3 + 3
        assert keten.duo.ontvangen_puts == len(keten.duo.rapportages)

    async def test_afgewezen_op_de_werklijst_en_verbeterd_opnieuw(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten, handhaving_api: HandhavingApi
    ) -> None:
        inburgeraar_id = keten.inburgeraars.registreer(BSN)
        keten.duo.afwijzen_items = {"s"}
        boete = {
            "boeteId": str(uuid.uuid4()), "overtredingId": str(uuid.uuid4()), "inburgeraarId": inburgeraar_id,
            "categorie": "pip", "soort": "pip-pvt", "bedrag": 250, "besluitDatum": "2026-11-01",
            "verzendDatum": "2026-11-01",
        }  # fmt: skip
        await handhaving_api.publish("boete-opgelegd", uuid.UUID(str(boete["boeteId"])), boete)
        await eventually(lambda: _aantal(client, tokens, 1), what="report s queued")
        await keten.leeg()
        [afgewezen] = await _lijst(client, tokens, status="afgewezen")
        assert afgewezen["item"] == "s"
        assert afgewezen["redenen"] == [{"name": "gegevens.datum", "reason": "ontbreekt", "code": "verplicht"}]
        overzicht = (await client.get("/api/v1/overzicht", headers=tokens.headers("keten:lezen"))).json()
        assert overzicht["rapportagesAfgewezen"] == 1
        keten.duo.afwijzen_items = set()
        gegevens = {**afgewezen["gegevens"], "reden": "niet verschenen (verbeterd)"}
        response = await client.post(
            f"/api/v1/rapportages/{afgewezen['id']}/_corrigeren",
            json={"gegevens": gegevens},
            headers=tokens.headers("keten:schrijven"),
        )
        assert response.status_code == 201, response.text
        nieuw = response.json()
        assert nieuw["id"] != afgewezen["id"] and nieuw["vervangtId"] == afgewezen["id"]
        nogmaals = await client.post(
            f"/api/v1/rapportages/{afgewezen['id']}/_corrigeren",
            json={"gegevens": gegevens},
            headers=tokens.headers("keten:schrijven"),
        )
        assert nogmaals.status_code == 409
        await keten.leeg()
        assert keten.duo.rapportages[nieuw["id"]]["body"]["gegevens"] == gegevens
        assert not await _lijst(client, tokens, status="afgewezen")
        per_persoon = await client.get(
            f"/api/v1/inburgeraars/{inburgeraar_id}/uitwisselingen", headers=tokens.headers("keten:lezen")
        )
        assert {r["status"] for r in per_persoon.json()["gerapporteerd"]} == {"vervangen", "ontvangen"}

    async def test_wacht_zolang_het_bsn_ontbreekt(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten, pip_api: PipApi
    ) -> None:
        inburgeraar_id = keten.inburgeraars.registreer(None)
        data = _pip_vastgesteld(inburgeraar_id)
        await pip_api.publish("pip-vastgesteld", uuid.UUID(str(data["pipId"])), data)
        await eventually(lambda: _aantal(client, tokens, 3), what="reports queued")
        for _ in range(3):
            await keten.bezorger.ronde()
        assert not keten.duo.rapportages
        keten.inburgeraars.personen[inburgeraar_id]["bsn"] = BSN
        await keten.leeg()
        assert len(keten.duo.rapportages) == 3


class TestEinddatumDoorDeGemeente:
    """Report f, `bijgesteld`, from aanbieder-api's `opdracht-gewijzigd` (which names the changed fields only): the
    date is fetched from the opdracht version the event made, by the worker, while aanbieder-api may be down."""

    @staticmethod
    def _opdracht(keten: Keten, inburgeraar_id: str) -> tuple[str, dict[str, Any]]:
        opdracht_id = str(uuid.uuid4())
        keten.opdrachten.versies[opdracht_id] = [
            {"versie": 1, "inhoud": {"geplandeStartdatum": "2027-01-04", "geplandeEinddatum": "2027-06-30"}},
            {"versie": 2, "inhoud": {"geplandeStartdatum": "2027-01-04", "geplandeEinddatum": "2027-09-30"}},
        ]
        data = {
            "opdrachtId": opdracht_id, "pipId": None, "inburgeraarId": inburgeraar_id, "aanbiederId": str(uuid.uuid4()),
            "onderdeel": "map", "versie": 2, "gewijzigdeVelden": ["geplandeEinddatum"], "reden": "gemeente",
        }  # fmt: skip
        return opdracht_id, data

    async def test_aanbieder_api_plat_dan_f_bijgesteld_eenmaal_bij_duo(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten, aanbieder_api: AanbiederApi
    ) -> None:
        inburgeraar_id = keten.inburgeraars.registreer(BSN)
        opdracht_id, data = self._opdracht(keten, inburgeraar_id)
        keten.opdrachten.plat = True
        await aanbieder_api.publish("opdracht-gewijzigd", uuid.UUID(opdracht_id), data)
        await eventually(lambda: _aantal(client, tokens, 1, inburgeraarId=inburgeraar_id), what="report f queued")
        for _ in range(3):
            await keten.bezorger.ronde()
        assert keten.opdrachten.vragen >= 1 and not keten.duo.rapportages
        [wacht] = await _lijst(client, tokens, status="wachtrij", inburgeraarId=inburgeraar_id)
        assert wacht["item"] == "f" and "503" in wacht["laatsteFout"]
        keten.opdrachten.plat = False
        await keten.leeg()
        [f] = await _lijst(client, tokens, status="ontvangen", inburgeraarId=inburgeraar_id)
        gegevens = {"onderdeel": "map", "uitersteDatum": "2027-09-30", "bijgesteld": True}
        assert f["gegevens"] == gegevens
        assert keten.duo.rapportages[f["id"]]["body"] == {
            "item": "f", "gemeentecode": "0363", "bsn": BSN, "gegevens": gegevens,
        }  # fmt: skip

    async def test_zelfde_event_tweemaal_een_rapport(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten, database: Database
    ) -> None:
        inburgeraar_id = keten.inburgeraars.registreer(BSN)
        opdracht_id, data = self._opdracht(keten, inburgeraar_id)
        event = CloudEvent(
            id=str(uuid.uuid4()), source=AanbiederApi.source, type="nl.inburgering.aanbieder.opdracht-gewijzigd",
            time=datetime.now(UTC), subject=opdracht_id, gemeentecode="0363", data=data,
        )  # fmt: skip
        # Redelivered after the first was applied (the inbox aside): the report id is the event's and the item's.
        for _ in range(2):
            async with database.unit_of_work() as uow:
                await rapporteren.verwerk(uow.session, event)
                await uow.commit()
        [f] = await _lijst(client, tokens, inburgeraarId=inburgeraar_id)
        assert f["id"] == str(rapporteren.rapport_id(event.id, "f"))
        await keten.leeg()
        assert keten.duo.rapportages[f["id"]]["body"]["gegevens"]["uitersteDatum"] == "2027-09-30"
        assert keten.duo.ontvangen_puts == 1


async def _aantal(client: httpx.AsyncClient, tokens: TokenFactory, n: int, **params: str) -> bool:
    return len(await _lijst(client, tokens, **params)) >= n
