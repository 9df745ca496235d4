"""Across services, as deployed (issue 14, "Referrals before the PIP"): a klantregisseur registers an inburgeraar in
inburgeraar-api; aanbieder-api learns of the person from the event alone; before any PIP the gemeente refers the
person to a leerbaarheidstoets instance; the instance reports date, result and advised leerroute over the provider
API; the result appears in inburgeraar-api's brede intake as the instance's own report (never retyped), with
`leerbaarheidstoets-vastgelegd`. The instance never sees the BSN or the person's id; aanbieder-api keeps no BSN.

Both applications run with their real lifespans (relays, consumers, projections) over real PostgreSQL and a NATS
server of this module's own, so the stream holds only this flow's events.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import asyncpg
import jsonschema_rs
import pytest

from aanbieder_api.main import create_app as create_aanbieder_app
from aanbieder_api.scopes import ROLLEN as AANBIEDER_ROLLEN
from aanbieder_api.settings import Settings as AanbiederSettings
from inburgeraar_api import scopes as inburgeraar_scopes
from inburgeraar_api.main import create_app as create_inburgeraar_app
from inburgeraar_api.settings import Settings as InburgeraarSettings
from inburgering_kit.db import plain_url
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.keten import dienst_instellingen
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import Running
from inburgering_kit.testing.waiting import eventually

ROOT = Path(__file__).resolve().parents[1]
EVENTS_DIR = ROOT / "contracts" / "events"
BSN = "999990032"
GEMEENTE = "0363"
STREAM = "INBURGERING_FLOW_LEERBAARHEIDSTOETS"
API = "/api/v1"


def _gemeen(infra: Infra, nats_url: str, tokens: TokenFactory, service: str) -> dict[str, Any]:
    return dienst_instellingen(
        infra, tokens, ROOT, service, database="test_flow_lbt", nats_url=nats_url, stream_name=STREAM
    )


@pytest.fixture(scope="module")
def inburgeraar_settings(infra: Infra, nats_url: str, tokens: TokenFactory) -> InburgeraarSettings:
    return InburgeraarSettings(**_gemeen(infra, nats_url, tokens, "inburgeraar-api"))


@pytest.fixture(scope="module")
def aanbieder_settings(
    infra: Infra, nats_url: str, tokens: TokenFactory, tmp_path_factory: pytest.TempPathFactory
) -> AanbiederSettings:
    return AanbiederSettings(
        **_gemeen(infra, nats_url, tokens, "aanbieder-api"), upload_dir=tmp_path_factory.mktemp("aanleveringen")
    )


async def _text_of_every_table(database_url: str) -> str:
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


class TestRegistratieTotLeerbaarheidstoetsInDeBredeIntake:
    async def test_volledige_keten(
        self,
        inburgeraar_settings: InburgeraarSettings,
        aanbieder_settings: AanbiederSettings,
        tokens: TokenFactory,
    ) -> None:
        inburgeraar_api = await Running(create_inburgeraar_app(inburgeraar_settings)).start()
        aanbieder_api = await Running(create_aanbieder_app(aanbieder_settings)).start()
        try:
            # 1. inburgeraar-api: a gezinsmigrant is registered at BRP inschrijving. No PIP exists, none will here.
            regisseur = tokens.headers(*inburgeraar_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE)
            response = await inburgeraar_api.client.post(
                f"{API}/inburgeraars",
                json={
                    "bsn": BSN,
                    "doelgroep": "gezinsmigrant",
                    "datumInschrijvingBrp": "2026-03-02",
                    "contact": {"voornamen": "Amal", "achternaam": "Haddad"},
                },
                headers=regisseur,
            )
            assert response.status_code == 201, response.text
            inburgeraar_id = response.json()["id"]

            # 2. aanbieder-api: the gemeente's contract manager registers the leerbaarheidstoets instance.
            beheer = tokens.headers(*AANBIEDER_ROLLEN["contractmanager"], gemeente=GEMEENTE, client_id="portaal")
            response = await aanbieder_api.client.post(
                f"{API}/aanbieders",
                json={"naam": "Toetsinstantie Noord", "kvkNummer": "87654321", "diensten": ["leerbaarheidstoets"]},
                headers=beheer,
            )
            assert response.status_code == 201, response.text
            aanbieder_id = response.json()["id"]
            contract = {
                "kenmerk": "INK-2026-07",
                "begindatum": "2026-01-01",
                "einddatum": "2027-12-31",
                "diensten": [{"dienst": "leerbaarheidstoets", "uren": 1000}],
            }
            response = await aanbieder_api.client.post(
                f"{API}/aanbieders/{aanbieder_id}/contracten", json=contract, headers=beheer
            )
            assert response.status_code == 201, response.text
            client_id = "toetsinstantie-systeem"
            response = await aanbieder_api.client.post(
                f"{API}/aanbieders/{aanbieder_id}/api-clients",
                json={"clientId": client_id, "omschrijving": "Toetsplanning"},
                headers=beheer,
            )
            assert response.status_code == 201, response.text

            # 3. The referral, before any PIP: aanbieder-api knows the person from inburgeraar-geregistreerd alone.
            verwijzer = tokens.headers(*AANBIEDER_ROLLEN["klantregisseur"], gemeente=GEMEENTE, client_id="portaal")
            verwijzing = {
                "inburgeraarId": inburgeraar_id,
                "aanbiederId": aanbieder_id,
                "onderdeel": "leerbaarheidstoets",
                "inhoud": {
                    "deelnemer": {"roepnaam": "Amal", "achternaam": "Haddad", "voorkeurstaal": "Arabisch"},
                    "geplandeStartdatum": "2026-03-16",
                    "geplandeEinddatum": "2026-03-16",
                },
            }
            opdracht: dict[str, Any] = {}

            async def verwezen() -> bool:
                response = await aanbieder_api.client.post(
                    f"{API}/opdrachten", json=verwijzing, headers={**verwijzer, "Idempotency-Key": "flow-lbt-1"}
                )
                if response.status_code == 422 and response.json()["code"] == "inburgeraar-onbekend":
                    return False
                assert response.status_code == 201, response.text
                opdracht.update(response.json())
                return True

            # The same Idempotency-Key on every try: only a 201 is stored, a refusal is not replayed.
            await eventually(verwezen, what="inburgeraar-geregistreerd in de projectie van aanbieder-api")
            assert opdracht["pipId"] is None and opdracht["inburgeraarId"] == inburgeraar_id

            # 4. The instance sees its deelnemer under a pseudonym and reports the test.
            instantie = tokens.headers(
                *AANBIEDER_ROLLEN["aanbieder"], gemeente=GEMEENTE, client_id=client_id, aanbieder_id=aanbieder_id
            )
            response = await aanbieder_api.client.get(f"{API}/toegewezen-opdrachten", headers=instantie)
            assert response.status_code == 200, response.text
            assert inburgeraar_id not in response.text and BSN not in response.text
            melding = {"soort": "leerbaarheidstoets", "datum": "2026-03-16", "resultaat": "score 61", "leerroute": "b1"}
            response = await aanbieder_api.client.post(
                f"{API}/toegewezen-opdrachten/{opdracht['id']}/meldingen",
                json=melding,
                headers={**instantie, "Idempotency-Key": "flow-lbt-melding-1"},
            )
            assert response.status_code in (200, 201), response.text

            # 5. inburgeraar-api: the result is in the brede intake, as the instance's report.
            lezen = tokens.headers(*inburgeraar_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE)
            toets: dict[str, Any] = {}

            async def in_de_intake() -> bool:
                response = await inburgeraar_api.client.get(
                    f"{API}/inburgeraars/{inburgeraar_id}/brede-intake", headers=lezen
                )
                assert response.status_code == 200, response.text
                toets.update(response.json()["leerbaarheidstoets"] or {})
                return bool(toets)

            await eventually(in_de_intake, what="de leerbaarheidstoets in de brede intake")
        finally:
            await aanbieder_api.stop()
            await inburgeraar_api.stop()

        assert (toets["bron"], toets["datum"], toets["resultaat"], toets["geadviseerdeLeerroute"]) == (
            "aanbieder",
            "2026-03-16",
            "score 61",
            "b1",
        )
        assert toets["gemeldDoorAanbieder"]["opdrachtId"] == opdracht["id"]
        assert toets["gemeldDoorAanbieder"]["aanbiederId"] == aanbieder_id

        # leerbaarheidstoets-vastgelegd left inburgeraar-api's outbox once, marked as the provider's, valid.
        conn = await asyncpg.connect(plain_url(inburgeraar_settings.database_url))
        try:
            rows = await conn.fetch(
                "SELECT event FROM outbox WHERE event->>'type' = $1",
                "nl.inburgering.inburgeraar.leerbaarheidstoets-vastgelegd",
            )
        finally:
            await conn.close()
        assert len(rows) == 1
        document = json.loads(rows[0]["event"])
        assert document["data"]["bron"] == "aanbieder" and document["subject"] == inburgeraar_id
        schema = json.loads((EVENTS_DIR / "nl.inburgering.inburgeraar.leerbaarheidstoets-vastgelegd.json").read_text())
        validator = jsonschema_rs.validator_for(schema, validate_formats=True)
        assert [e.message for e in validator.iter_errors(document)] == []

        # The BSN stayed at its source: nowhere in aanbieder-api (tables, outbox of events).
        alles = await _text_of_every_table(aanbieder_settings.database_url)
        assert inburgeraar_id in alles
        assert BSN not in alles
