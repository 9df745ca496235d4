"""Machine-to-machine trust with chain partners (DUO, COA, another gemeente), after the Digikoppeling REST API
profile: mutual TLS with certificates that carry the organisation's OIN, plus an OAuth bearer token.

`ontwikkel_ca` makes a development CA and one certificate per organisation for `make run` and the tests; production
points `Mtls` at PKIoverheid certificates from configuration. `server_ssl` gives uvicorn the settings that refuse a
connection without a client certificate of the trusted CA, and a protocol that hands the presented certificate to
the app in the ASGI TLS extension, so an endpoint can check the caller's OIN with `peer_oin`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from inburgering_kit.auth import mint_token

__all__ = [
    "DevTokenSource",
    "Mtls",
    "MtlsHttpToolsProtocol",
    "StaticTokenSource",
    "TokenSource",
    "ontwikkel_ca",
    "partner_client",
    "peer_oin",
    "server_ssl",
]

# A token is renewed this long before it expires, so a request never leaves with one that expires on the way.
_RENEW_MARGIN_SECONDS = 60
_CA_NAME = "Ontwikkel-CA inburgering"
_VALID_DAYS = 825


class TokenSource(Protocol):
    async def token(self) -> str: ...


class StaticTokenSource:
    """One fixed token: for tests."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def token(self) -> str:
        return self._token


class DevTokenSource:
    """Mints its own access tokens with the development signing key, as an identity provider would issue them to
    this client; keeps one until shortly before it expires."""

    def __init__(
        self,
        private_key_pem: bytes,
        *,
        issuer: str,
        audience: str,
        client_id: str,
        scopes: Iterable[str],
        gemeente_code: str | None,
        ttl_seconds: int = 3600,
    ) -> None:
        if ttl_seconds <= _RENEW_MARGIN_SECONDS:
            raise ValueError(f"ttl_seconds moet groter zijn dan {_RENEW_MARGIN_SECONDS}")
        self._key = private_key_pem
        self._issuer = issuer
        self._audience = audience
        self._client_id = client_id
        self._scopes = tuple(scopes)
        self._gemeente_code = gemeente_code
        self._ttl = ttl_seconds
        self._current: tuple[str, float] | None = None
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        async with self._lock:
            now = time.monotonic()
            if self._current is None or now >= self._current[1]:
                minted = mint_token(
                    self._key,
                    issuer=self._issuer,
                    audience=self._audience,
                    client_id=self._client_id,
                    scopes=self._scopes,
                    gemeente_code=self._gemeente_code,
                    ttl_seconds=self._ttl,
                )
                self._current = (minted, now + self._ttl - _RENEW_MARGIN_SECONDS)
            return self._current[0]


@dataclass(frozen=True)
class Mtls:
    """This organisation's certificate and key, and the CA its partners' certificates must come from."""

    cert_file: Path
    key_file: Path
    ca_file: Path


def _client_context(mtls: Mtls) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(mtls.ca_file))
    context.load_cert_chain(str(mtls.cert_file), str(mtls.key_file))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def partner_client(
    mtls: Mtls | None, *, base_url: str, timeout: float = 10.0, connections: int | None = None
) -> httpx.AsyncClient:
    """An HTTP client for a partner's API: with `mtls` it presents our certificate and trusts only the partner CA;
    without, plain HTTP (tests that do not exercise the transport). `connections`: how many calls the caller keeps
    in flight; as many connections are kept alive, so none is set up anew (a TLS handshake) per call."""
    verify: ssl.SSLContext | bool = _client_context(mtls) if mtls is not None else True
    limits = (
        # Room above it: other loops of the caller share the client, and a call waiting for a connection could time out.
        httpx.Limits(max_connections=max(100, 2 * connections), max_keepalive_connections=connections)
        if connections
        else httpx.Limits(max_connections=100, max_keepalive_connections=20)
    )
    return httpx.AsyncClient(base_url=base_url, timeout=timeout, verify=verify, limits=limits)


def _write_private(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o600)


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _ca(directory: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert_file, key_file = directory / "ca.pem", directory / "ca-key.pem"
    if cert_file.exists() and key_file.exists():
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{key_file}: geen EC-sleutel")
        return x509.load_pem_x509_certificate(cert_file.read_bytes()), key
    key = _new_key()
    name = x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, _CA_NAME), x509.NameAttribute(NameOID.COMMON_NAME, _CA_NAME)]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=_VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(key_file, _key_pem(key))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _oin_of(cert: x509.Certificate) -> str | None:
    values = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    return str(values[0].value) if values else None


def _organisation_cert(
    ca_cert: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey, naam: str, oin: str
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _new_key()
    now = dt.datetime.now(dt.UTC)
    # PKIoverheid puts the OIN in the subject's serialNumber; the development certificates do the same, so code
    # that reads the OIN works on both.
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, naam),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, oin),
            x509.NameAttribute(NameOID.COMMON_NAME, naam),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=_VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        # One certificate per organisation serves both directions: its API (server) and its calls (client).
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def ontwikkel_ca(directory: Path, organisaties: Mapping[str, str]) -> dict[str, Mtls]:
    """A development CA in `directory` and a certificate per organisation name -> OIN, made once and kept: calling
    again returns the same files (a new organisation gets its certificate from the existing CA)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = _ca(directory)
    ca_file = directory / "ca.pem"
    result: dict[str, Mtls] = {}
    for naam, oin in organisaties.items():
        if not naam or "/" in naam or naam.startswith("."):
            raise ValueError(f"ongeldige organisatienaam voor een bestandsnaam: {naam!r}")
        mtls = Mtls(cert_file=directory / f"{naam}.pem", key_file=directory / f"{naam}-key.pem", ca_file=ca_file)
        existing = (
            x509.load_pem_x509_certificate(mtls.cert_file.read_bytes())
            if mtls.cert_file.exists() and mtls.key_file.exists()
            else None
        )
        if existing is None or _oin_of(existing) != oin or existing.issuer != ca_cert.subject:
            cert, key = _organisation_cert(ca_cert, ca_key, naam, oin)
            _write_private(mtls.key_file, _key_pem(key))
            mtls.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        result[naam] = mtls
    return result


class MtlsHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol that also fills the ASGI TLS extension (`scope["extensions"]["tls"]`) with the
    client certificate the TLS layer verified: uvicorn itself does not pass it on."""

    _peer_pem: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        self._peer_pem = ssl.DER_cert_to_PEM_cert(der) if der else None

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._peer_pem is not None:
            self.scope["extensions"] = {"tls": {"client_cert_chain": [self._peer_pem], "client_cert_error": None}}


def peer_oin(scope: Mapping[str, Any]) -> str | None:
    """The OIN in the client certificate of this request (ASGI TLS extension), or None without one."""
    chain = scope.get("extensions", {}).get("tls", {}).get("client_cert_chain") or []
    if not chain:
        return None
    return _oin_of(x509.load_pem_x509_certificate(chain[0].encode("ascii")))


def server_ssl(mtls: Mtls) -> dict[str, Any]:
    """uvicorn keyword arguments for an API that only partners with a certificate of the trusted CA may reach."""
    return {
        "ssl_certfile": str(mtls.cert_file),
        "ssl_keyfile": str(mtls.key_file),
        "ssl_ca_certs": str(mtls.ca_file),
        "ssl_cert_reqs": ssl.CERT_REQUIRED,
        "http": MtlsHttpToolsProtocol,
    }
