"""Control characters in text (issue 11 §5): refused everywhere; tab and line breaks only in multi-line text."""

from __future__ import annotations

import httpx
import pytest

from inburgeraar_api import scopes
from inburgering_kit.testing.plugin import TokenFactory

PROBLEM = "application/problem+json"


@pytest.fixture
def headers(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(
        scopes.INBURGERAAR_SCHRIJVEN, scopes.INBURGERAAR_LEZEN, scopes.INTAKE_SCHRIJVEN, scopes.INTAKE_LEZEN
    )


def assert_refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert [p["name"] for p in response.json()["invalidParams"]] == [field], response.text


async def registreer(client: httpx.AsyncClient, headers: dict[str, str], voornamen: str) -> httpx.Response:
    body = {"doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01", "contact": {"voornamen": voornamen}}
    return await client.post("/api/v1/inburgeraars", json=body, headers=headers)


@pytest.mark.parametrize("naam", ["Jan\x1b[31m", "Ja\x07n", "Jan\nPiet", "Jan\tPiet", "Jan\r\nPiet"])
async def test_a_name_is_one_line_without_control_characters(
    client: httpx.AsyncClient, headers: dict[str, str], naam: str
) -> None:
    assert_refused(await registreer(client, headers, naam), "contact.voornamen")


async def test_a_toelichting_keeps_its_line_breaks_but_no_escape(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    created = await registreer(client, headers, "Jan Piet")
    assert created.status_code == 201, created.text
    intake = f"/api/v1/inburgeraars/{created.json()['id']}/brede-intake"
    oproep = await client.post(
        f"{intake}/oproepen",
        json={"verzondenDatum": "2026-04-01", "afspraakOp": "2026-04-11T10:00:00+02:00"},
        headers=headers,
    )
    assert oproep.status_code == 201, oproep.text
    uitkomst = f"{intake}/oproepen/{oproep.json()['id']}/uitkomst"

    escape = await client.put(uitkomst, json={"uitkomst": "verschenen", "toelichting": "kwam\x1b[2J"}, headers=headers)
    assert_refused(escape, "toelichting")

    toelichting = "kwam met tolk\nafspraak verzet\tnaar 10:30"
    response = await client.put(uitkomst, json={"uitkomst": "verschenen", "toelichting": toelichting}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["toelichting"] == toelichting


async def test_the_contract_publishes_the_one_line_pattern(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    naam = schemas["Contactgegevens"]["properties"]["voornamen"]
    toelichting = schemas["OproepUitkomstCreate"]["properties"]["toelichting"]
    assert "\\t" not in naam["pattern"] and "\\x00-\\x1f" in naam["pattern"]
    assert "\\x0e-\\x1f" in toelichting["pattern"], "tab and line breaks stay allowed in multi-line text"
