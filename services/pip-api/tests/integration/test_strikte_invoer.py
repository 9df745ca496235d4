"""Input as strict as the contract reads it (issue 11 §4): integers are no booleans, maxLength counts the text as
sent, dates lie within 1900..2100, and a required agreement sent as `null` is refused, naming the field."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from .conftest import InburgeraarApi

API = "/api/v1/pips"
PROBLEM = "application/problem+json"


def concept(inburgeraar_id: uuid.UUID, **extra: Any) -> dict[str, Any]:
    return {
        "inburgeraarId": str(inburgeraar_id),
        "leerroute": "b1",
        "taalniveau": "B1",
        "pvt": {"aanbieder": "Gemeente", "geplandeStart": "2026-06-01", "uitersteDatum": "2029-05-04", "uren": 12},
        "knm": {"aanbieder": "Taalschool Noord"},
        "vveAfspraken": ["peuteropvang voor het jongste kind"],
        "participatieafspraken": [{"soort": "vrijwilligerswerk", "omschrijving": "buurthuis, 1 dag per week"}],
        **extra,
    }


async def maak(client: httpx.AsyncClient, auth: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(API, json=body, headers=auth)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def assert_refused(response: httpx.Response, field: str) -> None:
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"] == PROBLEM
    assert field in [p["name"] for p in response.json()["invalidParams"]], response.text


class TestStrikteTypen:
    async def test_an_integer_is_not_a_boolean(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        body = concept(await inburgeraar_api.registreer())
        body["pvt"] = {**body["pvt"], "uren": True}
        assert_refused(await client.post(API, json=body, headers=auth), "pvt.uren")

    async def test_max_length_counts_the_text_as_sent(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        padded = concept(inburgeraar_id, klantregisseur=" " * 5 + "k" * 200)
        assert_refused(await client.post(API, json=padded, headers=auth), "klantregisseur")
        await maak(client, auth, concept(inburgeraar_id, klantregisseur="k" * 200))

    @pytest.mark.parametrize("datum", ["0071-05-04", "1899-12-31", "2101-01-01"])
    async def test_a_date_outside_1900_2100_is_refused(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi, datum: str
    ) -> None:
        body = concept(await inburgeraar_api.registreer())
        body["pvt"] = {**body["pvt"], "geplandeStart": datum}
        assert_refused(await client.post(API, json=body, headers=auth), "pvt.geplandeStart")


class TestPatchNull:
    @pytest.mark.parametrize("field", ["leerroute", "taalniveau", "vveAfspraken", "participatieafspraken"])
    async def test_a_required_agreement_cannot_be_cleared(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi, field: str
    ) -> None:
        pip = await maak(client, auth, concept(await inburgeraar_api.registreer()))
        response = await client.patch(f"{API}/{pip['id']}", json={field: None}, headers=auth)
        assert_refused(response, field)
        assert (await client.get(f"{API}/{pip['id']}", headers=auth)).json()[field] == pip[field]

    async def test_an_optional_agreement_is_cleared_by_null(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        pip = await maak(client, auth, concept(await inburgeraar_api.registreer()))
        response = await client.patch(f"{API}/{pip['id']}", json={"knm": None}, headers=auth)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert body.get("knm") is None
