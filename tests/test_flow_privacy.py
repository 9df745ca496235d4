"""Across services, as deployed: the privacy view and retention of one person (issue 15 §4-5).

inburgeraar-api registers a person and receives DUO's plicht facts up to its end; pip-api learns the person and the
end of the plicht from the events alone (NATS) and holds a plan. The privacy officer searches once by BSN in
inburgeraar-api and sees both services' processing in time order under one pseudonym, pip-api never seeing the BSN;
the inzageverzoek gives one document. Then time travel: the day after five years each service's own retention job
deletes its own data, and only the 50-year data stay in inburgeraar-api.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from inburgeraar_api import scopes as inburgeraar_scopes
from inburgeraar_api.main import create_app as create_inburgeraar_app
from inburgeraar_api.services.retentie import opruimer as inburgeraar_opruimer
from inburgeraar_api.settings import Settings as InburgeraarSettings
from inburgering_kit.db import Database
from inburgering_kit.retentie import voer_uit
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.keten import dienst_instellingen
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import Running
from inburgering_kit.testing.waiting import eventually
from pip_api import scopes as pip_scopes
from pip_api.main import create_app as create_pip_app
from pip_api.services.retentie import opruimer as pip_opruimer
from pip_api.settings import Settings as PipSettings

ROOT = Path(__file__).resolve().parents[1]
BSN = "999990032"
GEMEENTE = "0363"
STREAM = "INBURGERING_FLOW_PRIVACY"
PIP_URL = "http://pip-api.test"


def _gemeen(infra: Infra, nats_url: str, tokens: TokenFactory, service: str) -> dict[str, Any]:
    return dienst_instellingen(
        infra, tokens, ROOT, service, database="test_flow_pr", nats_url=nats_url, stream_name=STREAM
    )


@pytest.fixture(scope="module")
def instellingen(infra: Infra, nats_url: str, tokens: TokenFactory) -> tuple[InburgeraarSettings, PipSettings]:
    return (
        InburgeraarSettings(
            **_gemeen(infra, nats_url, tokens, "inburgeraar-api"), privacy_bronnen={"pip-api": f"{PIP_URL}/api/v1"}
        ),
        PipSettings(**_gemeen(infra, nats_url, tokens, "pip-api")),
    )


async def _rows(database: Database, sql: str, **params: Any) -> list[Any]:
    async with database.engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


async def test_een_zoekvraag_op_bsn_en_bewaartermijnen_in_elke_dienst(
    instellingen: tuple[InburgeraarSettings, PipSettings], tokens: TokenFactory
) -> None:
    inburgeraar_instellingen, pip_instellingen = instellingen
    inburgeraar_api = await Running(create_inburgeraar_app(inburgeraar_instellingen)).start()
    pip_api = await Running(create_pip_app(pip_instellingen)).start()
    # The privacy view reaches pip-api as over the network, here through its ASGI app.
    privacy_client = httpx.AsyncClient(mounts={f"{PIP_URL}/": httpx.ASGITransport(app=pip_api.app)})
    inburgeraar_api.app.state.privacy_client = privacy_client
    try:
        ik = tokens.headers(*inburgeraar_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE)
        response = await inburgeraar_api.client.post(
            "/api/v1/inburgeraars",
            json={
                "bsn": BSN,
                "doelgroep": "asielmigrant",
                "datumKoppeling": "2022-01-03",
                "datumInschrijvingBrp": "2022-01-10",
                "contact": {"voornamen": "Amal", "achternaam": "Haddad", "email": "amal@example.org"},
            },
            headers=ik,
        )
        assert response.status_code == 201, response.text
        inburgeraar_id = response.json()["id"]

        # pip-api learns the person from the events and holds a plan.
        pip = tokens.headers(*pip_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE)
        plan = {
            "inburgeraarId": inburgeraar_id,
            "leerroute": "b1",
            "taalniveau": "B1",
            "knm": {"aanbieder": "Taalschool Noord"},
            "klantregisseur": "k.de.vries",
        }
        aangemaakt: list[httpx.Response] = []

        async def pip_opgesteld() -> bool:
            aangemaakt[:] = [await pip_api.client.post("/api/v1/pips", json=plan, headers=pip)]
            return aangemaakt[0].status_code == 201

        await eventually(pip_opgesteld, what="PIP opgesteld zodra pip-api de inburgeraar kent")

        # DUO: the plicht, and its end.
        duo = tokens.headers(*inburgeraar_scopes.ROLLEN["duo"], gemeente=GEMEENTE)
        for mutatie in (
            {"soort": "plicht-vastgesteld", "ingangsdatum": "2022-01-10", "bron": "DUO"},
            {"soort": "plicht-vervallen", "ingangsdatum": "2024-03-01", "bron": "DUO", "reden": "examen behaald"},
        ):
            response = await inburgeraar_api.client.post(
                f"/api/v1/inburgeraars/{inburgeraar_id}/plicht-mutaties", json=mutatie, headers=duo
            )
            assert response.status_code == 201, response.text
        pip_db: Database = pip_api.app.state.database

        async def einde_bekend() -> bool:
            return bool(await _rows(pip_db, "SELECT 1 FROM retentie_betrokkene WHERE einde_plicht_datum IS NOT NULL"))

        await eventually(einde_bekend, what="einde van de plicht in pip-api")

        # One search by BSN: both services, in time order, one pseudonym; pip-api never saw the BSN.
        officer = tokens.headers(
            *inburgeraar_scopes.ROLLEN["privacy-officer"], gemeente=GEMEENTE, client_id="client-privacy-officer"
        )
        response = await inburgeraar_api.client.post("/api/v1/privacy/_zoek", json={"bsn": BSN}, headers=officer)
        assert response.status_code == 200, response.text
        gevonden = response.json()
        assert gevonden["nietBereikt"] == []
        verwerkingen = gevonden["verwerkingen"]
        assert {r["service"] for r in verwerkingen} == {"inburgeraar-api", "pip-api"}
        assert [r["tijdstip"] for r in verwerkingen] == sorted(r["tijdstip"] for r in verwerkingen)
        assert len({r["betrokkene"] for r in verwerkingen}) == 1
        pip_log = await _rows(pip_db, "SELECT v::text FROM verwerking v")
        assert pip_log and all(BSN not in row[0] for row in pip_log)

        # The inzageverzoek: one document with both services' data.
        response = await inburgeraar_api.client.post(
            "/api/v1/privacy/inzageverzoeken", json={"bsn": BSN}, headers=officer
        )
        assert response.status_code == 200, response.text
        for expected in ("Haddad", "pip-api", "Taalschool Noord", aangemaakt[0].json()["id"]):
            assert expected in response.text

        # Time travel: kept through 1 March 2029, gone the day after, each service by its own job.
        inburgeraar_db: Database = inburgeraar_api.app.state.database
        for dag, pips in ((date(2029, 3, 1), 1), (date(2029, 3, 2), 0)):
            await voer_uit(pip_db, "pip-api", pip_opruimer(pip_instellingen), dag)
            await voer_uit(inburgeraar_db, "inburgeraar-api", inburgeraar_opruimer(inburgeraar_instellingen), dag)
            assert len(await _rows(pip_db, "SELECT 1 FROM pip")) == pips
        kern = await _rows(inburgeraar_db, "SELECT bsn, contact FROM inburgeraar")
        assert kern == [(BSN, {"voornamen": "Amal", "achternaam": "Haddad"})]
        response = await inburgeraar_api.client.post("/api/v1/privacy/_zoek", json={"bsn": BSN}, headers=officer)
        na = response.json()["verwerkingen"]
        # What is left is the officer's own search just now: every earlier record went with the data.
        assert {r["activiteit"] for r in na} <= {"inzien verwerkingenlog"}
    finally:
        await privacy_client.aclose()
        await pip_api.stop()
        await inburgeraar_api.stop()
