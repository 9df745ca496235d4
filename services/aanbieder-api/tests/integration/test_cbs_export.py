"""The CBS export (Wi art. 35 lid 4, item e): per person the courses with kind, provider name and participation;
NDJSON ordered by inburgeraarId; only for `cbs:export`; logged with its legal ground."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import text

from aanbieder_api import scopes
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

PERIODE = {"gemeentecode": "0363", "van": "2026-01-01", "tot": "2027-01-01"}


async def aanbieder(database: Database, naam: str, gemeente: str = "0363") -> uuid.UUID:
    aanbieder_id = uuid.uuid4()
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO aanbieder (id, gemeente_code, naam, kvk_nummer, diensten, contactpersonen) "
                "VALUES (:id, :g, :naam, :kvk, '[]', '[]')"
            ),
            {"id": aanbieder_id, "g": gemeente, "naam": naam, "kvk": str(uuid.uuid4().int)[:8]},
        )
    return aanbieder_id


async def opdracht(
    database: Database,
    aanbieder_id: uuid.UUID,
    persoon: uuid.UUID,
    onderdeel: str,
    meldingen: Sequence[tuple[str, dict[str, Any], datetime]] = (),
    *,
    status: str = "gestart",
    verstrekt: datetime = datetime(2026, 3, 1, tzinfo=UTC),
    gemeente: str = "0363",
) -> uuid.UUID:
    """An opdracht with its reports (soort, gegevens, gemeld op); `stand` holds what they add up to now, as the
    export must not read it."""
    opdracht_id = uuid.uuid4()
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO opdracht (id, gemeente_code, aanbieder_id, pip_id, inburgeraar_id, deelnemer_referentie, "
                "onderdeel, status, versie, inhoud, pip_versie, stand, created_at) VALUES (:id, :g, :a, NULL, :p, "
                "'ref', :o, :s, 1, '{}', NULL, CAST(:stand AS jsonb), :c)"
            ),
            {"id": opdracht_id, "g": gemeente, "a": aanbieder_id, "p": persoon, "o": onderdeel, "s": status,
             "stand": json.dumps({"urenAanwezig": 9999, "eindresultaat": "behaald"}), "c": verstrekt},
        )  # fmt: skip
    for soort, gegevens, gemeld in meldingen:
        await melding(database, opdracht_id, aanbieder_id, soort, gegevens, gemeld, gemeente)
    return opdracht_id


async def melding(
    database: Database,
    opdracht_id: uuid.UUID,
    aanbieder_id: uuid.UUID,
    soort: str,
    gegevens: dict[str, Any],
    gemeld: datetime,
    gemeente: str = "0363",
) -> None:
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO melding (id, gemeente_code, opdracht_id, aanbieder_id, soort, gegevens, sleutel, kanaal, "
                "actor_client, gemeld_at) VALUES (:id, :g, :o, :a, :soort, CAST(:gegevens AS jsonb), :sleutel, 'api', "
                "'test', :gemeld)"
            ),
            {"id": uuid.uuid4(), "g": gemeente, "o": opdracht_id, "a": aanbieder_id, "soort": soort,
             "gegevens": json.dumps({"soort": soort, **gegevens}), "sleutel": uuid.uuid4().hex, "gemeld": gemeld},
        )  # fmt: skip


async def intrekken(database: Database, opdracht_id: uuid.UUID, op: datetime) -> None:
    async with database.engine.begin() as conn:
        await conn.execute(
            text("UPDATE opdracht SET status = 'ingetrokken', versie = 2, gewijzigd_at = :op WHERE id = :id"),
            {"id": opdracht_id, "op": op},
        )
        await conn.execute(
            text(
                "INSERT INTO opdracht_versie (id, opdracht_id, versie, inhoud, gewijzigde_velden, reden, created_at) "
                "VALUES (:v, :id, 2, '{}', '[\"status\"]', 'verhuisd', :op)"
            ),
            {"v": uuid.uuid4(), "id": opdracht_id, "op": op},
        )


def _op(maand: int, dag: int, jaar: int = 2026) -> datetime:
    return datetime(jaar, maand, dag, 12, tzinfo=UTC)


def _uren(van: str, tot: str, aanwezig: float) -> dict[str, Any]:
    return {"periodeVan": van, "periodeTot": tot, "urenAanwezig": aanwezig}


async def export(client: httpx.AsyncClient, tokens: TokenFactory) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/cbs-export", params=PERIODE, headers=tokens.headers(scopes.CBS_EXPORT))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    regels = [json.loads(r) for r in response.text.splitlines()]
    assert int(response.headers["x-total-count"]) == len(regels)
    return regels


class TestCbsExport:
    async def test_courses_with_provider_and_participation(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        school, werkplein = await aanbieder(database, "Taalschool Noord"), await aanbieder(database, "Werkplein")
        a, b = sorted([uuid.uuid4(), uuid.uuid4()])
        b1 = [
            ("start", {"datum": "2026-04-01"}, _op(4, 2)),
            ("aanwezigheid", _uren("2026-04-01", "2026-04-30", 60.25), _op(5, 1)),
            ("aanwezigheid", _uren("2026-05-01", "2026-05-31", 60.25), _op(6, 1)),
        ]
        await opdracht(database, school, a, "b1-route", b1)
        await opdracht(database, werkplein, a, "map", [("planning", {"geplandeEinddatum": "2026-12-01"}, _op(4, 1))])
        pvt = [
            ("start", {"datum": "2026-05-01"}, _op(5, 1)),
            ("aanwezigheid", _uren("2026-05-01", "2026-05-31", 12), _op(6, 1)),
            ("eindresultaat", {"datum": "2026-06-15", "resultaat": "behaald", "niveau": "A2"}, _op(6, 16)),
        ]
        await opdracht(database, school, b, "pvt", pvt, status="afgerond")
        await opdracht(database, school, uuid.uuid4(), "pvt", verstrekt=datetime(2027, 2, 1, tzinfo=UTC))
        await opdracht(database, await aanbieder(database, "Elders", "0599"), uuid.uuid4(), "pvt", gemeente="0599")

        regels = await export(client, tokens)

        assert [r["inburgeraarId"] for r in regels] == [str(a), str(b)]
        assert regels[0]["cursussen"] == [
            {"soort": "b1-route", "aanbieder": "Taalschool Noord", "status": "gestart", "deelname": True,
             "startdatum": "2026-04-01", "urenAanwezig": 120.5, "resultaat": None, "niveauBereikt": None},
            {"soort": "map", "aanbieder": "Werkplein", "status": "verstrekt", "deelname": False, "startdatum": None,
             "urenAanwezig": 0, "resultaat": None, "niveauBereikt": None},
        ]  # fmt: skip
        assert regels[1]["cursussen"] == [
            {"soort": "pvt", "aanbieder": "Taalschool Noord", "status": "afgerond", "deelname": True,
             "startdatum": "2026-05-01", "urenAanwezig": 12, "resultaat": "behaald", "niveauBereikt": "A2"},
        ]  # fmt: skip

    async def test_as_it_stood_at_tot_whatever_is_reported_later(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        school = await aanbieder(database, "Taalschool Noord")
        a, b, c = sorted([uuid.uuid4(), uuid.uuid4(), uuid.uuid4()])
        lopend = await opdracht(
            database, school, a, "b1-route",
            [("start", {"datum": "2026-09-01"}, _op(9, 2)),
             ("aanwezigheid", _uren("2026-11-01", "2026-11-30", 40), _op(12, 1)),
             ("aanwezigheid", _uren("2026-11-01", "2026-11-30", 42.5), _op(12, 20))],  # corrected before tot
        )  # fmt: skip
        nog_niet = await opdracht(database, school, b, "map")
        ingetrokken = await opdracht(database, school, c, "pvt", [("start", {"datum": "2026-10-01"}, _op(10, 1))])
        response = await client.get("/api/v1/cbs-export", params=PERIODE, headers=tokens.headers(scopes.CBS_EXPORT))
        assert response.status_code == 200, response.text
        eerst = response.content
        regels = [json.loads(r) for r in eerst.decode().splitlines()]
        assert [(r["cursussen"][0]["status"], r["cursussen"][0]["urenAanwezig"]) for r in regels] == [
            ("gestart", 42.5), ("verstrekt", 0), ("gestart", 0),
        ]  # fmt: skip

        # After `tot`: the November hours corrected again, December reported, the result; a late start of the MAP
        # dated before `tot`; the PVT withdrawn. The stand in the table says so; the period's export does not.
        late = [
            (lopend, "aanwezigheid", _uren("2026-11-01", "2026-11-30", 30)),
            (lopend, "aanwezigheid", _uren("2026-12-01", "2026-12-31", 50)),
            (lopend, "eindresultaat", {"datum": "2027-01-10", "resultaat": "behaald", "niveau": "B1"}),
            (nog_niet, "start", {"datum": "2026-12-15"}),
            (nog_niet, "planning", {"geplandeEinddatum": "2027-06-01"}),
        ]
        for opdracht_id, soort, gegevens in late:
            await melding(database, opdracht_id, school, soort, gegevens, _op(1, 15, 2027))
        await intrekken(database, ingetrokken, _op(1, 20, 2027))
        async with database.engine.begin() as conn:
            await conn.execute(text("UPDATE opdracht SET status = 'afgerond' WHERE id = :id"), {"id": lopend})

        response = await client.get("/api/v1/cbs-export", params=PERIODE, headers=tokens.headers(scopes.CBS_EXPORT))
        assert response.content == eerst
        # The next period does see them.
        volgende = {**PERIODE, "van": "2027-01-01", "tot": "2027-02-01"}
        response = await client.get("/api/v1/cbs-export", params=volgende, headers=tokens.headers(scopes.CBS_EXPORT))
        later = {r["inburgeraarId"]: r["cursussen"][0] for r in map(json.loads, response.text.splitlines())}
        assert later[str(a)] | {"aanbieder": ""} == {
            "soort": "b1-route", "aanbieder": "", "status": "afgerond", "deelname": True, "startdatum": "2026-09-01",
            "urenAanwezig": 80, "resultaat": "behaald", "niveauBereikt": "B1",
        }  # fmt: skip
        assert (later[str(b)]["status"], later[str(b)]["startdatum"]) == ("gestart", "2026-12-15")
        assert later[str(c)]["status"] == "ingetrokken"

    async def test_logged_and_refused_without_the_scope(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        await export(client, tokens)
        async with database.engine.connect() as conn:
            grondslag = (
                await conn.execute(
                    text("SELECT grondslag FROM verwerking WHERE object_type = 'cbs-export' AND betrokkene IS NULL")
                )
            ).scalar_one()
        assert "art. 35 lid 4" in grondslag
        response = await client.get(
            "/api/v1/cbs-export", params=PERIODE, headers=tokens.headers(*scopes.ROLLEN["klantregisseur"])
        )
        assert response.status_code == 403
