"""The settings every stand-in has; a stand-in subclasses them with its env prefix, its OIN and its client."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr

from inburgering_kit.keten import Mtls
from inburgering_kit.settings import ServiceSettings


class StandinSettings(ServiceSettings):
    # A partner outside the deployment: no event bus, so no relay and no NATS in its readiness.
    nats_url: str = Field(default="", description="Leeg: deze stand-in gebruikt geen eventbus.")
    run_relay: bool = False
    mtls: Mtls | None = Field(
        default=None, description="Certificate, key and partner CA: with them the API serves and notifies over mTLS."
    )
    melding_interval_seconden: float = Field(default=0.5, gt=0, description="Seconds between two delivery rounds.")
    melding_backoff_basis_seconden: float = Field(default=1.0, gt=0, description="First wait after a failed attempt.")
    melding_backoff_max_seconden: float = Field(default=300.0, gt=0, description="Longest wait between attempts.")
    melding_timeout_seconden: float = Field(default=5.0, gt=0, description="Timeout of one notification request.")
    melding_batch: int = Field(default=100, ge=1, le=10_000, description="Notifications per delivery round.")
    melding_client_id: str
    melding_scope: str
    melding_issuer: str = Field(default="urn:inburgering:ontwikkel-tokens", description="`iss` of minted tokens.")
    melding_audience: str = Field(default="inburgering", description="`aud` of the tokens the notifications carry.")
    melding_sleutel_bestand: Path | None = Field(
        default=None, description="Development signing key (PEM) to mint the notification tokens with."
    )
    melding_token: SecretStr | None = Field(
        default=None, description="A fixed token for the notifications instead (tests, or one issued by hand)."
    )
    traag_seconden: float = Field(default=2.0, ge=0, le=60, description="Delay of every answer under `traag`.")
