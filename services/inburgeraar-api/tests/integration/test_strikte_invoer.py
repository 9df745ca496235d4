"""Input as strict as the contract reads it (issue 11 §4): no lax booleans or integers, maxLength on the text as
sent, dates within a sane range, no 500 on a `null` for a required field or on a BSN another inburgeraar has."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text

from inburgeraar_api.scopes import ROLLEN
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

BSN = "999993653"
ANDER_BSN = "111222333"
PROBLEM = "application/problem+json"


def registratie(**overrides: Any) -> dict[str, Any]:
    return {"doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01", **overrides}


@pytest.fixture
def headers(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(*sorted(ROLLEN["klantregisseur"]), client_id="client-klantregisseur")


async def registreer(client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any) -> str:
    created = await client.post("/api/v1/inburgeraars", json=registratie(**overrides), headers=headers)
    assert created.status_code == 201, created.text
    return f"/api/v1/inburgeraars/{created.json()['id']}"


def assert_refused(response: httpx.Response, field: str) -> None:
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"] == PROBLEM
    assert field in [p["name"] for p in response.json()["invalidParams"]], response.text


class TestBsnVastleggen:
    async def test_a_bsn_another_inburgeraar_has_is_409_pointing_at_it(
        self, client: httpx.AsyncClient, headers: dict[str, str], database: Database
    ) -> None:
        bestaande = await registreer(client, headers, bsn=BSN)
        zonder = await registreer(client, headers)
        response = await client.post(f"{zonder}/bsn", json={"bsn": BSN}, headers=headers)
        assert response.status_code == 409, response.text
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "bsn-al-geregistreerd"
        assert response.json()["bestaandeResource"] == bestaande
        assert BSN not in response.text
        # The refused one is unchanged and can still get its own BSN.
        read = await client.get(zonder, headers=headers)
        assert (read.json()["status"], read.json()["versie"]) == ("bsn-ontbreekt", 1)
        assert (await client.post(f"{zonder}/bsn", json={"bsn": ANDER_BSN}, headers=headers)).status_code == 200
        async with database.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM inburgeraar"))).scalar_one() == 2


class TestPatchNull:
    @pytest.mark.parametrize("field", ["doelgroep", "nareiziger"])
    async def test_a_required_field_cannot_be_cleared(
        self, client: httpx.AsyncClient, headers: dict[str, str], field: str
    ) -> None:
        inburgeraar = await registreer(client, headers)
        response = await client.patch(inburgeraar, json={field: None}, headers=headers)
        assert_refused(response, field)
        assert (await client.get(inburgeraar, headers=headers)).json()["versie"] == 1

    async def test_an_optional_field_is_cleared_by_null(
        self, client: httpx.AsyncClient, headers: dict[str, str]
    ) -> None:
        inburgeraar = await registreer(client, headers, klantregisseur="k.de.vries", contact={"achternaam": "Haddad"})
        response = await client.patch(inburgeraar, json={"klantregisseur": None, "contact": None}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["klantregisseur"] is None
        assert not any(response.json()["contact"].values())


class TestStrikteTypen:
    @pytest.mark.parametrize("value", [0, 1, "yes", "true"])
    async def test_a_boolean_is_true_or_false_only(
        self, client: httpx.AsyncClient, headers: dict[str, str], value: object
    ) -> None:
        response = await client.post("/api/v1/inburgeraars", json=registratie(nareiziger=value), headers=headers)
        assert_refused(response, "nareiziger")

    async def test_an_integer_is_not_a_boolean(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        inburgeraar = await registreer(client, headers)
        profiel = {"profiel": {"persoonsgegevens": {"geslachtsnaam": "Haddad", "adres": {"huisnummer": True}}}}
        response = await client.post(f"{inburgeraar}/klantprofielen", json=profiel, headers=headers)
        assert_refused(response, "profiel.persoonsgegevens.adres.huisnummer")

    async def test_max_length_counts_the_text_as_sent(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        padded = " " * 5 + "k" * 200  # 200 after trimming, 205 as sent
        response = await client.post("/api/v1/inburgeraars", json=registratie(klantregisseur=padded), headers=headers)
        assert_refused(response, "klantregisseur")
        exact = await client.post("/api/v1/inburgeraars", json=registratie(klantregisseur="k" * 200), headers=headers)
        assert exact.status_code == 201, exact.text

    @pytest.mark.parametrize("datum", ["0071-03-01", "1899-12-31", "2101-01-01", "9999-12-31"])
    async def test_a_date_outside_1900_2100_is_refused(
        self, client: httpx.AsyncClient, headers: dict[str, str], datum: str
    ) -> None:
        response = await client.post("/api/v1/inburgeraars", json=registratie(datumKoppeling=datum), headers=headers)
        assert_refused(response, "datumKoppeling")

    async def test_a_time_outside_the_range_is_refused(
        self, client: httpx.AsyncClient, headers: dict[str, str]
    ) -> None:
        inburgeraar = await registreer(client, headers)
        oproep = {"verzondenDatum": "2026-04-01", "afspraakOp": "0071-04-10T10:00:00+02:00"}
        response = await client.post(f"{inburgeraar}/brede-intake/oproepen", json=oproep, headers=headers)
        assert_refused(response, "afspraakOp")

    async def test_the_bounds_themselves_are_dates(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        for datum in ("1900-01-01", "2100-12-31"):
            response = await client.post(
                "/api/v1/inburgeraars",
                json={"doelgroep": "gezinsmigrant", "datumInschrijvingBrp": datum},
                headers=headers,
            )
            assert response.status_code == 201, response.text
