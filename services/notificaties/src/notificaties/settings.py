from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from inburgering_kit.settings import ServiceSettings

# A Fernet key that is public by being in this file: good enough to exercise the code path in development,
# refused in production (see `_secrets_outside_development`).
DEVELOPMENT_ENCRYPTION_KEY = "b250d2lra2VsLXNsZXV0ZWwtbmlldC12b29yLXByb2Q="


class Settings(ServiceSettings):
    """Environment variables prefixed `NOTIFICATIES_` (nested with `__`)."""

    model_config = SettingsConfigDict(env_prefix="NOTIFICATIES_", env_nested_delimiter="__", extra="ignore")

    encryption_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_ENCRYPTION_KEY),
        description="Fernet key (urlsafe base64, 32 bytes) that encrypts signing secrets and authorization headers "
        "at rest. Comma-separated keys rotate: the first encrypts, all decrypt.",
    )
    allow_http: bool = Field(default=False, description="Accept http:// callbacks (development and test only).")
    allow_private_addresses: bool = Field(
        default=False,
        description="Accept callbacks resolving to loopback/private/link-local addresses (development and test only).",
    )
    run_delivery: bool = Field(default=True, description="Run the event consumer and delivery worker in the API.")
    consumer_durable: str = Field(default="notificaties", pattern=r"^[A-Za-z0-9_-]{1,100}$")
    max_attempts: int | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="Optionally give up after this many attempts even within the subscription's retry window "
        "(`herhaaltermijnUren`, 24 hours unless it chose 1-168); unset, the window alone decides.",
    )
    backoff_base_seconds: float = Field(default=2.0, gt=0, description="Delay after the first failed attempt.")
    backoff_max_seconds: float = Field(
        default=900.0,
        gt=0,
        le=3600,
        description="The cap on the delay between attempts: a receiver back from maintenance gets its queue "
        "within this long. The contract's description of the retry schedule names the defaults.",
    )
    delivery_timeout_seconds: float = Field(default=5.0, gt=0, le=60, description="Per HTTP attempt, all phases.")
    max_concurrency: int = Field(default=50, ge=1, le=1000, description="Deliveries in flight per process.")
    max_in_flight_per_subscription: int = Field(
        default=8,
        ge=1,
        le=100,
        description="Deliveries of one subscription in flight at once; never two about the same subject, which "
        "go one after the other in order. 1 delivers a subscription's events strictly one at a time.",
    )
    batch_size: int = Field(
        default=50, ge=1, le=1000, description="Deliveries one subscription gets in one run, one after the other."
    )
    poll_interval_seconds: float = Field(
        default=1.0,
        gt=0,
        le=10,
        description="How often a worker looks for due subscriptions without being woken: retries after their "
        "backoff, and the queues of a worker that died. New events are delivered without waiting for it.",
    )
    lease_seconds: float = Field(
        default=15.0,
        ge=1,
        le=600,
        description="How long a worker holds a subscription without renewing (it renews every third of this). "
        "After a crash, its subscriptions are taken over once their leases ran out.",
    )
    idle_seconds: float = Field(
        default=30.0, gt=0, description="A worker lets go of a subscription that had nothing to deliver this long."
    )
    retention_hours: int = Field(
        default=168,
        ge=0,
        description="How long a delivery that ended (delivered or dead-lettered) is kept after its last attempt: until "
        "then it is in the subscription's delivery log and counts, and can be sent again. Then a delivery worker "
        "deletes it, and the stored event once no delivery refers to it. Waiting deliveries are never deleted. 0 "
        "keeps them for ever.",
    )
    retention_interval_seconds: float = Field(
        default=300.0, gt=0, description="How often a delivery worker deletes what is past the retention."
    )

    @model_validator(mode="after")
    def _secrets_outside_development(self) -> Settings:
        if self.environment == "production":
            if self.encryption_key.get_secret_value() == DEVELOPMENT_ENCRYPTION_KEY:
                raise ValueError("encryption_key must be set outside development")
            if self.allow_http or self.allow_private_addresses:
                raise ValueError("allow_http and allow_private_addresses are for development and test only")
        return self
