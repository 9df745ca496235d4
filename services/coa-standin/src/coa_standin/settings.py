from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ketenpartner_standin.settings import StandinSettings

OIN_COA = "00000001003214345000"


class Settings(StandinSettings):
    """Environment variables prefixed `COA_STANDIN_` (nested with `__`, e.g. `COA_STANDIN_MTLS__CERT_FILE`)."""

    model_config = SettingsConfigDict(env_prefix="COA_STANDIN_", env_nested_delimiter="__", extra="ignore")

    oin: str = Field(default=OIN_COA, pattern=r"^[0-9]{20}$", description="OIN of the partner this stand-in plays.")
    melding_client_id: str = "coa"
    melding_scope: str = "coa"
