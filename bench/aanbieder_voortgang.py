"""Bench of aanbieder-api: progress pushes over the real-time API, and the file channel.

Issue 4 targets on this 2-core machine: >= 1,000 pushes/s with p99 < 50 ms; a 10,000-row file applied end to end
in < 5 s; the 50,000-row upload under 200 MB extra memory of the service process.

Starts its own PostgreSQL (durable: every commit is a real fsync) and NATS in a temporary folder, the service and
its outbox relay as deploy/local/stack.py does. The gemeente's side (aanbieder, contract, API client, one
opdracht) goes through the API; the PIP projection and the other opdrachten are COPYed with the content the API
stored for its own. A push is `POST /toegewezen-opdrachten/{id}/meldingen` with an attendance report for a new
period and its own Idempotency-Key, spread over the opdrachten like many learners' reports.

Phases: pushes in a closed loop (32 connections: the throughput; its latency is mostly the queue those connections
make, 32 / throughput); replays of one push (the same key and body again: the same stack with one read and no write,
so the difference is what the writing costs); pushes at two fixed rates, timed from the schedule (the p99 target is
judged there); a 10,000-row file; a 50,000-row upload. Every phase records the CPU of each process per request: the
whole chain shares the two cores, so 2,000 ms / (CPU ms per push) is the most this machine can carry.

    .venv/bin/python bench/aanbieder_voortgang.py            # full run, ~2 minutes
    .venv/bin/python bench/aanbieder_voortgang.py --quick    # every duration 5x shorter

Results: a table on stdout and bench/results/aanbieder-api-<YYYYMMDD-HHMM>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import psutil

from aanbieder_api import scopes
from inburgering_kit.auth import generate_dev_keypair, mint_token
from inburgering_kit.db import plain_url
from inburgering_kit.embedded import free_port

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/ is not a package: the load generator and the shared process and report helpers come through sys.path.
from loadgen import CpuMeter, RawClient, closed_loop, open_loop, rss_mb, summarize_ms, timed
from run import (
    HOST,
    DbMonitor,
    Server,
    _raise_interrupt,
    describe_run,
    in_workdir,
    phase_summary,
    postmaster_pid,
    service_env,
    start_infrastructure,
    start_relay,
    start_uvicorn,
    wait_ready,
    write_results,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SERVICE = "aanbieder-api"
PACKAGE = "aanbieder_api"
MIGRATIONS = ROOT / "services" / SERVICE / "migrations"
ENV_PREFIX = "AANBIEDER_API_"
ISSUER = "urn:inburgering:benchmark"
AUDIENCE = "inburgering"
GEMEENTE = "0363"
CLIENT = "leerlingvolgsysteem-bench"

TARGET_PUSHES_PER_S = 1000.0
TARGET_P99_MS = 50.0
TARGET_FILE_10K_S = 5.0
TARGET_UPLOAD_EXTRA_MB = 200.0
BEGIN = date(2026, 4, 1)


def cpu_ms_per_request(outcome: Any, cpu: dict[str, float]) -> dict[str, float]:
    """Milliseconds of CPU per answered request, per process (kernel time included), and their sum: on this
    machine two cores' worth, 2,000 ms per second, is the ceiling of the whole chain together."""
    per = {
        name: round(cpu[name] * 10 * outcome.elapsed_s / max(outcome.ok, 1), 3)
        for name in ("generator", "server", "relay", "postgres", "nats")
    }
    per["sum"] = round(sum(per.values()), 3)
    return per


def idempotency_key() -> dict[str, str]:
    """A fresh key on every request, as a provider's system sends it."""
    return {"Idempotency-Key": f"b-{uuid.uuid4().hex}"}


@dataclass
class Settings:
    concurrency: int
    warmup_s: float
    push_s: float
    replay_s: float
    rates: list[float]
    rate_s: float
    opdrachten: int
    file_rows: int
    big_file_rows: int
    quick: bool


def parse_args() -> tuple[Settings, bool]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="every duration 5x shorter (smoke test)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=20.0, help="closed loop of pushes")
    parser.add_argument("--replay-seconds", type=float, default=10.0, help="closed loop of replays")
    parser.add_argument(
        "--rates", type=float, nargs=2, default=[200.0, 500.0], help="pushes/s of the two fixed-rate phases"
    )
    parser.add_argument("--rate-seconds", type=float, default=15.0)
    parser.add_argument("--opdrachten", type=int, default=20_000)
    parser.add_argument("--file-rows", type=int, default=10_000)
    parser.add_argument("--big-file-rows", type=int, default=50_000)
    parser.add_argument("--keep-tmp", action="store_true")
    a = parser.parse_args()
    k = 5.0 if a.quick else 1.0
    return Settings(
        a.concurrency,
        a.warmup / k,
        a.seconds / k,
        a.replay_seconds / k,
        list(a.rates),
        a.rate_seconds / k,
        a.opdrachten,
        a.file_rows,
        a.big_file_rows,
        a.quick,
    ), a.keep_tmp


def _http(base: str, method: str, path: str, token: str, body: Any = None, **headers: str) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    request = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def gemeente_setup(base: str, regisseur: str, beheer: str, pip_id: uuid.UUID) -> tuple[str, str]:
    status, aanbieder = _http(
        base,
        "POST",
        "/api/v1/aanbieders",
        beheer,
        {
            "naam": "Taalschool Bench",
            "kvkNummer": "12345678",
            "diensten": ["b1-route"],
            "keurmerk": {"nummer": "BOW-1", "geldigTot": "2030-12-31"},
        },
    )
    assert status == 201, aanbieder
    a = aanbieder["id"]
    contract = {
        "kenmerk": "K",
        "begindatum": "2026-01-01",
        "einddatum": "2030-12-31",
        "diensten": [{"dienst": "b1-route", "uren": 10_000_000}],
    }
    assert _http(base, "POST", f"/api/v1/aanbieders/{a}/contracten", beheer, contract)[0] == 201
    client = {"clientId": CLIENT, "omschrijving": "bench"}
    assert _http(base, "POST", f"/api/v1/aanbieders/{a}/api-clients", beheer, client)[0] == 201
    status, opdracht = _http(
        base,
        "POST",
        "/api/v1/opdrachten",
        regisseur,
        {
            "pipId": str(pip_id),
            "aanbiederId": a,
            "onderdeel": "b1-route",
            "inhoud": {
                "deelnemer": {"roepnaam": "Amal", "achternaam": "Haddad"},
                "geplandeStartdatum": "2026-04-01",
                "geplandeEinddatum": "2027-04-01",
                "uren": 600,
                "cursusnaam": "NT2 B1",
            },
        },
    )
    assert status == 201, opdracht
    return a, opdracht["id"]


async def seed(database_url: str, aantal: int) -> list[uuid.UUID]:
    """PIPs as pip-api's events leave the projection, then opdrachten copied from the one made over HTTP."""
    conn = await asyncpg.connect(plain_url(database_url))
    try:
        eerste = await conn.fetchrow("SELECT * FROM opdracht LIMIT 1")
        assert eerste is not None
        pips = [(uuid.uuid4(), uuid.uuid4()) for _ in range(aantal)]
        await conn.copy_records_to_table(
            "pip_feit",
            records=[(p, GEMEENTE, i, "vastgesteld", 1, "b1", "B1") for p, i in pips],
            columns=["pip_id", "gemeente_code", "inburgeraar_id", "status", "versie", "leerroute", "taalniveau"],
        )
        ids = [uuid.uuid4() for _ in pips]
        kolommen = [k for k in eerste.keys() if k not in {"id", "pip_id", "inburgeraar_id", "deelnemer_referentie"}]  # noqa: SIM118
        await conn.copy_records_to_table(
            "opdracht",
            records=[
                (o, p, i, f"D-{o.hex[:16]}", *(eerste[k] for k in kolommen))
                for o, (p, i) in zip(ids, pips, strict=True)
            ],
            columns=["id", "pip_id", "inburgeraar_id", "deelnemer_referentie", *kolommen],
        )
        # As pgbench does before a run: the bulk-loaded tables' first autovacuum (a scan of every page, 20,000
        # opdrachten) would otherwise land in a measured phase (the lesson of the PIP vaststelling bench).
        await conn.execute("VACUUM (ANALYZE) opdracht, pip_feit")
        return [eerste["id"], *ids]
    finally:
        await conn.close()


def csv_file(opdrachten: list[uuid.UUID], rows: int, first_day: int) -> bytes:
    lines = ["opdrachtId,soort,periodeVan,periodeTot,urenAanwezig,urenAfwezigOngeoorloofd"]
    for n in range(rows):
        d = (BEGIN + timedelta(days=first_day + n // len(opdrachten))).isoformat()
        lines.append(f"{opdrachten[n % len(opdrachten)]},aanwezigheid,{d},{d},3.5,0")
    return ("\n".join(lines) + "\n").encode()


class RssSampler:
    """Peak resident memory of a process, sampled every 20 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def upload(base: str, token: str, inhoud: bytes, key: str) -> tuple[float, dict[str, Any]]:
    """POST the file and poll until it is verwerkt; seconds from the first byte sent to the last row applied."""
    start = time.perf_counter()
    status, body = _http(
        base, "POST", "/api/v1/aanleveringen", token, inhoud, **{"Content-Type": "text/csv", "Idempotency-Key": key}
    )
    assert status == 202, body
    while True:
        status, body = _http(base, "GET", f"/api/v1/aanleveringen/{body['id']}", token)
        if body["status"] == "verwerkt":
            return time.perf_counter() - start, body
        time.sleep(0.05)


async def pushes(
    settings: Settings, server: Server, meter: CpuMeter, token: str, database_url: str, opdrachten: list[uuid.UUID]
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    headers = {"Authorization": f"Bearer {token}"}
    teller = iter(range(10**9))

    def push(_: int) -> tuple[str, str, bytes]:
        n = next(teller)
        d = (BEGIN + timedelta(days=n // len(opdrachten))).isoformat()
        body = {
            "soort": "aanwezigheid",
            "periodeVan": d,
            "periodeTot": d,
            "urenAanwezig": 3.5,
            "urenAfwezigOngeoorloofd": 0.5,
        }
        return (
            "POST",
            f"/api/v1/toegewezen-opdrachten/{opdrachten[n % len(opdrachten)]}/meldingen",
            json.dumps(body).encode(),
        )

    db = await DbMonitor.connect(database_url)
    try:
        client = RawClient(HOST, server.port, headers, settings.concurrency, idempotency_key)
        try:
            print("[1/6] pushes, closed loop ...", flush=True)
            await closed_loop(client, concurrency=settings.concurrency, duration_s=settings.warmup_s, make=push)
            await db.wait_drained()
            before = await db.counters()
            onderhoud = await db.maintenance()
            outcome, cpu = await timed(
                closed_loop(client, concurrency=settings.concurrency, duration_s=settings.push_s, make=push), meter
            )
            results["push"] = phase_summary(outcome, cpu)
            results["push"]["postgres_maintenance"] = db.maintenance_during(onderhoud, await db.maintenance())
            results["push"]["relay"] = await db.wait_drained()
            results["push"]["db"] = await db.activity(before, outcome.ok)
            results["push"]["cpu_ms_per_push"] = cpu_ms_per_request(outcome, cpu)
        finally:
            await client.aclose()
        # A provider's system sending again what it already sent: the same request through the same stack, with one
        # read instead of a read and a write. What a push costs beyond this is the writing.
        print("[2/6] replays of one push (same Idempotency-Key), closed loop ...", flush=True)
        herhaald = push(0)
        vast = {**headers, **idempotency_key()}
        client = RawClient(HOST, server.port, vast, settings.concurrency)
        try:
            eerste = await client.request(*herhaald)
            assert eerste[0] == 201, eerste
            outcome, cpu = await timed(
                closed_loop(
                    client, concurrency=settings.concurrency, duration_s=settings.replay_s, make=lambda _: herhaald
                ),
                meter,
            )
            results["replay"] = phase_summary(outcome, cpu)
            results["replay"]["cpu_ms_per_push"] = cpu_ms_per_request(outcome, cpu)
        finally:
            await client.aclose()
        for n, rate in enumerate(settings.rates, start=3):
            print(f"[{n}/6] pushes at {rate:g}/s ...", flush=True)
            client = RawClient(HOST, server.port, headers, 64, idempotency_key)
            try:
                onderhoud = await db.maintenance()
                fixed, cpu = await timed(open_loop(client, rate=rate, duration_s=settings.rate_s, make=push), meter)
                fase = phase_summary(fixed, cpu)
                # A 15 s phase's p99 is decided by its worst second: say what PostgreSQL itself was doing.
                fase["postgres_maintenance"] = db.maintenance_during(onderhoud, await db.maintenance())
                fase["rate"] = rate
                fase["send_lag"] = summarize_ms(fixed.send_lag_s)
                fase["relay"] = await db.wait_drained()
                fase["cpu_ms_per_push"] = cpu_ms_per_request(fixed, cpu)
                results.setdefault("fixed_rates", []).append(fase)
            finally:
                await client.aclose()
        meldingen = await db.value("SELECT count(*) FROM melding")
        events = await db.value("SELECT count(*) FROM outbox")
        unpublished = await db.value("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        results["consistency"] = {"meldingen": meldingen, "outbox": events, "unpublished": unpublished}
    finally:
        await db.close()
    return results


def measure(settings: Settings, workdir: Path, stack: list[Any]) -> dict[str, Any]:
    results: dict[str, Any] = {"settings": vars(settings).copy()}
    postgres, nats_server, database_url = start_infrastructure(workdir, stack, results, PACKAGE, MIGRATIONS)
    private_key, public_key = generate_dev_keypair(workdir / "keys")
    pem = private_key.read_bytes()

    def token(scope: set[str], client_id: str, aanbieder: str | None = None) -> str:
        return mint_token(
            pem,
            issuer=ISSUER,
            audience=AUDIENCE,
            client_id=client_id,
            scopes=sorted(scope),
            gemeente_code=GEMEENTE,
            aanbieder_id=aanbieder,
            user="bench",
            ttl_seconds=7200,
        )

    # The first PIP through the projection table directly: the bench does not run pip-api.
    pip_id = uuid.uuid4()

    async def eerste_pip() -> None:
        conn = await asyncpg.connect(plain_url(database_url))
        await conn.execute(
            "INSERT INTO pip_feit (pip_id, gemeente_code, inburgeraar_id, status, versie) "
            "VALUES ($1, $2, $3, 'vastgesteld', 1)",
            pip_id,
            GEMEENTE,
            uuid.uuid4(),
        )
        await conn.close()

    asyncio.run(eerste_pip())
    port = free_port()
    env = service_env(database_url, nats_server.url, port, public_key, prefix=ENV_PREFIX)
    env[f"{ENV_PREFIX}UPLOAD_DIR"] = str(workdir / "aanleveringen")
    service = start_uvicorn(SERVICE, f"{PACKAGE}.main:create_app", port, env, workdir, 1)
    stack.append(service)
    relay = start_relay(env, workdir, package=PACKAGE)
    stack.append(relay)
    wait_ready(service, "/health/ready")
    base = f"http://{HOST}:{port}"
    aanbieder_id, _ = gemeente_setup(
        base,
        token(scopes.ROLLEN["klantregisseur"], "gemeente"),
        token(scopes.ROLLEN["contractmanager"], "gemeente"),
        pip_id,
    )
    start = time.perf_counter()
    opdrachten = asyncio.run(seed(database_url, settings.opdrachten))
    results["seed"] = {"opdrachten": len(opdrachten), "seconds": round(time.perf_counter() - start, 2)}
    provider = token(scopes.ROLLEN["aanbieder"], CLIENT, aanbieder_id)
    results["service_idle_rss_mb"] = rss_mb(service.proc.pid)
    roots = {
        "generator": os.getpid(),
        "server": service.proc.pid,
        "relay": relay.proc.pid,
        "postgres": postmaster_pid(postgres.data_dir),
        "nats": int((nats_server.data_dir / "nats.pid").read_text().strip()),
    }
    meter = CpuMeter(roots, without_children=frozenset({"generator"}))
    results.update(asyncio.run(pushes(settings, service, meter, provider, database_url, opdrachten)))

    # Files start after the pushes' days, so every row is a new report (none skipped as already received).
    print(f"[5/6] a {settings.file_rows:,}-row file end to end ...", flush=True)
    eerste_dag = 2000
    inhoud = csv_file(opdrachten[: min(len(opdrachten), 1000)], settings.file_rows, eerste_dag)
    meter.start()
    seconds, body = upload(base, provider, inhoud, "bench-file-10k")
    cpu = meter.stop()
    results["file"] = {
        "rows": settings.file_rows,
        "bytes": len(inhoud),
        "seconds": round(seconds, 3),
        "result": body,
        "cpu_pct": cpu,
        "rows_per_s": round(settings.file_rows / seconds),
    }
    print(f"[6/6] a {settings.big_file_rows:,}-row upload, peak memory ...", flush=True)
    inhoud = csv_file(opdrachten[: min(len(opdrachten), 1000)], settings.big_file_rows, eerste_dag + 100)
    rss_before = psutil.Process(service.proc.pid).memory_info().rss
    with RssSampler(service.proc.pid) as sampler:
        seconds, body = upload(base, provider, inhoud, "bench-file-50k")
    results["big_file"] = {
        "rows": settings.big_file_rows,
        "bytes": len(inhoud),
        "seconds": round(seconds, 3),
        "result": body,
        "rss_before_mb": round(rss_before / 2**20, 1),
        "rss_peak_mb": round(sampler.peak / 2**20, 1),
        "extra_mb": round((sampler.peak - rss_before) / 2**20, 1),
    }
    results["service_loaded_rss_mb"] = rss_mb(service.proc.pid)
    if service.proc.poll() is not None:
        raise RuntimeError(f"the service died during the run:\n{service.log_tail()}")
    return results


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _lat(latency: dict[str, float]) -> str:
    return f"{latency['p50_ms']:.1f} / {latency['p95_ms']:.1f} / {latency['p99_ms']:.1f} ms"


def _budget(cpu: dict[str, float]) -> str:
    return (
        f"{cpu['sum']:.2f} ms (server {cpu['server']:.2f}, postgres {cpu['postgres']:.2f}, relay {cpu['relay']:.2f}, "
        f"nats {cpu['nats']:.2f}, generator {cpu['generator']:.2f})"
    )


def build_rows(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    push, replay, f, big = r["push"], r["replay"], r["file"], r["big_file"]
    rows = [
        (
            "Pushes closed loop",
            f"{push['throughput_per_s']:,.0f}/s",
            f">= {TARGET_PUSHES_PER_S:,.0f}/s",
            _verdict(push["throughput_per_s"] >= TARGET_PUSHES_PER_S),
        ),
        ("Push latency p50 / p95 / p99 (closed loop)", _lat(push["latency"]), "", ""),
        ("CPU per push, all processes (closed loop)", _budget(push["cpu_ms_per_push"]), "", ""),
        ("Ceiling of 2 cores at that CPU per push", f"{2000 / push['cpu_ms_per_push']['sum']:,.0f}/s", "", ""),
        ("Push errors (closed loop)", str(push["errors"]), "0", _verdict(push["errors"] == 0)),
        ("Replays of one push, closed loop", f"{replay['throughput_per_s']:,.0f}/s", "", ""),
        ("CPU per replay, all processes", _budget(replay["cpu_ms_per_push"]), "", ""),
    ]
    for fix in r["fixed_rates"]:
        rows += [
            (f"Fixed rate {fix['rate']:g}/s p50 / p95 / p99 (from schedule)", _lat(fix["latency"]), "", ""),
            (
                f"Fixed rate {fix['rate']:g}/s p99",
                f"{fix['latency']['p99_ms']:.1f} ms",
                f"< {TARGET_P99_MS:.0f} ms",
                _verdict(fix["latency"]["p99_ms"] < TARGET_P99_MS),
            ),
            (f"Fixed rate {fix['rate']:g}/s errors", str(fix["errors"]), "0", _verdict(fix["errors"] == 0)),
        ]
    return [
        *rows,
        (
            f"{f['rows']:,}-row file end to end",
            f"{f['seconds']:.2f} s ({f['rows_per_s']:,}/s)",
            f"< {TARGET_FILE_10K_S:.0f} s",
            _verdict(f["seconds"] < TARGET_FILE_10K_S and f["result"]["geaccepteerd"] == f["rows"]),
        ),
        (
            f"{big['rows']:,}-row upload: extra RSS (peak - before)",
            f"{big['extra_mb']:.0f} MB ({big['rss_before_mb']:.0f} -> {big['rss_peak_mb']:.0f} MB)",
            f"< {TARGET_UPLOAD_EXTRA_MB:.0f} MB",
            _verdict(big["extra_mb"] < TARGET_UPLOAD_EXTRA_MB and big["result"]["geaccepteerd"] == big["rows"]),
        ),
        (f"{big['rows']:,}-row upload end to end", f"{big['seconds']:.1f} s", "", ""),
    ]


def render_text(r: dict[str, Any]) -> str:
    rows = build_rows(r)
    widths = [max(len(row[i]) for row in [("Metric", "Value", "Target", ""), *rows]) for i in range(4)]
    lines = [
        f"{'Metric':<{widths[0]}}  {'Value':<{widths[1]}}  {'Target':<{widths[2]}}  Result",
        "-" * (sum(widths) + 6),
    ]
    lines += [f"{m:<{widths[0]}}  {v:<{widths[1]}}  {t:<{widths[2]}}  {s}" for m, v, t, s in rows]
    lines.append("")
    phases = [("push", r["push"]), ("replay", r["replay"])]
    phases += [(f"{fix['rate']:g}/s", fix) for fix in r["fixed_rates"]]
    phases.append(("file", r["file"]))
    for name, phase in phases:
        c = phase["cpu_pct"]
        lines.append(
            f"CPU {name:<7} (% of one core): generator {c['generator']:.0f}, server {c['server']:.0f}, "
            f"relay {c['relay']:.0f}, "
            f"postgres {c['postgres']:.0f}, nats {c['nats']:.0f}, other processes {c['others']:.0f}; machine "
            f"{c['machine_busy_pct_of_all_cores']:.0f}% of all cores"
        )
    lines.append(
        f"disk: 8 KiB write + fdatasync p50 {r['fdatasync']['p50_ms']:.2f} ms, p99 {r['fdatasync']['p99_ms']:.2f} ms"
    )
    for name, phase in phases:
        if (m := phase.get("postgres_maintenance")) is not None:
            lines.append(
                f"PostgreSQL during {name}: autovacuum {', '.join(m['autovacuum']) or '-'}; autoanalyze "
                f"{', '.join(m['autoanalyze']) or '-'}; checkpoints {m['checkpoints']}; vacuum running at an end "
                f"{', '.join(m['vacuum_running']) or '-'}"
            )
    lines.append(f"consistency: {r['consistency']}")
    for name, phase in phases:
        if phase.get("error_samples"):
            lines.append(f"{name} errors, first ones: {phase['error_samples']}")
    return "\n".join(lines)


def main() -> int:
    settings, keep_tmp = parse_args()
    signal.signal(signal.SIGTERM, _raise_interrupt)
    started = datetime.now()
    t0 = time.perf_counter()
    results = in_workdir("bench-aanbieder-", keep_tmp, lambda w, s: measure(settings, w, s))
    results["bench"] = "aanbieder-api"
    describe_run(results, started, t0)
    results["targets"] = {
        "pushes_per_s": TARGET_PUSHES_PER_S,
        "p99_ms": TARGET_P99_MS,
        "file_10k_s": TARGET_FILE_10K_S,
        "upload_extra_mb": TARGET_UPLOAD_EXTRA_MB,
    }
    results["verdicts"] = {metric: verdict for metric, _, _, verdict in build_rows(results) if verdict}
    print()
    print(render_text(results))
    json_path = write_results("aanbieder-api", results, started)
    print(f"\nWritten {json_path.relative_to(ROOT)} ({results['duration_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped, temporary folder removed", file=sys.stderr)
        sys.exit(130)
