"""Control characters in text (issue 11 §5): refused everywhere; tab and line breaks only in multi-line text."""

from __future__ import annotations

import httpx
import pytest

from .conftest import API, Omgeving

PROBLEM = "application/problem+json"


def assert_refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert [p["name"] for p in response.json()["invalidParams"]] == [field], response.text


@pytest.mark.parametrize("naam", ["Taalschool\x1b[31m", "Taal\x07school", "Taalschool\nNoord", "Taal\tschool"])
async def test_a_name_is_one_line_without_control_characters(
    client: httpx.AsyncClient, omgeving: Omgeving, naam: str
) -> None:
    body = {"naam": naam, "kvkNummer": "12345678", "diensten": ["pvt"]}
    assert_refused(await client.post(f"{API}/aanbieders", json=body, headers=omgeving.contractmanager), "naam")


async def test_an_afspraak_keeps_its_line_breaks_but_no_escape(client: httpx.AsyncClient, omgeving: Omgeving) -> None:
    aanbieder = await omgeving.aanbieder()
    afspraak = "Twee dagdelen per week:\n- dinsdag\t9:00\n- donderdag\t9:00"
    opdracht = await omgeving.opdracht(aanbieder, afspraken=[afspraak])
    assert opdracht["inhoud"]["afspraken"] == [afspraak]

    pip_id, _ = await omgeving.pip_api.vastgesteld(gemeente=omgeving.gemeente)
    body = {
        "pipId": str(pip_id),
        "aanbiederId": str(aanbieder.id),
        "onderdeel": "pvt",
        "inhoud": {
            "deelnemer": {"roepnaam": "Amal", "achternaam": "Haddad"},
            "afspraken": ["wekelijks\x1b[2J"],
            "geplandeStartdatum": "2026-04-01",
            "geplandeEinddatum": "2027-03-31",
        },
    }
    response = await client.post(f"{API}/opdrachten", json=body, headers=omgeving.regisseur)
    assert_refused(response, "inhoud.afspraken.0")
