"""The exchange's worker killed mid-send (issue 13, fault tests): `python -m ketenuitwisseling keten-worker` runs as its
own process, as deployed, and delivers a queue of reports to the DUO stand-in while DUO answers slowly, so calls are in
flight; it is killed with SIGKILL (no shutdown, no cleanup), started again, and every report arrives at DUO exactly
once and none is lost.

"Exactly once" is counted at DUO's door: every PUT of a report is seen (a counting wrapper around the stand-in), the
first of each rapportId answered 201 and stored, any resend of the same report answered 200 and not stored again. So
the proof is: 201s == distinct rapportIds == reports queued == rows at DUO, and every queued report `ontvangen` in the
exchange. The resends (200) show the kill did hit reports DUO had taken in but the worker had not yet recorded.

DUO stand-in and inburgeraar-api (where the worker fetches the BSN at sending) run under real uvicorns in this process;
the worker is a separate process on a real PostgreSQL database of its own. The reports are queued in the exchange's
table as its consumers queue them from the contexts' events (that path is `tests/test_flow_keten.py`'s).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from duo_standin.main import create_app as create_duo_app
from duo_standin.settings import Settings as DuoSettings
from inburgeraar_api import scopes as inburgeraar_scopes
from inburgeraar_api.main import create_app as create_inburgeraar_app
from inburgeraar_api.settings import Settings as InburgeraarSettings
from inburgering_kit.auth import AuthSettings
from inburgering_kit.db import Database
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory
from inburgering_kit.testing.waiting import eventually
from ketenuitwisseling.repository import RapportageRepository

ROOT = Path(__file__).resolve().parents[1]
GEMEENTE = "0363"
PERSONEN = 30
TRAAG_SECONDEN = 0.4


class Teller:
    """ASGI wrapper around DUO: per rapportId, the status of every PUT it answered."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.antwoorden: list[tuple[str, int]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "PUT" or "/rapportages/" not in scope["path"]:
            await self.app(scope, receive, send)
            return
        rapport_id = scope["path"].rsplit("/", 1)[1]

        async def tel(message: Any) -> None:
            if message["type"] == "http.response.start":
                self.antwoorden.append((rapport_id, message["status"]))
            await send(message)

        await self.app(scope, receive, tel)


def _bsns() -> Iterator[str]:
    """Valid BSNs (11-proef) of a range no other test uses."""
    for prefix in itertools.count(77_310_000):
        digits = f"{prefix:08d}"
        check = sum(w * int(d) for w, d in zip((9, 8, 7, 6, 5, 4, 3, 2), digits, strict=True)) % 11
        if check <= 9:
            yield digits + str(check)


def _gemeen(infra: Infra, tokens: TokenFactory, service: str) -> dict[str, Any]:
    return {
        "environment": "test",
        "database_url": infra.migrated_database(
            f"test_keten_kill_{service.replace('-', '_')}", ROOT / "services" / service / "migrations"
        ),
        "nats_url": "",
        "public_base_url": f"http://{service}.test",
        "auth": AuthSettings(issuers=[TEST_ISSUER], audience=TEST_AUDIENCE, public_key_file=tokens.public_key),
        "run_relay": False,
    }


def _items(pip_id: str) -> dict[str, dict[str, Any]]:
    """Five reports per person, the items this change added among them."""
    return {
        "b": {"pipId": pip_id, "vastgesteldOp": "2026-12-04"},
        "f": {"onderdeel": "map", "uitersteDatum": "2027-07-30", "bijgesteld": True},
        "i": {"onderdeel": "map", "redenen": ["ziekte"]},
        "j": {"onderdeel": "map", "verwijtbaar": False},
        "q": {"verzoekdatum": "2027-08-09", "omstandigheden": ["gezondheid"]},
    }


class Worker:
    """`python -m ketenuitwisseling keten-worker`; `kill()` is a kill -9 of this process only."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "ketenuitwisseling", "keten-worker"], env=self.env, stdout=out,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip

    def kill(self) -> None:
        assert self.proc is not None and self.proc.poll() is None, self.tail()
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:]) if self.log.exists() else ""


async def _statussen(database: Database) -> Counter[str]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(text("SELECT status, count(*) FROM rapportage GROUP BY status"))
        return Counter({r[0]: int(r[1]) for r in rows})


class Omgeving:
    def __init__(self, infra: Infra, tokens: TokenFactory) -> None:
        self.keten_url = infra.migrated_database(
            "test_keten_kill_ketenuitwisseling", ROOT / "services" / "ketenuitwisseling" / "migrations"
        )
        self.duo = DuoSettings(**_gemeen(infra, tokens, "duo-standin"), traag_seconden=TRAAG_SECONDEN)
        self.inburgeraar = InburgeraarSettings(**_gemeen(infra, tokens, "inburgeraar-api"))


@pytest.fixture
def omgeving(infra: Infra, tokens: TokenFactory) -> Omgeving:
    # Databases are made and migrated outside the test's event loop (the kit runs its own loop for that).
    return Omgeving(infra, tokens)


async def test_worker_gedood_tijdens_verzenden_elke_rapportage_eenmaal_bij_duo(
    omgeving: Omgeving, tokens: TokenFactory, tmp_path: Path
) -> None:
    keten_url = omgeving.keten_url
    duo = Teller(create_duo_app(omgeving.duo))
    inburgeraar_app = create_inburgeraar_app(omgeving.inburgeraar)
    database = Database(keten_url, pool_size=2)
    worker: Worker | None = None
    with live_server(duo) as duo_url, live_server(inburgeraar_app) as inburgeraar_url:  # type: ignore[arg-type]
        try:
            # The persons, with their BSN at the source; the exchange keeps only their ids.
            ik = tokens.headers(*inburgeraar_scopes.ROLLEN["klantregisseur"], gemeente=GEMEENTE)
            ids: list[str] = []
            async with httpx.AsyncClient(base_url=inburgeraar_url) as client:
                for bsn in itertools.islice(_bsns(), PERSONEN):
                    body = {"bsn": bsn, "doelgroep": "asielmigrant", "datumKoppeling": "2026-11-02"}
                    response = await client.post("/api/v1/inburgeraars", json=body, headers=ik)
                    assert response.status_code == 201, response.text
                    ids.append(response.json()["id"])
            rows = [
                {
                    "id": uuid.uuid4(),
                    "gemeente_code": GEMEENTE,
                    "inburgeraar_id": uuid.UUID(persoon),
                    "item": item,
                    "gegevens": gegevens,
                    "bron_event_id": str(uuid.uuid4()),
                    "bron_event_type": "nl.inburgering.test",
                }
                for persoon in ids
                for item, gegevens in _items(str(uuid.uuid4())).items()
            ]
            async with database.unit_of_work() as uow:
                assert await RapportageRepository(uow.session).voeg_toe(rows) == len(rows)
                await uow.commit()
            verwacht = {str(r["id"]) for r in rows}

            # DUO answers every call after a while: the worker has several reports in flight at any moment.
            async with httpx.AsyncClient(base_url=duo_url) as client:
                beheer = tokens.headers("beheer", gemeente=None, client_id="scenario")
                storing: dict[str, Any] = {"modus": "traag", "dubbeleMeldingen": False, "omgekeerdeVolgorde": False}
                response = await client.put("/api/v1/beheer/storingen", json=storing, headers=beheer)
                assert response.status_code == 200, response.text

            prefix = "KETENUITWISSELING_"
            env = {k: v for k, v in os.environ.items() if not k.startswith(prefix)} | {
                f"{prefix}{k}": v
                for k, v in {
                    "ENVIRONMENT": "test", "DATABASE_URL": keten_url, "NATS_URL": "",
                    "AUTH__ISSUERS": f'["{TEST_ISSUER}"]', "AUTH__AUDIENCE": TEST_AUDIENCE,
                    "AUTH__PUBLIC_KEY_FILE": str(tokens.public_key),
                    "DUO_URL": f"{duo_url}/api/v1", "INBURGERAAR_API_URL": f"{inburgeraar_url}/api/v1",
                    "TOKEN_PRIVATE_KEY_FILE": str(tokens.private_key), "TOKEN_ISSUER": TEST_ISSUER,
                    "TOKEN_AUDIENCE_PARTNERS": TEST_AUDIENCE, "TOKEN_AUDIENCE_INTERN": TEST_AUDIENCE,
                    "ABONNEREN": "false", "GEMEENTEN": "[]", "CLAIM_SECONDEN": "5",
                    "WORKER_INTERVAL_SECONDEN": "0.2",
                }.items()
            }  # fmt: skip
            worker = Worker(env, tmp_path / "keten-worker.log")
            worker.start()

            # Killed once a good part has arrived and the rest is still to go (or on its way).
            async def halverwege() -> bool:
                assert worker is not None and worker.proc is not None and worker.proc.poll() is None, worker.tail()
                return len({r for r, s in duo.antwoorden if s == 201}) >= len(rows) // 3

            await eventually(halverwege, within=120, what="een derde van de rapportages bij DUO")
            voor_kill = len(duo.antwoorden)
            worker.kill()
            bij_kill = len({r for r, s in duo.antwoorden if s == 201})
            assert bij_kill < len(rows), "alles was al bezorgd: de kill viel niet midden in het verzenden"
            # DUO finishes what the dead worker had sent (slowly), to nobody.
            await asyncio.sleep(1.0 + 2 * TRAAG_SECONDEN)
            na_kill = len(duo.antwoorden)
            worker.start()

            async def alles_ontvangen() -> bool:
                assert worker is not None and worker.proc is not None and worker.proc.poll() is None, worker.tail()
                return (await _statussen(database))["ontvangen"] == len(rows)

            await eventually(alles_ontvangen, within=180, what="elke rapportage ontvangen na de herstart")
        finally:
            if worker is not None:
                worker.stop()
            await database.dispose()

        async with httpx.AsyncClient(base_url=duo_url) as client:
            response = await client.get(
                "/api/v1/beheer/rapportages",
                params={"gemeentecode": GEMEENTE, "pageSize": 100},
                headers=tokens.headers("beheer", gemeente=None, client_id="scenario"),
            )
        assert response.status_code == 200, response.text
        bij_duo_totaal = response.json()["totalItems"]

    eerste = [r for r, s in duo.antwoorden if s == 201]
    herhaald = [r for r, s in duo.antwoorden if s == 200]
    afgebroken = [(r, s) for r, s in duo.antwoorden[voor_kill:na_kill] if s not in {200, 201}]
    anders = [(r, s) for r, s in duo.antwoorden[:voor_kill] + duo.antwoorden[na_kill:] if s not in {200, 201}]
    # Exactly once: each report stored once at DUO, under the id the exchange gave it; none missing, none extra.
    assert len(eerste) == len(set(eerste)) == len(rows) == bij_duo_totaal
    assert set(eerste) == verwacht
    # The kill hit reports in flight: DUO had taken them in, the worker had not recorded it, so they went again.
    assert herhaald and set(herhaald) <= verwacht
    # A call the kill cut off halfway through its body is refused by DUO (400, incomplete), stored nowhere, and sent
    # again whole; no other answer but 201 and 200, before the kill or after the restart.
    assert all(s == 400 and r in verwacht for r, s in afgebroken), afgebroken
    assert anders == [], anders
