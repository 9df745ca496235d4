"""Liveness of long-running loops (outbox relays, consumers, jobs), for the process's liveness probe.

A loop that is turning is alive, also while it backs off from a database or NATS that is down: retrying is its
job, and a restart would not bring the database back. What a restart does cure is a loop that no longer turns (a
statement that hangs on a dead connection, a task that died) and a loop that has failed for longer than it may:
`LoopHealth` notices both. A loop that gave up raises `UnrecoverableError`, so a process running only that loop exits
non-zero and is restarted (the local stack, Kubernetes); beside an API, the API's `/health/live` answers 503.

The probe of a worker process is a tiny HTTP endpoint (`serve_health`) rather than a heartbeat file: the
containers run with a read-only root file system, and kubelet's httpGet costs no process per probe the way an exec
probe does. It is answered on the loop's own event loop, so an event loop that is blocked fails it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Iterator

logger = logging.getLogger(__name__)


class UnrecoverableError(RuntimeError):
    """A loop failed for longer than it may: the process should exit non-zero and be started again."""


class LoopHealth:
    """One loop's failures in a row and its heartbeat: a failure spell is logged once when it starts and once
    when it ends (not a line per retry), and past `give_up_after` seconds of failing `failed` raises
    `UnrecoverableError`. `failed` returns how long to wait before the next attempt (exponential, capped)."""

    def __init__(
        self,
        name: str,
        *,
        give_up_after: float = 300.0,
        max_silence: float = 60.0,
        first_delay: float = 0.1,
        max_delay: float = 5.0,
    ) -> None:
        self.name = name
        self.give_up_after = give_up_after
        self.max_silence = max_silence
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.last_beat = time.monotonic()
        self.failing_since: float | None = None
        self.gave_up = False
        self._delay = first_delay

    def beat(self) -> None:
        self.last_beat = time.monotonic()

    def succeeded(self) -> None:
        self.beat()
        if self.failing_since is not None:
            logger.warning("%s: recovered after %.1fs", self.name, time.monotonic() - self.failing_since)
            self.failing_since = None
        self._delay = self.first_delay

    def failed(self, exc: BaseException) -> float:
        now = time.monotonic()
        self.beat()
        # The first line only: a driver error goes on with the statement and its parameters.
        reason = (str(exc).splitlines() or [""])[0][:200]
        if self.failing_since is None:
            self.failing_since = now
            logger.warning("%s: %s (%s); retrying until it works", self.name, type(exc).__name__, reason)
        elif now - self.failing_since > self.give_up_after:
            self.gave_up = True
            logger.error("%s: still failing after %.0fs (%s); giving up", self.name, now - self.failing_since, reason)
            raise UnrecoverableError(f"{self.name}: failing for {now - self.failing_since:.0f}s") from exc
        delay = self._delay
        self._delay = min(self._delay * 2, self.max_delay)
        return delay

    @property
    def alive(self) -> bool:
        return not self.gave_up and time.monotonic() - self.last_beat <= self.max_silence


_loops: set[LoopHealth] = set()


@contextlib.contextmanager
def registered(health: LoopHealth) -> Iterator[LoopHealth]:
    """The loop counts for this process's liveness while it runs. A loop that gave up stays counted: the process
    is not healthy any more."""
    _loops.add(health)
    try:
        yield health
    finally:
        if not health.gave_up:
            _loops.discard(health)


def unhealthy_loops() -> list[str]:
    """The names of this process's loops that stopped turning or gave up."""
    return sorted(h.name for h in _loops if not h.alive)


async def serve_health(host: str, port: int) -> asyncio.Server:
    """`GET <anything>` answers 200 while every registered loop is alive, 503 naming the others otherwise."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            with contextlib.suppress(TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=2)
            stuck = unhealthy_loops()
            body = json.dumps({"status": "niet-gezond", "loops": stuck} if stuck else {"status": "ok"}).encode()
            status = b"503 Service Unavailable" if stuck else b"200 OK"
            writer.write(
                b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\nConnection: close\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
            await writer.drain()
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    return await asyncio.start_server(answer, host, port)
