"""The service registry (deploy/services.toml): which services exist, their package and port."""

from __future__ import annotations

import importlib
import sys
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
    workers: int = 1
    # Extra settings for `make run` only (development), without the env prefix.
    development: tuple[tuple[str, str], ...] = ()
    # Background jobs that run as their own process beside the API and its relay: `python -m <package> <name>`.
    processes: tuple[str, ...] = ()
    # "api": a bounded context with its own database, outbox relay, events and contract (every service so far).
    # "interactie": pages for people over the APIs (Common Ground layer 5, the werkplek): no database, no NATS, no
    # relay, no contract of its own; `make run` starts only its web process.
    kind: str = "api"
    # A stand-in of a chain partner (DUO, COA): no event bus, and under `make run` served over mutual TLS with the
    # development CA, its notifications signed with the development key.
    ketenpartner: bool = False
    # `make run`: served, and calling the chain partners, over mutual TLS with this certificate of the development CA
    # (the exchange: the gemeente's own). A stand-in always is, with a certificate of its own.
    mtls: str | None = None

    @property
    def mtls_certificaat(self) -> str | None:
        """The development certificate this service presents and serves with under `make run`, if any."""
        return self.name if self.ketenpartner else self.mtls

    @property
    def owns_data(self) -> bool:
        return self.kind == "api"

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
    return [
        ServiceEntry(
            name,
            spec["package"],
            int(spec["port"]),
            root,
            int(spec.get("workers", 1)),
            tuple((str(k), str(v)) for k, v in spec.get("development", {}).items()),
            tuple(str(p) for p in spec.get("processes", [])),
            str(spec.get("kind", "api")),
            bool(spec.get("ketenpartner", False)),
            str(spec["mtls"]) if "mtls" in spec else None,
        )
        for name, spec in registry.items()
    ]


def process_command(package: str, name: str) -> list[str]:
    """A background job of a service as its own process (`python -m <package> <name>`)."""
    return [sys.executable, "-m", package, name]


def relay_command(package: str) -> list[str]:
    """The outbox relay of a service as its own process: the API's cores serve requests only (several relays
    may run side by side)."""
    return process_command(package, "relay")


def uvicorn_command(app: str, *, host: str, port: int, workers: int = 1, app_dir: Path | None = None) -> list[str]:
    """How every service (and the benchmark's bare reference app) is served: one definition, so the local
    stack and the benchmark measure the same thing. No access log: who did what with personal data is in
    the verwerkingenlog, and a per-request log line costs a few percent of a core on the write path."""
    command = [sys.executable, "-m", "uvicorn", app, "--factory", "--host", host, "--port", str(port),
               "--no-server-header", "--no-access-log", "--workers", str(workers)]  # fmt: skip
    if app_dir is not None:
        command += ["--app-dir", str(app_dir)]
    return command
