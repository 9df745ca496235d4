"""Bench of PIP vaststelling in pip-api: throughput and latency of `POST /api/v1/pips/{id}/_vaststellen`.

Issue 3 target on this 2-core machine: >= 500 vaststellingen/s with p99 < 100 ms. Throughput is measured closed
loop (32 connections, as fast as the service answers); latency at fixed rates of 200/s and the target 500/s, open
loop and timed from the scheduled send (no coordinated omission). A closed loop's latency is mostly its own
queue (32 in flight / throughput by Little's law), so its p99 is reported but is not the latency at 500/s.
CPU time per vaststelling (server, PostgreSQL, relay) is reported per phase: on a shared machine it varies less
than wall-clock figures. Zero errors.

Starts its own PostgreSQL (durable: every commit is a real fsync) and NATS in a temporary folder, the service
its outbox relay and its signal job as deploy/local/stack.py does (uvicorn subprocess + `python -m pip_api relay` +
`python -m pip_api signalen-job`). A PIP needs
a known inburgeraar, normally projected from inburgeraar-api's events: here `inburgeraar_feit` is seeded with
COPY (asielmigrant, gemeente 0363, with BRP date). Vaststellen needs an existing concept, so the natural flow is
concept + vaststellen: concept creation (`POST /api/v1/pips`) is measured on its own first (closed loop), then
the remaining concepts are COPYed with the inhoud the API itself produced, and vaststellen alone is measured.

    .venv/bin/python bench/pip_vaststelling.py            # full run, ~2 minutes
    .venv/bin/python bench/pip_vaststelling.py --quick    # every duration 5x shorter

Results: a table on stdout and bench/results/pip-vaststelling-<YYYYMMDD-HHMM>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from inburgering_kit.auth import generate_dev_keypair, mint_token
from inburgering_kit.db import plain_url
from inburgering_kit.embedded import free_port
from inburgering_kit.registry import load_services
from pip_api import scopes

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/ is not a package: the load generator and the inburgeraar-api bench's process and report helpers
# are found through sys.path.
from loadgen import CpuMeter, HttpClient, Outcome, closed_loop, make_client, open_loop, rss_mb, summarize_ms, timed
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
    start_job,
    start_relay,
    start_uvicorn,
    wait_ready,
    write_results,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SERVICE = "pip-api"
PACKAGE = "pip_api"
MIGRATIONS = ROOT / "services" / SERVICE / "migrations"
ENV_PREFIX = "PIP_API_"
ISSUER = "urn:inburgering:benchmark"
AUDIENCE = "inburgering"
GEMEENTE = "0363"
API = "/api/v1/pips"

TARGET_PER_S = 500.0
TARGET_P99_MS = 100.0
GENERATOR_BOUND_PCT = 85.0

# Recently registered inburgeraars awaiting their PIP: the PIP deadline (10 weeks from the BRP inschrijving) is
# still beyond the signal job's lead time, so its startup pass raises no signal for them and measures nothing
# but the vaststellingen (with past dates, every seeded inburgeraar would get a `termijn-verstreken` event).
TODAY = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
KOPPELING = TODAY - timedelta(days=21)
BRP = TODAY - timedelta(days=14)
VASTSTELLEN = json.dumps(
    {
        "dagtekening": TODAY.isoformat(),
        "verzenddatum": (TODAY + timedelta(days=1)).isoformat(),
        "ingangsdatum": TODAY.isoformat(),
    }
)
VASTGESTELD_SUBJECT = "%.pip-vastgesteld"


# The integration tests' PIP (services/pip-api/tests/integration/test_pip.py): a full B1 route for an asielmigrant.
def concept_body(inburgeraar_id: uuid.UUID) -> bytes:
    return json.dumps(
        {
            "inburgeraarId": str(inburgeraar_id),
            "leerroute": "b1",
            "taalniveau": "B1",
            "intensiteit": "hoog",
            "pvt": {"aanbieder": "Gemeente", "geplandeStart": "2026-06-01", "uitersteDatum": "2029-05-04", "uren": 12},
            "map": {
                "aanbieder": "Werkplein",
                "geplandeStart": "2026-09-01",
                "intensiteit": "4 uur per week",
                "themas": ["beroepenorientatie", "werk-vinden"],
            },
            "knm": {"aanbieder": "Taalschool Noord"},
            "vveAfspraken": ["peuteropvang voor het jongste kind"],
            "participatieafspraken": [{"soort": "vrijwilligerswerk", "omschrijving": "buurthuis, 1 dag per week"}],
            "klantregisseur": "k.de.vries",
        }
    ).encode()


@dataclass
class Settings:
    concurrency: int
    max_connections: int
    client: str
    warmup_s: float
    concept_s: float
    vaststel_s: float
    rates: tuple[float, ...]
    rate_s: float
    inburgeraars: int
    quick: bool
    workers: int


def parse_args() -> tuple[Settings, bool]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="every duration 5x shorter (smoke test)")
    parser.add_argument("--concurrency", type=int, default=32, help="closed-loop workers (connections)")
    parser.add_argument("--max-connections", type=int, default=64, help="connection pool of the fixed-rate phase")
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw", help="HTTP client of the generator")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of unmeasured load before each phase")
    parser.add_argument("--concept-seconds", type=float, default=15.0, help="closed loop of concept creation")
    parser.add_argument("--seconds", type=float, default=30.0, help="closed loop of vaststellen")
    parser.add_argument("--rates", default="200,500", help="vaststellingen/s of the fixed-rate phases, comma separated")
    parser.add_argument("--rate-seconds", type=float, default=20.0, help="seconds of each fixed-rate phase")
    parser.add_argument(
        "--inburgeraars", type=int, default=100_000, help="projected inburgeraars seeded (one concept each)"
    )
    parser.add_argument("--workers", type=int, default=None, help="uvicorn workers (default: deploy/services.toml)")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temporary folder (logs) for inspection")
    a = parser.parse_args()
    k = 5.0 if a.quick else 1.0
    return Settings(
        concurrency=a.concurrency,
        max_connections=a.max_connections,
        client=a.client,
        warmup_s=a.warmup / k,
        concept_s=a.concept_seconds / k,
        vaststel_s=a.seconds / k,
        rates=tuple(float(r) for r in a.rates.split(",")),
        rate_s=a.rate_seconds / k,
        inburgeraars=a.inburgeraars,
        quick=a.quick,
        workers=a.workers or next(s.workers for s in load_services(ROOT) if s.name == SERVICE),
    ), a.keep_tmp


# ---- processes ----


def wait_signal_pass(server: Server, timeout: float = 120.0) -> float:
    """The signal job runs a pass at startup over every projected inburgeraar; measure only after it logged."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if "signalen: " in server.log.read_text(errors="replace"):
            return time.perf_counter() - start
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} stopped:\n{server.log_tail()}")
        time.sleep(0.2)
    print(f"warning: no signal pass logged within {timeout:.0f} s; measuring anyway", file=sys.stderr)
    return float("nan")


# ---- data ----


async def seed_inburgeraars(database_url: str, aantal: int) -> list[uuid.UUID]:
    """The projection as inburgeraar-api's events would leave it: asielmigrants of gemeente 0363 with BRP date."""
    ids = [uuid.uuid4() for _ in range(aantal)]
    conn = await asyncpg.connect(plain_url(database_url))
    try:
        await conn.copy_records_to_table(
            "inburgeraar_feit",
            records=[(i, GEMEENTE, "asielmigrant", KOPPELING, BRP) for i in ids],
            columns=["inburgeraar_id", "gemeente_code", "doelgroep", "koppeling_datum", "brp_inschrijving_datum"],
        )
        await conn.execute("ANALYZE inburgeraar_feit")
    finally:
        await conn.close()
    return ids


async def seed_concepts(database_url: str, inburgeraars: list[uuid.UUID]) -> list[uuid.UUID]:
    """Concepts for the rest, with the inhoud (JSONB) exactly as the API stored it for its own concepts."""
    conn = await asyncpg.connect(plain_url(database_url))
    try:
        inhoud = await conn.fetchval("SELECT inhoud::text FROM pip WHERE status = 'concept' LIMIT 1")
        if inhoud is None:
            raise RuntimeError("no concept created over HTTP to copy the inhoud from")
        ids = [uuid.uuid4() for _ in inburgeraars]
        await conn.copy_records_to_table(
            "pip",
            records=[(p, GEMEENTE, i, "concept", 0, inhoud) for p, i in zip(ids, inburgeraars, strict=True)],
            columns=["id", "gemeente_code", "inburgeraar_id", "status", "versie", "inhoud"],
        )
        await conn.execute("ANALYZE pip")
    finally:
        await conn.close()
    return ids


# ---- the run ----


async def vacuum_analyze(database_url: str, tables: tuple[str, ...]) -> None:
    conn = await asyncpg.connect(plain_url(database_url))
    try:
        await conn.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    finally:
        await conn.close()


async def phases(
    settings: Settings, server: Server, meter: CpuMeter, token: str, database_url: str, inburgeraars: list[uuid.UUID]
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    headers = {"Authorization": f"Bearer {token}"}
    free = iter(inburgeraars)
    concepts: list[uuid.UUID] = []
    counts = {"concepts_http": 0, "vaststellingen": 0}

    def create(_: int) -> tuple[str, str, bytes]:
        inburgeraar = next(free, None)
        if inburgeraar is None:
            raise RuntimeError("out of seeded inburgeraars; raise --inburgeraars")
        return "POST", API, concept_body(inburgeraar)

    def created(_: int, body: bytes) -> None:
        concepts.append(uuid.UUID(json.loads(body)["id"]))
        counts["concepts_http"] += 1

    position = 0

    def vaststellen(_: int) -> tuple[str, str, bytes]:
        nonlocal position
        if position >= len(concepts):
            raise RuntimeError("out of concepts to vaststellen; raise --inburgeraars")
        pip_id = concepts[position]
        position += 1
        return "POST", f"{API}/{pip_id}/_vaststellen", VASTSTELLEN.encode()

    def vastgesteld(_: int, __: bytes) -> None:
        counts["vaststellingen"] += 1

    async def measured(name: str, load: Awaitable[Outcome], operations: str) -> Outcome:
        before = await db.counters()
        outcome, cpu = await timed(load, meter)
        results[name] = phase_summary(outcome, cpu)
        results[name]["relay"] = await db.wait_drained()
        results[name]["db"] = await db.activity(before, outcome.ok)
        results[name]["operation"] = operations
        return outcome

    db = await DbMonitor.connect(database_url)
    try:
        client: HttpClient = make_client(settings.client, HOST, server.port, headers, settings.concurrency)
        try:
            # 1. Concept creation, for the record (the first half of the natural flow).
            print("[1/3] concepts, closed loop ...", flush=True)
            await closed_loop(
                client, concurrency=settings.concurrency, duration_s=settings.warmup_s, make=create, on_success=created
            )
            await measured(
                "concept",
                closed_loop(
                    client,
                    concurrency=settings.concurrency,
                    duration_s=settings.concept_s,
                    make=create,
                    on_success=created,
                ),
                f"POST {API}",
            )
            # The rest of the inburgeraars get their concept by COPY: vaststellen is what is measured next.
            start = time.perf_counter()
            concepts.extend(await seed_concepts(database_url, list(free)))
            results["concepts_copied"] = len(concepts) - counts["concepts_http"]
            results["concepts_copy_s"] = round(time.perf_counter() - start, 2)
            # The bulk loads are setup, not workload: they leave autovacuum and autoanalyze due on the loaded
            # tables, which would then run inside whichever phase comes next (pgbench vacuums before a run for the
            # same reason). What the vaststellingen themselves make due still runs when it falls due.
            await vacuum_analyze(database_url, ("inburgeraar_feit", "pip"))

            # 2. Vaststellen, closed loop.
            print(f"[2/3] vaststellen, closed loop ({len(concepts):,} concepts ready) ...", flush=True)
            await closed_loop(
                client,
                concurrency=settings.concurrency,
                duration_s=settings.warmup_s,
                make=vaststellen,
                on_success=vastgesteld,
            )
            await db.wait_drained()
            await measured(
                "vaststellen",
                closed_loop(
                    client,
                    concurrency=settings.concurrency,
                    duration_s=settings.vaststel_s,
                    make=vaststellen,
                    on_success=vastgesteld,
                ),
                f"POST {API}/{{id}}/_vaststellen",
            )
        finally:
            await client.aclose()

        # 3. Vaststellen at fixed rates: the latency a klantregisseur's system sees at that load.
        results["fixed_rate"] = []
        for n, rate in enumerate(settings.rates, start=1):
            print(f"[3.{n}/3] vaststellen at {rate:g}/s ...", flush=True)
            client = make_client(settings.client, HOST, server.port, headers, settings.max_connections)
            try:
                outcome = await measured(
                    f"fixed_rate_{rate:g}",
                    open_loop(client, rate=rate, duration_s=settings.rate_s, make=vaststellen, on_success=vastgesteld),
                    f"POST {API}/{{id}}/_vaststellen",
                )
            finally:
                await client.aclose()
            phase = results.pop(f"fixed_rate_{rate:g}")
            phase["rate"] = rate
            phase["send_lag"] = summarize_ms(outcome.send_lag_s)
            phase["max_in_flight"] = outcome.max_in_flight
            results["fixed_rate"].append(phase)

        # Every vaststelling: one PIP vastgesteld, one version, one event in the outbox (published), and one
        # processing-log row per vaststelling and per concept created over HTTP.
        vastgesteld_rows = await db.value("SELECT count(*) FROM pip WHERE status = 'vastgesteld'")
        versie_rows = await db.value("SELECT count(*) FROM pip_versie")
        outbox_rows = await db.value(f"SELECT count(*) FROM outbox WHERE subject LIKE '{VASTGESTELD_SUBJECT}'")
        other_events = await db.value(f"SELECT count(*) FROM outbox WHERE subject NOT LIKE '{VASTGESTELD_SUBJECT}'")
        unpublished = await db.value("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        audit_rows = await db.value("SELECT count(*) FROM verwerking")
        n = counts["vaststellingen"]
        results["consistency"] = {
            **counts,
            "pip_vastgesteld_rows": vastgesteld_rows,
            "pip_versie_rows": versie_rows,
            "outbox_rows": outbox_rows,
            "outbox_unpublished": unpublished,
            "other_outbox_rows": other_events,
            "verwerking_rows": audit_rows,
            "ok": vastgesteld_rows == versie_rows == outbox_rows == n
            and unpublished == 0
            and audit_rows == n + counts["concepts_http"],
        }
    finally:
        await db.close()
    return results


def measure(settings: Settings, workdir: Path, stack: list[Any]) -> dict[str, Any]:
    """Everything that needs the servers; each server started goes on `stack`, for the caller to stop."""
    results: dict[str, Any] = {"settings": vars(settings).copy()}
    print(f"Workdir {workdir}")
    postgres, nats_server, database_url = start_infrastructure(workdir, stack, results, PACKAGE, MIGRATIONS)
    start = time.perf_counter()
    inburgeraars = asyncio.run(seed_inburgeraars(database_url, settings.inburgeraars))
    results["seed"] = {"inburgeraars": len(inburgeraars), "seconds": round(time.perf_counter() - start, 2)}
    print(f"seeded {len(inburgeraars):,} inburgeraar_feit rows in {results['seed']['seconds']} s")
    private_key, public_key = generate_dev_keypair(workdir / "keys")
    token = mint_token(
        private_key.read_bytes(),
        issuer=ISSUER,
        audience=AUDIENCE,
        client_id="benchmark",
        scopes=[scopes.PIP_LEZEN, scopes.PIP_SCHRIJVEN],
        gemeente_code=GEMEENTE,
        user="benchmark",
        roles=["klantregisseur"],
        ttl_seconds=3600,
    )
    port = free_port()
    env = service_env(database_url, nats_server.url, port, public_key, prefix=ENV_PREFIX)
    service = start_uvicorn(SERVICE, f"{PACKAGE}.main:create_app", port, env, workdir, settings.workers)
    stack.append(service)
    relay = start_relay(env, workdir, package=PACKAGE)
    stack.append(relay)
    job = start_job("signalen-job", env, workdir, package=PACKAGE)
    stack.append(job)
    wait_ready(service, "/health/ready")
    results["startup_signal_pass_s"] = wait_signal_pass(job)
    results["service_idle_rss_mb"] = rss_mb(service.proc.pid)
    roots = {
        "generator": os.getpid(),
        "server": service.proc.pid,
        "relay": relay.proc.pid,
        "signalen": job.proc.pid,
        "postgres": postmaster_pid(postgres.data_dir),
        "nats": int((nats_server.data_dir / "nats.pid").read_text().strip()),
    }
    meter = CpuMeter(roots, without_children=frozenset({"generator"}))
    results.update(asyncio.run(phases(settings, service, meter, token, database_url, inburgeraars)))
    results["service_loaded_rss_mb"] = rss_mb(service.proc.pid)
    if service.proc.poll() is not None:
        raise RuntimeError(f"the service died during the run:\n{service.log_tail()}")
    return results


# ---- report ----


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _lat(latency: dict[str, float]) -> str:
    return f"{latency['p50_ms']:.1f} / {latency['p95_ms']:.1f} / {latency['p99_ms']:.1f} ms"


def _phases(r: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("concepts", r["concept"]),
        ("vaststellen", r["vaststellen"]),
        *((f"fixed {f['rate']:g}/s", f) for f in r["fixed_rate"]),
    ]


def cpu_ms(phase: dict[str, Any], name: str) -> float:
    """CPU milliseconds of process tree `name` per successful request in this phase."""
    ok = max(float(phase["ok"]), 1.0) / float(phase["elapsed_s"])
    return float(phase["cpu_pct"][name]) * 10 / ok


def build_rows(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(metric, value, target, verdict); verdict empty for figures without a target."""
    con, vst = r["concept"], r["vaststellen"]
    rows = [
        ("Concepts (POST /pips) closed loop", f"{con['throughput_per_s']:,.0f}/s", "(reported only)", ""),
        ("Concept latency p50 / p95 / p99", _lat(con["latency"]), "", ""),
        ("Concept errors", str(con["errors"]), "0", _verdict(con["errors"] == 0)),
        (
            "Vaststellingen closed loop",
            f"{vst['throughput_per_s']:,.0f}/s",
            f">= {TARGET_PER_S:,.0f}/s",
            _verdict(vst["throughput_per_s"] >= TARGET_PER_S),
        ),
        ("Vaststelling latency p50 / p95 / p99 (closed loop)", _lat(vst["latency"]), "(queue of 32 in flight)", ""),
        (
            "Vaststelling CPU per request: server / PostgreSQL / relay",
            f"{cpu_ms(vst, 'server'):.2f} / {cpu_ms(vst, 'postgres'):.2f} / {cpu_ms(vst, 'relay'):.2f} ms",
            "",
            "",
        ),
        ("Vaststelling errors (closed loop)", str(vst["errors"]), "0", _verdict(vst["errors"] == 0)),
    ]
    for fix in r["fixed_rate"]:
        rate = fix["rate"]
        at_target = rate >= TARGET_PER_S
        rows += [
            (f"Fixed rate {rate:g}/s achieved", f"{fix['throughput_per_s']:,.0f}/s", "", ""),
            (f"Fixed rate {rate:g}/s p50 / p95 / p99", _lat(fix["latency"]), "", ""),
            (
                f"Fixed rate {rate:g}/s p99 (from schedule)",
                f"{fix['latency']['p99_ms']:.1f} ms",
                f"< {TARGET_P99_MS:.0f} ms",
                _verdict(fix["latency"]["p99_ms"] < TARGET_P99_MS and (not at_target or fix["errors"] == 0)),
            ),
            (
                f"Fixed rate {rate:g}/s CPU per request: server / PostgreSQL",
                f"{cpu_ms(fix, 'server'):.2f} / {cpu_ms(fix, 'postgres'):.2f} ms",
                "",
                "",
            ),
            (f"Fixed rate {rate:g}/s errors", str(fix["errors"]), "0", _verdict(fix["errors"] == 0)),
        ]
    rows += [
        (
            "Rows: vastgesteld / versie / event / verwerking",
            f"{r['consistency']['pip_vastgesteld_rows']:,} / {r['consistency']['pip_versie_rows']:,} / "
            f"{r['consistency']['outbox_rows']:,} / {r['consistency']['verwerking_rows']:,}",
            "1 each per vaststelling",
            _verdict(r["consistency"]["ok"]),
        ),
        (
            "Service RSS idle / after load",
            f"{r['service_idle_rss_mb']:.0f} / {r['service_loaded_rss_mb']:.0f} MB",
            "",
            "",
        ),
    ]
    return rows


def diagnosis(r: dict[str, Any]) -> list[str]:
    notes: list[str] = []
    workers = int(r["settings"]["workers"])
    for label, phase in _phases(r):
        cpu = phase["cpu_pct"]
        db = phase["db"]
        split = (
            f"server {cpu['server']:.0f}% ({cpu['server_kernel']:.0f}% kernel), PostgreSQL {cpu['postgres']:.0f}%, "
            f"relay {cpu['relay']:.0f}%, signal job {cpu['signalen']:.0f}%, NATS {cpu['nats']:.0f}%, generator "
            f"{cpu['generator']:.0f}%, other processes {cpu['others']:.0f}%; machine "
            f"{cpu['machine_busy_pct_of_all_cores']:.0f}% of all cores; "
            f"{db['commits_per_write']:.2f} commits and {db['wal_fsyncs_per_write']:.2f} WAL fsyncs per request"
        )
        if cpu["generator"] >= GENERATOR_BOUND_PCT:
            verdict = "the generator may be the limit"
        elif cpu["server"] >= 90 * workers:
            verdict = f"the server process is the bottleneck ({workers} worker(s), one GIL each)"
        elif cpu["machine_busy_pct_of_all_cores"] >= 90:
            verdict = "the machine is CPU-bound as a whole"
        else:
            verdict = "no CPU saturated: waiting (commits, locks, pool) dominates"
        notes.append(f"{label}: {split}. {verdict}.")
    for fix in r["fixed_rate"]:
        lag = fix["send_lag"]
        notes.append(
            f"fixed {fix['rate']:g}/s: generator fired p99 {lag['p99_ms']:.1f} ms late versus its timetable "
            f"(max in flight {fix['max_in_flight']})."
        )
    return notes


def render_text(r: dict[str, Any]) -> str:
    rows = build_rows(r)
    widths = [max(len(row[i]) for row in [("Metric", "Value", "Target", ""), *rows]) for i in range(4)]
    lines = [
        f"{'Metric':<{widths[0]}}  {'Value':<{widths[1]}}  {'Target':<{widths[2]}}  Result",
        "-" * (sum(widths) + 6),
        *(f"{m:<{widths[0]}}  {v:<{widths[1]}}  {t:<{widths[2]}}  {s}" for m, v, t, s in rows),
        "",
        "CPU (% of one core)  generator  server  relay  signals  postgres  nats  other procs  machine (of all cores)",
    ]
    for label, phase in _phases(r):
        c = phase["cpu_pct"]
        lines.append(
            f"{label:<19}  {c['generator']:>8.0f}%  {c['server']:>5.0f}%  {c['relay']:>4.0f}%  {c['signalen']:>6.0f}%"
            f"  {c['postgres']:>7.0f}%  {c['nats']:>3.0f}%  {c['others']:>10.0f}%"
            f"  {c['machine_busy_pct_of_all_cores']:>7.0f}%"
        )
    sync = r["fdatasync"]
    sw = r["software"]
    lines += [
        f"disk: 8 KiB write + fdatasync p50 {sync['p50_ms']:.2f} ms, p99 {sync['p99_ms']:.2f} ms",
        f"code: commit {sw['commit']} + {len(sw['uncommitted_changes'])} uncommitted file(s) "
        f"{sw['uncommitted_changes']}; uvicorn with {sw['uvicorn_loop']} and {sw['uvicorn_http']}",
        "",
        *diagnosis(r),
    ]
    for label, phase in _phases(r):
        if phase["error_samples"]:
            lines.append(f"{label} errors, first ones: {phase['error_samples']}")
    return "\n".join(lines)


def main() -> int:
    settings, keep_tmp = parse_args()
    signal.signal(signal.SIGTERM, _raise_interrupt)  # `kill` takes the same cleanup path as Ctrl-C
    started = datetime.now()
    t0 = time.perf_counter()
    results = in_workdir("bench-pip-vaststelling-", keep_tmp, lambda w, s: measure(settings, w, s))

    results["bench"] = "pip-vaststelling"
    describe_run(results, started, t0)
    results["targets"] = {"vaststellingen_per_s": TARGET_PER_S, "p99_ms": TARGET_P99_MS, "errors": 0}
    results["verdicts"] = {metric: verdict for metric, _, _, verdict in build_rows(results) if verdict}
    print()
    print(render_text(results))
    json_path = write_results("pip-vaststelling", results, started)
    print(f"\nWritten {json_path.relative_to(ROOT)} ({results['duration_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped, temporary folder removed", file=sys.stderr)
        sys.exit(130)
