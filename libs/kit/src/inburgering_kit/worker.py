"""Running background work (the outbox relay, consumers) as its own process, stopped cleanly by a signal."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import uvloop

from inburgering_kit.logs import configure_logging
from inburgering_kit.outbox import relay_database, service_relay
from inburgering_kit.settings import ServiceSettings


def run_process(main: Coroutine[Any, Any, None]) -> None:
    """A background process's event loop: uvloop, as uvicorn runs the APIs. Its transports are C, not Python: the
    relay spent a fifth of its CPU in asyncio's socket writes."""
    uvloop.run(main)


async def run_until_signalled(work: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await work(stop)


def run_relay(settings: ServiceSettings) -> None:
    """The relay alone, for deployments that scale it apart from the API (it is safe to run several)."""
    configure_logging(settings.log_level)

    async def main() -> None:
        database = relay_database(settings.database_url)
        try:
            await run_until_signalled(service_relay(database, settings).run)
        finally:
            await database.dispose()

    run_process(main())
