"""Sign-in with OpenID Connect against a stand-in provider: the authorization code flow with PKCE (S256), `state`
checked, the code exchanged for an access token that is verified like any API token before a session starts."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from inburgering_kit.auth import AuthSettings
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory
from werkplek.main import create_app
from werkplek.settings import Oidc, Settings

ISSUER = "https://login.gemeente.test/realms/inburgering"


class Provider:
    def __init__(self, tokens: TokenFactory) -> None:
        self.tokens = tokens
        self.uitgifte: list[dict[str, list[str]]] = []
        self.geldig = True

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(
                200,
                json={
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{ISSUER}/auth",
                    "token_endpoint": f"{ISSUER}/token",
                },
            )
        if request.url.path.endswith("/token"):
            form = parse_qs(request.content.decode())
            self.uitgifte.append(form)
            token = self.tokens("pip:lezen", user="k.de.vries") if self.geldig else "geen.geldig.token"
            return httpx.Response(200, json={"access_token": token, "token_type": "Bearer"})
        return httpx.Response(404)


@pytest.fixture
def provider(tokens: TokenFactory) -> Provider:
    return Provider(tokens)


@pytest.fixture
async def werkplek(tokens: TokenFactory, provider: Provider) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        environment="test",
        auth=AuthSettings(issuers=[TEST_ISSUER], audience=TEST_AUDIENCE, public_key_file=Path(tokens.public_key)),
        oidc=Oidc(issuer=ISSUER, client_id="werkplek", redirect_uri="https://werkplek.test/werkplek/aanmelden/terug"),
    )
    app = create_app(settings, {"oidc": httpx.MockTransport(provider.handle)})
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://werkplek.test")
    async with app.router.lifespan_context(app), client:
        yield client


async def _naar_provider(werkplek: httpx.AsyncClient) -> dict[str, Any]:
    response = await werkplek.get("/werkplek/aanmelden/oidc")
    assert response.status_code == 303
    url = urlsplit(response.headers["location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ISSUER}/auth"
    return {k: v[0] for k, v in parse_qs(url.query).items()}


class TestOidc:
    async def test_the_code_flow_with_pkce_starts_a_session(
        self, werkplek: httpx.AsyncClient, provider: Provider
    ) -> None:
        query = await _naar_provider(werkplek)
        assert (query["response_type"], query["code_challenge_method"], query["client_id"]) == (
            "code",
            "S256",
            "werkplek",
        )
        terug = await werkplek.get("/werkplek/aanmelden/terug", params={"code": "abc", "state": query["state"]})
        assert terug.status_code == 200, terug.text
        assert 'http-equiv="refresh"' in terug.text
        (uitgifte,) = provider.uitgifte
        assert uitgifte["grant_type"] == ["authorization_code"] and uitgifte["code"] == ["abc"]
        # The verifier sent with the code is the one the challenge was made of.
        verifier = uitgifte["code_verifier"][0].encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
        assert challenge == query["code_challenge"]
        pagina = await werkplek.get("/werkplek/zoeken")
        assert pagina.status_code == 200 and "k.de.vries" in pagina.text

    async def test_another_state_is_refused(self, werkplek: httpx.AsyncClient, provider: Provider) -> None:
        await _naar_provider(werkplek)
        terug = await werkplek.get("/werkplek/aanmelden/terug", params={"code": "abc", "state": "vals"})
        assert terug.status_code == 401
        assert provider.uitgifte == []

    async def test_a_token_the_apis_would_refuse_starts_no_session(
        self, werkplek: httpx.AsyncClient, provider: Provider
    ) -> None:
        provider.geldig = False
        query = await _naar_provider(werkplek)
        terug = await werkplek.get("/werkplek/aanmelden/terug", params={"code": "abc", "state": query["state"]})
        assert terug.status_code == 401
        assert (await werkplek.get("/werkplek/zoeken")).status_code == 303


def test_production_needs_oidc_and_a_session_key_and_refuses_the_development_sign_in(tokens: TokenFactory) -> None:
    auth = AuthSettings(issuers=[TEST_ISSUER], audience=TEST_AUDIENCE, public_key_file=Path(tokens.public_key))
    oidc = Oidc(issuer=ISSUER, client_id="werkplek", redirect_uri="https://w.test/werkplek/aanmelden/terug")
    with pytest.raises(ValueError, match="sessie_sleutel"):
        Settings(environment="production", auth=auth, oidc=oidc)
    with pytest.raises(ValueError, match="oidc"):
        Settings(environment="production", auth=auth, sessie_sleutel="x" * 40)
    assert json.loads(
        Settings(environment="production", auth=auth, oidc=oidc, sessie_sleutel="x" * 40).model_dump_json()
    )
