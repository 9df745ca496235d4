"""The CBS delivery over HTTP with the worker on a real PostgreSQL and the four sources faked: plan (idempotent),
progress, the file (gzip NDJSON, sha256), reproducibility, a record failing the schema failing the whole job, a source
away tried later, the scopes, and the retention of the content."""

from __future__ import annotations

import gzip
import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory
from ketenuitwisseling import scopes
from ketenuitwisseling.domain.cbs import Bron
from ketenuitwisseling.services.cbs_levering import CbsInstellingen, CbsSamensteller, Stroom
from ketenuitwisseling.services.partners import Onbereikbaar
from ketenuitwisseling.settings import Settings

API = "/api/v1/cbs-leveringen"
PERSOON = {"bsn": "999993653", "doelgroep": "asielmigrant", "nareiziger": False, "registratiedatum": "2026-03-01"}


@dataclass
class _Stroom:
    regels: list[bytes]
    totaal: int

    async def _stukken(self) -> AsyncIterator[bytes]:
        for r in self.regels:
            yield r

    def stukken(self) -> AsyncIterator[bytes]:
        return self._stukken()


@dataclass
class Bronnen:
    """The four contexts' exports: lines per source, and what was asked."""

    lijnen: dict[Bron, list[dict[str, Any]]] = field(default_factory=lambda: {b: [] for b in Bron})
    gevraagd: list[tuple[Bron, str, date, date]] = field(default_factory=list)
    plat: bool = False

    @asynccontextmanager
    async def open(self, bron: Bron, gemeente: str, van: date, tot: date) -> AsyncIterator[Stroom]:
        if self.plat:
            raise Onbereikbaar(f"503 van {bron}")
        self.gevraagd.append((bron, gemeente, van, tot))
        regels = sorted(self.lijnen[bron], key=lambda r: r["inburgeraarId"])
        yield _Stroom([json.dumps(r).encode() + b"\n" for r in regels], len(regels))

    def personen(self, n: int) -> list[str]:
        ids = sorted(str(uuid.uuid4()) for _ in range(n))
        self.lijnen[Bron.INBURGERAAR] += [{"inburgeraarId": i, **PERSOON} for i in ids]
        return ids


@pytest.fixture
def bronnen() -> Bronnen:
    return Bronnen()


@pytest.fixture
def samensteller(database: Database, settings: Settings, bronnen: Bronnen) -> CbsSamensteller:
    log = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode())
    # Small chunks, so a few hundred persons already make several (and the percentage moves per chunk).
    return CbsSamensteller(database, bronnen, log, CbsInstellingen(deel_bytes=8192, wacht_seconden=0))


def beheerder(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(*scopes.ROLLEN["functioneel-beheerder"])


def cbs(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(*scopes.ROLLEN["cbs"])


async def vraag_aan(client: httpx.AsyncClient, tokens: TokenFactory, periode: str = "2026") -> dict[str, Any]:
    response = await client.post(API, json={"gemeentecode": "0363", "periode": periode}, headers=beheerder(tokens))
    assert response.status_code == 202, response.text
    assert response.headers["Location"] == f"{API}/{response.json()['id']}"
    result: dict[str, Any] = response.json()
    return result


async def bestand(client: httpx.AsyncClient, tokens: TokenFactory, levering_id: str) -> bytes:
    response = await client.get(f"{API}/{levering_id}/bestand", headers=cbs(tokens))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/gzip"
    return response.content


class TestAanvragen:
    async def test_planned_once_per_gemeente_and_period(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        eerste = await vraag_aan(client, tokens)
        assert (eerste["status"], eerste["percentage"], eerste["van"], eerste["tot"]) == (
            "gepland", 0, "2026-01-01", "2027-01-01"
        )  # fmt: skip
        assert (await vraag_aan(client, tokens))["id"] == eerste["id"]
        assert (await vraag_aan(client, tokens, "2026-Q3"))["id"] != eerste["id"]

    async def test_bad_input_names_every_field(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        response = await client.post(API, json={"gemeentecode": "03", "periode": "2026-13"}, headers=beheerder(tokens))
        assert response.status_code in (400, 422)
        assert response.headers["content-type"] == "application/problem+json"
        assert "gemeentecode" in {p["name"] for p in response.json()["invalidParams"]}
        response = await client.post(
            API, json={"gemeentecode": "0363", "periode": "2026-13"}, headers=beheerder(tokens)
        )
        assert (response.status_code, [p["name"] for p in response.json()["invalidParams"]]) == (422, ["periode"])

    async def test_only_the_own_gemeente(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        response = await client.post(API, json={"gemeentecode": "0599", "periode": "2026"}, headers=beheerder(tokens))
        assert response.status_code == 422
        assert [p["name"] for p in response.json()["invalidParams"]] == ["gemeentecode"]

    async def test_need_to_know(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        levering = await vraag_aan(client, tokens)
        for rol in ("klantregisseur", "cbs"):
            response = await client.post(API, json={"gemeentecode": "0363", "periode": "2026"},
                                         headers=tokens.headers(*scopes.ROLLEN[rol]))  # fmt: skip
            assert response.status_code == 403, rol
        # the beheerder follows the job but never fetches the file with everyone's BSN
        assert (await client.get(f"{API}/{levering['id']}", headers=beheerder(tokens))).status_code == 200
        response = await client.get(f"{API}/{levering['id']}/bestand", headers=beheerder(tokens))
        assert response.status_code == 403
        other = tokens.headers(*scopes.ROLLEN["cbs"], gemeente="0599")
        assert (await client.get(f"{API}/{levering['id']}", headers=other)).status_code == 404


class TestSamenstellen:
    async def test_gereed_with_file_counts_and_sha256(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        bronnen: Bronnen,
        samensteller: CbsSamensteller,
        database: Database,
    ) -> None:
        ids = bronnen.personen(300)
        bronnen.lijnen[Bron.HANDHAVING].append(
            {
                "inburgeraarId": ids[5],
                "waarschuwingen": {"aantal": 0, "items": []},
                "boetes": {
                    "aantal": 1,
                    "totaalBedrag": 340,
                    "items": [{"datum": "2026-05-01", "reden": "x", "bedrag": 340}],
                },
            }
        )
        levering = await vraag_aan(client, tokens)
        niet_gereed = await client.get(f"{API}/{levering['id']}/bestand", headers=cbs(tokens))
        assert niet_gereed.status_code == 409

        assert await samensteller.ronde() == 1

        stand = (await client.get(f"{API}/{levering['id']}", headers=cbs(tokens))).json()
        assert (stand["status"], stand["percentage"], stand["aantalPersonen"]) == ("gereed", 100, 300)
        inhoud = gzip.decompress(await bestand(client, tokens, levering["id"]))
        assert hashlib.sha256(inhoud).hexdigest() == stand["sha256"]
        assert len(inhoud) == stand["aantalBytes"]
        regels = [json.loads(r) for r in inhoud.splitlines()]
        assert [r["inburgeraarId"] for r in regels] == ids
        assert regels[5]["boetes"]["totaalBedrag"] == 340
        assert regels[0]["persoon"]["bsn"] == "999993653"
        assert {(b, g, v, t) for b, g, v, t in bronnen.gevraagd} == {
            (b, "0363", date(2026, 1, 1), date(2027, 1, 1)) for b in Bron
        }
        async with database.engine.connect() as conn:
            delen = (await conn.execute(text("SELECT count(*) FROM cbs_levering_deel"))).scalar_one()
            log = (
                await conn.execute(
                    text("SELECT grondslag, resultaat FROM verwerking WHERE object_type = 'cbs-levering' ORDER BY at")
                )
            ).all()
        assert delen > 1
        assert all("art. 35 lid 4" in g for g, _ in log)
        assert ("geslaagd" in {r for _, r in log}) and len(log) >= 3  # planned, assembled, fetched

    async def test_the_same_period_twice_is_byte_identical(
        self, client: httpx.AsyncClient, tokens: TokenFactory, bronnen: Bronnen, samensteller: CbsSamensteller,
        database: Database,
    ) -> None:  # fmt: skip
        bronnen.personen(250)
        levering = await vraag_aan(client, tokens)
        await samensteller.ronde()
        eerste = await bestand(client, tokens, levering["id"])
        sha = (await client.get(f"{API}/{levering['id']}", headers=cbs(tokens))).json()["sha256"]

        # assembled again from the start (as after a lost lease): the same bytes, gzip included
        await samensteller.maak(uuid.UUID(levering["id"]))

        assert await bestand(client, tokens, levering["id"]) == eerste
        assert (await client.get(f"{API}/{levering['id']}", headers=cbs(tokens))).json()["sha256"] == sha

    async def test_a_record_failing_the_schema_fails_the_job_with_its_reason(
        self, client: httpx.AsyncClient, tokens: TokenFactory, bronnen: Bronnen, samensteller: CbsSamensteller,
        database: Database,
    ) -> None:  # fmt: skip
        ids = bronnen.personen(400)
        bronnen.lijnen[Bron.INBURGERAAR][350]["bsn"] = "12345"
        levering = await vraag_aan(client, tokens)

        await samensteller.ronde()

        stand = (await client.get(f"{API}/{levering['id']}", headers=cbs(tokens))).json()
        assert stand["status"] == "mislukt"
        assert ids[350] in stand["reden"] and "persoon.bsn" in stand["reden"]
        assert (stand["sha256"], stand["percentage"]) == (None, 0)
        assert (await client.get(f"{API}/{levering['id']}/bestand", headers=cbs(tokens))).status_code == 409
        async with database.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM cbs_levering_deel"))).scalar_one() == 0

        # corrected at the source and requested again: the same job, planned again, now gereed
        bronnen.lijnen[Bron.INBURGERAAR][350]["bsn"] = "999990019"
        assert (await vraag_aan(client, tokens))["id"] == levering["id"]
        await samensteller.ronde()
        assert (await client.get(f"{API}/{levering['id']}", headers=cbs(tokens))).json()["status"] == "gereed"

    async def test_a_source_away_is_tried_again(
        self, client: httpx.AsyncClient, tokens: TokenFactory, bronnen: Bronnen, samensteller: CbsSamensteller
    ) -> None:
        bronnen.personen(3)
        levering = await vraag_aan(client, tokens)
        bronnen.plat = True
        await samensteller.ronde()
        stand = (await client.get(f"{API}/{levering['id']}", headers=cbs(tokens))).json()
        assert (stand["status"], stand["pogingen"]) == ("gepland", 1)
        assert "niet bereikbaar" in stand["reden"]
        bronnen.plat = False
        await samensteller.ronde()
        assert (await client.get(f"{API}/{levering['id']}", headers=cbs(tokens))).json()["status"] == "gereed"


class TestBewaren:
    async def test_content_deleted_after_retention_the_record_stays(
        self, client: httpx.AsyncClient, tokens: TokenFactory, bronnen: Bronnen, samensteller: CbsSamensteller,
        database: Database,
    ) -> None:  # fmt: skip
        bronnen.personen(5)
        levering = await vraag_aan(client, tokens)
        await samensteller.ronde()
        await bestand(client, tokens, levering["id"])
        stand = (await client.get(f"{API}/{levering['id']}", headers=cbs(tokens))).json()
        assert stand["gedownloadOp"] is not None and stand["beschikbaarTot"] is not None

        async with database.engine.begin() as conn:
            await conn.execute(text("UPDATE cbs_levering SET verloopt_at = now() - interval '1 second'"))
        assert await samensteller.ronde() == 0

        stand = (await client.get(f"{API}/{levering['id']}", headers=cbs(tokens))).json()
        assert (stand["status"], stand["inhoudVerwijderd"]) == ("gereed", True)
        assert stand["sha256"] is not None
        assert (await client.get(f"{API}/{levering['id']}/bestand", headers=cbs(tokens))).status_code == 410
        async with database.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM cbs_levering_deel"))).scalar_one() == 0
