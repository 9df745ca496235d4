"""The service registry (deploy/services.toml): which services exist, their package and port."""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    package: str
    port: int
    root: Path  # the repository root

    @property
    def env_prefix(self) -> str:
        return self.package.upper() + "_"

    @property
    def database(self) -> str:
        return self.package

    @property
    def folder(self) -> Path:
        return self.root / "services" / self.name

    @property
    def migrations(self) -> Path:
        return self.folder / "migrations"

    def module(self, name: str) -> ModuleType:
        return importlib.import_module(f"{self.package}.{name}")


def load_services(root: Path) -> list[ServiceEntry]:
    registry = tomllib.loads((root / "deploy" / "services.toml").read_text())
    return [ServiceEntry(name, spec["package"], int(spec["port"]), root) for name, spec in registry.items()]
