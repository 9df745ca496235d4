"""Every service's command line, `python -m <package> <command>`: `serve` (the API under uvicorn, from the
service's `main.create_app` factory), `relay` (the outbox relay as its own process), `migrate` (the migrations
alone), for a service with an event consumer `dead-letters-count` and `dead-letters-replay` (how many events its
consumer could not apply, or apply them again after a fix), and the service's own named jobs. A service's
`__main__.py` is one call of `main`."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Callable, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI

from inburgering_kit.consumer import EventConsumer
from inburgering_kit.db import Database
from inburgering_kit.keten import Mtls, server_ssl
from inburgering_kit.logs import configure_logging
from inburgering_kit.migrations import upgrade
from inburgering_kit.settings import ServiceSettings
from inburgering_kit.worker import run_process, run_relay

S = TypeVar("S", bound=ServiceSettings)

Job = Callable[[S], None]

# The service's event consumer (or consumers), from its app (built, not started: what the handler writes with) and
# settings.
ConsumerFactory = Callable[[FastAPI, S], EventConsumer | Sequence[EventConsumer]]


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
    # A service that talks to chain partners may serve over mutual TLS (`inburgering_kit.keten`).
    mtls: Mtls | None = getattr(settings, "mtls", None)
    uvicorn.run(
        f"{package}.main:create_app",
        factory=True,
        host=options.host,
        port=options.port,
        workers=options.workers,
        log_level=settings.log_level.lower(),
        **(server_ssl(mtls) if mtls is not None else {}),
    )


async def dead_letters(package: str, consumer: ConsumerFactory[S], settings: S, action: str) -> str:
    """`count` or `replay` the dead letters of the service's consumers, on a database of its own; the lines to print,
    one per consumer."""
    app: FastAPI = importlib.import_module(f"{package}.main").create_app(settings)
    app.state.database = Database(settings.database_url, pool_size=2)
    try:
        made = consumer(app, settings)
        lines = []
        for waiting in [made] if isinstance(made, EventConsumer) else made:
            if action == "count":
                lines.append(f"{waiting.durable}: {await waiting.dead_letter_count()} dead letter(s) waiting")
            else:
                replayed, still = await waiting.replay_dead_letters()
                lines.append(f"{waiting.durable}: {replayed} replayed, {still} still waiting")
        return "\n".join(lines)
    finally:
        await app.state.database.dispose()


def _dead_letter_job(package: str, consumer: ConsumerFactory[S], action: str) -> Callable[[S], None]:
    def job(settings: S) -> None:
        configure_logging(settings.log_level)
        print(asyncio.run(dead_letters(package, consumer, settings, action)))

    return job


def main(
    package: str,
    settings_class: type[S],
    migrations: Path,
    *,
    jobs: Mapping[str, Callable[[S], None]] | None = None,
    consumer: ConsumerFactory[S] | None = None,
    argv: Sequence[str] | None = None,
) -> None:
    """Run the command `argv[1]` (default `sys.argv`) with the settings read from the environment. With
    `consumer`, the service has the dead-letter commands of that consumer."""
    argv = sys.argv if argv is None else argv
    command, rest = (argv[1], argv[2:]) if len(argv) > 1 else ("", [])
    commands: dict[str, Callable[[S], None]] = {
        "serve": lambda settings: serve(package, settings, rest),
        "relay": run_relay,
        "migrate": lambda settings: upgrade(migrations, settings.database_url),
        **(jobs or {}),
    }
    if consumer is not None:
        commands["dead-letters-count"] = _dead_letter_job(package, consumer, "count")
        commands["dead-letters-replay"] = _dead_letter_job(package, consumer, "replay")
    if command not in commands:
        sys.exit(f"gebruik: python -m {package} {'|'.join(commands)}")
    commands[command](settings_class())
