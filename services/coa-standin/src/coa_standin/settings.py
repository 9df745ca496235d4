from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from inburgering_kit.keten import Mtls
from inburgering_kit.settings import ServiceSettings

OIN_COA = "00000001003214345000"


class Settings(ServiceSettings):
    """Environment variables prefixed `COA_STANDIN_` (nested with `__`, e.g. `COA_STANDIN_MTLS__CERT_FILE`)."""

    model_config = SettingsConfigDict(env_prefix="COA_STANDIN_", env_nested_delimiter="__", extra="ignore")

    # A partner outside the deployment: no event bus, so no relay and no NATS in its readiness.
    nats_url: str = Field(default="", description="Leeg: deze stand-in gebruikt geen eventbus.")
    run_relay: bool = False
    oin: str = Field(default=OIN_COA, pattern=r"^[0-9]{20}$", description="OIN of the partner this stand-in plays.")
    mtls: Mtls | None = Field(
        default=None, description="Certificate, key and partner CA: with them the API serves and notifies over mTLS."
    )
    melding_interval_seconden: float = Field(default=0.5, gt=0, description="Seconds between two delivery rounds.")
    melding_backoff_basis_seconden: float = Field(default=1.0, gt=0, description="First wait after a failed attempt.")
    melding_backoff_max_seconden: float = Field(default=300.0, gt=0, description="Longest wait between attempts.")
    melding_timeout_seconden: float = Field(default=5.0, gt=0, description="Timeout of one notification request.")
    melding_batch: int = Field(default=100, ge=1, le=10_000, description="Notifications per delivery round.")
    melding_client_id: str = "coa"
    melding_scope: str = "coa"
    melding_issuer: str = Field(default="urn:inburgering:ontwikkel-tokens", description="`iss` of minted tokens.")
    melding_audience: str = Field(default="inburgering", description="`aud` of the tokens the notifications carry.")
    melding_sleutel_bestand: Path | None = Field(
        default=None, description="Development signing key (PEM) to mint the notification tokens with."
    )
    melding_token: SecretStr | None = Field(
        default=None, description="A fixed token for the notifications instead (tests, or one issued by hand)."
    )
    traag_seconden: float = Field(default=2.0, ge=0, le=60, description="Delay of every answer under `traag`.")
