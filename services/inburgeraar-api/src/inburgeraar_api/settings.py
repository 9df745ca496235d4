from pydantic import Field
from pydantic_settings import SettingsConfigDict

from inburgering_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Environment variables prefixed `INBURGERAAR_API_` (nested with `__`, e.g. `INBURGERAAR_API_AUTH__AUDIENCE`)."""

    model_config = SettingsConfigDict(env_prefix="INBURGERAAR_API_", env_nested_delimiter="__", extra="ignore")

    privacy_bronnen: dict[str, str] = Field(
        default_factory=dict,
        description="The other services the privacy view asks, by name, each with its API base URL including "
        '`/api/v1` (JSON, e.g. `{"pip-api": "https://pip.example/api/v1"}`).',
    )
