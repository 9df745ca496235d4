"""The COA klantprofiel over HTTP: versions with what changed, no new version for an unchanged resend, soft
information only with consent, medical data refused before anything is stored (DOMAIN §3, §4)."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from inburgeraar_api import scopes
from inburgeraar_api.scopes import ROLLEN
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

BSN = "999993653"
PROFIEL_EVENT = "nl.inburgering.inburgeraar.klantprofiel-ontvangen"
PROBLEM = "application/problem+json"


def profiel(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "persoonsgegevens": {"voornamen": "Amal", "geslachtsnaam": "Haddad", "email": "amal@example.org"},
        "taalvaardigheid": {"spreken": "a1", "lezen": "a0", "moedertaal": "Arabisch"},
        "opleidingen": [{"niveau": "beroepsonderwijs", "richting": "boekhouden", "land": "Syrië", "jaren": 3}],
        "contactUaf": False,
    }
    body.update(overrides)
    return body


async def count(database: Database, sql: str) -> int:
    async with database.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


async def profiel_events(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT event FROM outbox WHERE event->>'type' = :t ORDER BY seq"), {"t": PROFIEL_EVENT}
        )
        return [r[0] for r in rows]


@pytest.fixture
def headers(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(scopes.KLANTPROFIEL_SCHRIJVEN, scopes.KLANTPROFIEL_LEZEN)


@pytest.fixture
async def inburgeraar(client: httpx.AsyncClient, tokens: TokenFactory) -> str:
    created = await client.post(
        "/api/v1/inburgeraars",
        json={"bsn": BSN, "doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01"},
        headers=tokens.headers(*ROLLEN["coa"]),
    )
    assert created.status_code == 201, created.text
    return f"/api/v1/inburgeraars/{created.json()['id']}"


class TestVersies:
    async def test_first_profile_is_version_1_listing_every_path(
        self, client: httpx.AsyncClient, headers: dict[str, str], inburgeraar: str, database: Database
    ) -> None:
        response = await client.post(f"{inburgeraar}/klantprofielen", json={"profiel": profiel()}, headers=headers)
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["versie"], body["bron"]) == (1, "COA")
        paden = {w["pad"]: w for w in body["wijzigingen"]}
        assert {
            "persoonsgegevens.geslachtsnaam",
            "persoonsgegevens.voornamen",
            "taalvaardigheid.spreken",
            "taalvaardigheid.moedertaal",
            "opleidingen",
            "contactUaf",
        } <= set(paden)
        assert all(w["oud"] is None for w in body["wijzigingen"])
        assert paden["taalvaardigheid.spreken"]["nieuw"] == "a1"
        # Fields that are absent in the first version are no change: empty lists and nulls are not listed.
        assert "gezinsleden" not in paden
        assert "verblijfsstatus.vergunning" not in paden
        assert await count(database, "SELECT count(*) FROM klantprofiel_versie") == 1
        [event] = await profiel_events(database)
        assert event["data"]["versie"] == 1
        assert event["data"]["gewijzigdeVelden"] == sorted(paden)
        assert event["dataref"].endswith(f"{inburgeraar}/klantprofielen/1")

    async def test_identical_resend_is_200_same_version_no_event(
        self, client: httpx.AsyncClient, headers: dict[str, str], inburgeraar: str, database: Database
    ) -> None:
        first = await client.post(f"{inburgeraar}/klantprofielen", json={"profiel": profiel()}, headers=headers)
        again = await client.post(f"{inburgeraar}/klantprofielen", json={"profiel": profiel()}, headers=headers)
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json()["versie"] == 1
        assert again.json()["ontvangenOp"] == first.json()["ontvangenOp"]
        assert await count(database, "SELECT count(*) FROM klantprofiel_versie") == 1
        assert len(await profiel_events(database)) == 1

    async def test_changed_profile_is_version_2_with_exactly_the_changed_paths(
        self, client: httpx.AsyncClient, headers: dict[str, str], inburgeraar: str, database: Database
    ) -> None:
        await client.post(f"{inburgeraar}/klantprofielen", json={"profiel": profiel()}, headers=headers)
        gewijzigd = profiel(taalvaardigheid={"spreken": "a2", "lezen": "a0", "moedertaal": "Arabisch"}, contactUaf=True)
        response = await client.post(f"{inburgeraar}/klantprofielen", json={"profiel": gewijzigd}, headers=headers)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["versie"] == 2
        assert sorted(body["wijzigingen"], key=lambda w: w["pad"]) == [
            {"pad": "contactUaf", "oud": False, "nieuw": True},
            {"pad": "taalvaardigheid.spreken", "oud": "a1", "nieuw": "a2"},
        ]
        events = await profiel_events(database)
        assert [e["data"]["versie"] for e in events] == [1, 2]
        assert events[1]["data"]["gewijzigdeVelden"] == ["contactUaf", "taalvaardigheid.spreken"]

    async def test_every_version_stays_readable(
        self, client: httpx.AsyncClient, headers: dict[str, str], inburgeraar: str
    ) -> None:
        await client.post(f"{inburgeraar}/klantprofielen", json={"profiel": profiel()}, headers=headers)
        await client.post(
            f"{inburgeraar}/klantprofielen",
            json={"bron": "COA-TVS", "profiel": profiel(ambities="eigen bedrijf")},
            headers=headers,
        )

        lijst = await client.get(f"{inburgeraar}/klantprofielen", headers=headers)
        assert lijst.status_code == 200
        assert [(v["versie"], v["bron"]) for v in lijst.json()] == [(1, "COA"), (2, "COA-TVS")]
        assert lijst.json()[1]["wijzigingen"] == [{"pad": "ambities", "oud": None, "nieuw": "eigen bedrijf"}]
        assert all("profiel" not in v for v in lijst.json())

        een = await client.get(f"{inburgeraar}/klantprofielen/1", headers=headers)
        twee = await client.get(f"{inburgeraar}/klantprofielen/2", headers=headers)
        assert (een.status_code, twee.status_code) == (200, 200)
        assert een.json()["profiel"]["ambities"] is None
        assert twee.json()["profiel"]["ambities"] == "eigen bedrijf"
        assert een.json()["profiel"]["persoonsgegevens"]["geslachtsnaam"] == "Haddad"

        missing = await client.get(f"{inburgeraar}/klantprofielen/3", headers=headers)
        assert missing.status_code == 404
        assert missing.headers["content-type"] == PROBLEM

    async def test_unknown_inburgeraar_is_404(
        self, client: httpx.AsyncClient, headers: dict[str, str], database: Database
    ) -> None:
        response = await client.post(
            "/api/v1/inburgeraars/6f1c1a51-2d0e-4a7e-9d3f-0c4a4c0a0001/klantprofielen",
            json={"profiel": profiel()},
            headers=headers,
        )
        assert response.status_code == 404
        assert await count(database, "SELECT count(*) FROM klantprofiel_versie") == 0


class TestZachteInformatie:
    async def test_without_consent_is_refused_and_nothing_stored(
        self, client: httpx.AsyncClient, headers: dict[str, str], inburgeraar: str, database: Database
    ) -> None:
        verwerkingen = await count(database, "SELECT count(*) FROM verwerking")
        zonder = profiel(zachteInformatie={"omstandigheden": "zorgt alleen voor drie kinderen"})
        response = await client.post(f"{inburgeraar}/klantprofielen", json={"profiel": zonder}, headers=headers)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "toestemming-ontbreekt"
        assert {p["name"] for p in response.json()["invalidParams"]} == {
            "toestemmingZachteInformatie",
            "toestemmingDatum",
        }
        assert await count(database, "SELECT count(*) FROM klantprofiel_versie") == 0
        assert await profiel_events(database) == []
        assert await count(database, "SELECT count(*) FROM verwerking") == verwerkingen

    async def test_consent_without_date_is_refused(
        self, client: httpx.AsyncClient, headers: dict[str, str], inburgeraar: str, database: Database
    ) -> None:
        zonder_datum = profiel(zachteInformatie={"omstandigheden": "mantelzorger"}, toestemmingZachteInformatie=True)
        response = await client.post(f"{inburgeraar}/klantprofielen", json={"profiel": zonder_datum}, headers=headers)
        assert response.status_code == 422
        assert [p["name"] for p in response.json()["invalidParams"]] == ["toestemmingDatum"]
        assert await count(database, "SELECT count(*) FROM klantprofiel_versie") == 0

    async def test_with_consent_and_date_is_stored_and_visible(
        self, client: httpx.AsyncClient, headers: dict[str, str], inburgeraar: str, database: Database
    ) -> None:
        met = profiel(
            zachteInformatie={
                "zorgOfOndersteuningsbehoeften": "hulp bij post lezen",
                "omstandigheden": "mantelzorger voor een ouder",
            },
            toestemmingZachteInformatie=True,
            toestemmingDatum="2026-03-02",
        )
        response = await client.post(f"{inburgeraar}/klantprofielen", json={"profiel": met}, headers=headers)
        assert response.status_code == 201, response.text
        read = (await client.get(f"{inburgeraar}/klantprofielen/1", headers=headers)).json()["profiel"]
        assert read["zachteInformatie"] == {
            "zorgOfOndersteuningsbehoeften": "hulp bij post lezen",
            "omstandigheden": "mantelzorger voor een ouder",
        }
        assert (read["toestemmingZachteInformatie"], read["toestemmingDatum"]) == (True, "2026-03-02")
        async with database.engine.connect() as conn:
            row = (
                await conn.execute(text("SELECT zachte_informatie, toestemming_datum FROM klantprofiel_versie"))
            ).one()
        assert row.zachte_informatie["omstandigheden"] == "mantelzorger voor een ouder"
        assert str(row.toestemming_datum) == "2026-03-02"
        # The event names the changed paths, never the soft information itself.
        [event] = await profiel_events(database)
        assert "mantelzorger" not in json.dumps(event)


class TestMedischeGegevens:
    @pytest.mark.parametrize(
        ("payload", "pad"),
        [
            (lambda p: p | {"diagnose": "PTSS"}, "profiel.diagnose"),
            (
                lambda p: p | {"voorinburgering": {"taalactiviteiten": [{"naam": "NT2", "diagnose": "PTSS"}]}},
                "profiel.voorinburgering.taalactiviteiten.0.diagnose",
            ),
            (
                lambda p: (
                    p
                    | {
                        "zachteInformatie": {"omstandigheden": "x", "Diagnose": "PTSS"},
                        "toestemmingZachteInformatie": True,
                        "toestemmingDatum": "2026-03-02",
                    }
                ),
                "profiel.zachteInformatie.Diagnose",
            ),
        ],
        ids=["top", "nested-in-list", "in-soft-information"],
    )
    async def test_diagnose_anywhere_is_refused_and_nothing_is_stored(
        self,
        client: httpx.AsyncClient,
        headers: dict[str, str],
        inburgeraar: str,
        database: Database,
        payload: Any,
        pad: str,
    ) -> None:
        verwerkingen = await count(database, "SELECT count(*) FROM verwerking")
        outbox = await count(database, "SELECT count(*) FROM outbox")
        body = {"profiel": payload(copy.deepcopy(profiel()))}
        response = await client.post(f"{inburgeraar}/klantprofielen", json=body, headers=headers)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "medische-gegevens-geweigerd"
        assert [p["name"] for p in response.json()["invalidParams"]] == [pad]
        # The refusal does not echo what it refuses.
        assert "PTSS" not in response.text
        assert await count(database, "SELECT count(*) FROM klantprofiel_versie") == 0
        assert await count(database, "SELECT count(*) FROM outbox") == outbox
        assert await count(database, "SELECT count(*) FROM verwerking") == verwerkingen
        async with database.engine.connect() as conn:
            dump = (
                await conn.execute(text("SELECT coalesce(string_agg(t::text, ''), '') FROM klantprofiel_versie t"))
            ).scalar_one()
        assert "PTSS" not in dump


class TestGeenBsn:
    async def test_bsn_is_in_no_profile_event(
        self, client: httpx.AsyncClient, headers: dict[str, str], inburgeraar: str, database: Database
    ) -> None:
        await client.post(f"{inburgeraar}/klantprofielen", json={"profiel": profiel()}, headers=headers)
        await client.post(f"{inburgeraar}/klantprofielen", json={"profiel": profiel(cvGemaakt=True)}, headers=headers)
        events = await profiel_events(database)
        assert len(events) == 2
        for event in events:
            dumped = json.dumps(event)
            assert BSN not in dumped
            assert "Haddad" not in dumped
            assert "amal@example.org" not in dumped

    async def test_a_bsn_field_in_the_profile_is_refused(
        self, client: httpx.AsyncClient, headers: dict[str, str], inburgeraar: str, database: Database
    ) -> None:
        # The profile deliberately has no BSN: the person's BSN lives on the inburgeraar only.
        body = {"profiel": profiel(persoonsgegevens={"geslachtsnaam": "Haddad", "bsn": BSN})}
        response = await client.post(f"{inburgeraar}/klantprofielen", json=body, headers=headers)
        assert response.status_code == 400
        assert [p["name"] for p in response.json()["invalidParams"]] == ["profiel.persoonsgegevens.bsn"]
        assert BSN not in response.text
        assert await count(database, "SELECT count(*) FROM klantprofiel_versie") == 0
