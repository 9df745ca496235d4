"""Bench of handhaving-api: the per-gemeente work list over 100,000 candidates and 20,000 boetes, and the zienswijze
signal pass over 100,000 open procedures. Not part of `make test`.

Starts its own PostgreSQL in a temporary folder, migrates it and bulk-loads the rows with COPY. The work list is
measured as the query the endpoint runs (the repository's paged list with its count), sequentially, so its p95 is
the database's share of a request; the HTTP path at 100 req/s is not driven here (see the note). The signal pass
runs in a separate process, twice: the first raises every signal, the second finds them all taken.

    .venv/bin/python bench/handhaving_werklijst.py            # 100,000 candidates
    .venv/bin/python bench/handhaving_werklijst.py --quick    # 10,000: a smoke test

Results: bench/results/handhaving-werklijst-<YYYYMMDD-HHMM>.json. Targets: p95 < 50 ms; pass < 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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

from handhaving_api.repository import BoeteRepository, Overtredingfilter, OvertredingRepository
from handhaving_api.services.signalen import signaleer, vandaag
from handhaving_api.settings import Settings
from inburgering_kit.db import Database, database_url_for, ensure_database, plain_url
from inburgering_kit.embedded import EmbeddedPostgres, free_port
from inburgering_kit.events import source_urn
from inburgering_kit.migrations import upgrade
from inburgering_kit.outbox import EventPublisher
from inburgering_kit.pagination import PageParams

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
MIGRATIONS = ROOT / "services" / "handhaving-api" / "migrations"
TARGET_P95_MS = 50.0
TARGET_PASS_SECONDS = 10.0
GEMEENTEN = ["0363", "0599", "0344", "0518"]
DELEN = ("werklijst", "signalen")


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
        await conn.execute("ANALYZE")
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
    args = parser.parse_args()
    delen = args.part or list(DELEN)
    if args.pass_only:
        print(json.dumps(asyncio.run(_pass(args.pass_only))))
        return
    schaal = 10 if args.quick else 1
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
        if "signalen" in delen:
            eerste, tweede = run_pass_process(url), run_pass_process(url)
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
            "load_1m": round(psutil.getloadavg()[0], 1),
        },
        "seeded": geseed,
        "seed_seconds": seed_seconds,
        "targets": {"werklijst_p95_ms": TARGET_P95_MS, "pass_seconds": TARGET_PASS_SECONDS},
    } | result
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"handhaving-werklijst-{datetime.now().strftime('%Y%m%d-%H%M')}.json"
    target.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"-> {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
