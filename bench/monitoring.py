"""Bench of the local monitoring (issue 15 §2): each context's monitoring use case over 100,000 trajectories of one
gemeente (and 20,000 of another, which must not be read). Not part of `make test`.

Starts its own PostgreSQL (durable: fsync on) in a temporary folder, migrates the four service databases and fills
them with SQL (`generate_series`): persons with inflow dates, exam results and ended plichten (inburgeraar-api);
PIPs with routes, route switches and termijn signals (pip-api); 25 aanbieders with opdrachten, hours and results
(aanbieder-api); violations with procedure steps and fines (handhaving-api). Then it calls each service's monitoring
use case (the repository's grouped queries, the kit's suppression, the JSON and CSV rendering) sequentially, the
period rotating over the last 12 months, last calendar year and the last 5 years: the database's share and the
rendering of a request, without HTTP and token checks (a few ms that do not grow with the data).

Each service is measured three ways: *miss* (every request computes: the use case, its JSON and CSV rendering, as
with `monitoring_max_leeftijd_s = 0` or the first request after the max age); *hit* (the kit's result cache as the
route uses it, `inburgering_kit.monitoring.uit_cache`, the periods and both formats already computed within the max
age); and *single-flight* (20 concurrent requests for one key not yet computed: how many computations they cause).

    .venv/bin/python bench/monitoring.py            # 100,000 trajectories
    .venv/bin/python bench/monitoring.py --quick    # 10,000: a smoke test

Results: bench/results/monitoring-<YYYYMMDD-HHMM>.json and monitoring-latest.md. Target: p95 < 200 ms per request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.services import monitoring as aanbieder_monitoring
from aanbieder_api.settings import Settings as AanbiederSettings
from handhaving_api.services import monitoring as handhaving_monitoring
from inburgeraar_api.services import monitoring as inburgeraar_monitoring
from inburgering_kit.db import Database, database_url_for, ensure_database
from inburgering_kit.embedded import EmbeddedPostgres, free_port
from inburgering_kit.migrations import upgrade
from inburgering_kit.monitoring import Gerenderd, Monitoring, Periode, Resultaatcache, als_csv, uit_cache
from pip_api.services import monitoring as pip_monitoring

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import CpuMeter, summarize_ms
from run import postmaster_pid

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
TARGET_P95_MS = 200.0
GEMEENTE, ANDERE = "0363", "0599"
VANDAAG = date(2026, 12, 3)

# One statement per table; `:n` trajectories of `:g`. Dates spread over four years before VANDAAG.
SEED: dict[str, list[str]] = {
    "inburgeraar-api": [
        "INSERT INTO inburgeraar (id, gemeente_code, status, doelgroep, nareiziger, datum_koppeling, contact, versie) "
        "SELECT gen_random_uuid(), :g, 'geregistreerd', (ARRAY['asielmigrant','gezinsmigrant','overige-migrant'])"
        "[1 + i % 3], false, DATE '2022-12-01' + (i % 1460), '{}'::jsonb, 1 FROM generate_series(1, :n) AS i",
        "INSERT INTO plicht_mutatie (id, inburgeraar_id, volgnummer, soort, ingangsdatum, bron, gegevens) "
        "SELECT gen_random_uuid(), id, 1, 'examenresultaat', datum_koppeling + 300, 'duo', jsonb_build_object("
        "'onderdeel', (ARRAY['lezen','luisteren','spreken','schrijven','knm','onderwijsroute','pvt','map'])"
        "[1 + abs(hashtext(id::text)) % 8], 'behaald', abs(hashtext(id::text)) % 3 <> 0) "
        "FROM inburgeraar WHERE gemeente_code = :g",
        "INSERT INTO bewaartermijn (inburgeraar_id, einde_plicht_datum) SELECT id, datum_koppeling + 900 "
        "FROM inburgeraar WHERE gemeente_code = :g AND abs(hashtext(id::text)) % 3 = 0",
    ],
    "pip-api": [
        "INSERT INTO pip (id, gemeente_code, inburgeraar_id, status, versie, inhoud, vastgesteld_datum, "
        "beeindigd_datum, beeindigd_reden) SELECT gen_random_uuid(), :g, gen_random_uuid(), "
        "CASE WHEN i % 5 = 0 THEN 'beeindigd' ELSE 'vastgesteld' END, 1, jsonb_build_object('leerroute', "
        "CASE WHEN i % 20 < 13 THEN 'b1' WHEN i % 20 < 17 THEN 'onderwijsroute' ELSE 'z-route' END), "
        "DATE '2022-12-01' + (i % 1460), CASE WHEN i % 5 = 0 THEN DATE '2022-12-01' + (i % 1460) + (i % 700) END, "
        "CASE WHEN i % 5 = 0 THEN (ARRAY['plicht-voldaan','verhuisd','plicht-vervallen'])[1 + i % 3] END "
        "FROM generate_series(1, :n) AS i",
        "INSERT INTO pip_versie (id, pip_id, versie, inhoud, dagtekening, verzend_datum, ingangs_datum, "
        "gewijzigde_velden) SELECT gen_random_uuid(), id, 1, inhoud, vastgesteld_datum, vastgesteld_datum, "
        "vastgesteld_datum, '[]'::jsonb FROM pip WHERE gemeente_code = :g",
        "INSERT INTO pip_versie (id, pip_id, versie, inhoud, dagtekening, verzend_datum, ingangs_datum, "
        "gewijzigde_velden) SELECT gen_random_uuid(), id, 2, jsonb_build_object('leerroute', 'z-route'), "
        "vastgesteld_datum + 200, vastgesteld_datum + 200, vastgesteld_datum + 200, '[\"leerroute\"]'::jsonb "
        "FROM pip WHERE gemeente_code = :g AND inhoud->>'leerroute' = 'b1' AND abs(hashtext(id::text)) % 10 = 0",
        "INSERT INTO signaal (id, gemeente_code, inburgeraar_id, soort, termijnsoort, einddatum, regel, status, "
        "afgehandeld_op) SELECT gen_random_uuid(), :g, gen_random_uuid(), 'verstreken', "
        "(ARRAY['pip-vaststelling','inburgeringstermijn','pvt','map','voortgangsgesprekken','aanwezigheid'])"
        "[1 + i % 6], DATE '2022-12-01' + (i % 1460), 'bench', "
        "(ARRAY['afgehandeld','afgehandeld','open','vervallen'])[1 + i % 4], "
        "CASE WHEN i % 4 < 2 THEN TIMESTAMPTZ '2022-12-01' + ((i % 1460) + (i % 7) - 3) * interval '1 day' END "
        "FROM generate_series(1, :n) AS i",
    ],
    "aanbieder-api": [
        "INSERT INTO aanbieder (id, gemeente_code, naam, kvk_nummer, diensten, contactpersonen) "
        "SELECT gen_random_uuid(), :g, 'Aanbieder ' || :g || '-' || i, lpad(i::text, 8, '0'), "
        "'[\"b1-route\"]'::jsonb, '[]'::jsonb FROM generate_series(1, 20) AS i",
        "INSERT INTO opdracht (id, gemeente_code, aanbieder_id, inburgeraar_id, deelnemer_referentie, onderdeel, "
        "status, versie, inhoud, stand, created_at) SELECT gen_random_uuid(), :g, a.id, gen_random_uuid(), "
        "md5(i::text), (ARRAY['b1-route','onderwijsroute','z-route','pvt','map'])[1 + i % 5], "
        "(ARRAY['verstrekt','gestart','gestart','afgerond','ingetrokken'])[1 + i % 5], 1, "
        "jsonb_build_object('geplandeStartdatum', (DATE '2022-12-01' + (i % 1460))::text, 'uren', 600), "
        "jsonb_build_object('urenAanwezig', i % 300, 'urenAfwezigGeoorloofd', i % 20, "
        "'urenAfwezigOngeoorloofd', i % 30, 'gerealiseerdeStartdatum', (DATE '2022-12-01' + (i % 1460))::text, "
        "'laatstePeriodeTot', (DATE '2022-12-01' + (i % 1460) + 60)::text) || CASE WHEN i % 5 = 3 THEN "
        "jsonb_build_object('eindresultaat', (ARRAY['behaald','niet-behaald'])[1 + i % 2], 'einddatum', "
        "(DATE '2022-12-01' + (i % 1460) + 300)::text) ELSE '{}'::jsonb END, "
        "TIMESTAMPTZ '2022-12-01' + (i % 1460) * interval '1 day' "
        "FROM generate_series(1, :n) AS i JOIN LATERAL (SELECT id FROM aanbieder WHERE gemeente_code = :g "
        "ORDER BY id OFFSET i % 20 LIMIT 1) AS a ON true",
    ],
    "handhaving-api": [
        "INSERT INTO overtreding (id, gemeente_code, inburgeraar_id, soort, categorie, status, gedraging_van, "
        "gedraging_tot, bron, bewijs, berekening) SELECT gen_random_uuid(), :g, gen_random_uuid(), "
        "(ARRAY['brede-intake-niet-verschenen','pip-leerroute','pip-voortgangsgesprek','pip-pvt','pip-map'])"
        "[1 + i % 5], CASE WHEN i % 5 = 0 THEN 'brede-intake' ELSE 'pip' END, 'beboet', "
        "DATE '2022-12-01' + (i % 1460), DATE '2022-12-01' + (i % 1460), 'handmatig', '{}'::jsonb, '[]'::jsonb "
        "FROM generate_series(1, :n) AS i",
        "INSERT INTO procedurestap (id, overtreding_id, handeling, status, datum, door_client) "
        "SELECT gen_random_uuid(), id, h, 'x', gedraging_van + d, 'bench' FROM overtreding, "
        "(VALUES ('waarschuwen', 10), ('beboeten', 60)) AS s(h, d) WHERE gemeente_code = :g",
        "INSERT INTO boete (id, gemeente_code, overtreding_id, inburgeraar_id, categorie, bedrag, "
        "voorgesteld_bedrag, berekening, besluit_datum, verzend_datum, status) SELECT gen_random_uuid(), :g, id, "
        "inburgeraar_id, categorie, 250, 250, '[]'::jsonb, gedraging_van + 60, gedraging_van + 61, 'opgelegd' "
        "FROM overtreding WHERE gemeente_code = :g AND abs(hashtext(id::text)) % 5 = 0",
    ],
}


@dataclass
class Ctx:
    """What the use cases read of a request context: the session and the token's gemeente."""

    session: AsyncSession
    gemeente: str


UseCase = Callable[[Any, Periode], Awaitable[Monitoring]]


def _use_cases() -> dict[str, UseCase]:
    aanbieder_settings = AanbiederSettings.model_construct()

    async def aanbieder(ctx: Any, p: Periode) -> Monitoring:
        return await aanbieder_monitoring.monitoring(ctx, aanbieder_settings, p, VANDAAG)

    async def pip(ctx: Any, p: Periode) -> Monitoring:
        return await pip_monitoring.monitoring(ctx, p, VANDAAG)

    return {
        "inburgeraar-api": inburgeraar_monitoring.monitoring,
        "pip-api": pip,
        "aanbieder-api": aanbieder,
        "handhaving-api": handhaving_monitoring.monitoring,
    }


PERIODES = [
    Periode(date(2025, 12, 1), VANDAAG),
    Periode(date(2025, 1, 1), date(2025, 12, 31)),
    Periode(date(2022, 1, 1), VANDAAG),
]


async def seed(url: str, service: str, n: int) -> None:
    database = Database(url, pool_size=1)
    try:
        async with database.engine.begin() as conn:
            for gemeente, aantal in ((GEMEENTE, n), (ANDERE, n // 5)):
                for sql in SEED[service]:
                    # asyncpg deduces one type per parameter: `:g` is a varchar(4) column in one place, text in another.
                    getypt = sql.replace(":g", "CAST(:g AS varchar)").replace(":n", "CAST(:n AS integer)")
                    await conn.execute(text(getypt), {"g": gemeente, "n": aantal})
    finally:
        await database.dispose()


async def vacuum(url: str) -> dict[str, int]:
    """What autovacuum does after a bulk load: statistics, and the visibility map index-only scans rely on."""
    database = Database(url, pool_size=1)
    try:
        async with database.engine.connect() as conn:
            await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(text("VACUUM ANALYZE"))
            rijen = await conn.execute(
                text("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND relnamespace = "
                     "'public'::regnamespace AND reltuples > 0")
            )  # fmt: skip
            return {r.relname: int(r.reltuples) for r in rijen}
    finally:
        await database.dispose()


async def _timed(
    database: Database, rounds: int, postmaster: int, request: Callable[[int], Awaitable[None]]
) -> dict[str, Any]:
    latencies: list[float] = []
    # CPU per request (this process and PostgreSQL): on a machine shared with other test runs the wall time
    # waits for a core, the CPU seconds do not.
    meter = CpuMeter({"bench": os.getpid(), "postgres": postmaster}, without_children=frozenset({"bench"}))
    meter.start()
    t0 = time.perf_counter()
    for i in range(rounds):
        start = time.perf_counter()
        await request(i)
        latencies.append(time.perf_counter() - start)
    wall = time.perf_counter() - t0
    cpu = meter.stop()
    uitkomst_ms = {k: round(v, 2) for k, v in summarize_ms(latencies).items()}
    per_request = (cpu["bench"] + cpu["postgres"]) / 100 * wall / rounds * 1000
    return {
        **uitkomst_ms,
        "cpu_ms_per_request": round(per_request, 3),
        "postgres_cpu_ms_per_request": round(cpu["postgres"] / 100 * wall / rounds * 1000, 3),
        "others_cpu_pct": round(cpu["others"], 1),
    }


async def measure(url: str, use_case: UseCase, rounds: int, postmaster: int) -> dict[str, Any]:
    database = Database(url, pool_size=2)
    try:
        for p in PERIODES:  # warm-up: the plans and the cache
            async with database.sessionmaker() as session:
                await use_case(Ctx(session, GEMEENTE), p)

        async def miss(i: int) -> None:
            async with database.sessionmaker() as session:
                uitkomst = await use_case(Ctx(session, GEMEENTE), PERIODES[i % len(PERIODES)])
            json.dumps(uitkomst.model_dump(mode="json"))
            als_csv(uitkomst)

        cache: Resultaatcache[Gerenderd] = Resultaatcache(60)
        berekend = 0

        async def via_cache(i: int) -> None:
            p = PERIODES[i % len(PERIODES)]
            async with database.sessionmaker() as session:

                async def bereken() -> Monitoring:
                    nonlocal berekend
                    berekend += 1
                    return await use_case(Ctx(session, GEMEENTE), p)

                await uit_cache(cache, GEMEENTE, p, i // len(PERIODES) % 2 == 1, bereken, "b")

        resultaat = {"miss": await _timed(database, rounds, postmaster, miss)}
        # Every period in both formats computed once, right before: the hits must fall within the max age.
        for i in range(2 * len(PERIODES)):
            await via_cache(i)
        berekend = 0
        resultaat["hit"] = await _timed(database, rounds * 10, postmaster, via_cache)
        # Within the max age, so none: a recomputation here would be a miss counted as a hit.
        resultaat["hit"]["computations"] = berekend
        # Single-flight: concurrent requests for a key nobody computed yet share one computation.
        berekeningen = 0
        koud: Resultaatcache[Gerenderd] = Resultaatcache(60)

        async def geteld() -> Monitoring:
            nonlocal berekeningen
            berekeningen += 1
            async with database.sessionmaker() as session:
                return await use_case(Ctx(session, GEMEENTE), PERIODES[0])

        start = time.perf_counter()
        await asyncio.gather(*(uit_cache(koud, GEMEENTE, PERIODES[0], False, geteld, "b") for _ in range(20)))
        resultaat["single_flight"] = {
            "concurrent": 20,
            "computations": berekeningen,
            "wall_ms": round((time.perf_counter() - start) * 1000, 1),
        }
        return resultaat
    finally:
        await database.dispose()


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=150)
    parser.add_argument("--service", action="append", choices=list(SEED), help="only these (default: all four)")
    args = parser.parse_args()
    n = 10_000 if args.quick else 100_000
    uptime_start = _uptime()
    resultaat: dict[str, Any] = {
        "bench": "monitoring",
        "at": datetime.now().isoformat(timespec="seconds"),
        "trajectories": n,
        "other_gemeente": n // 5,
        "rounds_per_service": args.rounds,
        "periods": [f"{p.van}..{p.tot}" for p in PERIODES],
        "target_p95_ms": TARGET_P95_MS,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "uptime_start": uptime_start},
        "services": {},
    }
    with tempfile.TemporaryDirectory() as tmp, EmbeddedPostgres(Path(tmp) / "pg", free_port()) as pg:
        for service, use_case in _use_cases().items():
            if args.service and service not in args.service:
                continue
            naam = service.replace("-", "_")
            asyncio.run(ensure_database(pg.url, naam))
            url = database_url_for(pg.url, naam)
            upgrade(ROOT / "services" / service / "migrations", url)
            t0 = time.perf_counter()
            asyncio.run(seed(url, service, n))
            rijen = asyncio.run(vacuum(url))
            seeded = round(time.perf_counter() - t0, 1)
            latency = asyncio.run(measure(url, use_case, args.rounds, postmaster_pid(pg.data_dir)))
            resultaat["services"][service] = {"rows": rijen, "seed_s": seeded, "latency": latency}
            print(service, latency, flush=True)
    resultaat["machine"]["uptime_end"] = _uptime()
    resultaat["p95_max_ms"] = {
        soort: max(s["latency"][soort]["p95_ms"] for s in resultaat["services"].values()) for soort in ("miss", "hit")
    }
    resultaat["ok"] = {soort: p95 < TARGET_P95_MS for soort, p95 in resultaat["p95_max_ms"].items()}
    RESULTS.mkdir(exist_ok=True)
    stempel = datetime.now().strftime("%Y%m%d-%H%M")
    (RESULTS / f"monitoring-{stempel}.json").write_text(json.dumps(resultaat, indent=2) + "\n")
    (RESULTS / "monitoring-latest.md").write_text(_markdown(resultaat, stempel))
    print(json.dumps({"p95_max_ms": resultaat["p95_max_ms"], "ok": resultaat["ok"]}))


def _markdown(r: dict[str, Any], stempel: str) -> str:
    ok = r["ok"]
    regels = [
        f"# Monitoring bench ({stempel})",
        "",
        f"{r['trajectories']:,} trajectories of gemeente {GEMEENTE} per service database (and {r['other_gemeente']:,}"
        f" of {ANDERE}, not read); periods rotating over {', '.join(r['periods'])}. Without HTTP and token checks. "
        f"Target p95 < {TARGET_P95_MS:.0f} ms — on a miss: {'met' if ok['miss'] else 'NOT met'}; on a hit: "
        f"{'met' if ok['hit'] else 'NOT met'}.",
        "",
        f"- *miss* ({r['rounds_per_service']} sequential requests): the monitoring use case (grouped queries, at "
        "most two side by side, suppression) and its JSON and CSV rendering — every request with "
        "`monitoring_max_leeftijd_s = 0`, or the first after the max age.",
        f"- *hit* ({r['rounds_per_service'] * 10} sequential requests): the kit's result cache as the route uses it "
        "(`uit_cache`), the three periods in JSON and CSV already computed within the max age (default 60 s).",
        "- *single-flight*: 20 concurrent requests for one key not yet computed, and the computations they caused.",
        "",
        "| service | kind | p50 ms | p95 ms | p99 ms | max ms | CPU ms/request (of which PostgreSQL) |",
        "|---|---|---|---|---|---|---|",
    ]
    for service, s in r["services"].items():
        for soort in ("miss", "hit"):
            lat = s["latency"][soort]
            regels.append(
                f"| {service} | {soort} | {lat['p50_ms']} | {lat['p95_ms']} | {lat['p99_ms']} | {lat['max_ms']} | "
                f"{lat['cpu_ms_per_request']} ({lat['postgres_cpu_ms_per_request']}) |"
            )
    regels += [
        "",
        "| service | computations during the hits | single-flight: concurrent requests | computations | wall ms "
        "| seed s |",
        "|---|---|---|---|---|---|",
    ]
    for service, s in r["services"].items():
        sf = s["latency"]["single_flight"]
        regels.append(
            f"| {service} | {s['latency']['hit']['computations']} | {sf['concurrent']} | {sf['computations']} | "
            f"{sf['wall_ms']} | {s['seed_s']} |"
        )
    regels += [
        "",
        f"Machine: {r['machine']['cpus']} CPUs; the load before and after shows whether other work shared them.",
        f"- `uptime` before: {r['machine']['uptime_start']}",
        f"- `uptime` after: {r['machine']['uptime_end']}",
        "",
    ]
    return "\n".join(regels)


if __name__ == "__main__":
    main()
