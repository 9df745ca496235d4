"""Progress over the real-time API: the stand it builds, Idempotency-Key, reports that are the same, and events."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import text

from aanbieder_api.repository.push import Pushbeeld, PushRepository
from inburgering_kit.context import RequestContext
from inburgering_kit.db import Database

if TYPE_CHECKING:
    from .conftest import Aanbieder, Omgeving

API = "/api/v1"
AANWEZIG = {
    "soort": "aanwezigheid",
    "periodeVan": "2026-04-01",
    "periodeTot": "2026-04-30",
    "urenAanwezig": 40.5,
    "urenAfwezigGeoorloofd": 4,
    "urenAfwezigOngeoorloofd": 2,
}


def sleutel() -> dict[str, str]:
    return {"Idempotency-Key": f"test-{uuid.uuid4()}"}


async def meld(
    client: httpx.AsyncClient, aanbieder: Aanbieder, opdracht_id: str, body: dict[str, Any], key: str | None = None
) -> httpx.Response:
    headers = {**aanbieder.headers, "Idempotency-Key": key or f"test-{uuid.uuid4()}"}
    return await client.post(f"{API}/toegewezen-opdrachten/{opdracht_id}/meldingen", json=body, headers=headers)


async def outbox(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT event FROM outbox ORDER BY seq"))).scalars().all()
    return [dict(r) for r in rows]


class TestStand:
    async def test_reports_build_the_stand_of_the_opdracht(self, client: httpx.AsyncClient, omgeving: Omgeving) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        r = await meld(client, aanbieder, opdracht["id"], {"soort": "start", "datum": "2026-04-01"})
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "gestart"
        r = await meld(client, aanbieder, opdracht["id"], AANWEZIG)
        assert r.status_code == 201, r.text
        mei = {**AANWEZIG, "periodeVan": "2026-05-01", "periodeTot": "2026-05-31", "urenAanwezig": 30}
        r = await meld(client, aanbieder, opdracht["id"], mei)
        stand = r.json()["stand"]
        assert (stand["urenAanwezig"], stand["urenAfwezigOngeoorloofd"]) == (70.5, 4)
        assert stand["laatstePeriodeTot"] == "2026-05-31"
        # A correction of April replaces April's hours, it does not add to them.
        r = await meld(
            client, aanbieder, opdracht["id"], {**AANWEZIG, "urenAanwezig": 38, "urenAfwezigOngeoorloofd": 0}
        )
        assert r.status_code == 201
        assert (r.json()["stand"]["urenAanwezig"], r.json()["stand"]["urenAfwezigOngeoorloofd"]) == (68, 2)
        r = await meld(
            client,
            aanbieder,
            opdracht["id"],
            {"soort": "eindresultaat", "datum": "2027-03-01", "resultaat": "behaald", "niveau": "B1"},
        )
        assert r.json()["status"] == "afgerond"
        r = await client.get(f"{API}/opdrachten/{opdracht['id']}", headers=omgeving.regisseur)
        assert r.json()["stand"]["eindresultaat"] == "behaald" and r.json()["stand"]["niveauBereikt"] == "B1"
        assert r.json()["laatsteMeldingOp"] is not None

    async def test_every_kind_of_report_is_accepted_for_a_fitting_part(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder(diensten=("b1-route", "z-route", "leerbaarheidstoets"))
        b1 = await omgeving.opdracht(aanbieder, onderdeel="b1-route")
        z = await omgeving.opdracht(aanbieder, onderdeel="z-route")
        toets = await omgeving.opdracht(aanbieder, onderdeel="leerbaarheidstoets")
        meldingen: list[tuple[dict[str, Any], dict[str, Any]]] = [
            (
                b1,
                {
                    "soort": "start",
                    "datum": "2026-04-20",
                    "redenLateStart": "wachtlijst",
                    "geplandeEinddatum": "2027-05-01",
                },
            ),
            (b1, {"soort": "planning", "geplandeEinddatum": "2027-06-01", "reden": "ziekte docent"}),
            (
                b1,
                {
                    "soort": "tussenresultaat",
                    "datum": "2026-09-01",
                    "onderdeel": "lezen",
                    "niveau": "A2",
                    "toelichting": "goede voortgang",
                },
            ),
            (
                b1,
                {
                    "soort": "examenresultaat",
                    "datum": "2026-12-01",
                    "onderdeel": "spreken",
                    "resultaat": "niet-behaald",
                    "reden": "examenvrees",
                },
            ),
            (
                b1,
                {
                    "soort": "routeadvies",
                    "datum": "2026-12-05",
                    "advies": "afschalen",
                    "reden": "na 600 uur geen voortgang spreken",
                    "niveau": "A2",
                    "onderdeel": "spreken",
                },
            ),
            (b1, {"soort": "niveau", "datum": "2026-12-10", "niveau": "A2"}),
            (
                z,
                {
                    "soort": "z-route-uren",
                    "periodeVan": "2026-04-01",
                    "periodeTot": "2026-04-30",
                    "urenTaal": 20,
                    "urenParticipatie": 16,
                },
            ),
            (toets, {"soort": "leerbaarheidstoets", "datum": "2026-04-02", "resultaat": "score 7", "leerroute": "b1"}),
        ]
        for opdracht, body in meldingen:
            r = await meld(client, aanbieder, opdracht["id"], body)
            assert r.status_code == 201, (body, r.text)
        r = await client.get(f"{API}/toegewezen-opdrachten/{z['id']}", headers=aanbieder.headers)
        assert (r.json()["stand"]["urenTaal"], r.json()["stand"]["urenParticipatie"]) == (20, 16)
        r = await client.get(f"{API}/toegewezen-opdrachten/{toets['id']}", headers=aanbieder.headers)
        assert r.json()["status"] == "afgerond" and r.json()["stand"]["leerbaarheidstoetsResultaat"] == "score 7"
        r = await client.get(f"{API}/opdrachten/{b1['id']}/meldingen", headers=omgeving.regisseur)
        assert r.json()["totalItems"] == 6
        assert {m["kanaal"] for m in r.json()["resultaten"]} == {"api"}
        assert all(m["gemeldDoor"] == aanbieder.client_id + " (tester)" for m in r.json()["resultaten"])

    async def test_rules_that_need_the_opdracht_are_422_naming_the_field(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        r = await meld(client, aanbieder, opdracht["id"], {"soort": "start", "datum": "2026-05-01"})
        assert r.status_code == 422
        assert [p["name"] for p in r.json()["invalidParams"]] == ["redenLateStart"]
        r = await meld(
            client, aanbieder, opdracht["id"], {"soort": "leerbaarheidstoets", "datum": "2026-05-01", "resultaat": "7"}
        )
        assert r.status_code == 422 and r.json()["code"] == "melding-niet-toegestaan"

    async def test_an_invalid_report_names_every_invalid_field(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        body = {
            "soort": "aanwezigheid",
            "periodeVan": "2026-04-01",
            "periodeTot": "1 mei",
            "urenAanwezig": -1,
            "bsn": "x",
        }
        r = await meld(client, aanbieder, opdracht["id"], body)
        assert r.status_code == 400
        namen = {p["name"] for p in r.json()["invalidParams"]}
        assert {"periodeTot", "urenAanwezig", "bsn"} <= namen
        r = await meld(client, aanbieder, opdracht["id"], {**AANWEZIG, "periodeTot": "2026-03-01"})
        assert r.status_code == 422


class TestIdempotentie:
    async def test_same_key_same_body_replays_and_another_body_is_422(
        self, client: httpx.AsyncClient, omgeving: Omgeving, database: Database
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        key = f"nacht-{uuid.uuid4()}"
        eerste = await meld(client, aanbieder, opdracht["id"], AANWEZIG, key)
        tweede = await meld(client, aanbieder, opdracht["id"], AANWEZIG, key)
        assert eerste.status_code == tweede.status_code == 201
        assert tweede.headers["Idempotent-Replayed"] == "true"
        assert tweede.json() == eerste.json()
        anders = await meld(client, aanbieder, opdracht["id"], {**AANWEZIG, "urenAanwezig": 1}, key)
        assert anders.status_code == 422 and anders.json()["code"] == "idempotency-key-hergebruikt"
        async with database.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM melding"))).scalar_one() == 1

    async def test_concurrent_retries_with_one_key_apply_once_and_replay_the_first_answer(
        self, client: httpx.AsyncClient, omgeving: Omgeving, database: Database
    ) -> None:
        # The key is claimed in the statement that locks the opdracht: retries wait on the key, never deadlock.
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        key = f"nacht-{uuid.uuid4()}"
        antwoorden = await asyncio.gather(*(meld(client, aanbieder, opdracht["id"], AANWEZIG, key) for _ in range(8)))
        assert {r.status_code for r in antwoorden} == {201}
        assert sum("Idempotent-Replayed" not in r.headers for r in antwoorden) == 1
        assert len({json.dumps(r.json(), sort_keys=True) for r in antwoorden}) == 1
        async with database.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM melding"))).scalar_one() == 1
        soorten = [e["type"].rsplit(".", 1)[1] for e in await outbox(database)]
        assert soorten.count("voortgang-gemeld") == 1

    async def test_a_write_without_idempotency_key_is_refused(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        r = await client.post(
            f"{API}/toegewezen-opdrachten/{opdracht['id']}/meldingen", json=AANWEZIG, headers=aanbieder.headers
        )
        assert r.status_code == 400
        assert [p["name"] for p in r.json()["invalidParams"]] == ["Idempotency-Key"]

    async def test_the_same_report_with_a_new_key_is_stored_once(
        self, client: httpx.AsyncClient, omgeving: Omgeving, database: Database
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        eerste = await meld(client, aanbieder, opdracht["id"], AANWEZIG)
        tweede = await meld(client, aanbieder, opdracht["id"], AANWEZIG)
        assert (eerste.status_code, tweede.status_code) == (201, 200)
        assert tweede.json()["alOntvangen"] is True and tweede.json()["id"] == eerste.json()["id"]
        assert tweede.json()["stand"]["urenAanwezig"] == 40.5
        soorten = [e["type"].rsplit(".", 1)[1] for e in await outbox(database)]
        assert soorten.count("voortgang-gemeld") == 1


class TestEvents:
    async def test_reports_raise_their_events_without_personal_data(
        self, client: httpx.AsyncClient, omgeving: Omgeving, database: Database
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        await meld(client, aanbieder, opdracht["id"], AANWEZIG)
        await meld(
            client,
            aanbieder,
            opdracht["id"],
            {
                "soort": "eindresultaat",
                "datum": "2027-03-01",
                "resultaat": "niet-behaald",
                "reden": "verhuisd naar buitenland",
            },
        )
        events = await outbox(database)
        soorten = [e["type"].removeprefix("nl.inburgering.aanbieder.") for e in events]
        assert soorten == [
            "opdracht-verstrekt",
            "voortgang-gemeld",
            "verzuim-gemeld",
            "uren-bijgewerkt",
            "voortgang-gemeld",
            "resultaat-niet-behaald",
        ]
        verzuim = events[2]["data"]
        assert verzuim["urenAfwezigOngeoorloofd"] == 2 and verzuim["opdrachtId"] == opdracht["id"]
        tekst = json.dumps(events)
        for persoonlijk in ("Amal", "Haddad", "12345678", "verhuisd", opdracht["deelnemerReferentie"]):
            assert persoonlijk not in tekst
        assert all(e["subject"] == opdracht["id"] and e["gemeentecode"] == "0363" for e in events)


class TestGelijktijdig:
    async def test_concurrent_reports_of_one_period_leave_the_stand_equal_to_the_stored_period(
        self, client: httpx.AsyncClient, omgeving: Omgeving, database: Database
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        antwoorden = await asyncio.gather(
            *(meld(client, aanbieder, opdracht["id"], {**AANWEZIG, "urenAanwezig": 10 + n}) for n in range(12))
        )
        assert {r.status_code for r in antwoorden} == {201}
        async with database.engine.connect() as conn:
            opgeslagen = (await conn.execute(text("SELECT uren_a FROM periode"))).scalars().all()
        r = await client.get(f"{API}/toegewezen-opdrachten/{opdracht['id']}", headers=aanbieder.headers)
        assert len(opgeslagen) == 1
        assert r.json()["stand"]["urenAanwezig"] == float(opgeslagen[0])

    async def test_concurrent_reports_of_different_periods_all_count_once(
        self, client: httpx.AsyncClient, omgeving: Omgeving, database: Database
    ) -> None:
        # Each push reads the opdracht and writes only if it did not change since: the losers read again.
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        dagen = [f"2026-05-{d:02d}" for d in range(1, 17)]
        antwoorden = await asyncio.gather(
            *(
                meld(
                    client, aanbieder, opdracht["id"], {**AANWEZIG, "periodeVan": d, "periodeTot": d, "urenAanwezig": 2}
                )
                for d in dagen
            )
        )
        assert {r.status_code for r in antwoorden} == {201}
        assert not any("Idempotent-Replayed" in r.headers for r in antwoorden)
        r = await client.get(f"{API}/toegewezen-opdrachten/{opdracht['id']}", headers=aanbieder.headers)
        assert r.json()["stand"]["urenAanwezig"] == 2 * len(dagen)
        async with database.engine.connect() as conn:
            verwerkt = await conn.execute(
                text("SELECT count(*) FROM verwerking WHERE object_id = :o AND actie = 'aanmaken'"),
                {"o": opdracht["id"]},
            )
            assert verwerkt.scalar_one() == len(dagen) + 1  # the opdracht's creation, then one per report
        soorten = [e["type"].rsplit(".", 1)[1] for e in await outbox(database)]
        assert (soorten.count("voortgang-gemeld"), soorten.count("uren-bijgewerkt")) == (len(dagen), len(dagen))

    async def test_a_push_is_two_statements_on_a_connection_of_its_own(
        self, client: httpx.AsyncClient, omgeving: Omgeving, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The measured speed of the hot path rests on this: one statement reads, one writes (README, `Meldpunt.push`).
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        statements: list[str] = []
        eigen_verbinding = RequestContext.own_connection

        @asynccontextmanager
        async def geteld(self: RequestContext) -> AsyncIterator[Any]:
            def log(query: Any) -> None:
                statements.append(query.query)

            async with eigen_verbinding(self) as conn:
                conn.add_query_logger(log)
                try:
                    yield conn
                finally:
                    conn.remove_query_logger(log)

        monkeypatch.setattr(RequestContext, "own_connection", geteld)
        r = await meld(client, aanbieder, opdracht["id"], AANWEZIG, f"twee-{uuid.uuid4()}")
        assert r.status_code == 201, r.text
        # Not counted: asyncpg's introspection of a type the first time a fresh connection meets it (once per
        # connection of the pool, as before this push's statements were built by `MeldingWrite`).
        eigen = [q for q in statements if "typeinfo_tree" not in q and "'jit'" not in q]
        assert len(eigen) == 2, eigen
        assert eigen[0].startswith("SELECT k.request_hash") and eigen[1].startswith("WITH k AS (INSERT")

    async def test_a_push_that_keeps_losing_its_opdracht_leaves_no_claim_and_waits_for_the_lock(
        self,
        client: httpx.AsyncClient,
        omgeving: Omgeving,
        database: Database,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # As if another report changed the opdracht between every read and write: the writing statement claims the
        # key, finds the opdracht changed and must fail whole, or the locking path would find the key taken.
        echte_read = PushRepository.read

        async def verouderd(self: PushRepository, *args: Any) -> Pushbeeld:
            return replace(await echte_read(self, *args), rijversie="0")

        monkeypatch.setattr(PushRepository, "read", verouderd)
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        key = f"drukte-{uuid.uuid4()}"
        r = await meld(client, aanbieder, opdracht["id"], AANWEZIG, key)
        assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers, r.text
        assert r.json()["stand"]["urenAanwezig"] == 40.5
        async with database.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM melding"))).scalar_one() == 1
        soorten = [e["type"].rsplit(".", 1)[1] for e in await outbox(database)]
        assert soorten.count("voortgang-gemeld") == 1
        herhaling = await meld(client, aanbieder, opdracht["id"], AANWEZIG, key)
        assert herhaling.headers.get("Idempotent-Replayed") == "true" and herhaling.json() == r.json()
