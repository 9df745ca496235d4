"""NL API Design Rules that hold for every response: version and security headers, problem+json for every
error (also unknown routes, wrong methods and unexpected failures), no redirects for trailing slashes, and an
OpenAPI document readable without a token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from inburgeraar_api.main import DEFINITION
from inburgeraar_api.scopes import ROLLEN
from inburgeraar_api.services import registratie
from inburgering_kit.testing.plugin import TokenFactory

BSN = "999993653"
PROBLEM = "application/problem+json"
REGELS_HEADERS = {
    "API-Version": DEFINITION.version,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
REGISTRATIE = {"bsn": BSN, "doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01"}


def assert_rule_headers(response: httpx.Response) -> None:
    for name, value in REGELS_HEADERS.items():
        assert response.headers.get(name) == value, (response.request.method, response.request.url.path, name)


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["type"].startswith("https://")
    return body


@pytest.fixture
async def lenient(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client that gets the 500 response instead of the exception, as a real HTTP client would."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


class TestHeaders:
    async def test_every_kind_of_response_carries_the_rule_headers(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        h = tokens.headers(*ROLLEN["klantregisseur"])
        created = await client.post("/api/v1/inburgeraars", json=REGISTRATIE, headers=h)
        ib = created.headers["Location"]
        responses = {
            201: created,
            200: await client.get(ib, headers=h),
            409: await client.post("/api/v1/inburgeraars", json=REGISTRATIE, headers=h),
            400: await client.post("/api/v1/inburgeraars", json={"doelgroep": "toerist"}, headers=h),
            401: await client.get(ib),
            403: await client.get(ib, headers=tokens.headers(*ROLLEN["privacy-officer"])),
            404: await client.get("/api/v1/bestaat-niet", headers=h),
            405: await client.delete(ib, headers=h),
            422: await client.put(
                f"{ib}/brede-intake/resultaten/opleiding",
                json={"onderwerp": "werkervaring", "bevindingen": "x"},
                headers=h,
            ),
        }
        for status, response in responses.items():
            assert response.status_code == status, (status, response.text)
            assert_rule_headers(response)
        assert_rule_headers(await client.get("/openapi.json"))
        assert_rule_headers(await client.get("/health/live"))
        assert_rule_headers(await client.get("/api/v1/inburgeraars/", headers=h))

    async def test_traceparent_is_continued_in_the_response(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        sent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        response = await client.get(
            "/api/v1/inburgeraars", headers={**tokens.headers(*ROLLEN["klantregisseur"]), "traceparent": sent}
        )
        version, trace_id, span_id, _ = response.headers["traceparent"].split("-")
        assert (version, trace_id) == ("00", "0af7651916cd43dd8448eb211c80319c")
        assert span_id != "b7ad6b7169203331"

    async def test_unexpected_error_carries_the_rule_headers(
        self, lenient: httpx.AsyncClient, tokens: TokenFactory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        async def boom(*_: object, **__: object) -> None:
            raise RuntimeError("SELECT secret FROM inburgeraar")

        monkeypatch.setattr(registratie, "lijst", boom)
        response = await lenient.get("/api/v1/inburgeraars", headers=tokens.headers(*ROLLEN["klantregisseur"]))
        assert response.status_code == 500
        assert_rule_headers(response)


class TestFouten:
    @pytest.mark.parametrize("method", ["GET", "POST"])
    async def test_trailing_slash_is_404_not_a_redirect(
        self, client: httpx.AsyncClient, tokens: TokenFactory, method: str
    ) -> None:
        response = await client.request(
            method,
            "/api/v1/inburgeraars/",
            headers=tokens.headers(*ROLLEN["klantregisseur"]),
            json=REGISTRATIE if method == "POST" else None,
        )
        assert_problem(response, 404)
        assert "Location" not in response.headers
        assert not response.is_redirect

    async def test_trailing_slash_on_a_sub_resource_stores_nothing(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        h = tokens.headers(*ROLLEN["klantregisseur"])
        ib = (await client.post("/api/v1/inburgeraars", json=REGISTRATIE, headers=h)).headers["Location"]
        response = await client.post(
            f"{ib}/plicht-mutaties/",
            headers=h,
            json={"soort": "plicht-vastgesteld", "ingangsdatum": "2026-03-01", "bron": "DUO"},
        )
        assert_problem(response, 404)
        assert (await client.get(f"{ib}/plicht", headers=h)).json()["mutaties"] == []

    async def test_openapi_is_readable_without_a_token(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/openapi.json")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        document = response.json()
        assert document["openapi"].startswith("3.")
        assert document["info"]["version"] == DEFINITION.version
        assert "/inburgeraars/{inburgeraarId}/plicht-mutaties" in document["paths"]
        assert document["servers"] == [{"url": "/api/v1", "description": "Deze API, relatief aan de host."}]

    @pytest.mark.parametrize("path", ["/api/v1/bestaat-niet", "/api/v2/inburgeraars", "/bestaat-niet"])
    async def test_unknown_route_is_404_problem(
        self, client: httpx.AsyncClient, tokens: TokenFactory, path: str
    ) -> None:
        body = assert_problem(await client.get(path, headers=tokens.headers(*ROLLEN["klantregisseur"])), 404)
        assert body["instance"] == path

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("DELETE", "/api/v1/inburgeraars"),
            ("PUT", "/api/v1/inburgeraars/_zoek"),
            ("DELETE", "/api/v1/verwerkingen"),
        ],
    )
    async def test_wrong_method_is_405_problem(
        self, client: httpx.AsyncClient, tokens: TokenFactory, method: str, path: str
    ) -> None:
        response = await client.request(method, path, headers=tokens.headers(*ROLLEN["klantregisseur"]))
        body = assert_problem(response, 405)
        assert body["code"] == "methode-niet-toegestaan"

    async def test_wrong_method_on_a_sub_resource_is_405(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        h = tokens.headers(*ROLLEN["klantregisseur"])
        ib = (await client.post("/api/v1/inburgeraars", json=REGISTRATIE, headers=h)).headers["Location"]
        assert_problem(await client.delete(f"{ib}/plicht", headers=h), 405)
        assert_problem(await client.patch(f"{ib}/ontzorgen", json={}, headers=h), 405)

    async def test_unexpected_error_is_a_bare_500_problem(
        self, lenient: httpx.AsyncClient, tokens: TokenFactory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        async def boom(*_: object, **__: object) -> None:
            raise RuntimeError("SELECT secret FROM inburgeraar WHERE bsn = '999993653'")

        monkeypatch.setattr(registratie, "lijst", boom)
        response = await lenient.get("/api/v1/inburgeraars", headers=tokens.headers(*ROLLEN["klantregisseur"]))
        body = assert_problem(response, 500)
        assert body["code"] == "interne-fout"
        for leak in ("SELECT", "secret", "RuntimeError", "Traceback", "registratie", BSN):
            assert leak not in response.text, leak

    async def test_malformed_json_is_400_problem(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        response = await client.post(
            "/api/v1/inburgeraars",
            content=b"{niet: json",
            headers={**tokens.headers(*ROLLEN["klantregisseur"]), "content-type": "application/json"},
        )
        assert_problem(response, 400)
