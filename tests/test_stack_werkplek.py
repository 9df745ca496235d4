"""`make run`'s werkplek talks to the exchange over mutual TLS, as it runs: deploy/local/stack.py starts
inburgeraar-api, ketenuitwisseling and the werkplek (STACK_SERVICES: this part of the stack only) with its own settings
and development CA. The exchange is served under mutual TLS only; the werkplek presents the gemeente's certificate to
it (`WERKPLEK_BRONNEN_MTLS`). A move registered at inburgeraar-api becomes a dossier transfer at the exchange, and the
klantregisseur sees that transfer on the person's page of the werkplek: the werkplek got it through the TLS path,
where a client without a certificate gets no connection at all. Nothing here reaches in: only the ports, the command
line and the files `make run` makes. (The werkplek calls the four contexts in plain HTTP under `make run`.)

Beside any `make run` of the developer: its own data directory and free ports, as tests/test_stack_keten.py.
"""

from __future__ import annotations

import re
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from inburgering_kit.testing.stack import LokaleStack, lokale_stack

ROOT = Path(__file__).resolve().parents[1]
DEEL = ("inburgeraar-api", "ketenuitwisseling", "werkplek")
BSN = "999993677"
GEMEENTE, NIEUW = "0363", "0599"


@pytest.fixture(scope="module")
def stack() -> Iterator[LokaleStack]:
    with lokale_stack(ROOT, alleen=DEEL) as s:
        yield s


def _token(stack: LokaleStack, rol: str) -> str:
    """What `make token ROLE=<rol>` prints."""
    result = subprocess.run(
        [sys.executable, "deploy/local/stack.py", "token", "--role", rol, "--gemeente", GEMEENTE],
        cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def _keten(stack: LokaleStack) -> str:
    return f"https://127.0.0.1:{stack.port('ketenuitwisseling')}"


def _logs(stack: LokaleStack) -> str:
    paths = [stack.var / "log" / f"{name}.log" for name in ("werkplek", "ketenuitwisseling")]
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in paths if p.exists())


def test_the_exchange_the_werkplek_calls_refuses_a_client_without_a_certificate(stack: LokaleStack) -> None:
    zonder_certificaat = ssl.create_default_context(cafile=stack.var / "ca" / "ca.pem")
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{_keten(stack)}/health/ready", verify=zonder_certificaat, timeout=5)
    # Nor in plain HTTP on its port.
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{stack.port('ketenuitwisseling')}/health/ready", timeout=5)
    # The gemeente's certificate, which the werkplek presents, is let in.
    assert httpx.get(f"{_keten(stack)}/health/ready", verify=stack.gemeente(), timeout=5).status_code == 200


def test_the_klantregisseur_sees_the_exchanges_transfer_in_the_werkplek(stack: LokaleStack) -> None:
    regisseur = {"Authorization": f"Bearer {_token(stack, 'klantregisseur')}"}
    inburgeraar = f"http://127.0.0.1:{stack.port('inburgeraar-api')}/api/v1"
    response = httpx.post(
        f"{inburgeraar}/inburgeraars",
        json={"bsn": BSN, "doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01"},
        headers={**regisseur, "Idempotency-Key": str(uuid.uuid4())},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    inburgeraar_id = response.json()["id"]
    response = httpx.post(
        f"{inburgeraar}/inburgeraars/{inburgeraar_id}/verhuizingen",
        json={"naarGemeente": NIEUW, "verhuisdatum": "2026-09-01"},
        headers=regisseur,
        timeout=30,
    )
    assert response.status_code == 201, response.text

    with httpx.Client(base_url=f"http://127.0.0.1:{stack.port('werkplek')}", timeout=30) as werkplek:
        aanmelden = werkplek.get("/werkplek/aanmelden")
        csrf = re.search(r'name="csrf" value="([^"]+)"', aanmelden.text)
        assert csrf, aanmelden.text
        velden = {"csrf": csrf.group(1), "naam": "K. Regisseur", "rol": "klantregisseur", "gemeente": GEMEENTE}
        assert werkplek.post("/werkplek/aanmelden", data=velden).status_code == 303

        # The move reaches the exchange through inburgeraar-api's event; its transfer then shows on the page.
        deadline = time.monotonic() + 60
        while True:
            pagina = werkplek.get(f"/werkplek/inburgeraars/{inburgeraar_id}")
            assert pagina.status_code == 200, pagina.text
            if "Uitgaand (naar de nieuwe gemeente)" in pagina.text:
                break
            assert "Overdracht van het dossier: niet beschikbaar" not in pagina.text, _logs(stack)
            assert time.monotonic() < deadline, f"geen overdracht op de pagina\n{pagina.text[-3000:]}\n{_logs(stack)}"
            time.sleep(1)
    overdracht = pagina.text[pagina.text.index("<caption>Overdracht van het dossier</caption>") :]
    assert f"<td>{GEMEENTE}</td><td>{NIEUW}</td>" in overdracht.split("</table>")[0].replace("\n", "")
