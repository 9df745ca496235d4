"""OpenID Connect sign-in: the authorization code flow with PKCE (RFC 7636, S256) and `state` and `nonce`, against
the provider's discovery document. What the werkplek keeps is the access token: the APIs check it as they check
any token (issuer, audience, expiry, signature by the provider's JWKS), so the werkplek checks it the same way
before it starts a session. The ID token is not needed for that and is not kept."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from werkplek.settings import Oidc


class OidcFout(Exception):  # noqa: N818 - a refusal, rendered as the sign-in-failed page
    """The provider or the answer is not as expected; the user sees a page that says sign-in failed."""


@dataclass(frozen=True)
class Poging:
    """One sign-in underway, kept in a sealed short-lived cookie until the provider sends the user back."""

    state: str
    nonce: str
    verifier: str

    @classmethod
    def nieuw(cls) -> Poging:
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64))

    @property
    def challenge(self) -> str:
        digest = hashlib.sha256(self.verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class Provider:
    def __init__(self, config: Oidc, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.config = config
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(5.0), transport=transport, follow_redirects=False)
        self._discovery: dict[str, Any] | None = None

    async def sluit(self) -> None:
        await self._client.aclose()

    async def discovery(self) -> dict[str, Any]:
        if self._discovery is None:
            url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                response = await self._client.get(url)
                response.raise_for_status()
                document = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise OidcFout("discovery document niet bereikbaar") from exc
            # OIDC Discovery §4.3: the document must name the issuer it was fetched for.
            if not isinstance(document, dict) or document.get("issuer") != self.config.issuer:
                raise OidcFout("discovery document van een andere uitgever")
            self._discovery = document
        return self._discovery

    async def autorisatie_url(self, poging: Poging) -> str:
        document = await self.discovery()
        query = {
            "response_type": "code",
            "client_id": self.config.client_id,
            "redirect_uri": self.config.redirect_uri,
            "scope": self.config.scope,
            "state": poging.state,
            "nonce": poging.nonce,
            "code_challenge": poging.challenge,
            "code_challenge_method": "S256",
        }
        return f"{document['authorization_endpoint']}?{urlencode(query)}"

    async def wissel_code(self, code: str, poging: Poging) -> str:
        """The access token for an authorization code."""
        document = await self.discovery()
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.config.redirect_uri,
            "client_id": self.config.client_id,
            "code_verifier": poging.verifier,
        }
        if self.config.client_secret is not None:
            data["client_secret"] = self.config.client_secret.get_secret_value()
        try:
            response = await self._client.post(document["token_endpoint"], data=data)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            raise OidcFout("code niet ingewisseld") from exc
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise OidcFout("geen access token ontvangen")
        return token
