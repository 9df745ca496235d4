from pathlib import Path

from pydantic import Field, IPvAnyNetwork, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from aanbieder_api.bestandsformaat import BYTES_PER_REGEL, REGELS_PER_BESTAND
from aanbieder_api.domain.regels import REGELS
from inburgering_kit.settings import DEVELOPMENT_PSEUDONYM_KEY, ServiceSettings


class Settings(ServiceSettings):
    """Environment variables prefixed `AANBIEDER_API_` (nested with `__`, e.g. `AANBIEDER_API_AUTH__AUDIENCE`)."""

    model_config = SettingsConfigDict(env_prefix="AANBIEDER_API_", env_nested_delimiter="__", extra="ignore")

    deelnemer_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_PSEUDONYM_KEY),
        description="Key of the keyed hash that gives each aanbieder its own deelnemer reference per person.",
    )
    run_projectie: bool = Field(
        default=True,
        description="Feed the projections (PIPs from pip-api, registered inburgeraars from inburgeraar-api) here.",
    )
    upload_dir: Path = Field(
        default=Path("var/aanbieder-api/aanleveringen"),
        description="Where uploaded files wait while they are processed (shared between replicas).",
    )
    upload_max_bytes: int = Field(
        default=REGELS_PER_BESTAND * BYTES_PER_REGEL, ge=1, description="Largest file accepted (sized from the format)."
    )
    upload_max_afgewezen: int = Field(
        default=100,
        ge=1,
        le=10_000,
        description="A file with this many rows that are not a report of the format is refused whole, with their "
        "reasons, before anything of it is stored or applied.",
    )
    upload_batch: int = Field(default=1000, ge=1, le=20_000, description="File rows applied per transaction.")
    upload_beurt_regels: int = Field(
        default=10_000,
        ge=1,
        le=1_000_000,
        description="File rows one upload may apply while another aanbieder's upload waits; then that one has a "
        "turn, so one provider's big file does not hold up the others.",
    )
    upload_poll_seconden: float = Field(
        default=5.0, gt=0, description="Seconds between looks for unfinished uploads (a new upload wakes it at once)."
    )
    trusted_proxies: list[IPvAnyNetwork] = Field(
        default=[],
        description="Addresses or networks of the reverse proxies in front of the service: only from these is "
        "`X-Forwarded-For` read, for the portal's per-address brake on failed sign-ins (uvicorn itself runs with "
        "`--no-proxy-headers`).",
    )
    meldnorm_aanwezigheid_dagen: int = Field(
        default=REGELS.aanwezigheid_per_maand.dagen,
        ge=0,
        le=90,
        description="Days after a month ends by which its attendance is due (policy; see domain/regels.py).",
    )
    meldnorm_start_dagen: int = Field(
        default=REGELS.start.dagen, ge=0, le=90, description="Days after the planned start by which it is due."
    )

    @model_validator(mode="after")
    def _deelnemer_key_in_production(self) -> "Settings":
        if self.environment == "production" and self.deelnemer_key.get_secret_value() == DEVELOPMENT_PSEUDONYM_KEY:
            raise ValueError("deelnemer_key must be set outside development")
        return self
