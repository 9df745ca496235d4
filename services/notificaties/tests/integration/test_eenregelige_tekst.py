"""Control characters in text (issue 11 §5): a URL, a filter or a header value is one line without control
characters; a line break in the authorization header would add a header of the sender's choosing to every delivery."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import Abonnee

PROBLEM = "application/problem+json"
HOOK = "https://zaaksysteem.example/hook"


def assert_refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert [p["name"] for p in response.json()["invalidParams"]] == [field], response.text


@pytest.mark.parametrize(
    ("veld", "waarde"),
    [
        ("authorizationHeader", "Bearer abc\r\nX-Extra: 1"),
        ("authorizationHeader", "Bearer abc\x1b"),
        ("callbackUrl", "https://zaaksysteem.example/hook\nX"),
        ("subject", "0363\t1"),
        ("typePrefix", "nl.inburgering.\x07"),
    ],
)
async def test_one_line_fields_refuse_line_breaks_and_control_characters(
    abonnee: Abonnee, client: httpx.AsyncClient, veld: str, waarde: str
) -> None:
    body: dict[str, Any] = {"callbackUrl": HOOK, veld: waarde}
    assert_refused(await abonnee.post("", body), veld)

    created = await abonnee.abonneer(HOOK)
    patched = await client.patch(f"/api/v1/abonnementen/{created['id']}", json={veld: waarde}, headers=abonnee.headers)
    assert_refused(patched, veld)


async def test_ordinary_values_pass(abonnee: Abonnee) -> None:
    created = await abonnee.abonneer(HOOK, authorizationHeader="Bearer abc.def", subject="0363 1", typePrefix="nl.")
    assert created["heeftAuthorizationHeader"] is True
