"""The kit's outbox relay as its own process on the kit's test schema, started the way a service starts it
(`python -m <service> relay`, through `inburgering_kit.entrypoint`): `python relay_process.py relay`, configured by
`KIT_TEST_*` variables."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from inburgering_kit.entrypoint import main
from inburgering_kit.settings import ServiceSettings


class RelaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KIT_TEST_", env_nested_delimiter="__", extra="ignore")


if __name__ == "__main__":
    main("relay_process", RelaySettings, Path(__file__).resolve().parent / "migrations")
