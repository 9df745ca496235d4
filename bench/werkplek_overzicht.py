"""Bench of the werkplek: the person overview and the caseload pages, as a klantregisseur's browser asks for them.

Issue 14 targets on this 2-core machine: person overview p95 < 150 ms at 20 req/s with all services (the werkplek
asks inburgeraar-, pip-, aanbieder- and handhaving-api in parallel, in three rounds: person, plicht, intake, PIPs,
signals and enforcement; then versions and opdrachten; then each opdracht's attendance); a caseload of 2,000
persons p95 < 200 ms (a page of 20, each with its PIP, and the open signals).

Starts the whole local stack as `make run` does (deploy/local/stack.py: embedded PostgreSQL and NATS in a temporary
folder, every service with its relay and jobs, the werkplek), on shifted ports so it can run beside `make run`.
Seeds through the APIs: 2,000 inburgeraars of one klantregisseur, and for the one whose overview is measured a
vastgesteld PIP, an opdracht to a taalschool with two attendance reports and the signals of pip-api's job. Signs in
to the werkplek with its development sign-in, then measures each page open loop (timed from the scheduled send, no
coordinated omission) at 20 req/s after a warm-up. Zero errors expected.

    .venv/bin/python bench/werkplek_overzicht.py            # ~2 minutes
    .venv/bin/python bench/werkplek_overzicht.py --quick    # shorter phases

Results: a table on stdout and bench/results/werkplek-overzicht-<YYYYMMDD-HHMM>.json.
"""

from __future__ import annotations

import argparse
import asyncio
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

from inburgering_kit.auth import mint_token
from inburgering_kit.bsn import is_valid_bsn
from inburgering_kit.embedded import free_port
from inburgering_kit.registry import load_services

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import make_client, open_loop, summarize_ms

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


async def _meet(werkplek: int, cookie: str, pad: str, rate: float, warm_s: float, duur_s: float) -> dict[str, Any]:
    client = make_client("httpx", "127.0.0.1", werkplek, {"Cookie": cookie}, 64)
    try:
        await open_loop(client, rate=rate, duration_s=warm_s, make=lambda _: ("GET", pad, None))
        uitkomst = await open_loop(client, rate=rate, duration_s=duur_s, make=lambda _: ("GET", pad, None))
    finally:
        await client.aclose()
    return {
        "path": pad.split("/")[2],
        "rate_per_s": rate,
        "ok": uitkomst.ok,
        "errors": uitkomst.errors,
        "error_samples": uitkomst.error_samples,
        **summarize_ms(uitkomst.latencies_s),
    }


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
        deadline = time.monotonic() + 180
        while not all(_ready(p) for p in poorten.values()):
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
        fasen = [
            asyncio.run(_meet(werkplek, cookie, f"/werkplek/inburgeraars/{persoon}", args.rate, warm_s, duur_s)),
            asyncio.run(_meet(werkplek, cookie, "/werkplek/caseload", args.rate, warm_s, duur_s)),
        ]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
    for f in fasen:
        print(
            f"  {f['path']:<14} {f['rate_per_s']:.0f}/s  ok {f['ok']:>4}  fouten {f['errors']}  "
            f"p50 {f['p50_ms']:6.1f} ms  p95 {f['p95_ms']:6.1f} ms  p99 {f['p99_ms']:6.1f} ms"
        )
    results = {
        "benchmark": "werkplek-overzicht",
        "personen": args.personen,
        "quick": args.quick,
        "phases": fasen,
        "started_at": started.isoformat(timespec="seconds"),
        "command": " ".join(["bench/werkplek_overzicht.py", *sys.argv[1:]]),
        "cpus": os.cpu_count(),
    }
    RESULTS.mkdir(exist_ok=True)
    pad = RESULTS / f"werkplek-overzicht-{started:%Y%m%d-%H%M}.json"
    pad.write_text(json.dumps(results, indent=2) + "\n")
    print(f"resultaten: {pad.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
