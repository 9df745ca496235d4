"""The file channel: the national format's examples apply, malformed files are refused whole, every rejected row
is listed with its fields, accepted rows apply exactly once, and a large file streams through."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import event, text

from aanbieder_api import bestandsformaat
from aanbieder_api.services import aanleveringen as verwerking
from aanbieder_api.settings import Settings
from inburgering_kit.db import Database

if TYPE_CHECKING:
    from .conftest import Aanbieder, Omgeving

API = "/api/v1"
VOORBEELDEN = Path(__file__).resolve().parents[4] / "contracts" / "aanbieder-api" / "voorbeelden"
VOORBEELD_ID = "3f2b8a4e-6c1d-4e0f-9a7b-1c2d3e4f5a60"
KOP = "opdrachtId,soort,datum,periodeVan,periodeTot,urenAanwezig,urenAfwezigOngeoorloofd,redenLateStart"


async def lever_aan(
    client: httpx.AsyncClient, aanbieder: Aanbieder, inhoud: bytes, soort: str = "text/csv", key: str | None = None
) -> httpx.Response:
    headers = {**aanbieder.headers, "Content-Type": soort, "Idempotency-Key": key or f"bestand-{uuid.uuid4()}"}
    return await client.post(f"{API}/aanleveringen", content=inhoud, headers=headers)


async def verwerkt(client: httpx.AsyncClient, aanbieder: Aanbieder, locatie: str, within: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        r = await client.get(locatie.removeprefix("http://test"), headers=aanbieder.headers)
        assert r.status_code == 200, r.text
        if r.json()["status"] == "verwerkt":
            result: dict[str, Any] = r.json()
            return result
        await asyncio.sleep(0.1)
    raise AssertionError(f"aanlevering niet verwerkt binnen {within}s")


async def afwijzingen(client: httpx.AsyncClient, aanbieder: Aanbieder, aanlevering_id: str) -> dict[int, list[Any]]:
    r = await client.get(f"{API}/aanleveringen/{aanlevering_id}/afwijzingen?pageSize=100", headers=aanbieder.headers)
    return {a["regel"]: a["fouten"] for a in r.json()["resultaten"]}


async def tel(database: Database, sql: str) -> int:
    async with database.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


class TestVoorbeelden:
    @pytest.mark.parametrize(
        ("bestand", "soort", "regels"), [("voortgang.csv", "text/csv", 5), ("voortgang.json", "application/json", 4)]
    )
    async def test_the_published_examples_apply_in_full(
        self, client: httpx.AsyncClient, omgeving: Omgeving, bestand: str, soort: str, regels: int
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        inhoud = (VOORBEELDEN / bestand).read_bytes().replace(VOORBEELD_ID.encode(), opdracht["id"].encode())
        r = await lever_aan(client, aanbieder, inhoud, soort)
        assert r.status_code == 202, r.text
        assert r.json()["regelsTotaal"] == regels and r.json()["status"] == "ontvangen"
        klaar = await verwerkt(client, aanbieder, r.headers["location"])
        assert (klaar["geaccepteerd"], klaar["afgewezen"], klaar["overgeslagen"]) == (regels, 0, 0), klaar
        r = await client.get(f"{API}/opdrachten/{opdracht['id']}/meldingen", headers=omgeving.regisseur)
        assert r.json()["totalItems"] == regels
        assert {m["kanaal"] for m in r.json()["resultaten"]} == {"bestand"}
        assert {m["aanleveringId"] for m in r.json()["resultaten"]} == {klaar["id"]}


class TestPreciesEenmaal:
    async def test_the_same_file_again_is_the_same_aanlevering_and_changes_nothing(
        self, client: httpx.AsyncClient, omgeving: Omgeving, database: Database
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        inhoud = f"{KOP}\n{opdracht['id']},aanwezigheid,,2026-04-01,2026-04-30,40,2,\n".encode()
        eerste = await lever_aan(client, aanbieder, inhoud)
        await verwerkt(client, aanbieder, eerste.headers["location"])
        tweede = await lever_aan(client, aanbieder, inhoud)
        assert tweede.status_code == 200 and tweede.json()["id"] == eerste.json()["id"]
        assert tweede.headers["location"] == eerste.headers["location"]  # as the contract's 200 says
        assert await tel(database, "SELECT count(*) FROM melding") == 1
        assert await tel(database, "SELECT count(*) FROM aanlevering") == 1
        # The same rows in another file (a new hash): every row is skipped as already reported.
        derde = await lever_aan(client, aanbieder, inhoud + b"\n")
        klaar = await verwerkt(client, aanbieder, derde.headers["location"])
        assert (klaar["geaccepteerd"], klaar["overgeslagen"]) == (0, 1)
        r = await client.get(f"{API}/toegewezen-opdrachten/{opdracht['id']}", headers=aanbieder.headers)
        assert r.json()["stand"]["urenAanwezig"] == 40
        # The same Idempotency-Key with another file is refused.
        r = await lever_aan(client, aanbieder, inhoud + b"\n\n", key="vaste-sleutel-1")
        r = await lever_aan(client, aanbieder, inhoud + b"\n\n\n", key="vaste-sleutel-1")
        assert r.status_code == 422 and r.json()["code"] == "idempotency-key-hergebruikt"

    async def test_a_report_already_pushed_over_the_api_is_skipped_in_a_file(
        self, client: httpx.AsyncClient, omgeving: Omgeving, database: Database
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        r = await client.post(
            f"{API}/toegewezen-opdrachten/{opdracht['id']}/meldingen",
            json={
                "soort": "aanwezigheid",
                "periodeVan": "2026-04-01",
                "periodeTot": "2026-04-30",
                "urenAanwezig": 40,
                "urenAfwezigOngeoorloofd": 2,
            },
            headers={**aanbieder.headers, "Idempotency-Key": f"api-{uuid.uuid4()}"},
        )
        assert r.status_code == 201
        regels = f"{KOP}\n{opdracht['id']},aanwezigheid,,2026-04-01,2026-04-30,40,2,\n"
        regels += f"{opdracht['id']},aanwezigheid,,2026-05-01,2026-05-31,30,0,\n"
        r = await lever_aan(client, aanbieder, regels.encode())
        klaar = await verwerkt(client, aanbieder, r.headers["location"])
        assert (klaar["geaccepteerd"], klaar["overgeslagen"]) == (1, 1)
        r = await client.get(f"{API}/opdrachten/{opdracht['id']}/meldingen", headers=omgeving.regisseur)
        assert sorted(m["kanaal"] for m in r.json()["resultaten"]) == ["api", "bestand"]
        r = await client.get(f"{API}/toegewezen-opdrachten/{opdracht['id']}", headers=aanbieder.headers)
        assert r.json()["stand"]["urenAanwezig"] == 70

    async def test_duplicate_rows_in_one_file_apply_once(self, client: httpx.AsyncClient, omgeving: Omgeving) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        regel = f"{opdracht['id']},aanwezigheid,,2026-04-01,2026-04-30,40,2,"
        r = await lever_aan(client, aanbieder, f"{KOP}\n{regel}\n{regel}\n{regel}\n".encode())
        klaar = await verwerkt(client, aanbieder, r.headers["location"])
        assert (klaar["geaccepteerd"], klaar["overgeslagen"], klaar["afgewezen"]) == (1, 2, 0)
        r = await client.get(f"{API}/toegewezen-opdrachten/{opdracht['id']}", headers=aanbieder.headers)
        assert r.json()["stand"]["urenAanwezig"] == 40


class TestGeweigerdAlsGeheel:
    @pytest.mark.parametrize(
        ("inhoud", "soort", "foutcode"),
        [
            (b"", "text/csv", "bestand-leeg"),
            (b"  \n\r\n", "text/csv", "bestand-leeg"),
            (b"\xef\xbb\xbf" + KOP.encode() + b"\n", "text/csv", "bestand-leeg"),
            (b"opdrachtId,soort,bsn\n", "text/csv", "kopregel-ongeldig"),
            (b"opdrachtId,datum\nx,2026-01-01\n", "text/csv", "kopregel-ongeldig"),
            (b"opdrachtId,soort,soort\n", "text/csv", "kopregel-ongeldig"),
            (b"Dit is een brief, geen bestand.\n", "text/csv", "kopregel-ongeldig"),
            (KOP.encode() + b'\nx,start,"2026-01-01\n', "text/csv", "geen-csv"),
            (
                KOP.encode() + "\nx,start,2026-01-01,,,,,te laat ▒".encode("latin-1", errors="replace") + b"\xe9\n",
                "text/csv",
                "codering-ongeldig",
            ),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/csv", "codering-ongeldig"),
            (b"", "application/json", "bestand-leeg"),
            (b"[]", "application/json", "bestand-leeg"),
            (b'{"opdrachtId": "x"}', "application/json", "geen-json-array"),
            (b'[{"opdrachtId": "x", "soort": "start"}', "application/json", "geen-json"),
            (b'[{"a": 1}] [', "application/json", "geen-json"),
            (b'[{"a": 1},]', "application/json", "geen-json"),
        ],
    )
    async def test_a_malformed_file_is_a_422_and_nothing_is_stored(
        self,
        client: httpx.AsyncClient,
        omgeving: Omgeving,
        database: Database,
        inhoud: bytes,
        soort: str,
        foutcode: str,
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        r = await lever_aan(client, aanbieder, inhoud, soort)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["foutcode"] == foutcode, r.json()
        assert await tel(database, "SELECT count(*) FROM aanlevering") == 0

    async def test_an_unregistered_client_is_refused_before_the_file_is_stored(
        self, client: httpx.AsyncClient, omgeving: Omgeving, settings: Settings
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        await client.post(
            f"{API}/aanbieders/{aanbieder.id}/api-clients/{aanbieder.client_id}/_intrekken",
            headers=omgeving.contractmanager,
        )
        r = await lever_aan(client, aanbieder, f"{KOP}\n".encode() + b"x,start,2026-04-01,,,,,\n" * 1000)
        assert r.status_code == 403
        assert not any(settings.upload_dir.iterdir())

    async def test_another_media_type_is_415(self, client: httpx.AsyncClient, omgeving: Omgeving) -> None:
        aanbieder = await omgeving.aanbieder()
        for soort in ("text/plain", "application/vnd.ms-excel", "text/csv; charset=iso-8859-1"):
            r = await lever_aan(client, aanbieder, b"opdrachtId,soort\n", soort)
            assert r.status_code == 415, soort


class TestBegrensd:
    async def test_a_file_with_too_many_rows_that_are_no_report_is_refused_whole_with_their_reasons(
        self,
        client: httpx.AsyncClient,
        omgeving: Omgeving,
        database: Database,
        settings: Settings,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(settings, "upload_max_afgewezen", 3)
        aanbieder = await omgeving.aanbieder()
        eigen = (await omgeving.opdracht(aanbieder))["id"]
        regels = [f"{eigen},start,2026-04-01,,,,,", f"{eigen},vakantie,,,,,,", *(["x;y"] * 1000)]
        r = await lever_aan(client, aanbieder, ("\n".join([KOP, *regels]) + "\n").encode())
        assert r.status_code == 422, r.text
        assert r.json()["foutcode"] == "te-veel-afgewezen"
        assert [p["name"] for p in r.json()["invalidParams"]] == [
            "regels[3].soort",
            "regels[4].regel",
            "regels[5].regel",
        ]
        assert await tel(database, "SELECT count(*) FROM aanlevering") == 0
        assert await tel(database, "SELECT count(*) FROM aanlevering_afwijzing") == 0
        # Below the bound the file is taken, and its rows are rejected one by one as before.
        r = await lever_aan(client, aanbieder, ("\n".join([KOP, *regels[:3]]) + "\n").encode())
        assert r.status_code == 202, r.text
        klaar = await verwerkt(client, aanbieder, r.headers["location"])
        assert (klaar["geaccepteerd"], klaar["afgewezen"]) == (1, 2), klaar

    def test_the_largest_file_is_sized_from_the_format(self) -> None:
        grootste = Settings.model_fields["upload_max_bytes"].default
        assert grootste == bestandsformaat.REGELS_PER_BESTAND * bestandsformaat.BYTES_PER_REGEL
        assert grootste < 64 * 1024 * 1024


class TestPerRegel:
    async def test_every_rejected_row_is_listed_with_each_field_and_the_valid_rows_apply(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        a, b = await omgeving.aanbieder(), await omgeving.aanbieder()
        eigen = (await omgeving.opdracht(a))["id"]
        vreemd = (await omgeving.opdracht(b))["id"]
        regels = [
            f"{eigen},aanwezigheid,,2026-04-01,2026-04-30,40,0,",  # 2: fine
            "geen-id,aanwezigheid,,2026-04-01,2026-04-30,40,0,",  # 3: opdrachtId
            f"{eigen},vakantie,,,,,,",  # 4: soort
            f"{eigen},aanwezigheid,2026-04-01,2026-05-01,2026-05-31,-3,x,",  # 5: datum not of this soort, uren twice
            f"{vreemd},start,2026-04-01,,,,,",  # 6: another's opdracht
            f"{eigen},start,2026-04-20,,,,,",  # 7: late start without a reason
            f"{eigen},start",  # 8: too few cells
            f"{eigen},start,2026-04-20,,,,,in de wachtrij",  # 9: fine
        ]
        r = await lever_aan(client, a, ("\n".join([KOP, *regels]) + "\n").encode())
        klaar = await verwerkt(client, a, r.headers["location"])
        assert (klaar["geaccepteerd"], klaar["afgewezen"], klaar["regelsVerwerkt"]) == (2, 6, 9), klaar
        fouten = await afwijzingen(client, a, klaar["id"])
        assert sorted(fouten) == [3, 4, 5, 6, 7, 8]
        assert [f["name"] for f in fouten[3]] == ["opdrachtId"]
        assert [f["name"] for f in fouten[4]] == ["soort"]
        # The soorten a provider can send, as it sends them (not as Python names them).
        assert "'aanwezigheid'" in fouten[4][0]["reason"] and "Meldingsoort" not in fouten[4][0]["reason"]
        assert sorted(f["name"] for f in fouten[5]) == ["datum", "urenAanwezig", "urenAfwezigOngeoorloofd"]
        assert fouten[6] == [{"name": "opdrachtId", "code": "onbekend", "reason": "geen opdracht van deze aanbieder"}]
        assert [f["name"] for f in fouten[7]] == ["redenLateStart"]
        assert fouten[8][0]["code"] == "onleesbaar"
        r = await client.get(f"{API}/toegewezen-opdrachten/{eigen}", headers=a.headers)
        assert r.json()["stand"]["gerealiseerdeStartdatum"] == "2026-04-20"
        r = await client.get(f"{API}/toegewezen-opdrachten/{vreemd}", headers=b.headers)
        assert r.json()["stand"]["gerealiseerdeStartdatum"] is None

    async def test_json_rows_are_checked_the_same_way(self, client: httpx.AsyncClient, omgeving: Omgeving) -> None:
        a = await omgeving.aanbieder()
        eigen = (await omgeving.opdracht(a))["id"]
        rijen = [
            {"opdrachtId": eigen, "soort": "niveau", "datum": "2026-06-01", "niveau": "A2"},
            {"opdrachtId": eigen, "soort": "niveau", "datum": "2026-06-01", "niveau": "Z9"},
            "geen object",
            {
                "opdrachtId": eigen,
                "soort": "aanwezigheid",
                "periodeVan": "2026-04-01",
                "periodeTot": "2026-04-30",
                "urenAanwezig": 800,
            },
        ]
        r = await lever_aan(client, a, json.dumps(rijen).encode(), "application/json")
        klaar = await verwerkt(client, a, r.headers["location"])
        assert (klaar["geaccepteerd"], klaar["afgewezen"]) == (1, 3)
        fouten = await afwijzingen(client, a, klaar["id"])
        assert [f["name"] for f in fouten[2]] == ["niveau"] and fouten[3][0]["code"] == "onleesbaar"
        assert [f["name"] for f in fouten[4]] == ["urenAanwezig"]


class TestGrootBestand:
    """A large file is streamed in, applied in batches of `upload_batch` rows with a handful of statements each (never
    one per row), and every row exactly once. A few batches prove that as well as fifty: the 50,000-row file and its
    timing live in bench/aanbieder_voortgang.py (`--big-file-rows`)."""

    async def test_a_file_of_several_batches_streams_through_and_applies_once(
        self, client: httpx.AsyncClient, omgeving: Omgeving, database: Database, settings: Settings
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdrachten = [(await omgeving.opdracht(aanbieder))["id"] for _ in range(10)]
        dagen = 3 * settings.upload_batch // len(opdrachten) + 7  # three full batches and a partial one
        totaal = dagen * len(opdrachten)
        begin = date(2026, 4, 1)
        regels = [KOP]
        for dag in range(dagen):
            d = (begin + timedelta(days=dag)).isoformat()
            regels.extend(f"{o},aanwezigheid,,{d},{d},3.5,0.5," for o in opdrachten)
        inhoud = ("\n".join(regels) + "\n").encode()
        stukken = 0

        async def stroom() -> Any:
            nonlocal stukken
            for i in range(0, len(inhoud), 1 << 13):
                stukken += 1
                yield inhoud[i : i + (1 << 13)]

        # Statements of everything but this test's own task (its requests run in it): the upload worker's.
        test = asyncio.current_task()
        van_de_worker: list[str] = []

        def tel_statement(*args: Any) -> None:
            if asyncio.current_task() is not test:
                van_de_worker.append(args[2])

        event.listen(database.engine.sync_engine, "before_cursor_execute", tel_statement)
        try:
            headers = {**aanbieder.headers, "Content-Type": "text/csv", "Idempotency-Key": "groot-bestand-1"}
            r = await client.post(f"{API}/aanleveringen", content=stroom(), headers=headers)
            assert r.status_code == 202, r.text
            assert r.json()["regelsTotaal"] == totaal
            klaar = await verwerkt(client, aanbieder, r.headers["location"], within=300)
        finally:
            event.remove(database.engine.sync_engine, "before_cursor_execute", tel_statement)
        assert stukken > 20  # the body arrived as a stream, not as one piece
        assert (klaar["geaccepteerd"], klaar["afgewezen"], klaar["regelsVerwerkt"]) == (totaal, 0, totaal + 1)
        assert await tel(database, "SELECT count(*) FROM melding") == totaal
        # A statement per row would be thousands; per batch it is a handful (about seven when written).
        batches = -(-totaal // settings.upload_batch)
        assert batches == 4
        assert 0 < len(van_de_worker) <= 12 * batches, van_de_worker
        r = await client.get(f"{API}/toegewezen-opdrachten/{opdrachten[0]}", headers=aanbieder.headers)
        stand = r.json()["stand"]
        assert (stand["urenAanwezig"], stand["urenAfwezigOngeoorloofd"]) == (3.5 * dagen, 0.5 * dagen), stand


class TestHerstart:
    async def test_a_worker_that_fails_mid_file_resumes_after_the_last_committed_batch(
        self, client: httpx.AsyncClient, omgeving: Omgeving, database: Database, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdrachten = [(await omgeving.opdracht(aanbieder))["id"] for _ in range(5)]
        regels = [KOP]
        for dag in range(500):
            d = (date(2026, 4, 1) + timedelta(days=dag)).isoformat()
            regels.extend(f"{o},aanwezigheid,,{d},{d},2,0," for o in opdrachten)
        echt = verwerking._verwerk_batch
        mislukt: list[int] = []

        async def eenmaal_kapot(ctx: Any, aanlevering: Any, batch: list[Any], telling: Any) -> Any:
            # The second batch fails once, after the first one committed: as if the worker died there.
            if batch and batch[0].nummer > 1001 and not mislukt:
                mislukt.append(batch[0].nummer)
                raise RuntimeError("worker stopt midden in het bestand")
            return await echt(ctx, aanlevering, batch, telling)

        monkeypatch.setattr(verwerking, "_verwerk_batch", eenmaal_kapot)
        r = await lever_aan(client, aanbieder, ("\n".join(regels) + "\n").encode())
        klaar = await verwerkt(client, aanbieder, r.headers["location"])
        assert mislukt == [1002]
        assert (klaar["geaccepteerd"], klaar["afgewezen"], klaar["overgeslagen"]) == (2500, 0, 0)
        assert await tel(database, "SELECT count(*) FROM melding") == 2500
        r = await client.get(f"{API}/toegewezen-opdrachten/{opdrachten[0]}", headers=aanbieder.headers)
        assert r.json()["stand"]["urenAanwezig"] == 1000


class TestEerlijk:
    async def test_a_small_file_of_another_aanbieder_is_processed_before_a_big_file_is_finished(
        self,
        client: httpx.AsyncClient,
        omgeving: Omgeving,
        settings: Settings,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        a, b = await omgeving.aanbieder(), await omgeving.aanbieder()
        opdracht_a, opdracht_b = await omgeving.opdracht(a), await omgeving.opdracht(b)
        regels = [KOP]
        for dag in range(3000):
            d = (date(2026, 4, 1) + timedelta(days=dag)).isoformat()
            regels.append(f"{opdracht_a['id']},aanwezigheid,,{d},{d},2,0,")
        monkeypatch.setattr(settings, "upload_batch", 100)
        monkeypatch.setattr(settings, "upload_beurt_regels", 200)
        echt = verwerking._verwerk_batch

        async def traag(ctx: Any, aanlevering: Any, batch: list[Any], telling: Any) -> Any:
            # A's batches take long enough that B's upload arrives while A's file is being applied.
            if aanlevering.aanbieder_id == a.id:
                await asyncio.sleep(0.05)
            return await echt(ctx, aanlevering, batch, telling)

        monkeypatch.setattr(verwerking, "_verwerk_batch", traag)
        groot = await lever_aan(client, a, ("\n".join(regels) + "\n").encode())
        assert groot.status_code == 202, groot.text
        klein = await lever_aan(
            client, b, f"{KOP}\n{opdracht_b['id']},aanwezigheid,,2026-04-01,2026-04-30,4,0,\n".encode()
        )
        assert klein.status_code == 202, klein.text
        assert (await verwerkt(client, b, klein.headers["location"]))["geaccepteerd"] == 1
        r = await client.get(groot.headers["location"].removeprefix("http://test"), headers=a.headers)
        assert r.json()["status"] != "verwerkt" and r.json()["regelsVerwerkt"] < 3001, r.json()
        klaar = await verwerkt(client, a, groot.headers["location"])
        assert (klaar["geaccepteerd"], klaar["afgewezen"]) == (3000, 0)

    def test_a_round_of_turns_takes_the_oldest_upload_of_each_aanbieder(self) -> None:
        a, b = uuid.uuid4(), uuid.uuid4()
        a1, a2, b1 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        assert verwerking.om_de_beurt([(a1, a), (a2, a), (b1, b)]) == [a1, b1]
