"""Plichtgegevens from DUO over HTTP: appended mutations, the derived stand, refusals that store nothing,
events per fact and Idempotency-Key behaviour (DOMAIN §2 step 1, §3 "From DUO")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from inburgeraar_api import scopes
from inburgeraar_api.scopes import ROLLEN
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

BSN = "999993653"
PLICHT_EVENT = "nl.inburgering.inburgeraar.plichtgegevens-ontvangen"
PROBLEM = "application/problem+json"

PLICHT_VASTGESTELD = {
    "soort": "plicht-vastgesteld",
    "ingangsdatum": "2026-03-01",
    "bron": "DUO",
    "kenmerk": "DUO-2026-0001",
    "doelgroep": "asielmigrant",
}
VRIJSTELLING = {
    "soort": "vrijstelling",
    "ingangsdatum": "2026-04-01",
    "bron": "DUO",
    "omvang": "gedeeltelijke",
    "onderdelen": ["pvt", "knm"],
}
TERMIJN_IBP = {
    "soort": "termijn-vastgesteld",
    "ingangsdatum": "2026-05-01",
    "bron": "DUO",
    "termijn": "ibp",
    "begindatum": "2026-05-01",
    "einddatum": "2029-05-01",
}
VERLENGING_IBP = {
    "soort": "verlenging",
    "ingangsdatum": "2029-03-01",
    "bron": "DUO",
    "termijn": "ibp",
    "nieuweEinddatum": "2029-11-01",
    "reden": "verlenging toegekend na aanvraag",
}


async def scalar(database: Database, sql: str, **params: Any) -> Any:
    async with database.engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar_one()


async def plicht_events(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT event FROM outbox WHERE event->>'type' = :t ORDER BY seq"), {"t": PLICHT_EVENT}
        )
        return [r[0] for r in rows]


@pytest.fixture
def duo() -> set[str]:
    return ROLLEN["duo"]


@pytest.fixture
async def inburgeraar(client: httpx.AsyncClient, tokens: TokenFactory) -> str:
    created = await client.post(
        "/api/v1/inburgeraars",
        json={"bsn": BSN, "doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01"},
        headers=tokens.headers(scopes.INBURGERAAR_SCHRIJVEN),
    )
    assert created.status_code == 201, created.text
    return f"/api/v1/inburgeraars/{created.json()['id']}"


class TestPlichtMutaties:
    async def test_mutations_fold_into_stand_with_full_history(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar: str,
        duo: set[str],
        database: Database,
    ) -> None:
        headers = tokens.headers(*duo)
        for mutatie in (PLICHT_VASTGESTELD, VRIJSTELLING, TERMIJN_IBP, VERLENGING_IBP):
            response = await client.post(f"{inburgeraar}/plicht-mutaties", json=mutatie, headers=headers)
            assert response.status_code == 201, response.text
            assert response.headers["content-type"] == "application/json"

        read = await client.get(f"{inburgeraar}/plicht", headers=headers)
        assert read.status_code == 200
        body = read.json()
        stand = body["stand"]
        assert stand["plichtig"] is True
        assert stand["vastgesteldOp"] == "2026-03-01"
        assert stand["doelgroep"] == "asielmigrant"
        # Onderdelen come back in the fixed order of the enum, whatever order DUO sent them in.
        assert stand["vrijstelling"] == {"omvang": "gedeeltelijke", "onderdelen": ["knm", "pvt"]}
        ibp = stand["termijnen"]["ibp"]
        assert (ibp["begindatum"], ibp["einddatum"]) == ("2026-05-01", "2029-11-01")
        assert [h["soort"] for h in ibp["historie"]] == ["termijn-vastgesteld", "verlenging"]
        assert set(stand["termijnen"]) == {"ibp"}

        mutaties = body["mutaties"]
        assert [m["volgnummer"] for m in mutaties] == [1, 2, 3, 4]
        assert [m["mutatie"]["soort"] for m in mutaties] == [
            "plicht-vastgesteld",
            "vrijstelling",
            "termijn-vastgesteld",
            "verlenging",
        ]
        assert all(m["mutatie"]["bron"] == "DUO" for m in mutaties)
        assert mutaties[0]["mutatie"]["kenmerk"] == "DUO-2026-0001"
        ontvangen = [datetime.fromisoformat(m["ontvangenOp"]) for m in mutaties]
        assert all(o.tzinfo is not None for o in ontvangen)
        assert ontvangen == sorted(ontvangen)
        assert mutaties[3]["mutatie"]["nieuweEinddatum"] == "2029-11-01"
        assert await scalar(database, "SELECT count(*) FROM plicht_mutatie") == 4

    async def test_each_fact_emits_event_with_termijn_only_for_termijn_facts(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar: str,
        duo: set[str],
        database: Database,
    ) -> None:
        headers = tokens.headers(*duo)
        for mutatie in (PLICHT_VASTGESTELD, VRIJSTELLING, TERMIJN_IBP, VERLENGING_IBP):
            assert (
                await client.post(f"{inburgeraar}/plicht-mutaties", json=mutatie, headers=headers)
            ).status_code == 201

        events = await plicht_events(database)
        inburgeraar_id = inburgeraar.rsplit("/", 1)[1]
        assert [e["data"]["soort"] for e in events] == [
            "plicht-vastgesteld",
            "vrijstelling",
            "termijn-vastgesteld",
            "verlenging",
        ]
        assert all(e["subject"] == inburgeraar_id and e["data"]["inburgeraarId"] == inburgeraar_id for e in events)
        assert all(e["gemeentecode"] == "0363" for e in events)
        assert all(e["dataref"].endswith(f"{inburgeraar}/plicht") for e in events)
        assert [(e["data"]["termijn"], e["data"]["einddatum"]) for e in events] == [
            (None, None),
            (None, None),
            ("ibp", "2029-05-01"),
            ("ibp", "2029-11-01"),
        ]
        assert [e["data"]["ingangsdatum"] for e in events] == [
            "2026-03-01",
            "2026-04-01",
            "2026-05-01",
            "2029-03-01",
        ]

    async def test_mutation_before_plicht_vastgesteld_is_refused_and_nothing_stored(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar: str,
        duo: set[str],
        database: Database,
    ) -> None:
        headers = tokens.headers(*duo)
        response = await client.post(f"{inburgeraar}/plicht-mutaties", json=TERMIJN_IBP, headers=headers)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "plicht-niet-vastgesteld"
        assert [p["name"] for p in response.json()["invalidParams"]] == ["soort"]
        assert await scalar(database, "SELECT count(*) FROM plicht_mutatie") == 0
        assert await plicht_events(database) == []
        read = await client.get(f"{inburgeraar}/plicht", headers=headers)
        assert read.json()["mutaties"] == []
        assert read.json()["stand"]["plichtig"] is False

    async def test_late_fact_dated_before_the_plicht_is_refused(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar: str,
        duo: set[str],
        database: Database,
    ) -> None:
        headers = tokens.headers(*duo)
        assert (
            await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT_VASTGESTELD, headers=headers)
        ).status_code == 201
        # Received after the plicht but dated before it: folded in time order, it finds no plicht.
        early = {**VRIJSTELLING, "ingangsdatum": "2026-02-01"}
        response = await client.post(f"{inburgeraar}/plicht-mutaties", json=early, headers=headers)
        assert response.status_code == 422
        assert response.json()["code"] == "plicht-niet-vastgesteld"
        assert await scalar(database, "SELECT count(*) FROM plicht_mutatie") == 1
        assert len(await plicht_events(database)) == 1

    async def test_verlenging_to_an_earlier_date_is_refused(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar: str,
        duo: set[str],
        database: Database,
    ) -> None:
        headers = tokens.headers(*duo)
        for mutatie in (PLICHT_VASTGESTELD, TERMIJN_IBP):
            assert (
                await client.post(f"{inburgeraar}/plicht-mutaties", json=mutatie, headers=headers)
            ).status_code == 201
        for einddatum in ("2029-04-01", "2029-05-01"):  # earlier, and equal to the current end
            response = await client.post(
                f"{inburgeraar}/plicht-mutaties",
                json={**VERLENGING_IBP, "nieuweEinddatum": einddatum},
                headers=headers,
            )
            assert response.status_code == 422, einddatum
            assert response.headers["content-type"] == PROBLEM
            assert response.json()["code"] == "verlenging-niet-later"
            assert [p["name"] for p in response.json()["invalidParams"]] == ["nieuweEinddatum"]
        assert await scalar(database, "SELECT count(*) FROM plicht_mutatie") == 2
        stand = (await client.get(f"{inburgeraar}/plicht", headers=headers)).json()["stand"]
        assert stand["termijnen"]["ibp"]["einddatum"] == "2029-05-01"
        assert len(await plicht_events(database)) == 2

    async def test_verlenging_of_a_termijn_never_set_is_refused(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str, duo: set[str]
    ) -> None:
        headers = tokens.headers(*duo)
        assert (
            await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT_VASTGESTELD, headers=headers)
        ).status_code == 201
        response = await client.post(
            f"{inburgeraar}/plicht-mutaties", json={**VERLENGING_IBP, "termijn": "pvt"}, headers=headers
        )
        assert response.status_code == 422
        assert response.json()["code"] == "termijn-niet-vastgesteld"
        assert [p["name"] for p in response.json()["invalidParams"]] == ["termijn"]


class TestIdempotency:
    async def test_same_key_same_body_replays_the_first_answer_and_stores_once(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar: str,
        duo: set[str],
        database: Database,
    ) -> None:
        headers = {**tokens.headers(*duo), "Idempotency-Key": "duo-bericht-000001"}
        first = await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT_VASTGESTELD, headers=headers)
        second = await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT_VASTGESTELD, headers=headers)
        assert first.status_code == second.status_code == 201
        assert "Idempotent-Replayed" not in first.headers
        assert second.headers["Idempotent-Replayed"] == "true"
        assert second.json() == first.json()
        assert await scalar(database, "SELECT count(*) FROM plicht_mutatie") == 1
        assert len(await plicht_events(database)) == 1

    async def test_same_key_other_body_is_refused(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar: str,
        duo: set[str],
        database: Database,
    ) -> None:
        headers = {**tokens.headers(*duo), "Idempotency-Key": "duo-bericht-000002"}
        first = await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT_VASTGESTELD, headers=headers)
        assert first.status_code == 201
        other = await client.post(
            f"{inburgeraar}/plicht-mutaties",
            json={**PLICHT_VASTGESTELD, "kenmerk": "DUO-2026-0002"},
            headers=headers,
        )
        assert other.status_code == 422
        assert other.headers["content-type"] == PROBLEM
        assert other.json()["code"] == "idempotency-key-hergebruikt"
        assert await scalar(database, "SELECT count(*) FROM plicht_mutatie") == 1
        assert len(await plicht_events(database)) == 1

    async def test_a_refused_request_does_not_burn_its_key(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar: str,
        duo: set[str],
        database: Database,
    ) -> None:
        headers = {**tokens.headers(*duo), "Idempotency-Key": "duo-bericht-000003"}
        refused = await client.post(f"{inburgeraar}/plicht-mutaties", json=TERMIJN_IBP, headers=headers)
        assert refused.status_code == 422
        # The key was claimed in the request's transaction, which rolled back: free for the corrected retry.
        assert await scalar(database, "SELECT count(*) FROM idempotency_key") == 0
        ok = await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT_VASTGESTELD, headers=headers)
        assert ok.status_code == 201
        assert "Idempotent-Replayed" not in ok.headers


class TestToegangEnInvoer:
    async def test_read_scope_cannot_write(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str, database: Database
    ) -> None:
        headers = tokens.headers(scopes.PLICHT_LEZEN)
        response = await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT_VASTGESTELD, headers=headers)
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM
        assert "plicht:schrijven" in response.headers["WWW-Authenticate"]
        assert await scalar(database, "SELECT count(*) FROM plicht_mutatie") == 0
        assert (await client.get(f"{inburgeraar}/plicht", headers=headers)).status_code == 200

    async def test_unknown_soort_is_400_and_stores_nothing(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar: str,
        duo: set[str],
        database: Database,
    ) -> None:
        response = await client.post(
            f"{inburgeraar}/plicht-mutaties",
            json={**PLICHT_VASTGESTELD, "soort": "plicht-bedacht"},
            headers=tokens.headers(*duo),
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == PROBLEM
        [param] = response.json()["invalidParams"]
        assert param["code"] == "union_tag_invalid"
        assert "soort" in param["reason"]
        assert await scalar(database, "SELECT count(*) FROM plicht_mutatie") == 0

    async def test_unknown_soort_names_soort(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str, duo: set[str]
    ) -> None:
        response = await client.post(
            f"{inburgeraar}/plicht-mutaties",
            json={**PLICHT_VASTGESTELD, "soort": "plicht-bedacht"},
            headers=tokens.headers(*duo),
        )
        assert [p["name"] for p in response.json()["invalidParams"]] == ["soort"]

    async def test_extra_field_is_400_naming_it(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar: str,
        duo: set[str],
        database: Database,
    ) -> None:
        response = await client.post(
            f"{inburgeraar}/plicht-mutaties",
            json={**PLICHT_VASTGESTELD, "redenPlicht": "x"},
            headers=tokens.headers(*duo),
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == PROBLEM
        [param] = response.json()["invalidParams"]
        assert param["code"] == "extra_forbidden"
        # The path is the path in the request body: the union tag pydantic adds is not part of it.
        assert param["name"].split(".")[-1] == "redenPlicht"
        assert await scalar(database, "SELECT count(*) FROM plicht_mutatie") == 0

    async def test_extra_field_path_is_the_body_path(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str, duo: set[str]
    ) -> None:
        response = await client.post(
            f"{inburgeraar}/plicht-mutaties",
            json={**PLICHT_VASTGESTELD, "redenPlicht": "x"},
            headers=tokens.headers(*duo),
        )
        assert [p["name"] for p in response.json()["invalidParams"]] == ["redenPlicht"]

    async def test_partial_vrijstelling_without_onderdelen_is_refused(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar: str,
        duo: set[str],
        database: Database,
    ) -> None:
        headers = tokens.headers(*duo)
        assert (
            await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT_VASTGESTELD, headers=headers)
        ).status_code == 201
        response = await client.post(
            f"{inburgeraar}/plicht-mutaties", json={**VRIJSTELLING, "onderdelen": []}, headers=headers
        )
        # A rule the schema cannot express: 422, not 400.
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        [param] = response.json()["invalidParams"]
        assert param["code"] == "value_error"
        assert "onderdeel" in param["reason"]
        assert await scalar(database, "SELECT count(*) FROM plicht_mutatie") == 1
