import base64
import hashlib
import hmac
import json
import stat
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import Depends, FastAPI, Security
from pydantic import ValidationError

from inburgering_kit.auth import (
    AuthSettings,
    Principal,
    TokenVerifier,
    generate_dev_keypair,
    mint_token,
    require_any_scope,
    require_scopes,
    require_tenant,
)
from inburgering_kit.problems import Forbidden, NotAuthenticated, install_problem_handlers

ISSUER = "https://idp.test/realms/inburgering"
AUDIENCE = "inburgeraar-api"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return generate_dev_keypair(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def private_pem(keys: tuple[Path, Path]) -> bytes:
    return keys[0].read_bytes()


@pytest.fixture(scope="module")
def verifier(keys: tuple[Path, Path]) -> TokenVerifier:
    return TokenVerifier(
        AuthSettings(issuers=["https://other.test", ISSUER], audience=AUDIENCE, public_key_file=keys[1])
    )


def mint(private_pem: bytes, **overrides: Any) -> str:
    args: dict[str, Any] = {
        "issuer": ISSUER,
        "audience": AUDIENCE,
        "client_id": "gemeente-portaal",
        "scopes": ["inburgeraar:lezen"],
        "gemeente_code": "0363",
    }
    args.update(overrides)
    return mint_token(private_pem, **args)


def sign_es256(private_pem: bytes, claims: dict[str, Any], **kwargs: Any) -> str:
    key = serialization.load_pem_private_key(private_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    kwargs.setdefault("headers", {"typ": "at+jwt"})
    return jwt.encode(claims, key, algorithm="ES256", **kwargs)


def base_claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600, "client_id": "c"}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def rejected(verifier: TokenVerifier, token: str) -> NotAuthenticated:
    with pytest.raises(NotAuthenticated) as info:
        verifier.verify(token)
    assert info.value.detail
    if token:
        assert token not in info.value.detail
    assert info.value.__cause__ is None
    return info.value


# --- settings ---


def test_settings_need_exactly_one_key_source(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="precies een"):
        AuthSettings(issuers=[ISSUER], audience=AUDIENCE)
    with pytest.raises(ValidationError, match="precies een"):
        AuthSettings(
            issuers=[ISSUER],
            audience=AUDIENCE,
            jwks_url="https://idp.test/jwks",
            public_key_file=tmp_path / "k",
        )
    assert AuthSettings(issuers=[ISSUER], audience=AUDIENCE, jwks_url="https://idp.test/jwks").algorithms == [
        "ES256",
        "RS256",
    ]
    settings = AuthSettings(issuers=[ISSUER], audience=AUDIENCE, public_key_file=tmp_path / "k")
    assert settings.leeway_seconds == 30


def test_settings_refuse_symmetric_algorithms_and_empty_issuers(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="HS256"):
        AuthSettings(issuers=[ISSUER], audience=AUDIENCE, public_key_file=tmp_path / "k", algorithms=["HS256"])
    with pytest.raises(ValidationError, match="none"):
        AuthSettings(issuers=[ISSUER], audience=AUDIENCE, public_key_file=tmp_path / "k", algorithms=["none"])
    with pytest.raises(ValidationError):
        AuthSettings(issuers=[], audience=AUDIENCE, public_key_file=tmp_path / "k")


# --- dev keys and minting ---


def test_generate_dev_keypair_is_idempotent_and_private(tmp_path: Path) -> None:
    directory = tmp_path / "nieuw" / "keys"
    private, public = generate_dev_keypair(directory)
    assert private == directory / "dev-signing-key.pem"
    assert public == directory / "dev-signing-key.pub.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    key = serialization.load_pem_private_key(private.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert isinstance(key.curve, ec.SECP256R1)
    pub = serialization.load_pem_public_key(public.read_bytes())
    assert pub == key.public_key()
    before = (private.read_bytes(), public.read_bytes())

    assert generate_dev_keypair(directory) == (private, public)
    assert (private.read_bytes(), public.read_bytes()) == before
    assert sorted(p.name for p in directory.iterdir()) == ["dev-signing-key.pem", "dev-signing-key.pub.pem"]

    public.unlink()
    generate_dev_keypair(directory)
    assert public.read_bytes() == before[1]


def test_mint_token_claims(private_pem: bytes) -> None:
    token = mint(private_pem, user="medewerker-7", aanbieder_id="A123", roles=["klantmanager"], scopes=["a", "b", "a"])
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "ES256"
    assert header["kid"] == "dev"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == ISSUER
    assert claims["aud"] == AUDIENCE
    assert claims["client_id"] == "gemeente-portaal"
    assert claims["scope"] == "a b"
    assert claims["gemeente"] == "0363"
    assert claims["aanbieder_id"] == "A123"
    assert claims["sub"] == "medewerker-7"
    assert claims["roles"] == ["klantmanager"]
    assert claims["exp"] - claims["iat"] == 3600


def test_mint_token_refuses_bad_input(private_pem: bytes) -> None:
    with pytest.raises(ValueError, match="scope"):
        mint(private_pem, scopes=["a b"])
    with pytest.raises(ValueError, match="gemeentecode"):
        mint(private_pem, gemeente_code="363")
    rsa_pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValueError, match="P-256"):
        mint(rsa_pem)


# --- verification ---


def test_valid_token_gives_principal(verifier: TokenVerifier, private_pem: bytes) -> None:
    token = mint(
        private_pem,
        scopes=["inburgeraar:lezen", "inburgeraar:schrijven"],
        user="medewerker-7",
        aanbieder_id="A123",
        roles=["klantmanager", "teamleider"],
    )
    assert verifier.verify(token) == Principal(
        client_id="gemeente-portaal",
        user="medewerker-7",
        scopes=frozenset({"inburgeraar:lezen", "inburgeraar:schrijven"}),
        gemeente_code="0363",
        aanbieder_id="A123",
        roles=frozenset({"klantmanager", "teamleider"}),
    )


def test_minimal_token(verifier: TokenVerifier, private_pem: bytes) -> None:
    principal = verifier.verify(mint(private_pem, scopes=[], gemeente_code=None))
    assert principal == Principal("gemeente-portaal", None, frozenset(), None, None, frozenset())
    assert not principal.has("inburgeraar:lezen")


def test_client_id_falls_back_to_azp(verifier: TokenVerifier, private_pem: bytes) -> None:
    token = sign_es256(private_pem, base_claims(client_id=None, azp="via-azp"))
    assert verifier.verify(token).client_id == "via-azp"


def test_missing_client_id(verifier: TokenVerifier, private_pem: bytes) -> None:
    assert rejected(verifier, sign_es256(private_pem, base_claims(client_id=None))).detail == "token zonder client_id"


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("a", {"a"}),
        ("a b  c", {"a", "b", "c"}),
        ("  inburgeraar:lezen\tinburgeraar:schrijven ", {"inburgeraar:lezen", "inburgeraar:schrijven"}),
        ("", set()),
        (None, set()),
        (["a", "b"], {"a", "b"}),
    ],
)
def test_scope_parsing(verifier: TokenVerifier, private_pem: bytes, scope: object, expected: set[str]) -> None:
    principal = verifier.verify(sign_es256(private_pem, base_claims(scope=scope)))
    assert principal.scopes == expected
    assert all(principal.has(s) for s in expected)


@pytest.mark.parametrize(
    "claims",
    [
        {"scope": 42},
        {"scope": ["a", 1]},
        {"roles": "beheerder"},
        {"roles": [None]},
        {"gemeente": "363"},
        {"gemeente": "GM0363"},
        {"gemeente": 363},
        {"sub": 7},
        {"sub": ""},
        {"aanbieder_id": ""},
    ],
)
def test_malformed_claims(verifier: TokenVerifier, private_pem: bytes, claims: dict[str, Any]) -> None:
    assert "ongeldige claim" in str(rejected(verifier, sign_es256(private_pem, base_claims(**claims))).detail)


def test_expired(verifier: TokenVerifier, private_pem: bytes) -> None:
    assert rejected(verifier, mint(private_pem, ttl_seconds=-60)).detail == "token is verlopen"


def test_expiry_within_leeway_is_accepted(verifier: TokenVerifier, private_pem: bytes) -> None:
    assert verifier.verify(mint(private_pem, ttl_seconds=-5)).client_id == "gemeente-portaal"


def test_missing_exp(verifier: TokenVerifier, private_pem: bytes) -> None:
    assert "exp" in str(rejected(verifier, sign_es256(private_pem, base_claims(exp=None))).detail)


@pytest.mark.parametrize("exp", ["9999999999", True, None, [9999999999], {"t": 1}])
def test_exp_must_be_a_number(verifier: TokenVerifier, private_pem: bytes, exp: object) -> None:
    claims = base_claims()
    claims["exp"] = exp
    assert rejected(verifier, sign_es256(private_pem, claims)).status == 401


@pytest.mark.parametrize("name", ["nbf", "iat"])
def test_other_dates_must_be_numbers(verifier: TokenVerifier, private_pem: bytes, name: str) -> None:
    claims = base_claims(**{name: str(int(time.time()) - 10)})
    assert f"ongeldige claim {name}" == rejected(verifier, sign_es256(private_pem, claims)).detail


def test_mint_token_sets_access_token_type(private_pem: bytes) -> None:
    assert jwt.get_unverified_header(mint(private_pem))["typ"] == "at+jwt"


@pytest.mark.parametrize("typ", [None, "JWT", "at+jwt+x", 1, "id+jwt"])
def test_token_that_is_not_an_access_token(verifier: TokenVerifier, private_pem: bytes, typ: object) -> None:
    # `typ: None` makes PyJWT leave the header parameter out.
    token = sign_es256(private_pem, base_claims(), headers={"typ": typ})
    assert jwt.get_unverified_header(token).get("typ") == typ
    assert "at+jwt" in str(rejected(verifier, token).detail)


@pytest.mark.parametrize("typ", ["at+jwt", "AT+JWT", "application/at+jwt"])
def test_access_token_types_accepted(verifier: TokenVerifier, private_pem: bytes, typ: str) -> None:
    assert verifier.verify(sign_es256(private_pem, base_claims(), headers={"typ": typ})).client_id == "c"


def test_wrong_audience(verifier: TokenVerifier, private_pem: bytes) -> None:
    assert "niet voor deze dienst" in str(rejected(verifier, mint(private_pem, audience="andere-api")).detail)
    assert "aud" in str(rejected(verifier, sign_es256(private_pem, base_claims(aud=None))).detail)


def test_issuer_not_allowed(verifier: TokenVerifier, private_pem: bytes) -> None:
    assert "uitgever" in str(rejected(verifier, mint(private_pem, issuer="https://evil.test")).detail)
    assert "iss" in str(rejected(verifier, sign_es256(private_pem, base_claims(iss=None))).detail)


def test_any_allowed_issuer_is_accepted(verifier: TokenVerifier, private_pem: bytes) -> None:
    assert verifier.verify(mint(private_pem, issuer="https://other.test")).client_id == "gemeente-portaal"


def test_signature_by_another_key(verifier: TokenVerifier, private_pem: bytes) -> None:
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert "handtekening" in str(rejected(verifier, mint(other)).detail)


def test_tampered_payload(verifier: TokenVerifier, private_pem: bytes) -> None:
    header, _, signature = mint(private_pem).split(".")
    payload = b64(json.dumps(base_claims(scope="beheer:alles")).encode())
    rejected(verifier, f"{header}.{payload}.{signature}")


def test_alg_none_is_rejected(verifier: TokenVerifier) -> None:
    token = jwt.encode(base_claims(scope="inburgeraar:lezen"), "", algorithm="none")
    assert "algoritme" in str(rejected(verifier, token).detail)


def test_hs256_is_rejected(verifier: TokenVerifier) -> None:
    token = jwt.encode(base_claims(), "gedeeld-geheim-van-minstens-32-bytes!", algorithm="HS256")
    assert "algoritme" in str(rejected(verifier, token).detail)


def test_hs256_signed_with_the_public_key_is_rejected(verifier: TokenVerifier, keys: tuple[Path, Path]) -> None:
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    signing_input = f"{header}.{b64(json.dumps(base_claims()).encode())}"
    mac = hmac.new(keys[1].read_bytes(), signing_input.encode(), hashlib.sha256).digest()
    rejected(verifier, f"{signing_input}.{b64(mac)}")


def test_rs256_token_against_ec_key_is_rejected(verifier: TokenVerifier) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert "algoritme" in str(rejected(verifier, jwt.encode(base_claims(), key, algorithm="RS256")).detail)


def test_es384_header_against_p256_key_is_rejected(verifier: TokenVerifier) -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    assert "algoritme" in str(rejected(verifier, jwt.encode(base_claims(), key, algorithm="ES384")).detail)


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "a.b", "ü.ü.ü", "a.b.c.d"])
def test_malformed_tokens(verifier: TokenVerifier, token: str) -> None:
    assert rejected(verifier, token).detail == "token is ongeldig"


def test_signed_payload_that_is_not_an_object(verifier: TokenVerifier, private_pem: bytes) -> None:
    key = serialization.load_pem_private_key(private_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert rejected(verifier, jwt.api_jws.encode(b"[]", key, algorithm="ES256")).detail == "token is ongeldig"


def test_missing_signature(verifier: TokenVerifier, private_pem: bytes) -> None:
    header, payload, _ = mint(private_pem).split(".")
    assert "handtekening" in str(rejected(verifier, f"{header}.{payload}.").detail)


def test_public_key_is_loaded_once(keys: tuple[Path, Path], private_pem: bytes, tmp_path: Path) -> None:
    key_file = tmp_path / "pub.pem"
    key_file.write_bytes(keys[1].read_bytes())
    verifier = TokenVerifier(AuthSettings(issuers=[ISSUER], audience=AUDIENCE, public_key_file=key_file))
    verifier.verify(mint(private_pem))
    key_file.unlink()
    verifier.verify(mint(private_pem))


def test_missing_key_file_is_a_configuration_error(tmp_path: Path, private_pem: bytes) -> None:
    verifier = TokenVerifier(AuthSettings(issuers=[ISSUER], audience=AUDIENCE, public_key_file=tmp_path / "weg"))
    with pytest.raises(FileNotFoundError):
        verifier.verify(mint(private_pem))


def test_jwks_keys_by_kid(monkeypatch: pytest.MonkeyPatch, keys: tuple[Path, Path], private_pem: bytes) -> None:
    public = serialization.load_pem_public_key(keys[1].read_bytes())
    assert isinstance(public, ec.EllipticCurvePublicKey)
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(public))
    jwks = {"keys": [{**jwk, "kid": "sleutel-1", "use": "sig", "alg": "ES256"}]}
    fetches: list[str] = []

    def fake_fetch(self: jwt.PyJWKClient) -> Any:
        fetches.append(self.uri)
        return jwks

    monkeypatch.setattr(jwt.PyJWKClient, "fetch_data", fake_fetch)
    verifier = TokenVerifier(AuthSettings(issuers=[ISSUER], audience=AUDIENCE, jwks_url="https://idp.test/jwks"))
    assert verifier.verify(mint(private_pem, kid="sleutel-1")).gemeente_code == "0363"
    assert verifier.verify(mint(private_pem, kid="sleutel-1")).client_id == "gemeente-portaal"
    assert fetches == ["https://idp.test/jwks"]
    assert "sleutel" in str(rejected(verifier, mint(private_pem, kid="onbekend")).detail)
    assert "sleutel" in str(rejected(verifier, sign_es256(private_pem, base_claims())).detail)


def test_jwks_unreachable(monkeypatch: pytest.MonkeyPatch, private_pem: bytes) -> None:
    def unreachable(self: jwt.PyJWKClient) -> Any:
        raise jwt.PyJWKClientConnectionError("Fail to fetch data from the url")

    monkeypatch.setattr(jwt.PyJWKClient, "fetch_data", unreachable)
    verifier = TokenVerifier(AuthSettings(issuers=[ISSUER], audience=AUDIENCE, jwks_url="https://idp.test/jwks"))
    assert "niet beschikbaar" in str(rejected(verifier, mint(private_pem)).detail)


def test_require_tenant() -> None:
    principal = Principal("c", None, frozenset(), "0363", None, frozenset())
    assert require_tenant(principal) == "0363"
    with pytest.raises(Forbidden, match="gemeente"):
        require_tenant(Principal("c", None, frozenset(), None, None, frozenset()))


def test_require_any_scope_needs_scopes() -> None:
    with pytest.raises(ValueError, match="scope"):
        require_any_scope()


# --- FastAPI ---


@pytest.fixture
def app(verifier: TokenVerifier) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.token_verifier = verifier

    @app.get("/inburgeraars")
    def lijst(
        principal: Annotated[Principal, Security(require_scopes("inburgeraar:lezen"))],
    ) -> dict[str, str]:
        return {"client_id": principal.client_id, "gemeente": require_tenant(principal)}

    @app.post("/inburgeraars")
    def maak(
        principal: Annotated[Principal, Depends(require_scopes("inburgeraar:lezen", "inburgeraar:schrijven"))],
    ) -> dict[str, str]:
        return {"client_id": principal.client_id}

    @app.get("/rapportage")
    def rapportage(
        principal: Annotated[Principal, Security(require_any_scope("rapportage:lezen", "beheer"))],
    ) -> dict[str, list[str]]:
        return {"scopes": sorted(principal.scopes)}

    @app.get("/ingelogd")
    def ingelogd(principal: Annotated[Principal, Security(require_scopes())]) -> dict[str, str]:
        return {"client_id": principal.client_id}

    @app.get("/openbaar")
    def openbaar() -> dict[str, str]:
        return {"status": "ok"}

    return app


@pytest.fixture
async def client(app: FastAPI) -> Any:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


async def test_no_header_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/inburgeraars")
    body = assert_problem(response, 401)
    assert body["code"] == "niet-geauthenticeerd"
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Basic dXNlcjpwdw==", "Bearer", "Bearer ", "Bearer a b", "token"])
async def test_malformed_header_is_401(client: httpx.AsyncClient, header: str) -> None:
    assert_problem(await client.get("/inburgeraars", headers={"Authorization": header}), 401)


@pytest.mark.parametrize("param", ["access_token", "token"])
async def test_token_in_query_string_is_401_even_with_header(
    client: httpx.AsyncClient, private_pem: bytes, param: str
) -> None:
    token = mint(private_pem)
    response = await client.get("/inburgeraars", params={param: token}, headers=bearer(token))
    body = assert_problem(response, 401)
    assert body["detail"] == "tokens in de query string worden niet geaccepteerd"
    assert token not in response.text


async def test_invalid_token_is_401_without_echo(client: httpx.AsyncClient, private_pem: bytes) -> None:
    token = mint(private_pem, ttl_seconds=-3600)
    response = await client.get("/inburgeraars", headers=bearer(token))
    assert assert_problem(response, 401)["detail"] == "token is verlopen"
    assert token not in response.text


async def test_missing_scope_is_403(client: httpx.AsyncClient, private_pem: bytes) -> None:
    response = await client.get("/inburgeraars", headers=bearer(mint(private_pem, scopes=["iets:anders"])))
    body = assert_problem(response, 403)
    assert body["detail"] == "vereiste scope: inburgeraar:lezen"
    assert body["code"] == "geen-toegang"
    assert response.headers["www-authenticate"] == 'Bearer error="insufficient_scope", scope="inburgeraar:lezen"'


async def test_all_scopes_are_required(client: httpx.AsyncClient, private_pem: bytes) -> None:
    response = await client.post("/inburgeraars", headers=bearer(mint(private_pem)))
    assert assert_problem(response, 403)["detail"] == "vereiste scope: inburgeraar:schrijven"
    token = mint(private_pem, scopes=["inburgeraar:schrijven", "inburgeraar:lezen"])
    assert (await client.post("/inburgeraars", headers=bearer(token))).status_code == 200


async def test_right_scope_is_200(client: httpx.AsyncClient, private_pem: bytes) -> None:
    response = await client.get("/inburgeraars", headers=bearer(mint(private_pem)))
    assert response.status_code == 200
    assert response.json() == {"client_id": "gemeente-portaal", "gemeente": "0363"}


async def test_bearer_scheme_is_case_insensitive(client: httpx.AsyncClient, private_pem: bytes) -> None:
    response = await client.get("/inburgeraars", headers={"Authorization": f"bearer {mint(private_pem)}"})
    assert response.status_code == 200


async def test_token_without_gemeente_is_403_where_a_tenant_is_needed(
    client: httpx.AsyncClient, private_pem: bytes
) -> None:
    response = await client.get("/inburgeraars", headers=bearer(mint(private_pem, gemeente_code=None)))
    assert assert_problem(response, 403)["detail"] == "token zonder gemeente"


async def test_any_scope(client: httpx.AsyncClient, private_pem: bytes) -> None:
    ok = await client.get("/rapportage", headers=bearer(mint(private_pem, scopes=["beheer"])))
    assert ok.json() == {"scopes": ["beheer"]}
    denied = await client.get("/rapportage", headers=bearer(mint(private_pem)))
    assert assert_problem(denied, 403)["detail"] == "vereiste scope (een van): rapportage:lezen, beheer"


async def test_no_scopes_means_any_valid_token(client: httpx.AsyncClient, private_pem: bytes) -> None:
    assert (await client.get("/ingelogd", headers=bearer(mint(private_pem, scopes=[])))).status_code == 200
    assert_problem(await client.get("/ingelogd"), 401)


async def test_openapi_declares_bearer_scheme(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "OAuth2-toegangstoken (JWT) volgens het NL GOV-profiel.",
    }
    for path, method in [
        ("/inburgeraars", "get"),
        ("/inburgeraars", "post"),
        ("/rapportage", "get"),
        ("/ingelogd", "get"),
    ]:
        assert spec["paths"][path][method]["security"] == [{"bearerAuth": []}], (path, method)
    assert "security" not in spec["paths"]["/openbaar"]["get"]
    # The token comes from the header only: no parameters leak into the operation.
    assert "parameters" not in spec["paths"]["/inburgeraars"]["get"]
