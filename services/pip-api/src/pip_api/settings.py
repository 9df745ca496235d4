from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from inburgering_kit.settings import ServiceSettings
from pip_api.domain.enums import Termijnsoort
from pip_api.domain.regels import REGELS
from pip_api.domain.signalen import STANDAARD_AANLOOP_DAGEN


class Gemeente(BaseModel):
    """How a gemeente names itself and where it receives post (a bezwaarschrift), as its letters show it."""

    naam: str = Field(description="The name after 'gemeente', e.g. `Amsterdam`.")
    adres: str = Field(description="Postal address on one line, e.g. `Postbus 202, 1000 AE Amsterdam`.")


def _ontwikkelgemeenten() -> dict[str, Gemeente]:
    # The two gemeenten of the development stack and the tests; production configures its own.
    return {
        "0363": Gemeente(naam="Amsterdam", adres="Amstel 1, 1011 PN Amsterdam"),
        "0599": Gemeente(naam="Rotterdam", adres="Coolsingel 40, 3011 AD Rotterdam"),
    }


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
    gemeenten: dict[str, Gemeente] = Field(
        default_factory=_ontwikkelgemeenten,
        description='Name and address per gemeente code for its letters, e.g. `{"0363": {"naam": "Amsterdam", '
        '"adres": "Amstel 1, 1011 PN Amsterdam"}}`.',
    )
    signalen_batch: int = Field(default=5000, ge=1, le=50_000, description="PIPs per transaction of a pass.")
    aanwezigheidsnorm_procent: int = Field(
        default=REGELS.aanwezigheidsnorm.waarde,
        ge=0,
        le=100,
        description="The attendance the providers' contracts ask for, in percent of the hours to be present.",
    )
    aanwezigheid_onder_norm_perioden: int = Field(
        default=REGELS.aanwezigheid_perioden.waarde,
        ge=1,
        le=12,
        description="Reported periods on a run below the norm before it is signalled (and sent to enforcement).",
    )
    meldnorm_dagen: int = Field(
        default=REGELS.meldnorm.waarde,
        ge=1,
        le=365,
        description="Days after its last report that a running opdracht without a new one is signalled.",
    )
