"""Control characters in text (issue 11 §5): refused everywhere; tab and line breaks only in multi-line text."""

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
        "participatieafspraken": [{"soort": "vrijwilligerswerk", "omschrijving": "buurthuis, 1 dag per week"}],
        **extra,
    }


def assert_refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert [p["name"] for p in response.json()["invalidParams"]] == [field], response.text


@pytest.mark.parametrize("waarde", ["Taalschool\x1b[31m", "Taal\x07school", "Taalschool\nNoord", "Taal\tschool"])
async def test_a_short_text_is_one_line_without_control_characters(
    client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi, waarde: str
) -> None:
    body = concept(await inburgeraar_api.registreer(), knm={"aanbieder": waarde})
    assert_refused(await client.post(API, json=body, headers=auth), "knm.aanbieder")


async def test_an_omschrijving_keeps_its_line_breaks_but_no_escape(
    client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
) -> None:
    inburgeraar_id = await inburgeraar_api.registreer()
    escape = concept(inburgeraar_id, participatieafspraken=[{"soort": "vrijwilligerswerk", "omschrijving": "a\x1bb"}])
    assert_refused(await client.post(API, json=escape, headers=auth), "participatieafspraken.0.omschrijving")

    omschrijving = "buurthuis\nelke dinsdag\t9:00-12:00"
    body = concept(inburgeraar_id, participatieafspraken=[{"soort": "vrijwilligerswerk", "omschrijving": omschrijving}])
    response = await client.post(API, json=body, headers=auth)
    assert response.status_code == 201, response.text
    assert response.json()["participatieafspraken"][0]["omschrijving"] == omschrijving
