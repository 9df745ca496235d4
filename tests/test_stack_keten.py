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
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from inburgering_kit.testing.stack import LokaleStack, lokale_stack

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
class Keten:
    """The running part of the stack, as a developer reaches it: ports, the command line, the gemeente's certificate."""

    stack: LokaleStack

    def url(self, service: str) -> str:
        mtls = next(s for s in self.stack.services if s.name == service).mtls_certificaat is not None
        return f"{'https' if mtls else 'http'}://127.0.0.1:{self.stack.port(service)}/api/v1"

    def command(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "deploy/local/stack.py", *args],
            cwd=ROOT,
            env=self.stack.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip()

    def client(self, service: str, token: str) -> httpx.Client:
        url = self.url(service)
        verify: ssl.SSLContext | bool = self.stack.gemeente() if url.startswith("https") else True
        return httpx.Client(base_url=url, verify=verify, timeout=30, headers={"Authorization": f"Bearer {token}"})

    def logs(self, *names: str) -> str:
        paths = [self.stack.var / "log" / f"{name}.log" for name in names]
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in paths if p.exists())


@pytest.fixture(scope="module")
def keten() -> Iterator[Keten]:
    with lokale_stack(ROOT, alleen=DEEL) as stack:
        yield Keten(stack)


def _binnen(what: str, check: Callable[[], Any], keten: Keten, within: float = 120) -> Any:
    """`check()`'s answer once it is truthy; the logs of the exchange and DUO when it never is."""
    deadline = time.monotonic() + within
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            logs = keten.logs("ketenuitwisseling", "ketenuitwisseling-keten-worker", "duo-standin")
            raise AssertionError(f"niet binnen {within:.0f} s: {what}\n{logs}")
        time.sleep(1)


class TestKetenOnderMakeRun:
    def test_the_exchange_is_served_over_mutual_tls_only(self, keten: Keten) -> None:
        assert keten.url("ketenuitwisseling").startswith("https://")
        zonder_certificaat = ssl.create_default_context(cafile=keten.stack.var / "ca" / "ca.pem")
        with pytest.raises(httpx.TransportError):
            httpx.get(
                f"https://127.0.0.1:{keten.stack.port('ketenuitwisseling')}/health/ready",
                verify=zonder_certificaat,
                timeout=5,
            )

    def test_a_duo_fact_reaches_inburgeraar_api_and_its_report_reaches_duo(self, keten: Keten) -> None:
        regisseur = keten.command("token", "--role", "klantregisseur", "--gemeente", GEMEENTE)
        with keten.client("inburgeraar-api", regisseur) as inburgeraar:
            response = inburgeraar.post(
                "/inburgeraars",
                json={"bsn": BSN, "doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01"},
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
            assert response.status_code == 201, response.text
            inburgeraar_id = response.json()["id"]

            # What `make standin STANDIN=duo-standin ARGS="speel ..."` runs.
            keten.command("standin", "duo-standin", "speel", "plicht-vastgesteld", "--gemeente", GEMEENTE,
                          "--bsn", BSN, "--gegevens", json.dumps(PLICHT))  # fmt: skip

            def plicht() -> dict[str, Any] | None:
                response = inburgeraar.get(f"/inburgeraars/{inburgeraar_id}/plicht")
                return response.json() if response.status_code == 200 and "2029-03-01" in response.text else None

            _binnen("de plicht van DUO in inburgeraar-api", plicht, keten)

        keten.command("standin", "duo-standin", "speel", "certificaat", "--gemeente", GEMEENTE, "--bsn", BSN,
                      "--gegevens", json.dumps({"certificaatdatum": "2027-02-01"}))  # fmt: skip
        beheer = keten.command("token", "--role", "ketenpartner-beheer", "--gemeente", "")
        with keten.client("duo-standin", beheer) as duo:

            def rapport_p() -> dict[str, Any] | None:
                response = duo.get("/beheer/rapportages", params={"gemeentecode": GEMEENTE, "pageSize": 100})
                assert response.status_code == 200, response.text
                return next((r for r in response.json()["resultaten"] if r["item"] == "p" and r["bsn"] == BSN), None)

            rapport = _binnen("rapportage p bij DUO", rapport_p, keten)
        assert rapport["gegevens"] == {"ontvangen": True, "datum": "2027-02-01"}
