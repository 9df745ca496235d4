from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from handhaving_api.domain.procedure import STANDAARD_ZIENSWIJZETERMIJN_DAGEN
from inburgering_kit.settings import ServiceSettings


class Gemeente(BaseModel):
    """How a gemeente names itself and where it receives post (a zienswijze, a bezwaarschrift), as its letters show
    it."""

    naam: str = Field(description="The name after 'gemeente', e.g. `Amsterdam`.")
    adres: str = Field(description="Postal address on one line, e.g. `Postbus 202, 1000 AE Amsterdam`.")


def _ontwikkelgemeenten() -> dict[str, Gemeente]:
    # The two gemeenten of the development stack and the tests; production configures its own.
    return {
        "0363": Gemeente(naam="Amsterdam", adres="Amstel 1, 1011 PN Amsterdam"),
        "0599": Gemeente(naam="Rotterdam", adres="Coolsingel 40, 3011 AD Rotterdam"),
    }


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
    gemeenten: dict[str, Gemeente] = Field(
        default_factory=_ontwikkelgemeenten,
        description='Name and address per gemeente code for its letters, e.g. `{"0363": {"naam": "Amsterdam", '
        '"adres": "Amstel 1, 1011 PN Amsterdam"}}`.',
    )
