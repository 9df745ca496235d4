"""The signal job over real PostgreSQL: exactly once per deadline, with replicas at once and after a restart;
moved deadlines get their own signals and the old ones lapse. And the worklist that resolves them."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from datetime import date
from typing import IO, TYPE_CHECKING, Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.outbox import EventPublisher
from inburgering_kit.testing.plugin import TokenFactory
from pip_api.scopes import PIP_LEZEN, PIP_SCHRIJVEN, ROLLEN, SIGNALEN_LEZEN
from pip_api.services.signalen import bewaak, signaleer
from pip_api.settings import Settings

if TYPE_CHECKING:
    from .conftest import InburgeraarApi

API = "/api/v1/pips"
WERKLIJST = "/api/v1/signalen"
# An asielmigrant's PIP of 2026-05-04: inburgeringstermijn, PVT and MAP end 2029-05-04, the route-switch
# window 2027-11-04, the voortgangsgesprekken period 2027-03-04. On 2029-04-10 the first three approach
# (30 days), the window has passed and, without any conversation, so has the 10-month norm.
DAG = date(2029, 4, 10)
PER_PIP = 5


def concept(inburgeraar_id: uuid.UUID) -> dict[str, Any]:
    return {
        "inburgeraarId": str(inburgeraar_id),
        "leerroute": "b1",
        "taalniveau": "B1",
        "intensiteit": "hoog",
        "klantregisseur": "k.de.vries",
    }


async def vastgesteld_pip(client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_id: uuid.UUID) -> str:
    response = await client.post(API, json=concept(inburgeraar_id), headers=auth)
    assert response.status_code == 201, response.text
    pip_id: str = response.json()["id"]
    body = {"dagtekening": "2026-05-04", "verzenddatum": "2026-05-05", "ingangsdatum": "2026-05-04"}
    response = await client.post(f"{API}/{pip_id}/_vaststellen", json=body, headers=auth)
    assert response.status_code == 200, response.text
    return pip_id


async def signalen(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT pip_id, soort, termijnsoort, einddatum, status, klantregisseur FROM signaal ORDER BY 1, 2, 3, 4"
            )
        )
        return [dict(row) for row in rows.mappings()]


async def termijn_events(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(text("SELECT event FROM outbox WHERE subject LIKE 'nl.inburgering.pip.termijn-%'"))
        return [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]


async def vervallen_events(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT event FROM outbox WHERE subject = 'nl.inburgering.pip.signaal-vervallen'")
        )
        return [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]


def replica_settings(settings: Settings, **extra: Any) -> Settings:
    # Small batches, so concurrent passes interleave over several transactions.
    return settings.model_copy(update={"signalen_batch": 2, **extra})


async def pass_in_replica(settings: Settings, publisher: EventPublisher, dag: date = DAG) -> None:
    """A pass as another process would run it: its own engine and connections."""
    database = Database(settings.database_url, pool_size=2)
    try:
        await signaleer(database, publisher, settings, dag=dag)
    finally:
        await database.dispose()


class TestEenmaalPerTermijn:
    async def test_twee_replicas_tegelijk_en_na_herstart(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        settings: Settings,
        database: Database,
    ) -> None:
        pips = [await vastgesteld_pip(client, auth, await inburgeraar_api.registreer()) for _ in range(5)]
        instellingen = replica_settings(settings)
        publisher: EventPublisher = app.state.publisher

        # Two replicas (and two more for good measure) run the same pass at the same moment.
        await asyncio.gather(*(pass_in_replica(instellingen, publisher) for _ in range(4)))
        rijen = await signalen(database)
        events = await termijn_events(database)
        assert len(rijen) == len(events) == len(pips) * PER_PIP
        assert len({e["data"]["signaalId"] for e in events}) == len(events)

        # "Restart": new processes with fresh engines run the pass again; nothing is signalled twice.
        await pass_in_replica(instellingen, publisher)
        await asyncio.gather(pass_in_replica(instellingen, publisher), pass_in_replica(instellingen, publisher))
        assert await signalen(database) == rijen
        assert len(await termijn_events(database)) == len(events)

        # The same deadlines, once they have passed, get their `verstreken` signal once each.
        later = date(2029, 5, 5)
        await asyncio.gather(*(pass_in_replica(instellingen, publisher, later) for _ in range(2)))
        events = await termijn_events(database)
        soorten = sorted(e["type"].rsplit(".", 1)[1] for e in events)
        # Per PIP: the window's and the conversations' earlier `verstreken`, and now the three that approached.
        assert soorten.count("termijn-verstreken") == len(pips) * PER_PIP
        assert soorten.count("termijn-nadert") == len(pips) * 3

    async def test_event_en_rij(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        settings: Settings,
        database: Database,
    ) -> None:
        pip_id = await vastgesteld_pip(client, auth, await inburgeraar_api.registreer())
        verslag = await signaleer(database, app.state.publisher, settings, dag=DAG)
        assert (verslag.pips, dict(verslag.nieuw)) == (1, {"nadert": 3, "verstreken": 2})
        rij = next(r for r in await signalen(database) if r["termijnsoort"] == "pvt")
        assert (str(rij["pip_id"]), rij["soort"], rij["einddatum"], rij["status"], rij["klantregisseur"]) == (
            pip_id,
            "nadert",
            date(2029, 5, 4),
            "open",
            "k.de.vries",
        )
        event = next(e for e in await termijn_events(database) if e["data"]["termijnsoort"] == "pvt")
        assert event["type"] == "nl.inburgering.pip.termijn-nadert"
        assert (event["subject"], event["gemeentecode"]) == (pip_id, "0363")
        assert event["data"]["einddatum"] == "2029-05-04"
        assert event["data"]["regel"] == "pvt-termijn"
        # the signal at its real URL (the API's prefix included), like the event of resolving it
        assert event["dataref"] == f"{settings.public_base_url}/api/v1/signalen/{event['data']['signaalId']}"


class TestVerschovenTermijn:
    async def test_duo_verlenging_geeft_nieuwe_signalen_en_oude_vervallen(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        settings: Settings,
        database: Database,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        pip_id = await vastgesteld_pip(client, auth, inburgeraar_id)
        await signaleer(database, app.state.publisher, settings, dag=DAG)

        # DUO extends the inburgeringstermijn by a year (Besluit inburgering 2021 art. 2.6); without a MAP date
        # of its own the MAP runs within it, so both deadlines move.
        await inburgeraar_api.publish(
            "plichtgegevens-ontvangen",
            inburgeraar_id,
            {
                "inburgeraarId": str(inburgeraar_id),
                "soort": "verlenging",
                "ingangsdatum": "2029-04-01",
                "termijn": "ibp",
                "einddatum": "2030-05-04",
            },
        )
        await inburgeraar_api.wacht_op(inburgeraar_id, lambda f: f["duo_termijn_eind_datum"] == date(2030, 5, 4))
        # Two replicas at once: each lapsed signal is closed, and announced, exactly once.
        instellingen = replica_settings(settings)
        await asyncio.gather(*(pass_in_replica(instellingen, app.state.publisher) for _ in range(2)))
        verslag = await signaleer(database, app.state.publisher, settings, dag=DAG)
        assert (verslag.vervallen, sum(verslag.nieuw.values())) == (0, 0)
        vervallen = await vervallen_events(database)
        assert sorted((e["data"]["termijnsoort"], e["data"]["einddatum"]) for e in vervallen) == [
            ("inburgeringstermijn", "2029-05-04"),
            ("map", "2029-05-04"),
        ]
        assert {(e["subject"], e["data"]["pipId"], e["data"]["soort"]) for e in vervallen} == {
            (pip_id, pip_id, "nadert")
        }
        status = {(r["termijnsoort"], r["einddatum"]): r["status"] for r in await signalen(database)}
        assert status[("inburgeringstermijn", date(2029, 5, 4))] == "vervallen"
        assert status[("map", date(2029, 5, 4))] == "vervallen"
        assert status[("pvt", date(2029, 5, 4))] == "open"

        verslag = await signaleer(database, app.state.publisher, settings, dag=date(2030, 4, 20))
        status3 = {(r["termijnsoort"], r["einddatum"], r["soort"]): r["status"] for r in await signalen(database)}
        assert status3[("inburgeringstermijn", date(2030, 5, 4), "nadert")] == "open"
        assert status3[("map", date(2030, 5, 4), "nadert")] == "open"
        assert status3[("pvt", date(2029, 5, 4), "verstreken")] == "open"

    async def test_beeindigd_pip_laat_open_signalen_vervallen(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        settings: Settings,
        database: Database,
    ) -> None:
        pip_id = await vastgesteld_pip(client, auth, await inburgeraar_api.registreer())
        await signaleer(database, app.state.publisher, settings, dag=DAG)
        response = await client.post(
            f"{API}/{pip_id}/_beeindigen", json={"datum": "2029-04-11", "reden": "overig"}, headers=auth
        )
        assert response.status_code == 200, response.text
        verslag = await signaleer(database, app.state.publisher, settings, dag=DAG)
        assert (verslag.pips, verslag.vervallen) == (0, PER_PIP)
        assert {r["status"] for r in await signalen(database)} == {"vervallen"}
        assert len(await vervallen_events(database)) == PER_PIP


class TestWerklijst:
    async def test_filteren_pagineren_afhandelen_en_tenancy(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
        settings: Settings,
        database: Database,
    ) -> None:
        pip_id = await vastgesteld_pip(client, auth, await inburgeraar_api.registreer())
        await signaleer(database, app.state.publisher, settings, dag=DAG)

        response = await client.get(WERKLIJST, headers=auth)
        assert response.status_code == 200, response.text
        pagina = response.json()
        assert pagina["totalItems"] == PER_PIP
        # Earliest deadline first: the 10-month conversations norm (2027-03-04) before the rest.
        eerste = pagina["resultaten"][0]
        assert (eerste["termijnsoort"], eerste["soort"], eerste["einddatum"], eerste["pipId"]) == (
            "voortgangsgesprekken",
            "verstreken",
            "2027-03-04",
            pip_id,
        )
        assert (eerste["status"], eerste["klantregisseur"], eerste["afgehandeldOp"]) == ("open", "k.de.vries", None)

        async def aantal(**params: str) -> int:
            response = await client.get(WERKLIJST, params=params, headers=auth)
            assert response.status_code == 200, response.text
            totaal: int = response.json()["totalItems"]
            return totaal

        assert await aantal(soort="nadert") == 3
        assert await aantal(soort="verstreken", termijnsoort="routewissel") == 1
        assert await aantal(termijnsoort="pvt", einddatumVanaf="2029-05-04", einddatumTot="2029-05-04") == 1
        assert await aantal(einddatumTot="2028-01-01") == 2
        assert await aantal(klantregisseur="k.de.vries") == PER_PIP
        assert await aantal(klantregisseur="iemand-anders") == 0
        response = await client.get(WERKLIJST, params={"pageSize": 3, "page": 2}, headers=auth)
        assert (response.json()["totalPages"], len(response.json()["resultaten"])) == (2, 2)

        # Another gemeente neither sees nor resolves it.
        andere = tokens.headers(*ROLLEN["klantregisseur"], gemeente="0599")
        assert (await client.get(WERKLIJST, headers=andere)).json()["totalItems"] == 0
        afhandelen = f"{WERKLIJST}/{eerste['id']}/_afhandelen"
        response = await client.post(afhandelen, json={"reden": "besproken"}, headers=andere)
        assert response.status_code == 404

        response = await client.post(
            afhandelen, json={"reden": "Gesprekken ingehaald; besproken met de inburgeraar."}, headers=auth
        )
        assert response.status_code == 200, response.text
        afgehandeld = response.json()
        assert afgehandeld["status"] == "afgehandeld"
        assert afgehandeld["afgehandeldReden"] == "Gesprekken ingehaald; besproken met de inburgeraar."
        assert afgehandeld["afgehandeldDoor"] == "tester"
        assert afgehandeld["afgehandeldDoorClient"]
        assert afgehandeld["afgehandeldOp"] is not None
        # One signal on its own reads back as resolved, with who and why; not for another gemeente.
        response = await client.get(f"{WERKLIJST}/{eerste['id']}", headers=auth)
        assert response.status_code == 200, response.text
        assert response.json() == afgehandeld
        assert (await client.get(f"{WERKLIJST}/{eerste['id']}", headers=andere)).status_code == 404
        assert (await client.get(f"{WERKLIJST}/{uuid.uuid4()}", headers=auth)).status_code == 404
        # Resolving is an event too (who and why stay at the source: the reason is free text).
        async with database.engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT event FROM outbox WHERE subject = 'nl.inburgering.pip.signaal-afgehandeld'")
            )
            events = [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]
        assert len(events) == 1
        assert (events[0]["subject"], events[0]["dataref"].rsplit("/", 2)[1:]) == (pip_id, ["signalen", eerste["id"]])
        assert events[0]["data"] == {
            "signaalId": eerste["id"],
            "pipId": pip_id,
            "inburgeraarId": afgehandeld["inburgeraarId"],
            "soort": "verstreken",
            "termijnsoort": "voortgangsgesprekken",
            "einddatum": "2027-03-04",
        }
        assert "Gesprekken ingehaald" not in json.dumps(events[0])
        assert await aantal() == PER_PIP - 1
        assert await aantal(status="afgehandeld") == 1

        # Once resolved it stays resolved, and the next pass does not raise it again.
        response = await client.post(afhandelen, json={"reden": "nogmaals"}, headers=auth)
        assert (response.status_code, response.json()["code"]) == (409, "signaal-niet-open")
        await signaleer(database, app.state.publisher, settings, dag=DAG)
        assert await aantal() == PER_PIP - 1

    async def test_de_werklijst_heeft_eigen_scopes(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        # A specialist reads the PIP but not the gemeente-wide worklist; reading it does not allow resolving.
        werk = tokens.headers(*ROLLEN["specialist-werk"])
        assert (await client.get(WERKLIJST, headers=werk)).status_code == 403
        assert (await client.get(f"{WERKLIJST}/{uuid.uuid4()}", headers=werk)).status_code == 403
        lezer = tokens.headers(SIGNALEN_LEZEN)
        assert (await client.get(WERKLIJST, headers=lezer)).status_code == 200
        assert (await client.get(f"{WERKLIJST}/{uuid.uuid4()}", headers=lezer)).status_code == 404
        response = await client.post(f"{WERKLIJST}/{uuid.uuid4()}/_afhandelen", json={"reden": "x"}, headers=lezer)
        assert response.status_code == 403
        # Deciding PIPs is another permission than working the list.
        plan = tokens.headers(PIP_LEZEN, PIP_SCHRIJVEN)
        assert (await client.get(WERKLIJST, headers=plan)).status_code == 403
        response = await client.post(f"{WERKLIJST}/{uuid.uuid4()}/_afhandelen", json={"reden": "x"}, headers=plan)
        assert response.status_code == 403


class TestSignaaljob:
    async def test_een_pass_bij_start_en_stopt_netjes(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        settings: Settings,
        database: Database,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer(doelgroep="gezinsmigrant", brp=date(2022, 1, 3))
        await _vastgesteld_verlopen(client, auth, inburgeraar_id)

        stop = asyncio.Event()
        taak = asyncio.create_task(bewaak(database, app.state.publisher, settings, stop))
        await _wacht_op_inburgeringstermijn(database)
        stop.set()
        await asyncio.wait_for(taak, timeout=5)

    async def test_twee_eigen_processen_naast_de_api_eenmaal_per_termijn_ook_na_herstart(
        self,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        settings: Settings,
        database: Database,
    ) -> None:
        # The deployment shape (deploy/services.toml `processes`): `python -m pip_api signalen-job` with the
        # service's environment variables, beside an API that runs no signal job itself; two replicas at once,
        # batches of one PIP so that their passes interleave, then a restart.
        for _ in range(4):
            inburgeraar_id = await inburgeraar_api.registreer(doelgroep="gezinsmigrant", brp=date(2022, 1, 3))
            await _vastgesteld_verlopen(client, auth, inburgeraar_id)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_API_")}
        env |= {
            "PIP_API_ENVIRONMENT": "test",
            "PIP_API_DATABASE_URL": settings.database_url,
            "PIP_API_NATS_URL": settings.nats_url,
            "PIP_API_AUTH__ISSUERS": json.dumps(settings.auth.issuers),
            "PIP_API_AUTH__AUDIENCE": settings.auth.audience,
            "PIP_API_AUTH__PUBLIC_KEY_FILE": str(settings.auth.public_key_file),
            "PIP_API_STREAM_NAME": settings.stream_name,
            "PIP_API_SIGNALEN_BATCH": "1",
        }

        async def run_jobs(aantal: int) -> None:
            jobs = [
                subprocess.Popen(  # noqa: ASYNC220 - child processes for the whole pass, not a blocking call
                    [sys.executable, "-m", "pip_api", "signalen-job"],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
                for _ in range(aantal)
            ]
            try:
                for job in jobs:
                    # Each logs its finished pass; then it waits for the next interval until told to stop.
                    assert job.stdout is not None
                    await asyncio.wait_for(
                        asyncio.to_thread(_lees_tot, job.stdout, b"inburgeraars zonder PIP"), timeout=30
                    )
            finally:
                for job in jobs:
                    job.send_signal(signal.SIGTERM)
                for job in jobs:
                    output, _ = await asyncio.to_thread(job.communicate, timeout=15)
                    assert job.returncode == 0, output.decode(errors="replace")

        await run_jobs(2)
        rijen = await signalen(database)
        events = await termijn_events(database)
        assert [r["termijnsoort"] for r in rijen].count("inburgeringstermijn") == 4
        # Exactly once per deadline: one row per natural key, and one event per row.
        sleutels = {(r["pip_id"], r["soort"], r["termijnsoort"], r["einddatum"]) for r in rijen}
        assert len(sleutels) == len(rijen) == len(events)
        assert len({e["data"]["signaalId"] for e in events}) == len(events)

        await run_jobs(1)
        assert await signalen(database) == rijen
        assert len(await termijn_events(database)) == len(events)


def _lees_tot(stream: IO[bytes], merk: bytes) -> None:
    for regel in iter(stream.readline, b""):
        if merk in regel:
            return
    raise AssertionError(f"{merk!r} niet in de uitvoer van de signaaljob")


async def _vastgesteld_verlopen(client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_id: uuid.UUID) -> None:
    """A gezinsmigrant registered in 2022: the inburgeringstermijn (from the BRP inschrijving) has passed today."""
    response = await client.post(API, json={**concept(inburgeraar_id), "intensiteit": None}, headers=auth)
    assert response.status_code == 201, response.text
    body = {"dagtekening": "2026-05-04", "verzenddatum": "2026-05-05", "ingangsdatum": "2026-05-04"}
    assert (await client.post(f"{API}/{response.json()['id']}/_vaststellen", json=body, headers=auth)).is_success


async def _wacht_op_inburgeringstermijn(database: Database, within_s: float = 15) -> None:
    for _ in range(int(within_s / 0.05)):
        if any(r["termijnsoort"] == "inburgeringstermijn" for r in await signalen(database)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"de signaaljob signaleerde niet binnen {within_s} s")
