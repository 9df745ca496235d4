"""Running background work (the outbox relay, consumers, jobs) as its own process, stopped cleanly by a signal.

A process whose work gave up (`health.UnrecoverableError`) or failed exits non-zero, so the local stack or Kubernetes
starts it again. With `HEALTH_PORT` set, the process answers its liveness probe there (see `health`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import uvloop

from inburgering_kit.health import LoopHealth, registered, serve_health
from inburgering_kit.logs import configure_logging
from inburgering_kit.outbox import relay_database, service_relay
from inburgering_kit.settings import ServiceSettings

HEALTH_PORT_VARIABLE = "HEALTH_PORT"


def run_process(main: Coroutine[Any, Any, None]) -> None:
    """A background process's event loop: uvloop, as uvicorn runs the APIs. Its transports are C, not Python: the
    relay spent a fifth of its CPU in asyncio's socket writes."""
    uvloop.run(main)


async def run_until_signalled(work: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    port = os.environ.get(HEALTH_PORT_VARIABLE)
    # On all interfaces: kubelet probes the pod's address.
    server = await serve_health("0.0.0.0", int(port)) if port else None  # noqa: S104
    try:
        await work(stop)
    finally:
        if server is not None:
            server.close()


async def supervise(
    name: str,
    work: Callable[[], Awaitable[object]],
    stop: asyncio.Event,
    *,
    interval: float,
    give_up_after: float = 300.0,
) -> None:
    """Run `work` every `interval` seconds until `stop`. A failure (the database or NATS away) is logged once, not
    per attempt, and retried after a short back-off instead of a whole interval; failing for longer than
    `give_up_after` raises `health.UnrecoverableError`, which ends the process non-zero. The loop counts for the
    process's liveness probe: a round that hangs for longer than the interval plus `give_up_after` fails it."""
    health = LoopHealth(name, give_up_after=give_up_after, max_silence=interval + give_up_after)
    with registered(health):
        while not stop.is_set():
            try:
                await work()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                await _sleep_or_stop(stop, health.failed(exc))
                continue
            health.succeeded()
            await _sleep_or_stop(stop, interval)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


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
