from pydantic import Field
from pydantic_settings import SettingsConfigDict

from inburgering_kit.settings import ServiceSettings
from pip_api.domain.enums import Termijnsoort
from pip_api.domain.signalen import STANDAARD_AANLOOP_DAGEN


class Settings(ServiceSettings):
    """Environment variables prefixed `PIP_API_` (nested with `__`, e.g. `PIP_API_AUTH__AUDIENCE`)."""

    model_config = SettingsConfigDict(env_prefix="PIP_API_", env_nested_delimiter="__", extra="ignore")

    signalen_interval_seconden: float = Field(
        default=3600, gt=0, description="Seconds between two full signal passes (deadlines are days apart)."
    )
    signalen_aanloop_dagen: int = Field(
        default=STANDAARD_AANLOOP_DAGEN, ge=0, le=365, description="Days before a deadline that it `nadert`."
    )
    signalen_aanloop_per_soort: dict[Termijnsoort, int] = Field(
        default_factory=dict,
        description='Lead time per termijnsoort, overriding the default, e.g. `{"pvt": 60}`.',
    )
    signalen_batch: int = Field(default=5000, ge=1, le=50_000, description="PIPs per transaction of a pass.")
