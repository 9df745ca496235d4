from pydantic import Field
from pydantic_settings import SettingsConfigDict

from handhaving_api.domain.procedure import STANDAARD_ZIENSWIJZETERMIJN_DAGEN
from inburgering_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Environment variables prefixed `HANDHAVING_API_` (nested with `__`, e.g. `HANDHAVING_API_AUTH__AUDIENCE`)."""

    model_config = SettingsConfigDict(env_prefix="HANDHAVING_API_", env_nested_delimiter="__", extra="ignore")

    zienswijzetermijn_dagen: int = Field(
        default=STANDAARD_ZIENSWIJZETERMIJN_DAGEN,
        ge=1,
        le=90,
        description="Days a voornemen leaves for a zienswijze when the klantregisseur sets none (Awb art. 4:8).",
    )
    signalen_interval_seconden: float = Field(
        default=3600, gt=0, description="Seconds between two zienswijze signal passes (terms are days apart)."
    )
    signalen_batch: int = Field(default=5000, ge=1, le=50_000, description="Voornemens per transaction of a pass.")
