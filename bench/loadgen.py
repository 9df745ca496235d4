"""Load generation: HTTP clients, closed- and open-loop drivers, latency statistics, CPU accounting.

The default client is a minimal HTTP/1.1 keep-alive client on asyncio streams. On a 2-core machine the
generator shares the CPU with the service, PostgreSQL and NATS, so every microsecond it spends per request
is taken from the system under test. httpx (`--client httpx`, kept for comparison) saturated a core at ~550
req/s against the bare app on the 2-core reference machine, while this client drove it at 5,000-8,500 req/s
using 15-25% of a core.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import psutil

Request = tuple[str, str, bytes | None]  # method, path, body
# How long an idle keep-alive connection is trusted: uvicorn closes them after 5 s (timeout_keep_alive),
# and a request written into a connection the server is closing would count as a spurious error.
_IDLE_REUSE_S = 2.0


class HttpClient(Protocol):
    async def request(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes]: ...

    async def aclose(self) -> None: ...


class _Connection:
    __slots__ = ("last_used", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.last_used = time.monotonic()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class RawClient:
    """HTTP/1.1 with keep-alive over asyncio streams: just enough protocol for a JSON API on loopback."""

    def __init__(
        self,
        host: str,
        port: int,
        headers: dict[str, str],
        max_connections: int,
        per_request: Callable[[], dict[str, str]] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self._head_suffix = "".join(f"{k}: {v}\r\n" for k, v in {"Host": f"{host}:{port}", **headers}.items())
        # Headers that differ per request, such as an Idempotency-Key.
        self._per_request = per_request
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(max_connections)
        self.opened = 0

    async def _connect(self) -> _Connection:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self.opened += 1
        return _Connection(reader, writer)

    def _take_idle(self) -> _Connection | None:
        # LIFO: the most recently used connection is the one least likely to have been closed by the server.
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()
            if now - conn.last_used < _IDLE_REUSE_S:
                return conn
            conn.close()
        return None

    async def request(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes]:
        async with self._slots:
            conn = self._take_idle() or await self._connect()
            try:
                status, payload, keep = await self._exchange(conn, method, path, body)
            except BaseException:
                conn.close()
                raise
            if keep:
                conn.last_used = time.monotonic()
                self._idle.append(conn)
            else:
                conn.close()
            return status, payload

    async def _exchange(self, conn: _Connection, method: str, path: str, body: bytes | None) -> tuple[int, bytes, bool]:
        length = "" if body is None else f"Content-Length: {len(body)}\r\nContent-Type: application/json\r\n"
        extra = "".join(f"{k}: {v}\r\n" for k, v in self._per_request().items()) if self._per_request else ""
        head_out = f"{method} {path} HTTP/1.1\r\n{self._head_suffix}{extra}{length}\r\n".encode()
        conn.writer.write(head_out + body if body is not None else head_out)
        head = await conn.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        content_length: int | None = None
        chunked = False
        keep = True
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                content_length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                keep = b"close" not in value.lower()
        if chunked:
            payload = await self._read_chunked(conn.reader)
        elif content_length is not None:
            payload = await conn.reader.readexactly(content_length)
        else:
            payload, keep = await conn.reader.read(), False
        return status, payload, keep

    @staticmethod
    async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b""):
                    pass
                return b"".join(parts)
            parts.append((await reader.readexactly(size + 2))[:-2])

    async def aclose(self) -> None:
        for conn in self._idle:
            conn.close()
        self._idle.clear()


class HttpxClient:
    """The same interface on httpx, to compare the generator's own cost."""

    def __init__(self, host: str, port: int, headers: dict[str, str], max_connections: int) -> None:
        limits = httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=_IDLE_REUSE_S,
        )
        self._client = httpx.AsyncClient(base_url=f"http://{host}:{port}", headers=headers, limits=limits, timeout=30.0)

    async def request(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes]:
        extra = {"content-type": "application/json"} if body is not None else None
        response = await self._client.request(method, path, content=body, headers=extra)
        return response.status_code, response.content

    async def aclose(self) -> None:
        await self._client.aclose()


def make_client(kind: str, host: str, port: int, headers: dict[str, str], max_connections: int) -> HttpClient:
    if kind == "httpx":
        return HttpxClient(host, port, headers, max_connections)
    return RawClient(host, port, headers, max_connections)


# ---- statistics ----


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (no interpolation: every figure is a real sample)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarize_ms(values_s: Iterable[float]) -> dict[str, float]:
    ms = sorted(v * 1000 for v in values_s)
    return {
        "count": len(ms),
        "mean_ms": sum(ms) / len(ms) if ms else math.nan,
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": ms[-1] if ms else math.nan,
    }


# ---- CPU accounting ----


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


_Times = tuple[float, float]  # (user + system, system) seconds of one process


def _cpu_times(procs: Iterable[psutil.Process]) -> dict[int, _Times]:
    seconds: dict[int, _Times] = {}
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            times = proc.cpu_times()
            seconds[proc.pid] = (times.user + times.system, times.system)
    return seconds


class CpuMeter:
    """CPU% (of one core, like top) per named process tree over an interval, plus the whole machine's.

    A thread polls the trees while the interval runs: a PostgreSQL backend that exits before the end (the
    service's pool closing an overflow connection) would otherwise take its CPU time with it.
    """

    _POLL_S = 0.5

    def __init__(self, roots: dict[str, int], *, without_children: frozenset[str] = frozenset()) -> None:
        # The generator is the parent of the servers it started: its own figure must exclude them.
        self.roots = roots
        self.without_children = without_children
        self._first: dict[str, dict[int, _Times]] = {}
        self._last: dict[str, dict[int, _Times]] = {}
        self._machine_start: Any = None
        self._t0 = 0.0
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None

    def _procs(self, name: str, pid: int) -> list[psutil.Process]:
        return _tree(pid)[:1] if name in self.without_children else _tree(pid)

    def _poll(self) -> None:
        for name, pid in self.roots.items():
            for proc, times in _cpu_times(self._procs(name, pid)).items():
                self._last[name][proc] = times
                # A process first seen now started during the interval: all its time counts.
                self._first[name].setdefault(proc, (0.0, 0.0))

    def _run(self) -> None:
        while not self._stop.wait(self._POLL_S):
            self._poll()

    def start(self) -> None:
        self._t0 = time.perf_counter()
        self._machine_start = psutil.cpu_times()
        self._first = {name: _cpu_times(self._procs(name, pid)) for name, pid in self.roots.items()}
        self._last = {name: dict(first) for name, first in self._first.items()}
        self._stop.clear()
        self._poller = threading.Thread(target=self._run, name="cpu-meter", daemon=True)
        self._poller.start()

    def stop(self) -> dict[str, float]:
        self._stop.set()
        if self._poller is not None:
            self._poller.join()
        self._poll()
        wall = time.perf_counter() - self._t0
        result: dict[str, float] = {}
        for name in self.roots:
            first, last = self._first[name], self._last[name]
            used = sum(t[0] - first[p][0] for p, t in last.items())
            kernel = sum(t[1] - first[p][1] for p, t in last.items())
            result[name] = 100 * used / wall if wall > 0 else math.nan
            # Kernel time: system calls (loopback sockets, fsync) rather than Python.
            result[f"{name}_kernel"] = 100 * kernel / wall if wall > 0 else math.nan
        end = psutil.cpu_times()
        busy = sum(_busy(end)) - sum(_busy(self._machine_start))
        total = sum(end) - sum(self._machine_start)
        result["machine_busy_pct_of_all_cores"] = 100 * busy / total if total > 0 else math.nan
        # Whatever else ran meanwhile (someone's test suite on a shared machine) skews the figures; say so.
        cores = psutil.cpu_count() or 1
        ours = sum(result[name] for name in self.roots)  # the *_kernel figures are part of these
        result["others"] = max(0.0, result["machine_busy_pct_of_all_cores"] * cores - ours)
        return result


def _busy(times: Any) -> list[float]:
    # idle and iowait are the only not-busy states; steal is busy for someone else but not for us either.
    skip = {"idle", "iowait", "steal"}
    return [getattr(times, f) for f in times._fields if f not in skip]


def rss_mb(pid: int) -> float:
    total: int = sum(p.memory_info().rss for p in _tree(pid) if p.is_running())
    return total / 2**20


# ---- drivers ----


@dataclass
class Outcome:
    """What one load phase produced."""

    ok: int = 0
    errors: int = 0
    elapsed_s: float = 0.0
    latencies_s: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    # Open loop only: how late the generator fired versus its timetable, and the peak of requests in flight.
    send_lag_s: list[float] = field(default_factory=list)
    max_in_flight: int = 0

    def record(self, started: float, status: int | None, body: bytes | str) -> bool:
        self.latencies_s.append(time.perf_counter() - started)
        if status is not None and 200 <= status < 300:
            self.ok += 1
            return True
        self.errors += 1
        if len(self.error_samples) < 5:
            text = body.decode(errors="replace") if isinstance(body, bytes) else body
            self.error_samples.append(f"{status}: {text[:300]}")
        return False

    @property
    def throughput(self) -> float:
        return self.ok / self.elapsed_s if self.elapsed_s > 0 else math.nan


RequestFactory = Callable[[int], Request]  # argument: the worker number (closed loop) or sequence number
SuccessHook = Callable[[int, bytes], None]


async def _call(client: HttpClient, request: Request) -> tuple[int | None, bytes | str]:
    try:
        return await client.request(*request)
    except (OSError, asyncio.IncompleteReadError, ValueError, httpx.HTTPError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


async def closed_loop(
    client: HttpClient,
    *,
    concurrency: int,
    duration_s: float,
    make: RequestFactory,
    on_success: SuccessHook | None = None,
) -> Outcome:
    """`concurrency` workers, each sending its next request as soon as the previous one is answered."""
    outcome = Outcome()
    start = time.perf_counter()
    deadline = start + duration_s

    async def worker(n: int) -> None:
        while time.perf_counter() < deadline:
            request = make(n)
            sent = time.perf_counter()
            status, body = await _call(client, request)
            if outcome.record(sent, status, body) and on_success is not None:
                assert isinstance(body, bytes)
                on_success(n, body)

    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    # Until the last in-flight answer: requests started before the deadline all count.
    outcome.elapsed_s = time.perf_counter() - start
    return outcome


async def open_loop(
    client: HttpClient,
    *,
    rate: float,
    duration_s: float,
    make: RequestFactory,
    on_success: SuccessHook | None = None,
) -> Outcome:
    """Requests on a fixed timetable regardless of answers; latency counts from the scheduled send time, so a
    slow answer cannot hide the queueing it causes (no coordinated omission)."""
    outcome = Outcome()
    total = round(rate * duration_s)
    in_flight = 0
    tasks: set[asyncio.Task[None]] = set()

    async def one(seq: int, scheduled: float) -> None:
        nonlocal in_flight
        in_flight += 1
        outcome.max_in_flight = max(outcome.max_in_flight, in_flight)
        outcome.send_lag_s.append(time.perf_counter() - scheduled)
        status, body = await _call(client, make(seq))
        in_flight -= 1
        if outcome.record(scheduled, status, body) and on_success is not None:
            assert isinstance(body, bytes)
            on_success(seq, body)

    start = time.perf_counter() + 0.01
    for seq in range(total):
        scheduled = start + seq / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(seq, scheduled))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.gather(*tasks)
    outcome.elapsed_s = time.perf_counter() - start
    return outcome


async def timed(awaitable: Awaitable[Outcome], meter: CpuMeter) -> tuple[Outcome, dict[str, float]]:
    meter.start()
    outcome = await awaitable
    return outcome, meter.stop()


def generator_pid() -> int:
    return os.getpid()
