"""`make bench`: throughput, latency, event delay and memory of the inburgeraar-api on this machine.

Starts its own PostgreSQL (durable settings: every commit is a real fsync) and NATS in a temporary folder,
never the system ones; starts the service like deploy/local/stack.py does (uvicorn subprocess, outbox relay
on), and a bare FastAPI app as the ceiling. The load generator is this process (asyncio, one core at most).

    .venv/bin/python bench/run.py            # full run, 3-5 minutes
    .venv/bin/python bench/run.py --quick    # everything ~5x shorter, a smoke test

Results: a table on stdout, bench/results/inburgeraar-api-<YYYYMMDD-HHMM>.json and
bench/results/inburgeraar-api-latest.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import itertools
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import asyncpg
import nats
import psutil
from nats.js.api import DeliverPolicy

from inburgeraar_api import scopes
from inburgering_kit.auth import generate_dev_keypair, mint_token
from inburgering_kit.bsn import is_valid_bsn
from inburgering_kit.db import database_url_for, ensure_database, plain_url
from inburgering_kit.embedded import EmbeddedNats, EmbeddedPostgres, free_port
from inburgering_kit.migrations import upgrade
from inburgering_kit.registry import load_services, process_command, relay_command, uvicorn_command

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/ is not a package; its sibling module is found through sys.path.
from loadgen import (
    CpuMeter,
    HttpClient,
    Outcome,
    closed_loop,
    make_client,
    open_loop,
    rss_mb,
    summarize_ms,
    timed,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
SERVICE = "inburgeraar-api"
PACKAGE = "inburgeraar_api"
MIGRATIONS = ROOT / "services" / SERVICE / "migrations"
ENV_PREFIX = "INBURGERAAR_API_"
HOST = "127.0.0.1"
# Our own issuer: the token is minted here and the service is told to trust exactly this one.
ISSUER = "urn:inburgering:benchmark"
AUDIENCE = "inburgering"
GEMEENTE = "0363"
STREAM = "INBURGERING"
REGISTERED_TYPE = "nl.inburgering.inburgeraar.inburgeraar-geregistreerd"
API = "/api/v1/inburgeraars"

TARGET_WRITES_PER_S = 1000.0
TARGET_BARE_RATIO = 0.25
TARGET_FIXED_RATE_P99_MS = 50.0
TARGET_EVENT_P99_MS = 100.0
TARGET_IDLE_MB = 120.0
GENERATOR_BOUND_PCT = 85.0  # above this the generator, not the service, may be what limits throughput


# ---- test data ----


class BsnGenerator:
    """Unique valid BSNs in ascending order: for each 8-digit prefix the 11-proef fixes the last digit."""

    _WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)  # the ninth weight is -1, hence check digit = sum mod 11

    def __init__(self, first_prefix: int = 10_000_000) -> None:
        self._prefixes = itertools.count(first_prefix)

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        for prefix in self._prefixes:
            digits = f"{prefix:08d}"
            check = sum(w * int(d) for w, d in zip(self._WEIGHTS, digits, strict=True)) % 11
            if check <= 9:  # a remainder of 10 has no single check digit: no BSN with this prefix
                return digits + str(check)
        raise StopIteration


def registration_body(bsn: str, n: int) -> bytes:
    # The shape of the integration tests' registration: an asielmigrant from the koppeling, with contact data.
    return json.dumps(
        {
            "bsn": bsn,
            "doelgroep": "asielmigrant",
            "datumKoppeling": "2026-03-01",
            "contact": {"voornamen": "Amal", "achternaam": "Haddad", "email": f"amal.{n}@example.org"},
            "klantregisseur": "regisseur-a",
        }
    ).encode()


# ---- processes ----


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def start_uvicorn(
    name: str,
    app: str,
    port: int,
    env: dict[str, str],
    workdir: Path,
    workers: int,
    app_dir: Path | None = None,
) -> Server:
    """The command line of deploy/local/stack.py (one definition in the kit), so both apps run alike."""
    log = workdir / f"{name}.log"
    command = uvicorn_command(app, host=HOST, port=port, workers=workers, app_dir=app_dir)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Server(name, port, proc, log)


def start_relay(env: dict[str, str], workdir: Path, package: str = PACKAGE) -> Server:
    """The service's outbox relay as its own process, as deploy/local/stack.py runs it."""
    return _start_process("relay", relay_command(package), env, workdir)


def start_job(name: str, env: dict[str, str], workdir: Path, package: str) -> Server:
    """A background job of the service (deploy/services.toml `processes`) as its own process, like the relay."""
    return _start_process(name, process_command(package, name), env, workdir)


def _start_process(name: str, command: list[str], env: dict[str, str], workdir: Path) -> Server:
    log = workdir / f"{name}.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Server(name, 0, proc, log)


def wait_ready(server: Server, path: str, body: bytes | None = None, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} stopped while starting:\n{server.log_tail()}")
        request = urllib.request.Request(
            server.base + path,
            data=body,
            method="POST" if body else "GET",
            headers={"content-type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if 200 <= response.status < 300:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} not ready after {timeout:.0f}s:\n{server.log_tail()}")


def service_env(
    database_url: str, nats_url: str, port: int, public_key: Path, prefix: str = ENV_PREFIX
) -> dict[str, str]:
    """Mirrors `service_environment()` of deploy/local/stack.py, with our own key pair and issuer."""
    # A developer's exported <PREFIX>* (say RUN_RELAY=false) must not silently change what we measure.
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefix)}
    env.update(
        {
            f"{prefix}ENVIRONMENT": "development",
            f"{prefix}DATABASE_URL": database_url,
            f"{prefix}NATS_URL": nats_url,
            f"{prefix}PUBLIC_BASE_URL": f"http://{HOST}:{port}",
            f"{prefix}AUTH__ISSUERS": json.dumps([ISSUER]),
            f"{prefix}AUTH__AUDIENCE": AUDIENCE,
            f"{prefix}AUTH__PUBLIC_KEY_FILE": str(public_key),
            f"{prefix}RUN_RELAY": "false",
        }
    )
    return env


def postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "postmaster.pid").read_text().split()[0])


# ---- measurements on the side ----


class EventProbe:
    """JetStream subscriber: for each registration event, the delay from its `time` to its arrival here.

    `time` is stamped when the service writes the outbox row, inside the request's transaction, so the
    delay covers commit, NOTIFY, the relay's claim-publish-mark round and JetStream delivery. Same machine,
    same clock.
    """

    def __init__(self) -> None:
        self.delay_s: dict[str, float] = {}
        self.duplicates = 0
        self.other_events = 0
        self._nc: Any = None
        self._expected: set[str] = set()
        self._complete = asyncio.Event()

    async def start(self, nats_url: str) -> None:
        self._nc = await nats.connect(nats_url, name="bench-probe")
        js = self._nc.jetstream()
        # Ordered push consumer, ephemeral, from now on: sees only what the fixed-rate phase produces.
        await js.subscribe(
            "nl.inburgering.>",
            stream=STREAM,
            cb=self._on_message,
            ordered_consumer=True,
            deliver_policy=DeliverPolicy.NEW,
        )

    async def _on_message(self, msg: Any) -> None:
        received = time.time()  # before parsing: the parse is ours, not the pipeline's
        event = json.loads(msg.data)
        if event.get("type") != REGISTERED_TYPE:
            self.other_events += 1
            return
        subject = event["subject"]
        if subject in self.delay_s:
            self.duplicates += 1
            return
        self.delay_s[subject] = received - datetime.fromisoformat(event["time"]).timestamp()
        if self._expected and self._expected <= self.delay_s.keys():
            self._complete.set()

    async def wait_for(self, subjects: set[str], limit_s: float) -> None:
        """Until an event arrived for each of `subjects`, or `limit_s` passed (the rest count as missing)."""
        self._expected = set(subjects)
        if self._expected <= self.delay_s.keys():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._complete.wait(), limit_s)

    async def stop(self) -> None:
        if self._nc is not None:
            with contextlib.suppress(Exception):
                await self._nc.drain()


class DbMonitor:
    """Our own connection to the service's database: outbox backlog and PostgreSQL's activity counters.

    The counters say where a write's time goes on the database side: connections opened (pool churn: each
    one is a backend fork, TLS probe and type introspection), transactions per write (the relay's
    claim-publish-mark rounds and pre-ping ROLLBACKs come on top of the request's own), WAL fsyncs per write
    (group commit). Backends flush them at most once a second, hence approximate.
    """

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self.own_queries = 0  # our own statements are transactions too; subtracted from the counts

    @classmethod
    async def connect(cls, database_url: str) -> DbMonitor:
        return cls(await asyncpg.connect(plain_url(database_url)))

    async def close(self) -> None:
        await self.conn.close()

    async def value(self, sql: str) -> int:
        self.own_queries += 1
        result: int = await self.conn.fetchval(sql)
        return result

    async def backlog(self) -> int:
        return await self.value("SELECT count(*) FROM outbox WHERE published_at IS NULL")

    async def wait_drained(self, limit_s: float = 120.0) -> dict[str, float]:
        """How many events the relay still had to publish when the load stopped, and how long that took."""
        start = time.perf_counter()
        backlog = left = await self.backlog()
        while left and time.perf_counter() - start < limit_s:
            await asyncio.sleep(0.05)
            left = await self.backlog()
        return {
            "backlog_at_end": backlog,
            "drain_s": time.perf_counter() - start if backlog else 0.0,
            "still_pending": left,
        }

    async def counters(self) -> dict[str, int]:
        self.own_queries += 2
        row = await self.conn.fetchrow(
            "SELECT sessions, xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()"
        )
        wal = await self.conn.fetchrow("SELECT wal_sync FROM pg_stat_wal")
        return {
            "sessions": row["sessions"],
            "commits": row["xact_commit"],
            "rollbacks": row["xact_rollback"],
            "wal_fsyncs": wal["wal_sync"],
            "own_queries": self.own_queries,
        }

    async def maintenance(self) -> dict[str, Any]:
        """PostgreSQL's own work so far: autovacuum and autoanalyze runs per table, checkpoints, and the vacuums
        running now. Two readings around a phase say what competed with it for the cores."""
        self.own_queries += 3
        tables = await self.conn.fetch("SELECT relname, autovacuum_count, autoanalyze_count FROM pg_stat_user_tables")
        checkpoints = await self.conn.fetchval("SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter")
        running = await self.conn.fetch(
            "SELECT c.relname FROM pg_stat_progress_vacuum v JOIN pg_class c ON c.oid = v.relid"
        )
        return {
            "autovacuum": {t["relname"]: t["autovacuum_count"] for t in tables},
            "autoanalyze": {t["relname"]: t["autoanalyze_count"] for t in tables},
            "checkpoints": checkpoints,
            "vacuum_running": sorted(r["relname"] for r in running),
        }

    @staticmethod
    def maintenance_during(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
        """What ran between two `maintenance` readings: tables vacuumed or analysed, checkpoints, and vacuums
        still running at either end."""
        return {
            kind: sorted(t for t, n in after[kind].items() if n > before[kind].get(t, 0))
            for kind in ("autovacuum", "autoanalyze")
        } | {
            "checkpoints": after["checkpoints"] - before["checkpoints"],
            "vacuum_running": sorted(set(before["vacuum_running"]) | set(after["vacuum_running"])),
        }

    async def activity(self, before: dict[str, int], writes: int) -> dict[str, float]:
        """Counter deltas since `before`, once the backends have flushed them (they do so within ~1 s)."""
        await asyncio.sleep(1.2)
        after = await self.counters()
        own = after["own_queries"] - before["own_queries"]
        delta = {k: after[k] - before[k] for k in ("sessions", "commits", "rollbacks", "wal_fsyncs")}
        delta["commits"] -= own
        per = max(writes, 1)
        return {
            "connections_opened": delta["sessions"],
            "commits_per_write": delta["commits"] / per,
            "rollbacks_per_write": delta["rollbacks"] / per,
            "wal_fsyncs_per_write": delta["wal_fsyncs"] / per,
        }


# ---- the run ----


@dataclass
class Settings:
    concurrency: int
    max_connections: int
    client: str
    warmup_s: float
    bare_s: float
    register_s: float
    update_s: float
    rate: float
    rate_s: float
    idle_s: float
    quick: bool
    workers: int


def parse_args() -> tuple[Settings, bool]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="every duration 5x shorter (smoke test)")
    parser.add_argument("--concurrency", type=int, default=32, help="closed-loop workers (connections)")
    parser.add_argument("--max-connections", type=int, default=64, help="connection pool of the fixed-rate phase")
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw", help="HTTP client of the generator")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of unmeasured load before each phase")
    parser.add_argument("--bare-seconds", type=float, default=30.0)
    parser.add_argument("--register-seconds", type=float, default=60.0)
    parser.add_argument("--update-seconds", type=float, default=40.0)
    parser.add_argument("--rate", type=float, default=200.0, help="requests/s of the fixed-rate phase")
    parser.add_argument("--rate-seconds", type=float, default=30.0)
    parser.add_argument("--idle-seconds", type=float, default=3.0, help="wait after startup before idle RSS")
    parser.add_argument(
        "--workers", type=int, default=None, help="uvicorn worker processes (default: deploy/services.toml)"
    )
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temporary folder (logs) for inspection")
    a = parser.parse_args()
    k = 5.0 if a.quick else 1.0
    return Settings(
        concurrency=a.concurrency,
        max_connections=a.max_connections,
        client=a.client,
        warmup_s=a.warmup / k,
        bare_s=a.bare_seconds / k,
        register_s=a.register_seconds / k,
        update_s=a.update_seconds / k,
        rate=a.rate,
        rate_s=a.rate_seconds / k,
        idle_s=a.idle_seconds / k,
        quick=a.quick,
        workers=a.workers or next(s.workers for s in load_services(ROOT) if s.name == SERVICE),
    ), a.keep_tmp


def phase_summary(outcome: Outcome, cpu: dict[str, float]) -> dict[str, Any]:
    return {
        "ok": outcome.ok,
        "errors": outcome.errors,
        "elapsed_s": round(outcome.elapsed_s, 3),
        "throughput_per_s": outcome.throughput,
        "latency": summarize_ms(outcome.latencies_s),
        "cpu_pct": cpu,
        "error_samples": outcome.error_samples,
    }


def fdatasync_ms(directory: Path, rounds: int = 100) -> dict[str, float]:
    """Latency of an 8 KiB write + fdatasync on the disk PostgreSQL uses: the floor under every commit."""
    samples: list[float] = []
    fd = os.open(directory / "fsync-probe", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        block = os.urandom(8192)
        for i in range(rounds):
            t = time.perf_counter()
            os.pwrite(fd, block, (i % 16) * 8192)
            os.fdatasync(fd)
            samples.append(time.perf_counter() - t)
    finally:
        os.close(fd)
        (directory / "fsync-probe").unlink(missing_ok=True)
    return summarize_ms(samples)


def _software() -> dict[str, Any]:
    """What was measured: the commit, uncommitted changes (others may edit while we run), uvicorn's loop and parser."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.rstrip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    changed = [line[3:] for line in git("status", "--porcelain").splitlines() if not line[3:].startswith("bench/")]
    return {
        "commit": git("rev-parse", "--short", "HEAD") or "unknown",
        "uncommitted_changes": changed,
        # uvicorn picks these up when installed ("auto"); they move the ceiling a lot.
        "uvicorn_loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        "uvicorn_http": "httptools" if importlib.util.find_spec("httptools") else "h11",
    }


def _machine() -> dict[str, Any]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


async def bare_phases(settings: Settings, server: Server, meter: CpuMeter) -> dict[str, Any]:
    body = registration_body("999993653", 0)
    client = make_client(settings.client, HOST, server.port, {}, settings.concurrency)
    try:
        await closed_loop(
            client,
            concurrency=settings.concurrency,
            duration_s=settings.warmup_s,
            make=lambda _: ("POST", "/echo", body),
        )
        outcome, cpu = await timed(
            closed_loop(
                client,
                concurrency=settings.concurrency,
                duration_s=settings.bare_s,
                make=lambda _: ("POST", "/echo", body),
            ),
            meter,
        )
    finally:
        await client.aclose()
    return phase_summary(outcome, cpu)


async def service_phases(
    settings: Settings, server: Server, meter: CpuMeter, token: str, database_url: str, nats_url: str
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    headers = {"Authorization": f"Bearer {token}"}
    bsns = BsnGenerator()
    counter = itertools.count()
    created: list[str] = []
    writes = {"registrations": 0, "updates": 0}

    def register(_: int) -> tuple[str, str, bytes]:
        return "POST", API, registration_body(next(bsns), next(counter))

    def remember(_: int, body: bytes) -> None:
        created.append(json.loads(body)["id"])
        writes["registrations"] += 1

    async def measured(name: str, load: Awaitable[Outcome]) -> Outcome:
        """Run one measured phase: its latencies, CPU, the relay's catch-up and the database's activity."""
        before = await db.counters()
        outcome, cpu = await timed(load, meter)
        results[name] = phase_summary(outcome, cpu)
        # The relay runs in the service process; whatever it could not keep up with is published now.
        results[name]["relay"] = await db.wait_drained()
        results[name]["db"] = await db.activity(before, outcome.ok)
        return outcome

    db = await DbMonitor.connect(database_url)
    try:
        # 2. Registrations, closed loop.
        client: HttpClient = make_client(settings.client, HOST, server.port, headers, settings.concurrency)
        try:
            await closed_loop(
                client,
                concurrency=settings.concurrency,
                duration_s=settings.warmup_s,
                make=register,
                on_success=remember,
            )
            await db.wait_drained()
            await measured(
                "register",
                closed_loop(
                    client,
                    concurrency=settings.concurrency,
                    duration_s=settings.register_s,
                    make=register,
                    on_success=remember,
                ),
            )

            # 3. Updates, closed loop. Each worker owns a disjoint slice of the ids: concurrent requests never
            # wait on each other's row lock, as with different klantregisseurs editing different people.
            if len(created) < settings.concurrency:
                raise RuntimeError(f"only {len(created)} registrations; too few to spread updates over")
            slices = [itertools.cycle(created[n :: settings.concurrency]) for n in range(settings.concurrency)]
            current: dict[str, str] = {}

            def update(worker: int) -> tuple[str, str, bytes]:
                ident = next(slices[worker])
                value = "regisseur-b" if current.get(ident, "regisseur-a") == "regisseur-a" else "regisseur-a"
                current[ident] = value  # alternate, so every PATCH really changes the row and emits an event
                return "PATCH", f"{API}/{ident}", json.dumps({"klantregisseur": value}).encode()

            def count_update(_: int, __: bytes) -> None:
                writes["updates"] += 1

            await closed_loop(
                client,
                concurrency=settings.concurrency,
                duration_s=settings.warmup_s,
                make=update,
                on_success=count_update,
            )
            await db.wait_drained()
            await measured(
                "update",
                closed_loop(
                    client,
                    concurrency=settings.concurrency,
                    duration_s=settings.update_s,
                    make=update,
                    on_success=count_update,
                ),
            )
            results["update"]["pool_size"] = len(created)
        finally:
            await client.aclose()

        # 4 + 5. Registrations at a fixed rate, with a JetStream subscriber timing each event.
        probe = EventProbe()
        await probe.start(nats_url)
        fixed_ids: set[str] = set()

        def remember_fixed(seq: int, body: bytes) -> None:
            remember(seq, body)
            fixed_ids.add(created[-1])

        client = make_client(settings.client, HOST, server.port, headers, settings.max_connections)
        try:
            outcome = await measured(
                "fixed_rate",
                open_loop(
                    client,
                    rate=settings.rate,
                    duration_s=settings.rate_s,
                    make=register,
                    on_success=remember_fixed,
                ),
            )
        finally:
            await client.aclose()
        results["fixed_rate"]["rate"] = settings.rate
        results["fixed_rate"]["send_lag"] = summarize_ms(outcome.send_lag_s)
        results["fixed_rate"]["max_in_flight"] = outcome.max_in_flight
        # Stragglers: the last events may still be on their way when the last answer arrived.
        await probe.wait_for(fixed_ids, limit_s=15)
        await probe.stop()
        received = {i: d for i, d in probe.delay_s.items() if i in fixed_ids}
        results["events"] = {
            "registrations_ok": len(fixed_ids),
            "received": len(received),
            "missing": len(fixed_ids - received.keys()),
            "unexpected": len(probe.delay_s.keys() - fixed_ids) + probe.other_events,
            "duplicates": probe.duplicates,
            "delay": summarize_ms(received.values()),
        }

        # Every successful write must have left exactly one outbox row and one processing-log row.
        expected = writes["registrations"] + writes["updates"]
        outbox_rows = await db.value("SELECT count(*) FROM outbox")
        audit_rows = await db.value("SELECT count(*) FROM verwerking")
        people = await db.value("SELECT count(*) FROM inburgeraar")
        results["consistency"] = {
            "successful_registrations": writes["registrations"],
            "successful_updates": writes["updates"],
            "inburgeraar_rows": people,
            "outbox_rows": outbox_rows,
            "verwerking_rows": audit_rows,
            "ok": people == writes["registrations"] and outbox_rows == expected and audit_rows == expected,
        }
    finally:
        await db.close()
    return results


def describe_run(results: dict[str, Any], started: datetime, t0: float) -> None:
    """What every result file records of its run: machine, software, when, how long, the exact command."""
    results["machine"] = _machine()
    results["software"] = _software()
    results["started_at"] = started.isoformat(timespec="seconds")
    results["duration_s"] = round(time.perf_counter() - t0, 1)
    results["command"] = " ".join([f"bench/{Path(sys.argv[0]).name}", *sys.argv[1:]])


def write_results(name: str, results: dict[str, Any], started: datetime) -> Path:
    """bench/results/<name>-<YYYYMMDD-HHMM>.json; two runs in one minute (a --quick, then a full run) keep both."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{started:%Y%m%d-%H%M}.json"
    if path.exists():
        path = RESULTS / f"{name}-{started:%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return path


def start_infrastructure(
    workdir: Path, stack: list[Any], results: dict[str, Any], database: str, migrations: Path
) -> tuple[EmbeddedPostgres, EmbeddedNats, str]:
    """A durable PostgreSQL and a NATS of our own (never the system ones), the service's database migrated.
    Each server goes on `stack` as soon as it exists, so the caller stops it whatever happens next."""
    postgres = EmbeddedPostgres(workdir / "pg", free_port())  # durable defaults: fsync on, synchronous commit
    stack.append(postgres)
    postgres.start()
    nats_server = EmbeddedNats(workdir / "nats", free_port())
    stack.append(nats_server)
    nats_server.start()
    print(f"PostgreSQL {postgres.url}\nNATS       {nats_server.url}")
    results["fdatasync"] = fdatasync_ms(workdir)
    asyncio.run(ensure_database(postgres.url, database))
    database_url = database_url_for(postgres.url, database)
    upgrade(migrations, database_url)
    return postgres, nats_server, database_url


def measure(settings: Settings, workdir: Path, stack: list[Any]) -> dict[str, Any]:
    """Everything that needs the servers; each server started goes on `stack`, for the caller to stop."""
    results: dict[str, Any] = {"settings": vars(settings).copy()}
    print(f"Workdir {workdir}")
    postgres, nats_server, database_url = start_infrastructure(workdir, stack, results, PACKAGE, MIGRATIONS)
    private_key, public_key = generate_dev_keypair(workdir / "keys")
    token = mint_token(
        private_key.read_bytes(),
        issuer=ISSUER,
        audience=AUDIENCE,
        client_id="benchmark",
        scopes=[scopes.INBURGERAAR_LEZEN, scopes.INBURGERAAR_SCHRIJVEN],
        gemeente_code=GEMEENTE,
        user="benchmark",
        roles=["klantregisseur"],
        ttl_seconds=3600,
    )
    pg_pid = postmaster_pid(postgres.data_dir)
    nats_pid = int((nats_server.data_dir / "nats.pid").read_text().strip())

    # 1. Ceiling: the bare app, alone on the machine.
    print("\n[1/5] bare FastAPI ceiling ...", flush=True)
    bare = start_uvicorn(
        "bare", "bare_app:create_app", free_port(), dict(os.environ), workdir, settings.workers, app_dir=BENCH
    )
    stack.append(bare)
    wait_ready(bare, "/echo", registration_body("999993653", 0))
    time.sleep(settings.idle_s)
    results["bare_idle_rss_mb"] = rss_mb(bare.proc.pid)
    meter = CpuMeter(
        {"generator": os.getpid(), "server": bare.proc.pid, "postgres": pg_pid, "nats": nats_pid},
        without_children=frozenset({"generator"}),
    )
    results["bare"] = asyncio.run(bare_phases(settings, bare, meter))
    bare.stop()
    stack.remove(bare)

    # 2-5. The service.
    port = free_port()
    service = start_uvicorn(
        SERVICE,
        f"{PACKAGE}.main:create_app",
        port,
        service_env(database_url, nats_server.url, port, public_key),
        workdir,
        settings.workers,
    )
    stack.append(service)
    relay = start_relay(service_env(database_url, nats_server.url, port, public_key), workdir)
    stack.append(relay)
    wait_ready(service, "/health/ready")
    time.sleep(settings.idle_s)
    results["service_idle_rss_mb"] = rss_mb(service.proc.pid)
    results["service_pid"] = service.proc.pid
    print(
        "[2/5] registrations, closed loop ...  [3/5] updates ...  [4/5+5/5] fixed rate + events ...",
        flush=True,
    )
    results["relay_idle_rss_mb"] = rss_mb(relay.proc.pid)
    roots = {
        "generator": os.getpid(),
        "server": service.proc.pid,
        "relay": relay.proc.pid,
        "postgres": pg_pid,
        "nats": nats_pid,
    }
    meter = CpuMeter(roots, without_children=frozenset({"generator"}))
    results.update(asyncio.run(service_phases(settings, service, meter, token, database_url, nats_server.url)))
    results["service_loaded_rss_mb"] = rss_mb(service.proc.pid)
    if service.proc.poll() is not None:
        raise RuntimeError(f"the service died during the run:\n{service.log_tail()}")
    return results


# ---- report ----


def _fmt(value: float, unit: str = "", digits: int = 1) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}{unit}"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def build_rows(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(metric, value, target, verdict) rows; verdict empty for figures without a target."""
    bare, reg, upd, fixed, ev = r["bare"], r["register"], r["update"], r["fixed_rate"], r["events"]
    rows: list[tuple[str, str, str, str]] = []

    def lat(prefix: str, latency: dict[str, float]) -> None:
        rows.append(
            (
                f"{prefix} p50 / p95 / p99",
                f"{_fmt(latency['p50_ms'])} / {_fmt(latency['p95_ms'])} / {_fmt(latency['p99_ms'])} ms",
                "",
                "",
            )
        )

    rows.append(("Bare POST /echo throughput", _fmt(bare["throughput_per_s"], " req/s", 0), "", ""))
    lat("Bare latency", bare["latency"])
    rows.append(
        (
            "Registrations throughput (closed loop)",
            _fmt(reg["throughput_per_s"], " writes/s", 0),
            f">= {TARGET_WRITES_PER_S:,.0f}/s",
            _verdict(reg["throughput_per_s"] >= TARGET_WRITES_PER_S),
        )
    )
    ratio = reg["throughput_per_s"] / bare["throughput_per_s"]
    rows.append(
        (
            "Registrations / bare",
            f"{ratio:.2f}x",
            f">= {TARGET_BARE_RATIO:.2f}x",
            _verdict(ratio >= TARGET_BARE_RATIO),
        )
    )
    lat("Registration latency", reg["latency"])
    rows.append(("Registration errors", str(reg["errors"]), "0", _verdict(reg["errors"] == 0)))
    rows.append(
        (
            "Outbox backlog after registrations",
            f"{reg['relay']['backlog_at_end']:,} events, drained in {reg['relay']['drain_s']:.1f} s",
            "",
            "",
        )
    )
    rows.append(("Updates throughput (closed loop)", _fmt(upd["throughput_per_s"], " writes/s", 0), "", ""))
    lat("Update latency", upd["latency"])
    rows.append(("Update errors", str(upd["errors"]), "0", _verdict(upd["errors"] == 0)))
    rows.append(
        (
            f"Fixed rate {fixed['rate']:.0f} req/s: achieved",
            _fmt(fixed["throughput_per_s"], " req/s", 0),
            "",
            "",
        )
    )
    lat(f"Fixed rate {fixed['rate']:.0f} req/s latency", fixed["latency"])
    rows.append(
        (
            f"Fixed rate {fixed['rate']:.0f} req/s p99",
            _fmt(fixed["latency"]["p99_ms"], " ms"),
            f"< {TARGET_FIXED_RATE_P99_MS:.0f} ms",
            _verdict(fixed["latency"]["p99_ms"] < TARGET_FIXED_RATE_P99_MS),
        )
    )
    rows.append(("Fixed rate errors", str(fixed["errors"]), "0", _verdict(fixed["errors"] == 0)))
    lat("Event commit->consumer", ev["delay"])
    rows.append(
        (
            "Event commit->consumer p99",
            _fmt(ev["delay"]["p99_ms"], " ms"),
            f"< {TARGET_EVENT_P99_MS:.0f} ms",
            _verdict(ev["delay"]["p99_ms"] < TARGET_EVENT_P99_MS),
        )
    )
    complete = ev["received"] == ev["registrations_ok"] and ev["missing"] == 0
    rows.append(
        (
            "Events received / registrations",
            f"{ev['received']:,} / {ev['registrations_ok']:,} (missing {ev['missing']}, duplicates {ev['duplicates']})",
            "all, none missing",
            _verdict(complete),
        )
    )
    rows.append(
        (
            "Service RSS idle (after startup)",
            _fmt(r["service_idle_rss_mb"], " MB"),
            f"< {TARGET_IDLE_MB:.0f} MB",
            _verdict(r["service_idle_rss_mb"] < TARGET_IDLE_MB),
        )
    )
    rows.append(("Service RSS after load", _fmt(r["service_loaded_rss_mb"], " MB"), "", ""))
    rows.append(("Outbox relay process RSS idle", _fmt(r["relay_idle_rss_mb"], " MB"), "", ""))
    rows.append(("Bare app RSS idle (reference)", _fmt(r["bare_idle_rss_mb"], " MB"), "", ""))
    c = r["consistency"]
    rows.append(
        (
            "Rows: inburgeraar / outbox / verwerking",
            f"{c['inburgeraar_rows']:,} / {c['outbox_rows']:,} / {c['verwerking_rows']:,}",
            "1 outbox + 1 audit row per write",
            _verdict(c["ok"]),
        )
    )
    return rows


def cpu_rows(r: dict[str, Any]) -> list[tuple[str, str, str, str, str, str, str, str]]:
    rows = []
    for key, label in (
        ("bare", "bare closed loop"),
        ("register", "registrations"),
        ("update", "updates"),
        ("fixed_rate", f"fixed {r['fixed_rate']['rate']:.0f}/s"),
    ):
        cpu = r[key]["cpu_pct"]
        rows.append(
            (
                label,
                f"{cpu['generator']:.0f}%",
                f"{cpu['server']:.0f}%",
                f"{cpu.get('relay', 0.0):.0f}%",
                f"{cpu['postgres']:.0f}%",
                f"{cpu['nats']:.0f}%",
                f"{cpu['others']:.0f}%",
                f"{cpu['machine_busy_pct_of_all_cores']:.0f}%",
            )
        )
    return rows


def db_rows(r: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for key, label in (("register", "registrations"), ("update", "updates"), ("fixed_rate", "fixed rate")):
        db = r[key]["db"]
        rows.append(
            (
                label,
                f"{db['connections_opened']}",
                f"{db['commits_per_write']:.2f}",
                f"{db['rollbacks_per_write']:.2f}",
                f"{db['wal_fsyncs_per_write']:.2f}",
            )
        )
    return rows


def diagnosis(r: dict[str, Any]) -> list[str]:
    notes: list[str] = []
    workers = int(r["settings"].get("workers", 1))
    noisy = {k: r[k]["cpu_pct"]["others"] for k in ("bare", "register", "update", "fixed_rate")}
    if max(noisy.values()) > 20:
        worst = max(noisy, key=lambda k: noisy[k])
        notes.append(
            f"other processes on this machine used up to {noisy[worst]:.0f}% of a core ({worst}); with "
            f"{r['machine']['nproc']} cores the figures are pessimistic. Rerun on a quiet machine to compare."
        )
    for key, label in (("bare", "bare"), ("register", "registrations"), ("update", "updates")):
        cpu = r[key]["cpu_pct"]
        if cpu["generator"] >= GENERATOR_BOUND_PCT:
            notes.append(
                f"{label}: the generator used {cpu['generator']:.0f}% of a core; it may be the limit, not the server."
            )
        elif cpu["server"] >= 90 * workers:
            notes.append(
                f"{label}: the server used {cpu['server']:.0f}% of a core in {workers} process(es) (one GIL "
                f"each; {cpu['server_kernel']:.0f}% in the kernel) and the generator only "
                f"{cpu['generator']:.0f}%: the server is the bottleneck."
            )
        elif cpu["machine_busy_pct_of_all_cores"] >= 90:
            notes.append(
                f"{label}: the machine was {cpu['machine_busy_pct_of_all_cores']:.0f}% busy; server "
                f"{cpu['server']:.0f}%, PostgreSQL {cpu['postgres']:.0f}%, generator "
                f"{cpu['generator']:.0f}%: CPU-bound as a whole."
            )
        else:
            notes.append(
                f"{label}: neither the server ({cpu['server']:.0f}%) nor the machine "
                f"({cpu['machine_busy_pct_of_all_cores']:.0f}%) is saturated: waiting (commits, locks, "
                "pool) dominates."
            )
    lag = r["fixed_rate"]["send_lag"]
    notes.append(
        f"fixed rate: generator fired p99 {lag['p99_ms']:.1f} ms late versus its timetable "
        f"(max in flight {r['fixed_rate']['max_in_flight']})."
    )
    return notes


def render_text(r: dict[str, Any]) -> str:
    rows = build_rows(r)
    widths = [max(len(row[i]) for row in [("Metric", "Value", "Target", ""), *rows]) for i in range(4)]
    lines = [
        f"{'Metric':<{widths[0]}}  {'Value':<{widths[1]}}  {'Target':<{widths[2]}}  Result",
        "-" * (sum(widths) + 6),
    ]
    lines += [f"{m:<{widths[0]}}  {v:<{widths[1]}}  {t:<{widths[2]}}  {s}" for m, v, t, s in rows]
    lines += [
        "",
        "CPU (% of one core)     generator  server  relay  postgres  nats  other procs  machine (of all cores)",
    ]
    lines += [
        f"{p:<22}  {g:>9}  {s:>6}  {rl:>5}  {pg:>8}  {n:>4}  {o:>11}  {m:>8}"
        for p, g, s, rl, pg, n, o, m in cpu_rows(r)
    ]
    lines += [
        "",
        "PostgreSQL (approx.)    connections opened  commits/write  rollbacks/write  WAL fsyncs/write",
    ]
    lines += [f"{p:<22}  {c:>18}  {cm:>13}  {rb:>15}  {f:>16}" for p, c, cm, rb, f in db_rows(r)]
    sync = r["fdatasync"]
    lines += [f"disk: 8 KiB write + fdatasync p50 {sync['p50_ms']:.2f} ms, p99 {sync['p99_ms']:.2f} ms"]
    sw = r["software"]
    lines += [
        f"code: commit {sw['commit']} + {len(sw['uncommitted_changes'])} uncommitted file(s); "
        f"uvicorn with {sw['uvicorn_loop']} and {sw['uvicorn_http']}"
    ]
    lines += ["", *diagnosis(r)]
    for key in ("register", "update", "fixed_rate"):
        if r[key]["error_samples"]:
            lines.append(f"{key} errors, first ones: {r[key]['error_samples']}")
    return "\n".join(lines)


def render_markdown(r: dict[str, Any]) -> str:
    m, s, sw = r["machine"], r["settings"], r["software"]
    dirty = ", ".join(sw["uncommitted_changes"]) or "none"
    out = [
        "# inburgeraar-api benchmark",
        "",
        f"Run {r['started_at']} ({'quick' if s['quick'] else 'full'}, {r['duration_s']:.0f} s), `{r['command']}`.",
        "",
        f"Machine: {m['nproc']} cores, {m['cpu_model']}, {m['memory_gb']} GB; Python {m['python']}; {m['platform']}.",
        "",
        f"Code: commit {sw['commit']}, uncommitted changes: {dirty}. uvicorn with {sw['uvicorn_loop']} and "
        f"{sw['uvicorn_http']}.",
        "",
        f"Settings: {s['workers']} uvicorn worker process(es) for both apps; "
        f"closed loop {s['concurrency']} connections, warm-up {s['warmup_s']:g} s, "
        f"bare {s['bare_s']:g} s, registrations {s['register_s']:g} s, updates {s['update_s']:g} s, "
        f"fixed rate {s['rate']:g}/s for {s['rate_s']:g} s; client `{s['client']}`; PostgreSQL with durable "
        "commits (fsync on), outbox relay as its own process beside the API; generator, service, PostgreSQL and NATS "
        "share the machine.",
        "",
        "| Metric | Value | Target | Result |",
        "|---|---|---|---|",
    ]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in build_rows(r)]
    out += [
        "",
        "CPU per phase (% of one core; machine: % of all cores):",
        "",
        "| Phase | generator | server | relay | postgres | nats | other processes | machine |",
        "|---|---|---|---|---|---|---|---|",
    ]
    out += [f"| {' | '.join(row)} |" for row in cpu_rows(r)]
    sync = r["fdatasync"]
    out += [
        "",
        "PostgreSQL per phase (from pg_stat_database / pg_stat_wal, approximate):",
        "",
        "| Phase | connections opened | commits/write | rollbacks/write | WAL fsyncs/write |",
        "|---|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in db_rows(r)],
        "",
        f"Disk: 8 KiB write + fdatasync p50 {sync['p50_ms']:.2f} ms, p99 {sync['p99_ms']:.2f} ms.",
    ]
    out += ["", *[f"- {n}" for n in diagnosis(r)], ""]
    return "\n".join(out)


def _raise_interrupt(*_: object) -> NoReturn:
    raise KeyboardInterrupt


def in_workdir(prefix: str, keep_tmp: bool, measure: Callable[[Path, list[Any]], dict[str, Any]]) -> dict[str, Any]:
    """`measure(workdir, stack)` in a fresh temporary folder. Whatever it started goes on `stack` and is stopped in
    reverse order (service and relay before NATS before PostgreSQL) however the run ends; a failure first prints
    the servers' last log lines. Every benchmark runs this way."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    stack: list[Any] = []
    try:
        return measure(workdir, stack)
    except Exception:
        for item in stack:
            if isinstance(item, Server):
                print(f"--- last lines of {item.name} log ---\n{item.log_tail()}", file=sys.stderr)
        raise
    finally:
        for item in reversed(stack):
            try:
                item.stop()
            except Exception as exc:  # keep stopping the rest
                print(f"could not stop {type(item).__name__}: {exc}", file=sys.stderr)
        if keep_tmp:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    settings, keep_tmp = parse_args()
    # SIGTERM (a CI timeout, `kill`) takes the same cleanup path as Ctrl-C.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    generator = BsnGenerator()
    assert all(is_valid_bsn(next(generator)) for _ in range(1000)), "BSN generator broken"
    started = datetime.now()
    t0 = time.perf_counter()
    results = in_workdir("inburgering-bench-", keep_tmp, lambda w, s: measure(settings, w, s))

    describe_run(results, started, t0)
    results["targets"] = {
        "writes_per_s": TARGET_WRITES_PER_S,
        "bare_ratio": TARGET_BARE_RATIO,
        "fixed_rate_p99_ms": TARGET_FIXED_RATE_P99_MS,
        "event_p99_ms": TARGET_EVENT_P99_MS,
        "idle_rss_mb": TARGET_IDLE_MB,
    }
    results["verdicts"] = {metric: verdict for metric, _, _, verdict in build_rows(results) if verdict}
    print()
    print(render_text(results))
    json_path = write_results("inburgeraar-api", results, started)
    (RESULTS / "inburgeraar-api-latest.md").write_text(render_markdown(results))
    print(
        f"\nWritten {json_path.relative_to(ROOT)} and bench/results/inburgeraar-api-latest.md "
        f"({results['duration_s']:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        # Everything was already stopped and removed by main()'s finally.
        print("\ninterrupted; servers stopped, temporary folder removed", file=sys.stderr)
        sys.exit(130)
