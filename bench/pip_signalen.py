"""Bench of the pip-api signal job: one full pass over 100,000 vastgesteld PIPs (and 10,000 inburgeraars without a
PIP yet, whose PIP-vaststelling termijn the same pass signals). Not part of `make test`.

Starts its own PostgreSQL (durable settings) in a temporary folder, migrates it, seeds the PIPs, the projected
inburgeraar facts and some voortgangsgesprekken with COPY, then runs the pass in a separate process, so the
peak RSS is the job's own and not the seeding's. Two passes: the first raises every due signal (the cold
start), the second finds them all taken (the steady state of an hourly job).

    .venv/bin/python bench/pip_signalen.py                # 100,000 PIPs
    .venv/bin/python bench/pip_signalen.py --pips 10000   # a smoke test

Results: a table on stdout and bench/results/pip-signalen-<YYYYMMDD-HHMM>.json. Targets: < 30 s, < 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import resource
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

from inburgering_kit.db import Database, database_url_for, ensure_database, plain_url
from inburgering_kit.embedded import EmbeddedPostgres, free_port
from inburgering_kit.events import source_urn
from inburgering_kit.migrations import upgrade
from inburgering_kit.outbox import EventPublisher
from pip_api.services.signalen import signaleer, vandaag
from pip_api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
MIGRATIONS = ROOT / "services" / "pip-api" / "migrations"
TARGET_SECONDS = 30.0
TARGET_MB = 300.0
DOELGROEPEN = ["asielmigrant"] * 6 + ["gezinsmigrant"] * 3 + ["overige-migrant"]


async def seed(url: str, aantal: int, dag: date, zonder_pip: int = 0) -> dict[str, int]:
    """PIPs vastgesteld over the last three years, so every kind of deadline is somewhere near, past or ahead;
    and inburgeraars without a PIP yet, registered in the BRP over the last 20 weeks (the PIP-vaststelling
    termijn: 10 weeks)."""
    feiten: list[tuple[Any, ...]] = []
    pips: list[tuple[Any, ...]] = []
    gesprekken: list[tuple[Any, ...]] = []
    for i in range(aantal):
        inburgeraar_id, pip_id = uuid.uuid4(), uuid.uuid4()
        pip_datum = dag - timedelta(days=i % 1100)
        brp = pip_datum - timedelta(days=60)
        # One in ten has a DUO verlenging of the inburgeringstermijn.
        duo_eind = pip_datum + timedelta(days=365 * 4) if i % 10 == 0 else None
        feiten.append((inburgeraar_id, "0363" if i % 2 else "0599", DOELGROEPEN[i % 10], brp, brp, duo_eind))
        inhoud = json.dumps({"leerroute": "b1", "taalniveau": "B1", "klantregisseur": f"regisseur-{i % 50}"})
        pips.append((pip_id, feiten[-1][1], inburgeraar_id, "vastgesteld", 1, inhoud, pip_datum))
        if i % 2 == 0:
            gepland = pip_datum + timedelta(days=60)
            gesprekken.append((uuid.uuid4(), pip_id, gepland, gepland if gepland <= dag else None, "[]"))
    for i in range(zonder_pip):
        brp = dag - timedelta(days=i % 140)
        feiten.append((uuid.uuid4(), "0363" if i % 2 else "0599", DOELGROEPEN[i % 10], brp, brp, None))
    conn = await asyncpg.connect(plain_url(url))
    try:
        await conn.copy_records_to_table(
            "inburgeraar_feit",
            records=feiten,
            columns=[
                "inburgeraar_id",
                "gemeente_code",
                "doelgroep",
                "koppeling_datum",
                "brp_inschrijving_datum",
                "duo_termijn_eind_datum",
            ],
        )
        await conn.copy_records_to_table(
            "pip",
            records=pips,
            columns=["id", "gemeente_code", "inburgeraar_id", "status", "versie", "inhoud", "vastgesteld_datum"],
        )
        await conn.copy_records_to_table(
            "voortgangsgesprek",
            records=gesprekken,
            columns=["id", "pip_id", "gepland_datum", "gehouden_datum", "afspraken"],
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {"pips": len(pips), "zonder_pip": zonder_pip, "voortgangsgesprekken": len(gesprekken)}


async def _pass(url: str) -> dict[str, Any]:
    # The job reads only these settings; the rest (auth, NATS) belongs to the API and is not needed here.
    settings = Settings.model_construct(
        database_url=url, signalen_aanloop_dagen=30, signalen_aanloop_per_soort={}, signalen_batch=5000
    )
    database = Database(url, pool_size=2)
    publisher = EventPublisher(source=source_urn("00000001002564440000", "pip-api"), public_base_url="http://bench")
    try:
        start = time.perf_counter()
        verslag = await signaleer(database, publisher, settings)
        seconden = time.perf_counter() - start
    finally:
        await database.dispose()
    return {
        "seconds": round(seconden, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "pips": verslag.pips,
        "zonder_pip": verslag.zonder_pip,
        "nieuw": dict(verslag.nieuw),
        "vervallen": verslag.vervallen,
    }


def run_pass_process(url: str) -> dict[str, Any]:
    """One pass in a fresh interpreter: its peak RSS is the job's, as in production (`python -m pip_api signalen`)."""
    out = subprocess.run(
        [sys.executable, __file__, "--pass-only", url], check=True, capture_output=True, text=True, timeout=600
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


async def tellingen(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(plain_url(url))
    try:
        signalen = await conn.fetchval("SELECT count(*) FROM signaal")
        events = await conn.fetchval("SELECT count(*) FROM outbox WHERE subject LIKE 'nl.inburgering.pip.termijn-%'")
    finally:
        await conn.close()
    return {"signalen": int(signalen), "events": int(events)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pips", type=int, default=100_000)
    parser.add_argument("--zonder-pip", type=int, default=10_000, help="inburgeraars without a PIP yet")
    parser.add_argument("--pass-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pass_only:
        print(json.dumps(asyncio.run(_pass(args.pass_only))))
        return

    with (
        tempfile.TemporaryDirectory(prefix="bench-pip-signalen-") as tmp,
        EmbeddedPostgres(Path(tmp) / "pg", free_port()) as pg,
    ):
        asyncio.run(ensure_database(pg.url, "pip_signalen"))
        url = database_url_for(pg.url, "pip_signalen")
        upgrade(MIGRATIONS, url)
        start = time.perf_counter()
        geseed = asyncio.run(seed(url, args.pips, vandaag(), args.zonder_pip))
        seed_seconds = round(time.perf_counter() - start, 1)
        eerste = run_pass_process(url)
        na_eerste = asyncio.run(tellingen(url))
        tweede = run_pass_process(url)
        na_tweede = asyncio.run(tellingen(url))

    doel = {"seconds": TARGET_SECONDS, "peak_rss_mb": TARGET_MB}
    result = {
        "bench": "pip-signalen",
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": psutil.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        },
        "seeded": geseed,
        "seed_seconds": seed_seconds,
        "targets": doel,
        "first_pass": {**eerste, "after": na_eerste},
        "second_pass": {**tweede, "after": na_tweede},
        "exactly_once": na_eerste == na_tweede and na_eerste["signalen"] == na_eerste["events"],
        "meets_targets": all(p["seconds"] < TARGET_SECONDS and p["peak_rss_mb"] < TARGET_MB for p in (eerste, tweede)),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"pip-signalen-{datetime.now().strftime('%Y%m%d-%H%M')}.json"
    target.write_text(json.dumps(result, indent=2) + "\n")
    print(f"seeded {geseed} in {seed_seconds} s")
    for naam, p in (("first pass", eerste), ("second pass", tweede)):
        print(
            f"{naam:12} {p['seconds']:6.2f} s  peak RSS {p['peak_rss_mb']:6.1f} MB  "
            f"PIPs {p['pips']}  zonder PIP {p['zonder_pip']}  nieuw {p['nieuw']}  vervallen {p['vervallen']}"
        )
    print(
        f"exactly once: {result['exactly_once']}  targets met: {result['meets_targets']}  -> {target.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
