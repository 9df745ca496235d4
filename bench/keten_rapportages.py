"""Bench of the chain exchange's delivery to DUO: a backlog of reports (as after a DUO outage) drained by the
`keten-worker` process into the DUO stand-in on the same machine. Not part of `make test`.

Issue 13 targets: >= 500 reports/s with DUO on the same machine; a backlog of 100,000 drained in < 5 min; the
exchange's worker under 200 MB while it drains.

Starts its own PostgreSQL in a temporary folder (the exchange's database and DUO's), the DUO stand-in under uvicorn
as its own process, a minimal stand-in of inburgeraar-api's `duo-identificaties/_zoek` (the BSNs the worker fetches
for every claimed batch) in this process, and the worker as its own process, exactly as deployed
(`python -m ketenuitwisseling keten-worker`, development tokens). The backlog is COPYed into the exchange's queue as
report b, valid for DUO's contract; the clock runs from the worker's start until DUO holds every report and the queue
is empty.

    .venv/bin/python bench/keten_rapportages.py              # 20,000 reports (about a minute on 2 cores)
    .venv/bin/python bench/keten_rapportages.py --aantal 100000
    .venv/bin/python bench/keten_rapportages.py --quick      # 3,000: a smoke test

Results: bench/results/keten-rapportages-<YYYYMMDD-HHMM>.json. The 100,000 drain time is measured only with
`--aantal 100000`; otherwise it is extrapolated from the rate and marked so.
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
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import psutil
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from inburgering_kit.auth import generate_dev_keypair
from inburgering_kit.db import database_url_for, ensure_database, plain_url
from inburgering_kit.embedded import EmbeddedPostgres, free_port
from inburgering_kit.migrations import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import CpuMeter
from run import postmaster_pid

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
ISSUER = "urn:bench:tokens"
AUDIENCE = "bench"
BSN = "999990019"
TARGET_RATE = 500.0
TARGET_DRAIN_100K_S = 300.0
TARGET_RSS_MB = 200.0


def _profiel(variabele: str = "KETEN_BENCH_PROFIEL") -> list[str]:
    # KETEN_BENCH_PROFIEL=<file> (the worker) or KETEN_BENCH_PROFIEL_DUO=<file> (DUO's stand-in): that process runs
    # under cProfile and writes its profile there when stopped.
    bestand = os.environ.get(variabele)
    return ["-m", "cProfile", "-o", bestand] if bestand else []


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _inburgeraar_stub() -> Starlette:
    async def identificatie(request: Request) -> JSONResponse:
        return JSONResponse({"bsn": BSN, "status": "geregistreerd"})

    async def identificaties(request: Request) -> JSONResponse:
        ids = (await request.json())["ids"]
        return JSONResponse({"items": [{"id": i, "bsn": BSN, "status": "geregistreerd"} for i in ids]})

    return Starlette(
        routes=[
            Route("/api/v1/inburgeraars/{id}/duo-identificatie", identificatie),
            Route("/api/v1/inburgeraars/duo-identificaties/_zoek", identificaties, methods=["POST"]),
        ]
    )


def _serve_in_thread(app: Starlette, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server


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
        **{f"{prefix}{k}": v for k, v in extra.items()},
    }


async def _seed(url: str, aantal: int) -> None:
    conn = await asyncpg.connect(plain_url(url))
    try:
        rows = [
            (
                uuid.uuid4(), "0363", uuid.uuid4(), "b",
                json.dumps({"pipId": str(uuid.uuid4()), "vastgesteldOp": "2026-12-01"}),
                f"bench-{n}", "nl.inburgering.pip.pip-vastgesteld",
            )
            for n in range(aantal)
        ]  # fmt: skip
        await conn.copy_records_to_table(
            "rapportage",
            records=rows,
            columns=["id", "gemeente_code", "inburgeraar_id", "item", "gegevens", "bron_event_id", "bron_event_type"],
        )
    finally:
        await conn.close()


class _Teller:
    """Counts on two kept connections: a new connection every poll forks a PostgreSQL backend, whose CPU would be
    charged to the reports."""

    def __init__(self, keten_url: str, duo_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.keten = self.loop.run_until_complete(asyncpg.connect(plain_url(keten_url)))
        self.duo = self.loop.run_until_complete(asyncpg.connect(plain_url(duo_url)))

    async def _tel(self) -> tuple[int, int, int]:
        ontvangen = await self.keten.fetchval("SELECT count(*) FROM rapportage WHERE status = 'ontvangen'")
        overig = await self.keten.fetchval("SELECT count(*) FROM rapportage WHERE status <> 'ontvangen'")
        bij_duo = await self.duo.fetchval("SELECT count(*) FROM rapportage")
        return int(ontvangen), int(overig), int(bij_duo)

    def tel(self) -> tuple[int, int, int]:
        return self.loop.run_until_complete(self._tel())

    def close(self) -> None:
        self.loop.run_until_complete(self.keten.close())
        self.loop.run_until_complete(self.duo.close())
        self.loop.close()


def _wacht_op_poort(port: int, proc: subprocess.Popen[bytes], timeout: float = 240.0) -> None:
    import socket  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("de DUO-stand-in stopte bij het starten")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("de DUO-stand-in startte niet")


def meet(aantal: int, batch: int, gelijktijdig: int, tmp: Path, max_s: float) -> dict[str, Any]:
    with EmbeddedPostgres(tmp / "pg", free_port()) as pg:
        urls = {}
        for naam, service in (("keten", "ketenuitwisseling"), ("duo", "duo-standin")):
            asyncio.run(ensure_database(pg.url, f"bench_{naam}"))
            urls[naam] = database_url_for(pg.url, f"bench_{naam}")
            upgrade(ROOT / "services" / service / "migrations", urls[naam])
        private_key, public_key = generate_dev_keypair(tmp / "keys")
        asyncio.run(_seed(urls["keten"], aantal))
        _log(f"{aantal} rapportages in de wachtrij")

        stub_port, duo_port = free_port(), free_port()
        stub = _serve_in_thread(_inburgeraar_stub(), stub_port)
        serve = ["-m", "duo_standin", "serve", "--port", str(duo_port)]
        duo = subprocess.Popen(
            [sys.executable, *_profiel("KETEN_BENCH_PROFIEL_DUO"), *serve],
            env=_env("DUO_STANDIN_", urls["duo"], public_key, MELDING_TOKEN="ongebruikt"),
            cwd=tmp,
        )
        worker: subprocess.Popen[bytes] | None = None
        try:
            _wacht_op_poort(duo_port, duo)
            _log("DUO-stand-in gereed; de worker start")
            env = _env(
                "KETENUITWISSELING_", urls["keten"], public_key,
                DUO_URL=f"http://127.0.0.1:{duo_port}/api/v1", INBURGERAAR_API_URL=f"http://127.0.0.1:{stub_port}/api/v1",
                TOKEN_PRIVATE_KEY_FILE=str(private_key), TOKEN_ISSUER=ISSUER, TOKEN_AUDIENCE_PARTNERS=AUDIENCE,
                TOKEN_AUDIENCE_INTERN=AUDIENCE, WORKER_BATCH=str(batch), WORKER_GELIJKTIJDIG=str(gelijktijdig),
            )  # fmt: skip
            t0 = time.monotonic()
            worker = subprocess.Popen(
                [sys.executable, *_profiel(), "-m", "ketenuitwisseling", "keten-worker"], env=env, cwd=tmp
            )
            proc = psutil.Process(worker.pid)
            cpu0 = proc.cpu_times()
            # Per process: the worker, DUO's stand-in, PostgreSQL (both databases, and this bench's own polling),
            # and this process (the inburgeraar stub's BSN answers, plus the polling's client side).
            meter = CpuMeter(
                {"worker": worker.pid, "duo": duo.pid, "postgres": postmaster_pid(pg.data_dir), "bench": os.getpid()},
                without_children=frozenset({"bench"}),
            )
            teller = _Teller(urls["keten"], urls["duo"])
            # The CPU per report is measured in the steady state: from DUO's first report on, so that the worker's
            # start-up (imports, pool, tokens: seconds of CPU on a busy machine) is not spread over the reports.
            venster: tuple[float, int] | None = None
            rss: list[float] = []
            voortgang: list[tuple[float, int]] = []
            while True:
                time.sleep(0.5)
                if worker.poll() is not None:
                    raise RuntimeError(f"de worker stopte met code {worker.returncode}")
                rss.append(proc.memory_info().rss / 2**20)
                ontvangen, overig, bij_duo = teller.tel()
                if venster is None and bij_duo > 0:
                    meter.start()
                    venster = (time.monotonic(), bij_duo)
                voortgang.append((time.monotonic() - t0, ontvangen))
                if len(voortgang) % 10 == 0:
                    _log(f"{voortgang[-1][0]:.0f} s: {ontvangen} ontvangen, {overig} in de wachtrij, {bij_duo} bij DUO")
                if ontvangen == aantal and overig == 0:
                    break
                if time.monotonic() - t0 > max_s:
                    # On a busy machine the backlog may not drain in time: the rate so far is still a measurement.
                    _log(f"niet leeg na {max_s:.0f} s: {ontvangen} van {aantal}; gemeten over wat er ontving")
                    break
            duur = time.monotonic() - t0
            cpu1 = proc.cpu_times()
            ontvangen, overig, bij_duo = teller.tel()
            if venster is None:
                raise RuntimeError("DUO ontving niets")
            cpu = meter.stop()
            venster_s, venster_n = time.monotonic() - venster[0], bij_duo - venster[1]
            teller.close()
        finally:
            # A worker mid-batch against a slow DUO may take longer than its grace period: the figures are taken.
            for proc in (p for p in (worker, duo) if p is not None):
                proc.terminate()
            for proc in (p for p in (worker, duo) if p is not None):
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=30)
            stub.should_exit = True
    # The rate once the worker runs: from the first report received (its start-up and imports excluded).
    begin = next((t for t, n in voortgang if n > 0), 0.0)
    tempo = ontvangen / max(duur - begin, 1e-9)
    # CPU% of one core over the steady-state window, turned into CPU milliseconds per report DUO received in it. The
    # bench's own polling (a few queries a second) is in "bench" and "postgres": at a low rate it weighs per report.
    per_rapport = {
        k: round(cpu[k] * 10 * venster_s / max(venster_n, 1), 3) for k in ("worker", "duo", "postgres", "bench")
    }
    som = sum(per_rapport.values())
    return {
        "aantal": aantal,
        "ontvangen": ontvangen,
        "leeg": ontvangen == aantal and overig == 0,
        "batch": batch,
        "gelijktijdig": gelijktijdig,
        "leegtijd_s": round(duur, 2),
        "opstart_s": round(begin, 2),
        "rapportages_per_s": round(tempo, 1),
        "leegtijd_100k_s": round(duur, 1)
        if aantal == 100_000 and ontvangen == aantal
        else round(begin + 100_000 / max(tempo, 1e-9), 1),
        "leegtijd_100k_gemeten": aantal == 100_000 and ontvangen == aantal,
        "worker_rss_max_mb": round(max(rss), 1),
        "worker_cpu_s": round((cpu1.user + cpu1.system) - (cpu0.user + cpu0.system), 2),
        "cpu_venster": {
            "s": round(venster_s, 1),
            "rapportages": venster_n,
            "rapportages_per_s": round(venster_n / max(venster_s, 1e-9), 1),
        },
        "cpu_ms_per_rapport": per_rapport | {"som": round(som, 3)},
        "cpu_pct": {k: round(v, 1) for k, v in cpu.items()},
        # Two cores fully used by this chain and nothing else: the upper bound its CPU per report allows.
        "plafond_2_kernen_per_s": round(2000 / som, 0) if som else None,
        "bij_duo": bij_duo,
        # Every report marked received is at DUO once (DUO may hold a few more: sent, not yet marked).
        "eenmaal": bij_duo >= ontvangen and (bij_duo == aantal or ontvangen < aantal),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aantal", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="3,000 reports")
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--gelijktijdig", type=int, default=8)
    parser.add_argument("--max-s", type=float, default=600.0, help="stop after this long, drained or not")
    args = parser.parse_args()
    aantal = 3_000 if args.quick else args.aantal
    started = datetime.now()
    with tempfile.TemporaryDirectory(prefix="bench-keten-") as tmp:
        r = meet(aantal, args.batch, args.gelijktijdig, Path(tmp), args.max_s)

    def oordeel(gehaald: bool) -> str:
        return "gehaald" if gehaald else "NIET gehaald"

    geextrapoleerd = "" if r["leegtijd_100k_gemeten"] else " (geëxtrapoleerd)"
    r["doelen"] = {
        "rapportages_per_s": f">= {TARGET_RATE:.0f}: {oordeel(r['rapportages_per_s'] >= TARGET_RATE)}",
        "leegtijd_100k_s": f"< {TARGET_DRAIN_100K_S:.0f}: "
        f"{oordeel(r['leegtijd_100k_s'] < TARGET_DRAIN_100K_S)}{geextrapoleerd}",
        "worker_rss_max_mb": f"< {TARGET_RSS_MB:.0f}: {oordeel(r['worker_rss_max_mb'] < TARGET_RSS_MB)}",
    }
    r["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "gestart": started.isoformat(),
        # Other work on the same cores distorts every figure here: the load is part of the result.
        "load_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"keten-rapportages-{started:%Y%m%d-%H%M}.json"
    path.write_text(json.dumps(r, indent=2) + "\n")
    print(json.dumps(r, indent=2))
    print(f"-> {path.relative_to(ROOT)}")
    return 0 if r["eenmaal"] else 1


if __name__ == "__main__":
    sys.exit(main())
