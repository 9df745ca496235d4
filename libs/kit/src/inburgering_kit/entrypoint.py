"""Every service's command line, `python -m <package> <command>`: `serve` (the API under uvicorn, from the
service's `main.create_app` factory), `relay` (the outbox relay as its own process), `migrate` (the migrations
alone) and the service's own named jobs. A service's `__main__.py` is one call of `main`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from inburgering_kit.logs import configure_logging
from inburgering_kit.migrations import upgrade
from inburgering_kit.settings import ServiceSettings
from inburgering_kit.worker import run_process, run_relay

S = TypeVar("S", bound=ServiceSettings)

Job = Callable[[S], None]


def background(work: Callable[[S], Coroutine[Any, Any, None]]) -> Callable[[S], None]:
    """A job of `work` on the service's settings, in a background process's event loop with its logging."""

    def job(settings: S) -> None:
        configure_logging(settings.log_level)
        run_process(work(settings))

    return job


def serve(package: str, settings: ServiceSettings, args: Sequence[str]) -> None:
    """The API under uvicorn: `serve [--host H] [--port P] [--workers N]`. Each worker process builds its own
    settings from the environment through the factory."""
    import uvicorn  # noqa: PLC0415 - only this command needs the server

    parser = argparse.ArgumentParser(prog=f"python -m {package} serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    options = parser.parse_args(list(args))
    uvicorn.run(
        f"{package}.main:create_app",
        factory=True,
        host=options.host,
        port=options.port,
        workers=options.workers,
        log_level=settings.log_level.lower(),
    )


def main(
    package: str,
    settings_class: type[S],
    migrations: Path,
    *,
    jobs: Mapping[str, Callable[[S], None]] | None = None,
    argv: Sequence[str] | None = None,
) -> None:
    """Run the command `argv[1]` (default `sys.argv`) with the settings read from the environment."""
    argv = sys.argv if argv is None else argv
    command, rest = (argv[1], argv[2:]) if len(argv) > 1 else ("", [])
    commands: dict[str, Callable[[S], None]] = {
        "serve": lambda settings: serve(package, settings, rest),
        "relay": run_relay,
        "migrate": lambda settings: upgrade(migrations, settings.database_url),
        **(jobs or {}),
    }
    if command not in commands:
        sys.exit(f"gebruik: python -m {package} {'|'.join(commands)}")
    commands[command](settings_class())
