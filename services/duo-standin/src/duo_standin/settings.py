from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ketenpartner_standin.settings import StandinSettings

OIN_DUO = "00000001800866472000"


class Settings(StandinSettings):
    """Environment variables prefixed `DUO_STANDIN_` (nested with `__`, e.g. `DUO_STANDIN_MTLS__CERT_FILE`)."""

    model_config = SettingsConfigDict(env_prefix="DUO_STANDIN_", env_nested_delimiter="__", extra="ignore")

    oin: str = Field(default=OIN_DUO, pattern=r"^[0-9]{20}$", description="OIN of the partner this stand-in plays.")
    melding_client_id: str = "duo"
    melding_scope: str = "duo"
