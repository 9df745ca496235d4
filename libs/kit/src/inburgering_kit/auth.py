"""OAuth2 bearer JWT access tokens (NL GOV Assurance profile for OAuth 2.0) for the FastAPI services.

Tokens are verified locally: against a JWKS endpoint in production, or against a PEM public key in
development. Every failure is a 401 problem with a short reason; the token itself never appears in a
response or a log line.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, model_validator

from inburgering_kit.problems import Forbidden, NotAuthenticated

__all__ = [
    "DEV_PRIVATE_KEY_NAME",
    "DEV_PUBLIC_KEY_NAME",
    "REQUIRES_TOKEN",
    "AuthSettings",
    "Principal",
    "TokenVerifier",
    "bearer_token",
    "generate_dev_keypair",
    "get_verifier",
    "mint_token",
    "require_any_scope",
    "require_scopes",
    "require_tenant",
]

logger = logging.getLogger(__name__)

DEV_PRIVATE_KEY_NAME = "dev-signing-key.pem"
DEV_PUBLIC_KEY_NAME = "dev-signing-key.pub.pem"

# Symmetric algorithms are excluded: with a shared secret any relying party could mint tokens, and an
# HS256 token "signed" with our public key is the classic key-confusion attack.
_ASYMMETRIC_ALGORITHMS = frozenset(
    {"ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA"}
)
_GEMEENTE_CODE = re.compile(r"[0-9]{4}")
_QUERY_TOKEN_PARAMS = ("access_token", "token")
# Set on every dependency that verifies the bearer token: `request_bounds` finds the routes that need one by it.
REQUIRES_TOKEN = "__inburgering_requires_token__"  # noqa: S105 - an attribute name, not a secret
# RFC 9068 §4: an access token says so in its header, so an ID token or any other JWT the same issuer signs
# for this audience is not taken for one. Media types compare case-insensitively; the prefix is optional.
_ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt"})


class AuthSettings(BaseModel):
    issuers: list[str] = Field(min_length=1, description="Toegestane uitgevers (`iss`).")
    audience: str = Field(min_length=1)
    jwks_url: str | None = None
    public_key_file: Path | None = Field(default=None, description="PEM-publieke sleutel, alleen voor ontwikkeling.")
    algorithms: list[str] = Field(default_factory=lambda: ["ES256", "RS256"], min_length=1)
    leeway_seconds: int = Field(default=30, ge=0)

    @model_validator(mode="after")
    def _one_key_source(self) -> AuthSettings:
        if (self.jwks_url is None) == (self.public_key_file is None):
            raise ValueError("stel precies een van jwks_url en public_key_file in")
        not_allowed = sorted(set(self.algorithms) - _ASYMMETRIC_ALGORITHMS)
        if not_allowed:
            raise ValueError(f"niet toegestane algoritmen: {', '.join(not_allowed)}")
        return self


@dataclass(frozen=True)
class Principal:
    """Who is calling, as stated by a verified access token."""

    client_id: str
    user: str | None
    scopes: frozenset[str]
    gemeente_code: str | None
    aanbieder_id: str | None
    roles: frozenset[str]

    def has(self, scope: str) -> bool:
        return scope in self.scopes


def _optional_str(claims: dict[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise NotAuthenticated(f"ongeldige claim {name}")
    return value


def _str_set(value: object, name: str, *, space_separated: bool = False) -> frozenset[str]:
    if value is None:
        return frozenset()
    # RFC 9068 prescribes a space-separated scope string; some identity providers send a list.
    items = value.split() if space_separated and isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
        raise NotAuthenticated(f"ongeldige claim {name}")
    return frozenset(items)


def _require_numeric_dates(claims: dict[str, Any]) -> None:
    # RFC 7519 §2 NumericDate: PyJWT reads "exp": "9999999999" as a number, a looser reading than the issuer's.
    for name in ("exp", "nbf", "iat"):
        value = claims.get(name)
        if name in claims and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise NotAuthenticated(f"ongeldige claim {name}")


def _principal(claims: dict[str, Any]) -> Principal:
    client_id = claims.get("client_id") or claims.get("azp")
    if not isinstance(client_id, str) or not client_id:
        raise NotAuthenticated("token zonder client_id")
    gemeente = _optional_str(claims, "gemeente")
    if gemeente is not None and not _GEMEENTE_CODE.fullmatch(gemeente):
        raise NotAuthenticated("ongeldige claim gemeente")
    return Principal(
        client_id=client_id,
        user=_optional_str(claims, "sub"),
        scopes=_str_set(claims.get("scope"), "scope", space_separated=True),
        gemeente_code=gemeente,
        aanbieder_id=_optional_str(claims, "aanbieder_id"),
        roles=_str_set(claims.get("roles"), "roles"),
    )


# First match wins: a subclass must come before its base.
_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "token is verlopen"),
    (jwt.ImmatureSignatureError, "token is nog niet geldig"),
    (jwt.InvalidAudienceError, "token is niet voor deze dienst bedoeld"),
    (jwt.InvalidIssuerError, "uitgever van het token wordt niet vertrouwd"),
    (jwt.InvalidSignatureError, "handtekening van het token is ongeldig"),
    (jwt.InvalidAlgorithmError, "algoritme van het token wordt niet geaccepteerd"),
    (jwt.PyJWKClientError, "sleutel van het token is onbekend"),
    (jwt.exceptions.InvalidSubjectError, "ongeldige claim sub"),
)


def _reason(exc: jwt.PyJWTError) -> str:
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"token zonder claim {exc.claim}"
    return next((reason for kind, reason in _REASONS if isinstance(exc, kind)), "token is ongeldig")


_EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
_VerificationKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey


def _load_public_key(path: Path, allowed: list[str]) -> tuple[_VerificationKey, list[str]]:
    """The PEM key at `path` and the allowed algorithms that fit it."""
    key = serialization.load_pem_public_key(path.read_bytes())
    fitting: set[str]
    if isinstance(key, ec.EllipticCurvePublicKey):
        fitting = {_EC_ALGORITHMS[key.curve.name]} if key.curve.name in _EC_ALGORITHMS else set()
    elif isinstance(key, rsa.RSAPublicKey):
        fitting = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}
    elif isinstance(key, ed25519.Ed25519PublicKey):
        fitting = {"EdDSA"}
    else:
        raise ValueError(f"{path}: sleuteltype wordt niet ondersteund")
    algorithms = [a for a in allowed if a in fitting]
    if not algorithms:
        raise ValueError(f"{path}: sleutel past bij geen van de algoritmen {', '.join(allowed)}")
    return key, algorithms


class TokenVerifier:
    """Verifies access tokens and turns them into a `Principal`. Safe to share between threads."""

    # Verified tokens, kept until they expire: a provider's system or a portal sends the same token for many
    # requests, and a signature check costs more CPU than the rest of a small request.
    CACHE_SIZE = 10_000

    def __init__(self, settings: AuthSettings) -> None:
        self._settings = settings
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._file_key: tuple[_VerificationKey, list[str]] | None = None
        self._key_lock = threading.Lock()
        self._jwks = jwt.PyJWKClient(settings.jwks_url, cache_keys=True) if settings.jwks_url else None

    def _key_for(self, token: str) -> tuple[jwt.PyJWK | _VerificationKey, list[str]]:
        # The key decides the algorithm (a PyJWK is bound to one): an RS256 header against an EC key must be
        # a rejection, where PyJWT would otherwise raise a TypeError, a 500.
        if self._jwks is not None:
            return self._jwks.get_signing_key_from_jwt(token), self._settings.algorithms
        if self._file_key is None:
            with self._key_lock:
                if self._file_key is None:
                    assert self._settings.public_key_file is not None
                    # An unreadable or unfit key file is a configuration error: it surfaces as a 500.
                    self._file_key = _load_public_key(self._settings.public_key_file, self._settings.algorithms)
        return self._file_key

    def cached(self, token: str) -> Principal | None:
        """The principal of a token verified before and not expired since, without checking it again."""
        hit = self._verified.get(token)
        if hit is None:
            return None
        principal, expires = hit
        if time.time() >= expires:
            self._verified.pop(token, None)
            return None
        return principal

    def verify(self, token: str) -> Principal:
        principal = self.cached(token)
        if principal is not None:
            return principal
        principal, expires = self._verify(token)
        self._verified[token] = (principal, expires)
        if len(self._verified) > self.CACHE_SIZE:
            self._verified.popitem(last=False)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        settings = self._settings
        try:
            key, algorithms = self._key_for(token)
            decoded = jwt.decode_complete(
                token,
                key,
                algorithms=algorithms,
                audience=settings.audience,
                issuer=settings.issuers,
                leeway=settings.leeway_seconds,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWKClientConnectionError:
            logger.warning("JWKS van %s niet bereikbaar; token geweigerd", settings.jwks_url)
            raise NotAuthenticated("sleutels van de uitgever zijn niet beschikbaar") from None
        except jwt.PyJWTError as exc:
            reason = _reason(exc)
            logger.info("token geweigerd: %s", reason)
            # `from None`: library messages may quote header or payload fragments.
            raise NotAuthenticated(reason) from None
        typ = decoded["header"].get("typ")
        if not isinstance(typ, str) or typ.lower() not in _ACCESS_TOKEN_TYPES:
            logger.info("token geweigerd: geen at+jwt")
            raise NotAuthenticated("token is geen toegangstoken (typ moet at+jwt zijn)")
        claims: dict[str, Any] = decoded["payload"]
        _require_numeric_dates(claims)
        return _principal(claims), float(claims["exp"])


def bearer_token(request: Request) -> str:
    """The bearer token from the Authorization header; tokens in the URL are refused outright."""
    # URLs end up in access logs, browser history and Referer headers (RFC 6750 §5.3).
    if any(name in request.query_params for name in _QUERY_TOKEN_PARAMS):
        raise NotAuthenticated("tokens in de query string worden niet geaccepteerd")
    header = request.headers.get("authorization")
    if not header:
        raise NotAuthenticated("Authorization-header met bearer token ontbreekt")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise NotAuthenticated("Authorization-header is geen geldig bearer token")
    return token


def get_verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier


# Only declares the scheme in the OpenAPI document; errors are our own 401 problems, not FastAPI's 403.
_bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearerAuth",
    bearerFormat="JWT",
    description="OAuth2-toegangstoken (JWT) volgens het NL GOV-profiel.",
)


def _principal_dependency(check: Callable[[Principal], None]) -> Callable[..., Awaitable[Principal]]:
    # One dependency, not three: FastAPI's dependency resolution is a measurable share of a small request.
    async def dependency(
        request: Request, _credentials: HTTPAuthorizationCredentials | None = Security(_bearer_scheme)
    ) -> Principal:
        token = bearer_token(request)
        verifier = get_verifier(request)
        principal = verifier.cached(token)
        if principal is None:
            # A first sight may fetch the issuer's keys (JWKS): blocking work, kept off the event loop.
            principal = await anyio.to_thread.run_sync(verifier.verify, token)
        check(principal)
        return principal

    setattr(dependency, REQUIRES_TOKEN, True)
    return dependency


def _insufficient_scope(scopes: Iterable[str]) -> dict[str, str]:
    # RFC 6750 §3.1: tells the client which scopes to request instead of leaving it to guess from prose.
    return {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{" ".join(scopes)}"'}


def require_scopes(*scopes: str) -> Callable[..., Awaitable[Principal]]:
    """Dependency: a verified principal that has every one of `scopes` (none given: any valid token)."""
    required = tuple(dict.fromkeys(scopes))

    def check(principal: Principal) -> None:
        missing = [s for s in required if not principal.has(s)]
        if missing:
            raise Forbidden(f"vereiste scope: {', '.join(missing)}", headers=_insufficient_scope(required))

    return _principal_dependency(check)


def require_any_scope(*scopes: str) -> Callable[..., Awaitable[Principal]]:
    """Dependency: a verified principal that has at least one of `scopes`."""
    if not scopes:
        raise ValueError("require_any_scope heeft minstens een scope nodig")
    accepted = tuple(dict.fromkeys(scopes))

    def check(principal: Principal) -> None:
        if not any(principal.has(s) for s in accepted):
            raise Forbidden(f"vereiste scope (een van): {', '.join(accepted)}", headers=_insufficient_scope(accepted))

    return _principal_dependency(check)


def require_tenant(principal: Principal) -> str:
    """The gemeente the principal acts for."""
    if principal.gemeente_code is None:
        raise Forbidden("token zonder gemeente")
    return principal.gemeente_code


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write `data` to `path` unless it exists; concurrent writers never see or leave a partial file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        # os.link refuses to replace: if another process created the file first, theirs is kept.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def generate_dev_keypair(directory: Path) -> tuple[Path, Path]:
    """Create an EC P-256 development signing key pair in `directory` if it is not there yet."""
    directory.mkdir(parents=True, exist_ok=True)
    private_path = directory / DEV_PRIVATE_KEY_NAME
    public_path = directory / DEV_PUBLIC_KEY_NAME
    if not private_path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        _write_new(private_path, pem, 0o600)
        # A public key left over from an earlier private key would make every minted token fail.
        public_path.unlink(missing_ok=True)
    if not public_path.exists():
        private_key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
        public_pem = private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        _write_new(public_path, public_pem, 0o644)
    return private_path, public_path


def mint_token(
    private_key_pem: bytes,
    *,
    issuer: str,
    audience: str,
    client_id: str,
    scopes: Iterable[str],
    gemeente_code: str | None,
    aanbieder_id: str | None = None,
    user: str | None = None,
    roles: Iterable[str] = (),
    ttl_seconds: int = 3600,
    kid: str = "dev",
) -> str:
    """Sign an ES256 access token with the claims `TokenVerifier` reads. For development and tests."""
    scope_list = list(dict.fromkeys(scopes))
    if any(not s or " " in s for s in scope_list):
        raise ValueError("een scope mag niet leeg zijn of spaties bevatten")
    if gemeente_code is not None and not _GEMEENTE_CODE.fullmatch(gemeente_code):
        raise ValueError("gemeentecode moet uit 4 cijfers bestaan")
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
        "jti": str(uuid.uuid4()),
        "client_id": client_id,
        "scope": " ".join(scope_list),
    }
    if user is not None:
        claims["sub"] = user
    if gemeente_code is not None:
        claims["gemeente"] = gemeente_code
    if aanbieder_id is not None:
        claims["aanbieder_id"] = aanbieder_id
    role_list = list(dict.fromkeys(roles))
    if role_list:
        claims["roles"] = role_list
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("ES256 vereist een EC P-256-sleutel")
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": kid, "typ": "at+jwt"})
