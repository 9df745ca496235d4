"""Bench of handhaving-api: the per-gemeente work list over 100,000 candidates and 20,000 boetes, and the zienswijze
signal pass over 100,000 open procedures. Not part of `make test`.

Starts its own PostgreSQL (durable: fsync on) in a temporary folder, migrates it and bulk-loads the rows with COPY.
Parts (`--part`, default all):

- `werklijst`: the query the endpoint runs (the repository's paged list with its count), sequentially: the
  database's share of a request.
- `http`: the work lists through the service under uvicorn (the command line of deploy/local/stack.py, one worker,
  with its own NATS), driven open-loop at a fixed 100 req/s for 20 s after a warm-up, latency counted from the
  scheduled send time; the requests rotate over the four gemeenten (a token each), the three lists (open candidates,
  voornemens by zienswijze term, boetes in bezwaar) and pages 1-5. CPU of the server, PostgreSQL and this generator
  per request.
- `signalen`: the signal pass in a separate process, twice: the first raises every signal, the second finds them
  all taken; with PostgreSQL's CPU seconds, which a loaded machine does not inflate the way it does the wall time.

    .venv/bin/python bench/handhaving_werklijst.py                 # 100,000 candidates, every part
    .venv/bin/python bench/handhaving_werklijst.py --part http     # only the HTTP work list
    .venv/bin/python bench/handhaving_werklijst.py --quick         # 10,000 and shorter: a smoke test

Results: bench/results/handhaving-werklijst-<YYYYMMDD-HHMM>.json. Targets: p95 < 50 ms at 100 req/s; pass < 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import psutil

from handhaving_api import scopes
from handhaving_api.repository import BoeteRepository, Overtredingfilter, OvertredingRepository
from handhaving_api.services.signalen import signaleer, vandaag
from handhaving_api.settings import Settings
from inburgering_kit.auth import generate_dev_keypair, mint_token
from inburgering_kit.db import Database, database_url_for, ensure_database, plain_url
from inburgering_kit.embedded import EmbeddedNats, EmbeddedPostgres, free_port
from inburgering_kit.events import source_urn
from inburgering_kit.migrations import upgrade
from inburgering_kit.outbox import EventPublisher
from inburgering_kit.pagination import PageParams

sys.path.insert(0, str(Path(__file__).resolve().parent))
# bench/ is not a package: the load generator and the process helpers come through sys.path.
from loadgen import CpuMeter, HttpClient, RawClient, open_loop, rss_mb, summarize_ms, timed
from run import AUDIENCE, HOST, ISSUER, postmaster_pid, service_env, start_uvicorn, wait_ready

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
MIGRATIONS = ROOT / "services" / "handhaving-api" / "migrations"
TARGET_P95_MS = 50.0
TARGET_PASS_SECONDS = 10.0
GEMEENTEN = ["0363", "0599", "0344", "0518"]
DELEN = ("werklijst", "http", "signalen")
SERVICE = "handhaving-api"
ENV_PREFIX = "HANDHAVING_API_"
TARGET_RATE = 100.0


async def seed(url: str, kandidaten: int, boetes: int, voornemens: int, dag: date) -> dict[str, int]:
    overtredingen: list[tuple[Any, ...]] = []
    boete_rijen: list[tuple[Any, ...]] = []
    for i in range(kandidaten + voornemens):
        gemeente = GEMEENTEN[i % len(GEMEENTEN)]
        van = dag - timedelta(days=i % 700)
        voornemen = i >= kandidaten
        uiterste = dag - timedelta(days=1 + i % 30) if voornemen else None
        overtredingen.append(
            (
                uuid.uuid4(),
                gemeente,
                uuid.uuid4(),
                "pip-pvt",
                "pip",
                "voorgenomen" if voornemen else "kandidaat",
                van,
                van,
                "handmatig",
                f"regisseur-{i % 50}",
                uiterste - timedelta(days=14) if uiterste else None,
                uiterste,
                "{}",
                "[]",
            )
        )
    for i in range(boetes):
        o = overtredingen[i]
        boete_rijen.append(
            (
                uuid.uuid4(),
                o[1],
                o[0],
                o[2],
                "pip",
                250,
                250,
                "[]",
                dag,
                dag,
                "opgelegd",
                "bezwaar-aanhangig" if i % 5 == 0 else "geen",
            )
        )
    conn = await asyncpg.connect(plain_url(url))
    try:
        await conn.copy_records_to_table(
            "overtreding",
            records=overtredingen,
            columns=[
                "id", "gemeente_code", "inburgeraar_id", "soort", "categorie", "status", "gedraging_van",
                "gedraging_tot", "bron", "klantregisseur", "voornemen_datum", "zienswijze_uiterste_datum", "bewijs",
                "berekening",
            ],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "boete",
            records=boete_rijen,
            columns=[
                "id", "gemeente_code", "overtreding_id", "inburgeraar_id", "categorie", "bedrag",
                "voorgesteld_bedrag", "berekening", "besluit_datum", "verzend_datum", "status", "rechtsmiddelstatus",
            ],
        )  # fmt: skip
        # What autovacuum does to a freshly loaded table soon after (PostgreSQL 13+ vacuums after inserts too): the
        # visibility map lets a count be answered from an index alone.
        await conn.execute("VACUUM (ANALYZE)")
    finally:
        await conn.close()
    return {"kandidaten": kandidaten, "voornemens": voornemens, "boetes": boetes}


async def werklijst(url: str, aantal: int) -> dict[str, Any]:
    database = Database(url, pool_size=2)
    tijden: dict[str, list[float]] = {"kandidaten": [], "per_klantregisseur": [], "voornemens": [], "in_bezwaar": []}
    cpu_start = time.process_time()
    try:
        for i in range(aantal):
            gemeente = GEMEENTEN[i % len(GEMEENTEN)]
            paging = PageParams(page=1 + i % 5, page_size=20)
            async with database.sessionmaker() as session:
                repo = OvertredingRepository(session, gemeente)
                for naam, filter_ in (
                    ("kandidaten", Overtredingfilter(status="kandidaat")),
                    ("per_klantregisseur", Overtredingfilter(status="kandidaat", klantregisseur=f"regisseur-{i % 50}")),
                    ("voornemens", Overtredingfilter(status="voorgenomen", zienswijze_uiterlijk=vandaag())),
                ):
                    start = time.perf_counter()
                    await repo.list(paging, filter_)
                    tijden[naam].append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                await BoeteRepository(session, gemeente).list(
                    paging, inburgeraar_id=None, status=None, rechtsmiddelstatus="bezwaar-aanhangig"
                )
                tijden["in_bezwaar"].append((time.perf_counter() - start) * 1000)
    finally:
        await database.dispose()
    cpu_ms = (time.process_time() - cpu_start) * 1000 / (aantal * len(tijden))
    return {
        naam: {
            "p50_ms": round(statistics.median(t), 2),
            "p95_ms": round(statistics.quantiles(t, n=20)[18], 2),
            "max_ms": round(max(t), 2),
        }
        for naam, t in tijden.items()
    } | {"client_cpu_ms_per_query": round(cpu_ms, 2), "queries_each": aantal}


class PerGemeente:
    """One keep-alive client per gemeente, each with that gemeente's token: a request names its gemeente in front of
    its path (`0363/api/v1/...`), which this strips, so the open-loop driver can rotate over the gemeenten."""

    def __init__(self, port: int, tokens: dict[str, str]) -> None:
        self.clients = {g: RawClient(HOST, port, {"Authorization": f"Bearer {t}"}, 32) for g, t in tokens.items()}

    async def request(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes]:
        gemeente, _, rest = path.partition("/")
        return await self.clients[gemeente].request(method, f"/{rest}", body)

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()


def werklijst_verzoek(seq: int, dag: date) -> tuple[str, str, bytes | None]:
    gemeente = GEMEENTEN[seq % len(GEMEENTEN)]
    pagina = f"page={1 + (seq // 12) % 5}&pageSize=20"
    lijst = (
        f"/api/v1/overtredingen?status=kandidaat&{pagina}",
        f"/api/v1/overtredingen?status=voorgenomen&zienswijzeTermijnTot={dag.isoformat()}&{pagina}",
        f"/api/v1/boetes?rechtsmiddelstatus=bezwaar-aanhangig&{pagina}",
    )[(seq // len(GEMEENTEN)) % 3]
    return "GET", f"{gemeente}{lijst}", None


async def _http_fasen(
    client: HttpClient, meter: CpuMeter, dag: date, warmup_s: float, duration_s: float
) -> dict[str, Any]:
    def maak(seq: int) -> tuple[str, str, bytes | None]:
        return werklijst_verzoek(seq, dag)

    # Warm-up: connections, the pool, PostgreSQL's caches and plans.
    await open_loop(client, rate=TARGET_RATE, duration_s=warmup_s, make=maak)
    outcome, cpu = await timed(open_loop(client, rate=TARGET_RATE, duration_s=duration_s, make=maak), meter)
    await client.aclose()
    per_request = {
        name: round(cpu[name] * 10 * outcome.elapsed_s / max(outcome.ok, 1), 3)
        for name in ("server", "postgres", "generator")
    }
    return {
        "rate": TARGET_RATE,
        "duration_s": round(outcome.elapsed_s, 2),
        "ok": outcome.ok,
        "errors": outcome.errors,
        "error_samples": outcome.error_samples,
        "latency": {k: round(v, 2) for k, v in summarize_ms(outcome.latencies_s).items()},
        "send_lag": {k: round(v, 2) for k, v in summarize_ms(outcome.send_lag_s).items()},
        "max_in_flight": outcome.max_in_flight,
        "cpu_pct": {k: round(v, 1) for k, v in cpu.items()},
        "cpu_ms_per_request": per_request | {"sum": round(sum(per_request.values()), 3)},
    }


def http_werklijst(
    url: str, pg: EmbeddedPostgres, workdir: Path, dag: date, schaal: int, workers: int
) -> dict[str, Any]:
    """The work lists through a real uvicorn server at a fixed 100 req/s."""
    with EmbeddedNats(workdir / "nats", free_port()) as nats_server:
        private_key, public_key = generate_dev_keypair(workdir / "keys")
        pem = private_key.read_bytes()
        tokens = {
            g: mint_token(
                pem,
                issuer=ISSUER,
                audience=AUDIENCE,
                client_id="gemeente",
                scopes=sorted(scopes.ROLLEN["klantregisseur"]),
                gemeente_code=g,
                user="bench",
                ttl_seconds=7200,
            )
            for g in GEMEENTEN
        }
        port = free_port()
        env = service_env(url, nats_server.url, port, public_key, prefix=ENV_PREFIX)
        service = start_uvicorn(SERVICE, "handhaving_api.main:create_app", port, env, workdir, workers)
        try:
            wait_ready(service, "/health/ready")
            meter = CpuMeter(
                {"generator": os.getpid(), "server": service.proc.pid, "postgres": postmaster_pid(pg.data_dir)},
                without_children=frozenset({"generator"}),
            )
            result = asyncio.run(
                _http_fasen(PerGemeente(port, tokens), meter, dag, warmup_s=5 / schaal, duration_s=20 / schaal)
            )
            if service.proc.poll() is not None:
                raise RuntimeError(f"the service died during the run:\n{service.log_tail()}")
            result["server_rss_mb"] = round(rss_mb(service.proc.pid), 1)
            if result["errors"]:
                # The temporary folder goes with the run: what the server said about its errors stays in the result.
                result["server_log_tail"] = service.log_tail(40).splitlines()
            return result
        finally:
            service.stop()


def postgres_cpu_seconds(pid: int) -> float:
    """CPU seconds the postmaster and its backends have used so far, the exited ones included (the postmaster
    reaps them, so their time is in its children's share)."""
    root = psutil.Process(pid)
    own = root.cpu_times()
    total: float = own.user + own.system + own.children_user + own.children_system
    for child in root.children():
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


async def _pass(url: str) -> dict[str, Any]:
    settings = Settings.model_construct(database_url=url, signalen_batch=5000)
    database = Database(url, pool_size=2)
    publisher = EventPublisher(
        source=source_urn("00000001002564440000", "handhaving-api"), public_base_url="http://bench"
    )
    try:
        start, cpu = time.perf_counter(), time.process_time()
        verslag = await signaleer(database, publisher, "/api/v1", settings)
        seconden, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    finally:
        await database.dispose()
    return {
        "seconds": round(seconden, 2),
        "job_cpu_seconds": round(cpu_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "nieuw": verslag.nieuw,
        "batches": verslag.batches,
    }


def run_pass_process(url: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--pass-only", url], check=True, capture_output=True, text=True, timeout=600
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tenth of the rows and queries")
    parser.add_argument("--pass-only", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument(
        "--part",
        action="append",
        choices=DELEN,
        help="measure only this part (repeatable); default all: " + ", ".join(DELEN),
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="uvicorn workers of the service (deploy/services.toml: 1)"
    )
    args = parser.parse_args()
    delen = args.part or list(DELEN)
    if args.pass_only:
        print(json.dumps(asyncio.run(_pass(args.pass_only))))
        return
    schaal = 10 if args.quick else 1
    # What else the shared machine was doing as the run started (the end's figure is in `machine`).
    load_start = round(psutil.getloadavg()[0], 1)
    with (
        tempfile.TemporaryDirectory(prefix="bench-handhaving-") as tmp,
        EmbeddedPostgres(Path(tmp) / "pg", free_port()) as pg,
    ):
        asyncio.run(ensure_database(pg.url, "handhaving"))
        url = database_url_for(pg.url, "handhaving")
        upgrade(MIGRATIONS, url)
        start = time.perf_counter()
        geseed = asyncio.run(seed(url, 100_000 // schaal, 20_000 // schaal, 100_000 // schaal, vandaag()))
        seed_seconds = round(time.perf_counter() - start, 1)
        result: dict[str, Any] = {}
        if "werklijst" in delen:
            result["werklijst"] = asyncio.run(werklijst(url, 500 // schaal))
        if "http" in delen:
            result["http"] = http_werklijst(url, pg, Path(tmp), vandaag(), schaal, args.workers)
            result["http"]["workers"] = args.workers
        if "signalen" in delen:
            postmaster = postmaster_pid(pg.data_dir)
            eerste: dict[str, Any] = {}
            tweede: dict[str, Any] = {}
            for verslag in (eerste, tweede):
                cpu = postgres_cpu_seconds(postmaster)
                verslag.update(run_pass_process(url))
                verslag["postgres_cpu_seconds"] = round(postgres_cpu_seconds(postmaster) - cpu, 2)
            result |= {
                "first_pass": eerste,
                "second_pass": tweede,
                "exactly_once": eerste["nieuw"] == geseed["voornemens"] and tweede["nieuw"] == 0,
            }

    result = {
        "bench": "handhaving-werklijst",
        "parts": delen,
        "when": datetime.now().isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": psutil.cpu_count(),
            "load_1m_start": load_start,
            "load_1m": round(psutil.getloadavg()[0], 1),
        },
        "seeded": geseed,
        "seed_seconds": seed_seconds,
        "targets": {
            "werklijst_p95_ms": TARGET_P95_MS,
            "http_rate": TARGET_RATE,
            "pass_seconds": TARGET_PASS_SECONDS,
        },
    } | result
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"handhaving-werklijst-{datetime.now().strftime('%Y%m%d-%H%M')}.json"
    target.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"-> {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
