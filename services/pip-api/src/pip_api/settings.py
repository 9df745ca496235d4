from pydantic_settings import SettingsConfigDict

from inburgering_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """Environment variables prefixed `PIP_API_` (nested with `__`, e.g. `PIP_API_AUTH__AUDIENCE`)."""

    model_config = SettingsConfigDict(env_prefix="PIP_API_", env_nested_delimiter="__", extra="ignore")
