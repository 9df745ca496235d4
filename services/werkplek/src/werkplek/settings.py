"""Settings, from environment variables prefixed `WERKPLEK_` (nested with `__`). Nothing is read at import.

The werkplek has no database and no NATS connection: it publishes and consumes no events (it owns nothing that
could change), so it has neither `database_url` nor `nats_url`, no NATS user in `nats_access`, and its readiness
checks nothing but itself — a service that is down shows as "niet beschikbaar" on the pages that need it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from inburgering_kit.auth import AuthSettings

DEVELOPMENT_SESSION_KEY = "ontwikkel-sessiesleutel-niet-voor-productie"


class Bronnen(BaseModel):
    """Where each API is (its `/api/v1` prefix included)."""

    inburgeraar: str = "http://127.0.0.1:8101/api/v1"
    pip: str = "http://127.0.0.1:8102/api/v1"
    aanbieder: str = "http://127.0.0.1:8103/api/v1"
    handhaving: str = "http://127.0.0.1:8104/api/v1"
    # The gemeente's exchange: only the status of a dossier transfer on a move (never its content).
    ketenuitwisseling: str = "http://127.0.0.1:8108/api/v1"


class Mtls(BaseModel):
    """The certificate the werkplek presents to an API served under mutual TLS, and the CA that API's certificate
    comes from. `make run` serves the exchange so (as to DUO and COA); in the cluster it is behind the ingress."""

    cert_file: Path
    key_file: Path
    ca_file: Path


class Oidc(BaseModel):
    """OpenID Connect (authorization code flow with PKCE) against any compliant provider."""

    issuer: str = Field(
        description="The provider's issuer URL; its discovery document is at /.well-known/openid-configuration."
    )
    client_id: str
    client_secret: SecretStr | None = Field(default=None, description="For a confidential client (client_secret_post).")
    scope: str = Field(
        default="openid profile", description="Scopes asked for; the access token must be one the APIs accept."
    )
    redirect_uri: str = Field(
        description="This werkplek's callback, e.g. https://werkplek.example/werkplek/aanmelden/terug."
    )


class Ontwikkelaanmelding(BaseModel):
    """The development sign-in of `make run` and the tests: pick a role and a gemeente, get a token minted with the
    development key. Never in production (see the validator)."""

    private_key_file: Path
    issuer: str
    audience: str
    rollen: dict[str, list[str]] = Field(description="Role → the scopes a token of that role carries.")
    gemeenten: list[str] = Field(default_factory=lambda: ["0363", "0599"])
    ttl_seconden: int = Field(default=8 * 3600, ge=60)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WERKPLEK_", env_nested_delimiter="__", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    public_base_url: str = "http://127.0.0.1:8109"
    auth: AuthSettings = Field(description="How the werkplek checks the access token it was given (as the APIs do).")
    bronnen: Bronnen = Field(default_factory=Bronnen)
    bronnen_mtls: dict[str, Mtls] = Field(
        default_factory=dict,
        description="Per API of `bronnen` (by name) that is served under mutual TLS: the certificate to present.",
    )
    bron_timeout_seconden: float = Field(
        default=3.0,
        gt=0,
        le=30,
        description="Per step of an API call (a free connection, connecting, sending, reading); past it, that part "
        "of the page shows 'niet beschikbaar'.",
    )
    sessie_sleutel: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_SESSION_KEY),
        description="Key that encrypts and authenticates the session cookie (any length; derived to a Fernet key).",
    )
    sessie_inactief_minuten: int = Field(default=30, ge=1, le=240)
    sessie_max_uren: int = Field(default=8, ge=1, le=24)
    oidc: Oidc | None = None
    ontwikkelaanmelding: Ontwikkelaanmelding | None = None
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _veilig_in_productie(self) -> Settings:
        if self.environment == "production":
            if self.sessie_sleutel.get_secret_value() == DEVELOPMENT_SESSION_KEY:
                raise ValueError("sessie_sleutel must be set outside development")
            if self.ontwikkelaanmelding is not None:
                raise ValueError("the development sign-in is not allowed in production")
            if self.oidc is None:
                raise ValueError("oidc must be configured in production")
        if self.oidc is None and self.ontwikkelaanmelding is None:
            raise ValueError("configure oidc or (outside production) ontwikkelaanmelding")
        return self

    @property
    def veilig(self) -> bool:
        """Secure cookies with the `__Host-` prefix: everywhere but a developer's plain-http machine."""
        return self.environment != "development"
