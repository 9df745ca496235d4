"""The full flow: inburgeraar-api's event → projection → PIP vastgesteld → pip events seen by a consumer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from inburgering_kit.testing.events import Recorder, recorder_fixture

if TYPE_CHECKING:
    from .conftest import InburgeraarApi


DURABLE = "test-pip-ontvanger"


# A relay publishing this service's outbox, and a durable consumer of `nl.inburgering.pip.>`.
ontvanger = recorder_fixture(durable=DURABLE, filter_subject="nl.inburgering.pip.>")


class TestEventDelivery:
    async def test_registratie_tot_pip_vastgesteld_event(
        self,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        ontvanger: Recorder,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        body = {"inburgeraarId": str(inburgeraar_id), "leerroute": "b1", "taalniveau": "B1"}
        pip = (await client.post("/api/v1/pips", json=body, headers=auth)).json()
        dates = {"dagtekening": "2026-05-04", "verzenddatum": "2026-05-04", "ingangsdatum": "2026-05-04"}
        response = await client.post(f"/api/v1/pips/{pip['id']}/_vaststellen", json=dates, headers=auth)
        assert response.status_code == 200, response.text
        wijziging = {**dates, "reden": "niveau", "wijzigingen": {"taalniveau": "A2"}}
        response = await client.post(f"/api/v1/pips/{pip['id']}/_wijzigen", json=wijziging, headers=auth)
        assert response.status_code == 200, response.text

        ontvangen = await ontvanger.wacht_op(4)
        assert [e.type for e in ontvangen] == [
            "nl.inburgering.pip.pip-opgesteld",
            "nl.inburgering.pip.pip-vastgesteld",
            "nl.inburgering.pip.pip-gewijzigd",
            "nl.inburgering.pip.leerroute-gewijzigd",
        ]
        assert ontvangen[0].data == {
            "pipId": pip["id"],
            "inburgeraarId": str(inburgeraar_id),
            "leerroute": "b1",
            "taalniveau": "B1",
        }
        vastgesteld = ontvangen[1]
        assert vastgesteld.subject == pip["id"]
        assert vastgesteld.gemeentecode == "0363"
        assert vastgesteld.dataref is not None
        assert vastgesteld.dataref.endswith(f"/api/v1/pips/{pip['id']}/versies/1")
        assert vastgesteld.data == {
            "pipId": pip["id"],
            "inburgeraarId": str(inburgeraar_id),
            "versie": 1,
            "leerroute": "b1",
            "taalniveau": "B1",
            "routeverplichting": "verplichting",
            "dagtekening": "2026-05-04",
            "ingangsdatum": "2026-05-04",
        }
        assert ontvangen[2].data["gewijzigdeVelden"] == ["taalniveau"]
