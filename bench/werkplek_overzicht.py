"""Bench of the werkplek: the person overview and the caseload pages, as a klantregisseur's browser asks for them.

Issue 14 targets on this 2-core machine: person overview p95 < 150 ms at 20 req/s with all services (the werkplek
asks inburgeraar-, pip-, aanbieder- and handhaving-api at once: person, plicht, intake, PIPs, the person's open
signals, opdrachten and enforcement, and as soon as their own call answers the PIP's versions and the opdrachten'
attendance); a caseload of 2,000 persons p95 < 200 ms (a page of 20, then the PIPs and open signals of those 20 in
one call each), measured over all 100 pages in turn.

Starts the whole local stack as `make run` does (deploy/local/stack.py: embedded PostgreSQL and NATS in a temporary
folder, every service with its relay and jobs, the werkplek), on shifted ports so it can run beside `make run`.
Seeds through the APIs: 2,000 inburgeraars of one klantregisseur, and for the one whose overview is measured a
vastgesteld PIP, an opdracht to a taalschool with two attendance reports and the signals of pip-api's job. Signs in
to the werkplek with its development sign-in, then measures each page open loop (timed from the scheduled send, no
coordinated omission) at 20 req/s after a warm-up, with the CPU each process used meanwhile (the werkplek, each
API, PostgreSQL with its backends, this generator): CPU per request is what a shared machine does not inflate the
way it inflates wall time, and what sets the ceiling. Zero errors expected.

    .venv/bin/python bench/werkplek_overzicht.py            # ~4 minutes
    .venv/bin/python bench/werkplek_overzicht.py --quick    # shorter phases

Results: a table on stdout, bench/results/werkplek-<YYYYMMDD-HHMM>.json and bench/results/werkplek-latest.md
(with the machine's load, `uptime`, before and after: on a shared machine the latencies are those of the load).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

from inburgering_kit.auth import mint_token
from inburgering_kit.bsn import is_valid_bsn
from inburgering_kit.embedded import free_port
from inburgering_kit.registry import load_services

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import CpuMeter, make_client, open_loop, summarize_ms, timed

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
REGISSEUR = "Bench Regisseur"
GEMEENTE = "0363"
DEV_ISSUER = "urn:inburgering:ontwikkel-tokens"
DEV_AUDIENCE = "inburgering"


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _bsns(n: int) -> list[str]:
    uit: list[str] = []
    kandidaat = 100_000_000
    while len(uit) < n:
        kandidaat += 1
        if is_valid_bsn(str(kandidaat)):
            uit.append(str(kandidaat))
    return uit


def _token(var: Path, rol_scopes: list[str], **extra: Any) -> dict[str, str]:
    pem = (var / "keys" / "dev-signing-key.pem").read_bytes()
    token = mint_token(
        pem,
        issuer=DEV_ISSUER,
        audience=DEV_AUDIENCE,
        client_id="bench",
        scopes=rol_scopes,
        gemeente_code=GEMEENTE,
        user=REGISSEUR,
        **extra,
    )
    return {"Authorization": f"Bearer {token}"}


def _rollen() -> dict[str, list[str]]:
    samen: dict[str, set[str]] = {}
    for service in load_services(ROOT):
        for rol, scopes in service.module("scopes").ROLLEN.items():
            samen.setdefault(rol, set()).update(scopes)
    return {rol: sorted(s) for rol, s in samen.items()}


async def _seed(poorten: dict[str, int], var: Path, personen: int) -> str:
    rollen = _rollen()
    regisseur = _token(var, rollen["klantregisseur"])
    url = {naam: f"http://127.0.0.1:{p}/api/v1" for naam, p in poorten.items()}
    async with httpx.AsyncClient(timeout=30) as http:
        bsns = _bsns(personen)
        ids: dict[int, str] = {}
        rij = asyncio.Semaphore(16)

        async def registreer(i: int, bsn: str) -> None:
            async with rij:
                r = await http.post(
                    f"{url['inburgeraar-api']}/inburgeraars",
                    headers=regisseur,
                    json={
                        "bsn": bsn,
                        # Only an asielmigrant is linked by the COA (datumKoppeling); the others start at the BRP.
                        **(
                            {"doelgroep": "asielmigrant", "datumKoppeling": "2026-02-01"}
                            if i % 3 == 0
                            else {"doelgroep": ("gezinsmigrant", "overige-migrant")[i % 2]}
                        ),
                        "datumInschrijvingBrp": "2026-03-02",
                        "contact": {"voornamen": f"Persoon{i}", "achternaam": "Bench"},
                        "klantregisseur": REGISSEUR,
                    },
                )
                assert r.status_code == 201, r.text
                ids[i] = r.json()["id"]

        begin = time.perf_counter()
        await asyncio.gather(*(registreer(i, b) for i, b in enumerate(bsns)))
        print(f"  {personen} inburgeraars geregistreerd in {time.perf_counter() - begin:.0f} s")
        persoon = ids[0]  # an asielmigrant
        pip: dict[str, Any] = {}
        for _ in range(300):
            r = await http.post(
                f"{url['pip-api']}/pips",
                headers=regisseur,
                json={"inburgeraarId": persoon, "leerroute": "b1", "taalniveau": "B1", "klantregisseur": REGISSEUR},
            )
            if r.status_code == 201:
                pip = r.json()
                break
            await asyncio.sleep(0.2)
        assert pip, "the person never reached pip-api's projection"
        r = await http.post(
            f"{url['pip-api']}/pips/{pip['id']}/_vaststellen",
            headers=regisseur,
            json={"dagtekening": "2026-05-04", "verzenddatum": "2026-05-05", "ingangsdatum": "2026-05-04"},
        )
        assert r.status_code == 200, r.text
        beheer = _token(var, rollen["contractmanager"])
        r = await http.post(
            f"{url['aanbieder-api']}/aanbieders",
            headers=beheer,
            json={
                "naam": "Taalschool Bench",
                "kvkNummer": "12345678",
                "diensten": ["b1-route"],
                "keurmerk": {"nummer": "BOW-1", "geldigTot": "2030-12-31"},
                "contactpersonen": [{"naam": "P", "email": "p@taalschool.example"}],
            },
        )
        aanbieder = r.json()["id"]
        await http.post(
            f"{url['aanbieder-api']}/aanbieders/{aanbieder}/contracten",
            headers=beheer,
            json={
                "kenmerk": "B-1",
                "begindatum": "2026-01-01",
                "einddatum": "2027-12-31",
                "diensten": [{"dienst": "b1-route", "uren": 100000}],
            },
        )
        await http.post(
            f"{url['aanbieder-api']}/aanbieders/{aanbieder}/api-clients",
            headers=beheer,
            json={"clientId": f"bench-{aanbieder}", "omschrijving": "bench"},
        )
        opdracht: dict[str, Any] = {}
        for _ in range(300):
            r = await http.post(
                f"{url['aanbieder-api']}/opdrachten",
                headers=regisseur,
                json={
                    "pipId": pip["id"],
                    "aanbiederId": aanbieder,
                    "onderdeel": "b1-route",
                    "inhoud": {"geplandeStartdatum": "2026-05-11", "geplandeEinddatum": "2027-05-10", "uren": 600},
                },
            )
            if r.status_code == 201:
                opdracht = r.json()
                break
            await asyncio.sleep(0.2)
        assert opdracht, "the PIP never reached aanbieder-api's projection"
        pem = (var / "keys" / "dev-signing-key.pem").read_bytes()
        systeem = {
            "Authorization": "Bearer "
            + mint_token(
                pem,
                issuer=DEV_ISSUER,
                audience=DEV_AUDIENCE,
                client_id=f"bench-{aanbieder}",
                scopes=rollen["aanbieder"],
                gemeente_code=GEMEENTE,
                aanbieder_id=aanbieder,
            )
        }
        for van, tot in (("2026-05-11", "2026-05-31"), ("2026-06-01", "2026-06-30")):
            r = await http.post(
                f"{url['aanbieder-api']}/toegewezen-opdrachten/{opdracht['id']}/meldingen",
                headers={**systeem, "Idempotency-Key": str(uuid.uuid4())},
                json={
                    "soort": "aanwezigheid",
                    "periodeVan": van,
                    "periodeTot": tot,
                    "urenAanwezig": 30,
                    "urenAfwezigGeoorloofd": 0,
                    "urenAfwezigOngeoorloofd": 4,
                },
            )
            assert r.status_code in (200, 201, 202), r.text
        return persoon


async def _inloggen(werkplek: int) -> str:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{werkplek}") as http:
        pagina = await http.get("/werkplek/aanmelden")
        csrf = re.search(r'name="csrf" value="([^"]+)"', pagina.text)
        assert csrf
        r = await http.post(
            "/werkplek/aanmelden",
            data={"csrf": csrf.group(1), "naam": REGISSEUR, "rol": "klantregisseur", "gemeente": GEMEENTE},
        )
        assert r.status_code == 303, r.text
        return "; ".join(f"{k}={v}" for k, v in http.cookies.items() if k == "werkplek-sessie")


def _luisteraar(port: int) -> int:
    """The process listening on a port that is not a child of another listener on it (uvicorn's supervisor when
    it runs workers): its tree is the service."""
    pids = {
        c.pid for c in psutil.net_connections(kind="tcp") if c.laddr and c.laddr.port == port and c.status == "LISTEN"
    }
    pids.discard(None)
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            if psutil.Process(pid).ppid() not in pids:
                return int(pid)
    raise SystemExit(f"niemand luistert op poort {port}")


PROCESSEN = ("werkplek", "inburgeraar-api", "pip-api", "aanbieder-api", "handhaving-api", "postgres")


async def _meet(
    werkplek: int, cookie: str, naam: str, paden: list[str], rate: float, warm_s: float, duur_s: float,
    meter: CpuMeter,
) -> dict[str, Any]:  # fmt: skip
    client = make_client("httpx", "127.0.0.1", werkplek, {"Cookie": cookie}, 64)

    def maak(seq: int) -> tuple[str, str, None]:
        return "GET", paden[seq % len(paden)], None

    try:
        await open_loop(client, rate=rate, duration_s=warm_s, make=maak)
        uitkomst, cpu = await timed(open_loop(client, rate=rate, duration_s=duur_s, make=maak), meter)
    finally:
        await client.aclose()
    # % of one core over the phase → CPU milliseconds per page served.
    per_verzoek = {
        n: round(cpu[n] * 10 * uitkomst.elapsed_s / max(uitkomst.ok, 1), 2) for n in (*PROCESSEN, "generator")
    }
    stack = round(sum(per_verzoek[n] for n in PROCESSEN), 2)
    return {
        "page": naam,
        "paths": len(paden),
        "rate_per_s": rate,
        "duration_s": round(uitkomst.elapsed_s, 1),
        "ok": uitkomst.ok,
        "errors": uitkomst.errors,
        "error_samples": uitkomst.error_samples,
        "latency_ms": {k: round(v, 1) for k, v in summarize_ms(uitkomst.latencies_s).items()},
        "cpu_pct": {k: round(v, 1) for k, v in cpu.items()},
        "cpu_ms_per_request": per_verzoek | {"stack_sum": stack},
        # Two cores' worth of CPU time each second, spent only on these pages: the rate the machine can carry.
        "ceiling_req_per_s_on_2_cores": round(2000 / stack, 1) if stack else None,
    }


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--personen", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--rust", type=float, default=60.0, help="seconds between seeding and measuring")
    args = parser.parse_args()
    warm_s, duur_s = (3.0, 10.0) if args.quick else (5.0, 30.0)
    started = datetime.now().astimezone()
    services = load_services(ROOT)
    offset = next(o for o in range(1500, 20000, 97) if all(_port_free(s.port + o) for s in services))
    poorten = {s.name: s.port + offset for s in services}
    var = Path(tempfile.mkdtemp(prefix="werkplek-bench-"))
    env = {
        **os.environ,
        "STACK_VAR": str(var),
        "STACK_PORT_OFFSET": str(offset),
        "STACK_POSTGRES_PORT": str(free_port()),
        "STACK_NATS_PORT": str(free_port()),
        "AANBIEDER_API_UPLOAD_DIR": str(var / "aanleveringen"),
        "STACK_READY_TIMEOUT": "300",
    }
    for naam in ("STACK_POSTGRES_URL", "STACK_NATS_URL"):
        env.pop(naam, None)
    log = (var / "stack.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "deploy/local/stack.py", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 900
        # The pages' services only: the DUO and COA stand-ins answer over mTLS alone.
        while not all(_ready(poorten[n]) for n in PROCESSEN if n != "postgres"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("stack niet gestart; zie " + str(var / "stack.log"))
            time.sleep(0.5)
        print(f"stack draait (poorten +{offset}, {var})")
        persoon = asyncio.run(_seed(poorten, var, args.personen))
        werkplek = poorten["werkplek"]
        # The seeding leaves every consumer (pip-api's, aanbieder-api's and handhaving-api's projections) with a
        # backlog of thousands of events: measured before it is worked off, the pages would queue behind it.
        print(f"  {args.rust:.0f} s rust voor de achterstand van de consumers")
        time.sleep(args.rust)
        cookie = asyncio.run(_inloggen(werkplek))
        postgres = int(env["STACK_POSTGRES_PORT"])
        meter = CpuMeter(
            {
                **{n: _luisteraar(poorten[n]) for n in PROCESSEN if n != "postgres"},
                "postgres": _luisteraar(postgres),
                "generator": os.getpid(),
            },
            # The generator started the stack: its own figure must leave the stack's processes out.
            without_children=frozenset({"generator"}),
        )
        pagina_s = [f"/werkplek/caseload?pagina={n}" for n in range(1, -(-args.personen // 20) + 1)]
        load_voor = {"uptime": _uptime(), "load_1_5_15": [round(x, 2) for x in psutil.getloadavg()]}
        fasen = [
            asyncio.run(
                _meet(werkplek, cookie, "overzicht", [f"/werkplek/inburgeraars/{persoon}"], args.rate, warm_s, duur_s,
                      meter)
            ),
            asyncio.run(_meet(werkplek, cookie, "caseload", pagina_s, args.rate, warm_s, duur_s, meter)),
        ]  # fmt: skip
        load_na = {"uptime": _uptime(), "load_1_5_15": [round(x, 2) for x in psutil.getloadavg()]}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
    for f in fasen:
        lat = f["latency_ms"]
        print(
            f"  {f['page']:<10} {f['rate_per_s']:.0f}/s  ok {f['ok']:>4}  fouten {f['errors']}  "
            f"p50 {lat['p50_ms']:7.1f} ms  p95 {lat['p95_ms']:7.1f} ms  "
            f"CPU {f['cpu_ms_per_request']['stack_sum']:.1f} ms/verzoek → plafond {f['ceiling_req_per_s_on_2_cores']}/s"
        )
    results = {
        "benchmark": "werkplek",
        "personen": args.personen,
        "quick": args.quick,
        "phases": fasen,
        "load_before": load_voor,
        "load_after": load_na,
        "started_at": started.isoformat(timespec="seconds"),
        "command": " ".join(["bench/werkplek_overzicht.py", *sys.argv[1:]]),
        "cpus": os.cpu_count(),
    }
    RESULTS.mkdir(exist_ok=True)
    pad = RESULTS / f"werkplek-{started:%Y%m%d-%H%M}.json"
    pad.write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "werkplek-latest.md").write_text(_verslag(results, pad.name))
    print(f"resultaten: {pad.relative_to(ROOT)} en bench/results/werkplek-latest.md")


def _verslag(r: dict[str, Any], bestand: str) -> str:
    """The figures as the note shows them; the interpretation is written beside them by hand."""
    kop = "| | " + " | ".join(f["page"] for f in r["phases"]) + " |"
    regels = [
        f"# Werkplek: overzicht en caseload ({r['started_at']})",
        "",
        f"`{r['command']}` — {r['personen']} inburgeraars, open loop at {r['phases'][0]['rate_per_s']:.0f} req/s per "
        f"page, {r['phases'][0]['duration_s']} s measured after warm-up; raw figures in `{bestand}`.",
        "",
        f"Machine: {r['cpus']} cores. Load before: `{r['load_before']['uptime']}`;",
        f"after: `{r['load_after']['uptime']}`.",
        "",
        kop,
        "|" + "---|" * (len(r["phases"]) + 1),
        "| ok / errors | " + " | ".join(f"{f['ok']} / {f['errors']}" for f in r["phases"]) + " |",
    ]
    for k in ("p50_ms", "p95_ms", "p99_ms"):
        regels.append(
            f"| {k.replace('_ms', '')} (ms) | " + " | ".join(f"{f['latency_ms'][k]:.1f}" for f in r["phases"]) + " |"
        )
    for n in (*PROCESSEN, "generator", "stack_sum"):
        regels.append(
            f"| CPU ms/request {n} | " + " | ".join(f"{f['cpu_ms_per_request'][n]:.2f}" for f in r["phases"]) + " |"
        )
    regels.append(
        "| ceiling on 2 cores (req/s) | "
        + " | ".join(str(f["ceiling_req_per_s_on_2_cores"]) for f in r["phases"])
        + " |"
    )
    regels.append(
        "| machine busy % / others % of a core | "
        + " | ".join(
            f"{f['cpu_pct']['machine_busy_pct_of_all_cores']:.0f} / {f['cpu_pct']['others']:.0f}" for f in r["phases"]
        )
        + " |"
    )
    return "\n".join(regels) + "\n"


if __name__ == "__main__":
    main()
