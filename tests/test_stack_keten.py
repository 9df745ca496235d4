"""`make run`'s wiring of the exchange to the chain partners' stand-ins, as it runs: deploy/local/stack.py starts
inburgeraar-api, ketenuitwisseling and both stand-ins (STACK_SERVICES: this part of the stack only) with its settings
from deploy/services.toml and its development CA. A DUO move played with `make standin`'s command is notified to the
exchange over mutual TLS, fetched by it over mutual TLS and handed to inburgeraar-api; the certificate it gives
becomes report p, which the exchange delivers to DUO over mutual TLS. Nothing here reaches in: only the ports, the
command line and the files `make run` makes.

Beside any `make run` of the developer: its own data directory and free ports, as tests/test_readme_walkthrough.py.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from inburgering_kit.embedded import free_port
from inburgering_kit.registry import ServiceEntry, load_services

ROOT = Path(__file__).resolve().parents[1]
DEEL = ("inburgeraar-api", "ketenuitwisseling", "duo-standin", "coa-standin")
BSN = "999993653"
GEMEENTE = "0363"
PLICHT = {
    "doelgroep": "asielmigrant",
    "startdatum": "2026-03-01",
    "termijnInburgering": "2029-03-01",
    "termijnPvt": "2027-03-01",
    "termijnMap": "2027-03-01",
}


@dataclass
class Stack:
    env: dict[str, str]
    var: Path
    poorten: dict[str, int]

    def url(self, service: str) -> str:
        scheme = "https" if self.mtls(service) else "http"
        return f"{scheme}://127.0.0.1:{self.poorten[service]}/api/v1"

    def mtls(self, service: str) -> bool:
        return next(s for s in load_services(ROOT) if s.name == service).mtls_certificaat is not None

    def gemeente(self) -> ssl.SSLContext:
        """What a developer's curl presents: the gemeente's certificate, trusting only the development CA."""
        context = ssl.create_default_context(cafile=self.var / "ca" / "ca.pem")
        context.load_cert_chain(self.var / "ca" / "gemeente.pem", self.var / "ca" / "gemeente-key.pem")
        return context

    def command(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "deploy/local/stack.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip()

    def client(self, service: str, token: str) -> httpx.Client:
        verify: ssl.SSLContext | bool = self.gemeente() if self.mtls(service) else True
        return httpx.Client(
            base_url=self.url(service), verify=verify, timeout=30, headers={"Authorization": f"Bearer {token}"}
        )


def _ready(stack: Stack, service: ServiceEntry) -> bool:
    try:
        verify: ssl.SSLContext | bool = stack.gemeente() if service.mtls_certificaat else True
        url = stack.url(service.name).removesuffix("/api/v1") + "/health/ready"
        return httpx.get(url, verify=verify, timeout=2).status_code == 200
    except (httpx.HTTPError, OSError):
        return False


def _free_offset(ports: list[int]) -> int:
    def free(port: int) -> bool:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
            return True

    for offset in range(1500, 20000, 89):
        if all(free(p + offset) for p in ports):
            return offset
    raise RuntimeError("geen vrije poorten voor de stack")


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    services = load_services(ROOT)
    offset = _free_offset([s.port for s in services])
    # Not under pytest's base temp (see tests/test_readme_walkthrough.py: the embedded PostgreSQL's data directory).
    var = Path(tempfile.mkdtemp(prefix="inburgering-keten-"))
    env = {
        **os.environ,
        "STACK_VAR": str(var),
        "STACK_PORT_OFFSET": str(offset),
        "STACK_POSTGRES_PORT": str(free_port()),
        "STACK_NATS_PORT": str(free_port()),
        "STACK_SERVICES": ",".join(DEEL),
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("STACK_POSTGRES_URL", "STACK_NATS_URL"):
        env.pop(name, None)
    result = Stack(env, var, {s.name: s.port + offset for s in services})
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
        deadline = time.monotonic() + 300
        while not all(_ready(result, s) for s in services if s.name in DEEL):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("stack niet gestart:\n" + _logs(var, "stack", *DEEL))
            time.sleep(0.5)
        yield result
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        shutil.rmtree(var, ignore_errors=True)


def _logs(var: Path, *names: str) -> str:
    paths = [var / "stack.log" if name == "stack" else var / "log" / f"{name}.log" for name in names]
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in paths if p.exists())


def _binnen(what: str, check: Callable[[], Any], stack: Stack, within: float = 120) -> Any:
    """`check()`'s answer once it is truthy; the logs of the exchange and DUO when it never is."""
    deadline = time.monotonic() + within
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            logs = _logs(stack.var, "ketenuitwisseling", "ketenuitwisseling-keten-worker", "duo-standin")
            raise AssertionError(f"niet binnen {within:.0f} s: {what}\n{logs}")
        time.sleep(1)


class TestKetenOnderMakeRun:
    def test_the_exchange_is_served_over_mutual_tls_only(self, stack: Stack) -> None:
        assert stack.url("ketenuitwisseling").startswith("https://")
        zonder_certificaat = ssl.create_default_context(cafile=stack.var / "ca" / "ca.pem")
        with pytest.raises(httpx.TransportError):
            httpx.get(
                f"https://127.0.0.1:{stack.poorten['ketenuitwisseling']}/health/ready",
                verify=zonder_certificaat,
                timeout=5,
            )

    def test_a_duo_fact_reaches_inburgeraar_api_and_its_report_reaches_duo(self, stack: Stack) -> None:
        regisseur = stack.command("token", "--role", "klantregisseur", "--gemeente", GEMEENTE)
        with stack.client("inburgeraar-api", regisseur) as inburgeraar:
            response = inburgeraar.post(
                "/inburgeraars",
                json={"bsn": BSN, "doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01"},
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
            assert response.status_code == 201, response.text
            inburgeraar_id = response.json()["id"]

            # What `make standin STANDIN=duo-standin ARGS="speel ..."` runs.
            stack.command("standin", "duo-standin", "speel", "plicht-vastgesteld", "--gemeente", GEMEENTE,
                          "--bsn", BSN, "--gegevens", json.dumps(PLICHT))  # fmt: skip

            def plicht() -> dict[str, Any] | None:
                response = inburgeraar.get(f"/inburgeraars/{inburgeraar_id}/plicht")
                return response.json() if response.status_code == 200 and "2029-03-01" in response.text else None

            _binnen("de plicht van DUO in inburgeraar-api", plicht, stack)

        stack.command("standin", "duo-standin", "speel", "certificaat", "--gemeente", GEMEENTE, "--bsn", BSN,
                      "--gegevens", json.dumps({"certificaatdatum": "2027-02-01"}))  # fmt: skip
        beheer = stack.command("token", "--role", "ketenpartner-beheer", "--gemeente", "")
        with stack.client("duo-standin", beheer) as duo:

            def rapport_p() -> dict[str, Any] | None:
                response = duo.get("/beheer/rapportages", params={"gemeentecode": GEMEENTE, "pageSize": 100})
                assert response.status_code == 200, response.text
                return next((r for r in response.json()["resultaten"] if r["item"] == "p" and r["bsn"] == BSN), None)

            rapport = _binnen("rapportage p bij DUO", rapport_p, stack)
        assert rapport["gegevens"] == {"ontvangen": True, "datum": "2027-02-01"}
