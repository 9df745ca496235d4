"""Across services, as deployed: an oproep for the brede intake missed in inburgeraar-api becomes a candidate in
handhaving-api through NATS (relay → JetStream → projection consumer); the klantregisseur walks the procedure to a
boetebesluit, and notificaties delivers its `boete-opgelegd` to a gemeente's webhook subscriber.

All three applications run with their real lifespans over real PostgreSQL and a NATS server of this module's own.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from handhaving_api import scopes as handhaving_scopes
from handhaving_api.main import create_app as create_handhaving_app
from handhaving_api.settings import Settings as HandhavingSettings
from inburgeraar_api import scopes as inburgeraar_scopes
from inburgeraar_api.main import create_app as create_inburgeraar_app
from inburgeraar_api.settings import Settings as InburgeraarSettings
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.keten import dienst_instellingen
from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import Running
from inburgering_kit.testing.waiting import eventually
from notificaties import scopes as notificaties_scopes
from notificaties.main import create_app as create_notificaties_app
from notificaties.settings import Settings as NotificatiesSettings

ROOT = Path(__file__).resolve().parents[1]
BSN = "999990020"
GEMEENTE = "0363"
STREAM = "INBURGERING_FLOW_HANDHAVING"


def _gemeen(infra: Infra, nats_url: str, tokens: TokenFactory, service: str) -> dict[str, Any]:
    return dienst_instellingen(
        infra, tokens, ROOT, service, database="test_flow_hh", nats_url=nats_url, stream_name=STREAM
    )


class Webhook:
    def __init__(self) -> None:
        self.ontvangen: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    async def endpoint(self, request: Request) -> Response:
        body = json.loads(await request.body())
        with self.lock:
            self.ontvangen.append(body)
        return Response(status_code=204)

    def types(self) -> list[str]:
        with self.lock:
            return [e["type"] for e in self.ontvangen]


@pytest.fixture
def webhook() -> Iterator[tuple[Webhook, str]]:
    hook = Webhook()
    with live_server(Starlette(routes=[Route("/hook", hook.endpoint, methods=["POST"])])) as url:  # type: ignore[arg-type]
        yield hook, f"{url}/hook"


@pytest.fixture(scope="module")
def instellingen(
    infra: Infra, nats_url: str, tokens: TokenFactory
) -> tuple[InburgeraarSettings, HandhavingSettings, NotificatiesSettings]:
    # Migrated here, outside the test's event loop.
    return (
        InburgeraarSettings(**_gemeen(infra, nats_url, tokens, "inburgeraar-api")),
        HandhavingSettings(**_gemeen(infra, nats_url, tokens, "handhaving-api")),
        NotificatiesSettings(
            **_gemeen(infra, nats_url, tokens, "notificaties"), allow_http=True, allow_private_addresses=True
        ),
    )


async def test_gemiste_oproep_tot_bezorgde_boete(
    instellingen: tuple[InburgeraarSettings, HandhavingSettings, NotificatiesSettings],
    tokens: TokenFactory,
    webhook: tuple[Webhook, str],
) -> None:
    hook, hook_url = webhook
    inburgeraar_instellingen, handhaving_instellingen, notificaties_instellingen = instellingen
    inburgeraar_api = await Running(create_inburgeraar_app(inburgeraar_instellingen)).start()
    handhaving_api = await Running(create_handhaving_app(handhaving_instellingen)).start()
    notificaties = await Running(create_notificaties_app(notificaties_instellingen)).start()
    try:
        abonnee = tokens.headers(*notificaties_scopes.ROLLEN["abonnee"], gemeente=GEMEENTE, client_id="systeem-0363")
        response = await notificaties.client.post(
            "/api/v1/abonnementen",
            json={"callbackUrl": hook_url, "typePrefix": "nl.inburgering.handhaving."},
            headers=abonnee,
        )
        assert response.status_code == 201, response.text

        # 1. inburgeraar-api: registered, called up for the brede intake, and did not appear.
        ik = tokens.headers(*inburgeraar_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE)
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
            headers=ik,
        )
        assert response.status_code == 201, response.text
        inburgeraar_id = response.json()["id"]
        intake = f"/api/v1/inburgeraars/{inburgeraar_id}/brede-intake"
        vandaag = date.today()
        response = await inburgeraar_api.client.post(
            f"{intake}/oproepen",
            json={"verzondenDatum": vandaag.isoformat(), "afspraakOp": f"{vandaag.isoformat()}T09:00:00+01:00"},
            headers=ik,
        )
        assert response.status_code == 201, response.text
        response = await inburgeraar_api.client.put(
            f"{intake}/oproepen/{response.json()['id']}/uitkomst", json={"uitkomst": "niet-verschenen"}, headers=ik
        )
        assert response.status_code == 200, response.text

        # 2. handhaving-api: the candidate arrives by itself, with the event as its evidence.
        hh = tokens.headers(*handhaving_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE)
        kandidaten: list[dict[str, Any]] = []

        async def kandidaat() -> bool:
            response = await handhaving_api.client.get(
                "/api/v1/overtredingen", params={"inburgeraarId": inburgeraar_id}, headers=hh
            )
            kandidaten[:] = response.json()["resultaten"]
            return len(kandidaten) == 1

        await eventually(kandidaat, what="oproep-niet-verschenen als kandidaat in handhaving-api")
        [overtreding] = kandidaten
        assert (overtreding["soort"], overtreding["status"]) == ("brede-intake-niet-verschenen", "kandidaat")
        assert overtreding["bron"] == "nl.inburgering.inburgeraar.oproep-niet-verschenen"

        # 3. The procedure to a boetebesluit (the zienswijze came in, so the besluit need not wait for the term).
        pad = f"/api/v1/overtredingen/{overtreding['id']}"
        dag = {"datum": vandaag.isoformat()}
        for stap, body in (
            ("_waarschuwen", dag),
            ("_voornemen", dag),
            ("_zienswijze", {**dag, "samenvatting": "vergeten"}),
        ):
            response = await handhaving_api.client.post(f"{pad}/{stap}", json=body, headers=hh)
            assert response.status_code == 200, (stap, response.text)
        response = await handhaving_api.client.post(
            f"{pad}/_beboeten",
            json={
                **dag,
                "verzenddatum": vandaag.isoformat(),
                "nieuweVerschijndatum": (vandaag + timedelta(days=21)).isoformat(),
            },
            headers=hh,
        )
        assert response.status_code == 201, response.text
        boete_id = response.json()["id"]

        # 4. notificaties delivers boete-opgelegd to the gemeente's subscriber.
        await eventually(
            lambda: _bezorgd(hook, "nl.inburgering.handhaving.boete-opgelegd"), what="boete-opgelegd bij de webhook"
        )
    finally:
        await notificaties.stop()
        await handhaving_api.stop()
        await inburgeraar_api.stop()

    event = next(e for e in hook.ontvangen if e["type"] == "nl.inburgering.handhaving.boete-opgelegd")
    assert (event["data"]["boeteId"], event["data"]["inburgeraarId"]) == (boete_id, inburgeraar_id)
    assert event["gemeentecode"] == GEMEENTE
    assert all(BSN not in json.dumps(e) and "Haddad" not in json.dumps(e) for e in hook.ontvangen)


async def _bezorgd(hook: Webhook, event_type: str) -> bool:
    return event_type in hook.types()
