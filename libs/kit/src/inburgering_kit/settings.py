"""Settings every service shares; each service subclasses `ServiceSettings` with its own env prefix.

Nothing is read at import: a service builds its settings object in its app factory or CLI.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from inburgering_kit.auth import AuthSettings
from inburgering_kit.nats_access import has_credentials, with_credentials

DEVELOPMENT_PSEUDONYM_KEY = "ontwikkel-sleutel-niet-voor-productie"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(description="PostgreSQL URL of this service's own database.")
    nats_url: str = Field(
        description="NATS server URL(s), comma separated; may carry this service's credentials "
        "(`nats://user:pw@host`). Empty for a service that uses no event bus (the chain partners' stand-ins): "
        "no relay, readiness without NATS."
    )
    nats_user: str | None = Field(
        default=None, description="This service's NATS user; with `nats_password`, put into every URL of `nats_url`."
    )
    nats_password: SecretStr | None = Field(default=None, description="This service's NATS password.")
    oin: str = Field(
        default="00000001002564440000",
        pattern=r"^[0-9]{20}$",
        description="OIN of the organisation running this system; part of every event's source.",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000", description="Where this service is reachable; base of `dataref`."
    )
    auth: AuthSettings
    pseudonym_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_PSEUDONYM_KEY),
        description="Key of the keyed hash that pseudonymises the BSN in the processing log.",
    )
    database_pool_size: int = Field(default=20, ge=1, le=200, description="Connections per process.")
    run_relay: bool = Field(default=True, description="Run the outbox relay inside the API process.")
    outbox_retention_hours: int = Field(
        default=168,
        ge=0,
        description="How long a published event stays in the outbox before the relay deletes it (JetStream has it "
        "by then; the row only serves to look back). 0 keeps published events for ever. Unpublished events are "
        "never deleted.",
    )
    idempotency_retention_hours: int = Field(
        default=168,
        ge=0,
        description="How long the stored answer of an Idempotency-Key stays before the relay deletes it (a retry "
        "with that key within this time replays the first answer; after it, the same key is a new request). 0 keeps "
        "stored answers for ever.",
    )
    monitoring_max_leeftijd_s: float = Field(
        default=60,
        ge=0,
        description="How long a process reuses the figures of a monitoring request (the same gemeente, period and "
        "format) before computing them anew; the answer names the moment they were computed. 0 computes every "
        "request anew.",
    )
    stream_name: str = "INBURGERING"
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _no_development_secrets_in_production(self) -> ServiceSettings:
        if self.environment == "production" and self.pseudonym_key.get_secret_value() == DEVELOPMENT_PSEUDONYM_KEY:
            raise ValueError("pseudonym_key must be set outside development")
        if (self.nats_user is None) != (self.nats_password is None):
            raise ValueError("nats_user and nats_password go together")
        if self.nats_user is not None and self.nats_password is not None:
            # Folded into the URL once, so every connection (relay, consumers, readiness) authenticates alike.
            self.nats_url = with_credentials(self.nats_url, self.nats_user, self.nats_password.get_secret_value())
        if self.environment != "development" and self.nats_url and not has_credentials(self.nats_url):
            raise ValueError("NATS credentials (nats_user and nats_password) must be set outside development")
        return self
