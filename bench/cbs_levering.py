"""Bench of the delivery to CBS (Wi art. 35 lid 4): 100,000 persons assembled by the exchange's `cbs-worker` from the
four contexts' `GET /cbs-export`, each context a real API process under uvicorn on its own database, all on this
machine. Not part of `make test`.

Issue 15 targets: 100,000 persons in < 60 s, streamed, < 300 MB for the whole pipeline (the RSS of each process: the
four source APIs and the worker; PostgreSQL not counted).

Starts its own PostgreSQL in a temporary folder with the five databases, migrated; seeds each context's tables with
SQL only (the same inburgeraar ids everywhere, `md5(n)::uuid`): every person registered with a BSN, half with a brede
intake (leerbaarheidstoets, opleiding, alfabetisme), a third with maatschappelijke begeleiding, 60 % with a PIP of one
or two versions, 60 % with a course (its start and attendance reports), 10 % with a warning and a fine. The job is
planned in the exchange's table; the clock runs from the worker's claim (`gestart_at`) to `gereed_at`, read from the
database.

    .venv/bin/python bench/cbs_levering.py                 # 100,000 persons
    .venv/bin/python bench/cbs_levering.py --aantal 10000  # a smoke test

Results: bench/results/cbs-levering-<YYYYMMDD-HHMM>.json and cbs-levering-latest.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import psutil

from inburgering_kit.auth import generate_dev_keypair
from inburgering_kit.db import database_url_for, ensure_database, plain_url
from inburgering_kit.embedded import EmbeddedPostgres, free_port
from inburgering_kit.migrations import upgrade

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
ISSUER = "urn:bench:tokens"
AUDIENCE = "bench"
TARGET_S = 60.0
TARGET_RSS_MB = 300.0
BRONNEN = {
    "inburgeraar": ("inburgeraar-api", "inburgeraar_api", "INBURGERAAR_API_"),
    "pip": ("pip-api", "pip_api", "PIP_API_"),
    "aanbieder": ("aanbieder-api", "aanbieder_api", "AANBIEDER_API_"),
    "handhaving": ("handhaving-api", "handhaving_api", "HANDHAVING_API_"),
}
_ID = "md5('cbs' || n)::uuid"

SEED = {
    "inburgeraar": [
        f"""INSERT INTO inburgeraar (id, gemeente_code, status, bsn, bsn_pseudoniem, doelgroep, nareiziger,
            datum_koppeling, contact, versie)
            SELECT {_ID}, '0363', 'geregistreerd', lpad((100000000 + n)::text, 9, '0'), md5('p' || n),
                   (ARRAY['asielmigrant', 'gezinsmigrant', 'overige-migrant'])[1 + n % 3], false,
                   DATE '2025-01-01' + (n % 500), '{{}}', 1
            FROM generate_series(1, $1) n""",
        f"""INSERT INTO brede_intake (id, inburgeraar_id, status, afgerond_datum, afgerond_bij_afwezigheid, resultaten,
            leerbaarheidstoets, achtergrond, versie)
            SELECT gen_random_uuid(), {_ID}, 'afgerond', DATE '2026-03-01' + (n % 200), false, '{{}}',
                   jsonb_build_object('datum', (DATE '2026-02-01' + (n % 200))::text, 'resultaat', 'score ' || n % 100,
                                      'geadviseerdeLeerroute', (ARRAY['b1', 'onderwijsroute', 'z-route'])[1 + n % 3],
                                      'instantie', 'Toets'),
                   jsonb_build_object('opleidingen', jsonb_build_array(jsonb_build_object('niveau',
                       (ARRAY['geen', 'basisonderwijs', 'beroepsonderwijs', 'universitair'])[1 + n % 4])),
                       'alfabetisme', (ARRAY['gealfabetiseerd', 'anders-gealfabetiseerd', 'analfabeet'])[1 + n % 3]),
                   1
            FROM generate_series(1, $1) n WHERE n % 2 = 0""",
        f"""INSERT INTO begeleiding_onderdeel (id, inburgeraar_id, startdatum, gegevens)
            SELECT gen_random_uuid(), {_ID}, DATE '2026-01-15' + (n % 300), '{{}}'
            FROM generate_series(1, $1) n WHERE n % 3 = 0""",
    ],
    "pip": [
        f"""INSERT INTO pip (id, gemeente_code, inburgeraar_id, status, versie, inhoud, vastgesteld_datum)
            SELECT md5('pip' || n)::uuid, '0363', {_ID}, 'vastgesteld', 1 + n % 2, '{{}}', DATE '2026-02-01'
            FROM generate_series(1, $1) n WHERE n % 5 < 3""",
        """INSERT INTO pip_versie (id, pip_id, versie, inhoud, dagtekening, verzend_datum, ingangs_datum,
            gewijzigde_velden)
            SELECT gen_random_uuid(), md5('pip' || n)::uuid, v,
                   CASE WHEN v = 1 THEN '{"leerroute": "b1", "pvt": {"aanbieder": "G"}, "map": null}'::jsonb
                   ELSE '{"leerroute": "z-route", "pvt": {"aanbieder": "G"}, "map": {"aanbieder": "W"}}'::jsonb END,
                   DATE '2026-02-01' + (v - 1) * 120, DATE '2026-02-01', DATE '2026-02-01',
                   CASE WHEN v = 1 THEN '[]'::jsonb ELSE '["leerroute", "map"]'::jsonb END
            FROM generate_series(1, $1) n, generate_series(1, 2) v WHERE n % 5 < 3 AND v <= 1 + n % 2""",
    ],
    "aanbieder": [
        """INSERT INTO aanbieder (id, gemeente_code, naam, kvk_nummer, diensten, contactpersonen)
            SELECT md5('a' || k)::uuid, '0363', 'Taalschool ' || k, lpad(k::text, 8, '0'), '[]', '[]'
            FROM generate_series(1, 20) k""",
        f"""INSERT INTO opdracht (id, gemeente_code, aanbieder_id, pip_id, inburgeraar_id, deelnemer_referentie,
            onderdeel, status, versie, inhoud, pip_versie, stand, created_at)
            SELECT gen_random_uuid(), '0363', md5('a' || (1 + n % 20))::uuid, NULL, {_ID}, 'ref',
                   (ARRAY['b1-route', 'pvt', 'map'])[1 + n % 3], 'gestart', 1, '{{}}', NULL,
                   jsonb_build_object('gerealiseerdeStartdatum', (DATE '2026-03-01' + (n % 200))::text,
                                      'urenAanwezig', (n % 400) + 0.5),
                   TIMESTAMPTZ '2026-02-15 09:00Z'
            FROM generate_series(1, $1) n WHERE n % 5 >= 2""",
        # The export folds the reports made before the period's end (not the stand): per course the start and
        # three monthly attendance reports, the first corrected once (the last report of a period counts).
        """INSERT INTO melding (id, gemeente_code, opdracht_id, aanbieder_id, soort, gegevens, sleutel, kanaal,
            actor_client, gemeld_at)
            SELECT gen_random_uuid(), o.gemeente_code, o.id, o.aanbieder_id, 'start',
                   jsonb_build_object('soort', 'start', 'datum', o.stand->>'gerealiseerdeStartdatum'),
                   md5(o.id::text || 'start'), 'api', 'bench',
                   ((o.stand->>'gerealiseerdeStartdatum')::date + 1)::timestamp AT TIME ZONE 'UTC'
            FROM opdracht o""",
        """INSERT INTO melding (id, gemeente_code, opdracht_id, aanbieder_id, soort, gegevens, sleutel, kanaal,
            actor_client, gemeld_at)
            SELECT gen_random_uuid(), o.gemeente_code, o.id, o.aanbieder_id, 'aanwezigheid',
                   jsonb_build_object('soort', 'aanwezigheid', 'periodeVan', (s.d + 30 * k)::text,
                                      'periodeTot', (s.d + 30 * k + 29)::text,
                                      'urenAanwezig', round((o.stand->>'urenAanwezig')::numeric / 3, 2) + r),
                   md5(o.id::text || k || r), 'bestand', 'bench', (s.d + 30 * k + 31 + r)::timestamp AT TIME ZONE 'UTC'
            FROM opdracht o, LATERAL (SELECT (o.stand->>'gerealiseerdeStartdatum')::date AS d) s,
                 generate_series(0, 2) k, generate_series(0, 1) r
            WHERE r = 0 OR k = 0""",
    ],
    "handhaving": [
        f"""INSERT INTO overtreding (id, gemeente_code, inburgeraar_id, soort, categorie, status, gedraging_van,
            gedraging_tot, bron, bewijs, berekening)
            SELECT md5('o' || n)::uuid, '0363', {_ID}, 'pip-leerroute', 'pip', 'beboet', DATE '2026-03-01',
                   DATE '2026-03-01', 'handmatig', '{{}}', '[]'
            FROM generate_series(1, $1) n WHERE n % 10 = 0""",
        """INSERT INTO procedurestap (id, overtreding_id, handeling, status, datum, door_client)
            SELECT gen_random_uuid(), md5('o' || n)::uuid, 'waarschuwen', 'gewaarschuwd', DATE '2026-03-10', 'bench'
            FROM generate_series(1, $1) n WHERE n % 10 = 0""",
        f"""INSERT INTO boete (id, gemeente_code, overtreding_id, inburgeraar_id, categorie, bedrag,
            voorgesteld_bedrag, berekening, besluit_datum, verzend_datum, status)
            SELECT gen_random_uuid(), '0363', md5('o' || n)::uuid, {_ID}, 'pip', 250, 250, '[]', DATE '2026-05-01',
                   DATE '2026-05-01', 'opgelegd'
            FROM generate_series(1, $1) n WHERE n % 10 = 0""",
    ],
}


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _pythonpath() -> str:
    paths = [str(p) for p in sorted((ROOT / "libs").glob("*/src")) + sorted((ROOT / "services").glob("*/src"))]
    return os.pathsep.join(paths)


def _env(prefix: str, database_url: str, public_key: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": _pythonpath(),
        f"{prefix}ENVIRONMENT": "development",
        f"{prefix}DATABASE_URL": database_url,
        f"{prefix}NATS_URL": "",
        f"{prefix}AUTH__ISSUERS": f'["{ISSUER}"]',
        f"{prefix}AUTH__AUDIENCE": AUDIENCE,
        f"{prefix}AUTH__PUBLIC_KEY_FILE": str(public_key),
        f"{prefix}LOG_LEVEL": "WARNING",
        f"{prefix}RUN_RELAY": "false",
        **{f"{prefix}{k}": v for k, v in extra.items()},
    }


async def _seed(urls: dict[str, str], aantal: int) -> None:
    for naam, statements in SEED.items():
        conn = await asyncpg.connect(plain_url(urls[naam]))
        try:
            for sql in statements:
                await (conn.execute(sql, aantal) if "$1" in sql else conn.execute(sql))
            await conn.execute("ANALYZE")
        finally:
            await conn.close()


def _wacht_op_poort(naam: str, port: int, proc: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{naam} stopte bij het starten")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{naam} startte niet")


async def _job(url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(plain_url(url))
    try:
        row = await conn.fetchrow(
            "SELECT status, percentage, aantal_personen, aantal_bytes, aantal_delen, reden, "
            "extract(epoch FROM gereed_at - gestart_at) AS duur, "
            "(SELECT sum(length(inhoud)) FROM cbs_levering_deel) AS gz FROM cbs_levering"
        )
        return dict(row) if row else {}
    finally:
        await conn.close()


async def _plan(url: str) -> None:
    conn = await asyncpg.connect(plain_url(url))
    try:
        await conn.execute(
            "INSERT INTO cbs_levering (id, gemeente_code, periode, van_datum, tot_datum, aangevraagd_door) "
            "VALUES ($1, '0363', '2026', '2026-01-01', '2027-01-01', 'bench')",
            uuid.uuid4(),
        )
    finally:
        await conn.close()


def meet(aantal: int, tmp: Path) -> dict[str, Any]:
    with EmbeddedPostgres(tmp / "pg", free_port()) as pg:
        urls: dict[str, str] = {}
        for naam, service in [*((n, s) for n, (s, _, _) in BRONNEN.items()), ("keten", "ketenuitwisseling")]:
            asyncio.run(ensure_database(pg.url, f"bench_{naam}"))
            urls[naam] = database_url_for(pg.url, f"bench_{naam}")
            upgrade(ROOT / "services" / service / "migrations", urls[naam])
        private_key, public_key = generate_dev_keypair(tmp / "keys")
        t_seed = time.monotonic()
        asyncio.run(_seed(urls, aantal))
        _log(f"{aantal} personen in de vier contexten gezet in {time.monotonic() - t_seed:.0f} s")

        processen: dict[str, subprocess.Popen[bytes]] = {}
        poorten = {naam: free_port() for naam in BRONNEN}
        try:
            for naam, (_, package, prefix) in BRONNEN.items():
                processen[naam] = subprocess.Popen(
                    [sys.executable, "-m", package, "serve", "--port", str(poorten[naam])],
                    env=_env(prefix, urls[naam], public_key),
                    cwd=tmp,
                )
            for naam in BRONNEN:
                _wacht_op_poort(naam, poorten[naam], processen[naam])
            _log("vier bronnen gereed; de cbs-worker start")
            asyncio.run(_plan(urls["keten"]))
            extra = {
                f"{naam.upper()}_API_URL": f"http://127.0.0.1:{poorten[naam]}/api/v1" for naam in BRONNEN
            } | {
                "TOKEN_PRIVATE_KEY_FILE": str(private_key), "TOKEN_ISSUER": ISSUER, "TOKEN_AUDIENCE_INTERN": AUDIENCE,
                "CBS_INTERVAL_SECONDEN": "0.2",
            }  # fmt: skip
            t0 = time.monotonic()
            processen["worker"] = subprocess.Popen(
                [sys.executable, "-m", "ketenuitwisseling", "cbs-worker"],
                env=_env("KETENUITWISSELING_", urls["keten"], public_key, **extra),
                cwd=tmp,
            )
            ps = {naam: psutil.Process(p.pid) for naam, p in processen.items()}
            rss: dict[str, float] = dict.fromkeys(ps, 0.0)
            cpu0 = {naam: p.cpu_times() for naam, p in ps.items()}
            job: dict[str, Any] = {}
            while True:
                time.sleep(0.25)
                for naam, p in ps.items():
                    rss[naam] = max(rss[naam], p.memory_info().rss / 2**20)
                if processen["worker"].poll() is not None:
                    raise RuntimeError(f"de worker stopte met code {processen['worker'].returncode}")
                job = asyncio.run(_job(urls["keten"]))
                if job.get("status") in {"gereed", "mislukt"}:
                    break
                if time.monotonic() - t0 > 600:
                    raise RuntimeError(f"niet gereed na 10 minuten: {job}")
            wand = time.monotonic() - t0
            cpu = {
                naam: round(sum(p.cpu_times()[:2]) - sum(cpu0[naam][:2]), 2) for naam, p in ps.items()
            }  # fmt: skip
        finally:
            for p in processen.values():
                p.terminate()
            for p in processen.values():
                p.wait(timeout=30)
    return {
        "aantal": aantal,
        "status": job.get("status"),
        "reden": job.get("reden"),
        "personen": job.get("aantal_personen"),
        "ndjson_mb": round((job.get("aantal_bytes") or 0) / 2**20, 1),
        "gzip_mb": round((job.get("gz") or 0) / 2**20, 1),
        "delen": job.get("aantal_delen"),
        "samenstellen_s": round(float(job.get("duur") or 0), 2),
        "wand_s_incl_opstart_worker": round(wand, 2),
        "rss_max_mb": {k: round(v, 1) for k, v in rss.items()},
        "cpu_s": cpu,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aantal", type=int, default=100_000)
    args = parser.parse_args()
    started = datetime.now()
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="bench-cbs-") as tmp:
        r = meet(args.aantal, Path(tmp))

    def oordeel(gehaald: bool) -> str:
        return "gehaald" if gehaald else "NIET gehaald"

    max_rss = max(r["rss_max_mb"].values())
    r["doelen"] = {
        "samenstellen_s": f"< {TARGET_S:.0f} voor 100.000: {oordeel(r['samenstellen_s'] < TARGET_S)}"
        + ("" if args.aantal == 100_000 else f" (gemeten met {args.aantal})"),
        "rss_max_mb_per_proces": f"< {TARGET_RSS_MB:.0f}: {oordeel(max_rss < TARGET_RSS_MB)}",
        "status": oordeel(r["status"] == "gereed" and r["personen"] == args.aantal),
    }
    r["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "gestart": started.isoformat(),
        # Seven other helpers run tests on the same two cores: the load is part of the result.
        "uptime_voor": uptime,
        "uptime_na": subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    naam = f"cbs-levering-{started:%Y%m%d-%H%M}"
    (RESULTS / f"{naam}.json").write_text(json.dumps(r, indent=2, ensure_ascii=False) + "\n")
    regels = [
        f"# CBS-levering: {r['aantal']:,} personen ({started:%Y-%m-%d %H:%M})".replace(",", "."),
        "",
        f"- status: {r['status']}, {r['personen']} personen, {r['ndjson_mb']} MB NDJSON, {r['gzip_mb']} MB gzip, "
        f"{r['delen']} delen",
        f"- samenstellen (claim tot gereed, uit de database): **{r['samenstellen_s']} s** — "
        f"{r['doelen']['samenstellen_s']}",
        f"- RSS max per proces (MB): {r['rss_max_mb']} — {r['doelen']['rss_max_mb_per_proces']}",
        f"- CPU-seconden per proces: {r['cpu_s']}",
        f"- machine: {r['machine']['cpus']} cores; voor: `{uptime}`; na: `{r['machine']['uptime_na']}`",
        f"- details: `bench/results/{naam}.json`",
        "",
    ]
    (RESULTS / "cbs-levering-latest.md").write_text("\n".join(regels))
    print(json.dumps(r, indent=2, ensure_ascii=False))
    return 0 if r["status"] == "gereed" else 1


if __name__ == "__main__":
    sys.exit(main())
