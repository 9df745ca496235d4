"""Who may do what: scopes per role (need to know, DOMAIN §4), the verwerkingenlog for the privacy officer,
token handling, and tenant isolation on every sub-resource of an inburgeraar."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from inburgeraar_api.scopes import ROLLEN
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

BSN = "999993653"
ANDER_BSN = "111222333"
PROBLEM = "application/problem+json"
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

ONTZORGEN = {"beschikkingReferentie": "PW-2026-1", "startdatum": "2026-08-31"}
OPROEP = {"verzondenDatum": "2026-04-01", "afspraakOp": "2026-04-10T10:00:00+02:00"}
PLICHT = {"soort": "plicht-vastgesteld", "ingangsdatum": "2026-03-01", "bron": "DUO"}
PROFIEL = {"profiel": {"persoonsgegevens": {"geslachtsnaam": "Haddad"}}}


def headers_of(tokens: TokenFactory, rol: str, gemeente: str = "0363") -> dict[str, str]:
    return tokens.headers(*sorted(ROLLEN[rol]), gemeente=gemeente, client_id=f"client-{rol}")


async def registreer(
    client: httpx.AsyncClient, tokens: TokenFactory, bsn: str = BSN, rol: str = "klantregisseur", **extra: str
) -> str:
    created = await client.post(
        "/api/v1/inburgeraars",
        json={
            "bsn": bsn,
            "doelgroep": "asielmigrant",
            "datumKoppeling": "2026-03-01",
            "contact": {"voornamen": "Amal", "achternaam": "Haddad"},
        },
        headers={**headers_of(tokens, rol), **extra},
    )
    assert created.status_code == 201, created.text
    return f"/api/v1/inburgeraars/{created.json()['id']}"


async def rows(database: Database, sql: str, **params: Any) -> list[Any]:
    async with database.engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


def assert_forbidden(response: httpx.Response) -> None:
    assert response.status_code == 403, (response.request.method, response.request.url.path, response.text)
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith('Bearer error="insufficient_scope"')


@pytest.fixture
async def inburgeraar(client: httpx.AsyncClient, tokens: TokenFactory) -> str:
    return await registreer(client, tokens)


class TestRollen:
    async def test_specialist_inkomen_handles_ontzorgen_and_nothing_of_the_intake(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str
    ) -> None:
        headers = headers_of(tokens, "specialist-inkomen")
        assert (await client.put(f"{inburgeraar}/ontzorgen", json=ONTZORGEN, headers=headers)).status_code == 200
        assert (await client.get(f"{inburgeraar}/ontzorgen", headers=headers)).status_code == 200
        assert (
            await client.post(
                f"{inburgeraar}/ontzorgen/_verlengen", json={"verlengdTot": "2027-06-30"}, headers=headers
            )
        ).status_code == 200
        assert_forbidden(await client.get(inburgeraar, headers=headers))
        assert_forbidden(await client.get(f"{inburgeraar}/brede-intake", headers=headers))
        assert_forbidden(await client.post(f"{inburgeraar}/brede-intake/oproepen", json=OPROEP, headers=headers))
        assert_forbidden(await client.get(f"{inburgeraar}/klantprofielen", headers=headers))
        assert_forbidden(await client.get(f"{inburgeraar}/plicht", headers=headers))
        assert_forbidden(await client.get(f"{inburgeraar}/warme-overdrachten", headers=headers))
        assert_forbidden(await client.patch(inburgeraar, json={"klantregisseur": "x"}, headers=headers))

    async def test_specialist_werk_reads_the_intake_but_cannot_write_it(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str, database: Database
    ) -> None:
        headers = headers_of(tokens, "specialist-werk")
        assert (await client.get(f"{inburgeraar}/brede-intake", headers=headers)).status_code == 200
        assert_forbidden(await client.post(f"{inburgeraar}/brede-intake/oproepen", json=OPROEP, headers=headers))
        assert_forbidden(
            await client.put(
                f"{inburgeraar}/brede-intake/resultaten/opleiding",
                json={"onderwerp": "opleiding", "bevindingen": "x"},
                headers=headers,
            )
        )
        assert_forbidden(await client.get(f"{inburgeraar}/ontzorgen", headers=headers))
        assert await rows(database, "SELECT id FROM oproep") == []

    async def test_specialist_huisvesting_reads_overdracht_only(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str
    ) -> None:
        headers = headers_of(tokens, "specialist-huisvesting")
        assert (await client.get(f"{inburgeraar}/warme-overdrachten", headers=headers)).status_code == 200
        assert_forbidden(
            await client.post(
                f"{inburgeraar}/warme-overdrachten",
                headers=headers,
                json={"datum": "2026-03-05", "vorm": "online", "deelnemers": [{"rol": "coa"}]},
            )
        )
        assert_forbidden(await client.get(f"{inburgeraar}/maatschappelijke-begeleiding", headers=headers))

    async def test_coa_delivers_the_profile_but_cannot_read_it_back(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        headers = headers_of(tokens, "coa")
        inburgeraar = await registreer(client, tokens, rol="coa")
        assert (await client.post(f"{inburgeraar}/klantprofielen", json=PROFIEL, headers=headers)).status_code == 201
        assert_forbidden(await client.get(f"{inburgeraar}/klantprofielen", headers=headers))
        assert_forbidden(await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT, headers=headers))

    async def test_duo_writes_plicht_only(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str
    ) -> None:
        headers = headers_of(tokens, "duo")
        assert (await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT, headers=headers)).status_code == 201
        assert_forbidden(await client.post(f"{inburgeraar}/klantprofielen", json=PROFIEL, headers=headers))
        assert_forbidden(
            await client.post(
                "/api/v1/inburgeraars",
                headers=headers,
                json={"doelgroep": "gezinsmigrant", "datumInschrijvingBrp": "2026-01-15"},
            )
        )

    async def test_privacy_officer_sees_no_inburgeraars(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str
    ) -> None:
        headers = headers_of(tokens, "privacy-officer")
        assert_forbidden(await client.get("/api/v1/inburgeraars", headers=headers))
        assert_forbidden(await client.get(inburgeraar, headers=headers))
        assert_forbidden(await client.post("/api/v1/inburgeraars/_zoek", json={"bsn": BSN}, headers=headers))
        assert_forbidden(await client.get(f"{inburgeraar}/plicht", headers=headers))

    async def test_no_one_but_the_privacy_officer_reads_the_log(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        for rol in ROLLEN:
            if rol == "privacy-officer":
                continue
            assert_forbidden(await client.get("/api/v1/verwerkingen", headers=headers_of(tokens, rol)))


class TestNeedToKnow:
    """Each role sees what its task needs (issue 11 §5; the matrix is in the README): COA the persons it linked
    itself, DUO the plicht facts, a specialist its sub-process; another's person is not found (404) like one of
    another gemeente, a capability the role lacks is 403."""

    async def test_coa_sees_and_changes_only_the_persons_it_linked(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str
    ) -> None:
        coa = headers_of(tokens, "coa")
        eigen = await registreer(client, tokens, bsn=ANDER_BSN, rol="coa")
        assert (await client.get(eigen, headers=coa)).status_code == 200
        changed = await client.patch(eigen, json={"datumKoppeling": "2026-03-02"}, headers=coa)
        assert changed.status_code == 200, changed.text
        listed = await client.get("/api/v1/inburgeraars", headers=coa)
        assert [f"/api/v1/inburgeraars/{r['id']}" for r in listed.json()["resultaten"]] == [eigen]
        found = await client.post("/api/v1/inburgeraars/_zoek", json={"bsn": ANDER_BSN}, headers=coa)
        assert found.json()["totalItems"] == 1

        # The klantregisseur's registration: not found for COA, whatever it tries.
        for response in (
            await client.get(inburgeraar, headers=coa),
            await client.patch(inburgeraar, json={"klantregisseur": "indringer"}, headers=coa),
            await client.post(f"{inburgeraar}/klantprofielen", json=PROFIEL, headers=coa),
        ):
            assert response.status_code == 404, response.text
            assert "Haddad" not in response.text
        hidden = await client.post("/api/v1/inburgeraars/_zoek", json={"bsn": BSN}, headers=coa)
        assert (hidden.status_code, hidden.json()["totalItems"]) == (200, 0)
        regisseur = headers_of(tokens, "klantregisseur")
        assert (await client.get(inburgeraar, headers=regisseur)).json()["versie"] == 1

    async def test_another_coa_client_does_not_see_the_first_ones_persons(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        eigen = await registreer(client, tokens, rol="coa")
        ander = tokens.headers(*sorted(ROLLEN["coa"]), client_id="coa-andere-locatie")
        assert (await client.get(eigen, headers=ander)).status_code == 404
        assert (await client.get("/api/v1/inburgeraars", headers=ander)).json()["totalItems"] == 0

    async def test_duo_finds_the_id_by_bsn_and_handles_plicht_only(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str
    ) -> None:
        duo = headers_of(tokens, "duo")
        found = await client.post("/api/v1/inburgeraars/_zoek", json={"bsn": BSN}, headers=duo)
        assert found.status_code == 200, found.text
        [person] = found.json()["resultaten"]
        assert f"/api/v1/inburgeraars/{person['id']}" == inburgeraar
        assert "Haddad" not in found.text and "Amal" not in found.text
        assert person["klantregisseur"] is None
        assert (await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT, headers=duo)).status_code == 201
        assert (await client.get(f"{inburgeraar}/plicht", headers=duo)).status_code == 200
        assert_forbidden(await client.get("/api/v1/inburgeraars", headers=duo))
        assert_forbidden(await client.get(inburgeraar, headers=duo))
        assert_forbidden(await client.patch(inburgeraar, json={"klantregisseur": "x"}, headers=duo))
        assert_forbidden(await client.post(f"{inburgeraar}/bsn", json={"bsn": ANDER_BSN}, headers=duo))

    @pytest.mark.parametrize(
        ("rol", "eigen_pad"),
        [
            ("specialist-huisvesting", "/warme-overdrachten"),
            ("specialist-inkomen", "/ontzorgen"),
            ("specialist-werk", "/brede-intake"),
            ("specialist-begeleiding", "/maatschappelijke-begeleiding"),
        ],
    )
    async def test_a_specialist_reads_its_sub_process_and_no_person_list(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str, rol: str, eigen_pad: str
    ) -> None:
        headers = headers_of(tokens, rol)
        if eigen_pad == "/ontzorgen":
            await client.put(f"{inburgeraar}/ontzorgen", json=ONTZORGEN, headers=headers)
        assert (await client.get(f"{inburgeraar}{eigen_pad}", headers=headers)).status_code == 200
        assert_forbidden(await client.get("/api/v1/inburgeraars", headers=headers))
        assert_forbidden(await client.get(inburgeraar, headers=headers))
        assert_forbidden(await client.post("/api/v1/inburgeraars/_zoek", json={"bsn": BSN}, headers=headers))
        assert_forbidden(await client.get(f"{inburgeraar}/plicht", headers=headers))

    async def test_the_klantregisseur_still_sees_every_person_of_the_gemeente(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str
    ) -> None:
        await registreer(client, tokens, bsn=ANDER_BSN, rol="coa")
        regisseur = headers_of(tokens, "klantregisseur")
        assert (await client.get("/api/v1/inburgeraars", headers=regisseur)).json()["totalItems"] == 2


class TestVerwerkingenlog:
    async def test_each_processing_is_recorded_and_found_by_bsn(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        inburgeraar = await registreer(client, tokens, traceparent=TRACEPARENT)
        regisseur = headers_of(tokens, "klantregisseur")
        assert (await client.get(inburgeraar, headers=regisseur)).status_code == 200
        assert (
            await client.patch(inburgeraar, json={"klantregisseur": "consulent.b"}, headers=regisseur)
        ).status_code == 200
        await registreer(client, tokens, bsn=ANDER_BSN)  # another person: not in the first one's records

        officer = headers_of(tokens, "privacy-officer")
        found = await client.post("/api/v1/verwerkingen/_zoek", json={"bsn": BSN}, headers=officer)
        assert found.status_code == 200, found.text
        records = found.json()["resultaten"]
        inburgeraar_id = inburgeraar.rsplit("/", 1)[1]
        assert {r["objectId"] for r in records} == {inburgeraar_id}
        by_actie = {r["actie"]: r for r in records}
        assert set(by_actie) == {"aanmaken", "lezen", "wijzigen"}
        assert by_actie["aanmaken"]["activiteit"] == "registratie inburgeraar"
        assert by_actie["lezen"]["activiteit"] == "raadplegen inburgeraar"
        assert by_actie["wijzigen"]["activiteit"] == "registratie inburgeraar"
        for record in records:
            assert record["grondslag"].startswith("Wi art. 35")
            assert record["actorClient"] == "client-klantregisseur"
            assert record["actorUser"] == "tester"
            assert record["resultaat"] == "geslaagd"
            assert len(record["traceId"]) == 32
            assert record["betrokkene"] and BSN not in record["betrokkene"]
        # The client's traceparent continues: its trace id, its span as the parent.
        assert by_actie["aanmaken"]["traceId"] == "0af7651916cd43dd8448eb211c80319c"
        assert by_actie["aanmaken"]["parentSpanId"] == "b7ad6b7169203331"
        assert by_actie["lezen"]["traceId"] != "0af7651916cd43dd8448eb211c80319c"
        assert len({r["betrokkene"] for r in records}) == 1

    async def test_list_and_the_search_itself_is_logged(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str
    ) -> None:
        officer = headers_of(tokens, "privacy-officer")
        listed = await client.get(
            "/api/v1/verwerkingen", params={"objectId": inburgeraar.rsplit("/", 1)[1]}, headers=officer
        )
        assert listed.status_code == 200
        assert listed.json()["totalItems"] == 1
        await client.post("/api/v1/verwerkingen/_zoek", json={"bsn": BSN}, headers=officer)
        again = await client.post("/api/v1/verwerkingen/_zoek", json={"bsn": BSN}, headers=officer)
        inzien = [r for r in again.json()["resultaten"] if r["activiteit"] == "inzien verwerkingenlog"]
        assert [(r["actie"], r["actorClient"]) for r in inzien] == [("zoeken", "client-privacy-officer")]

    async def test_the_log_of_another_gemeente_is_invisible(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str
    ) -> None:
        other = headers_of(tokens, "privacy-officer", gemeente="0599")
        assert (await client.get("/api/v1/verwerkingen", headers=other)).json()["totalItems"] == 0
        found = await client.post("/api/v1/verwerkingen/_zoek", json={"bsn": BSN}, headers=other)
        assert found.json()["resultaten"] == []

    async def test_log_never_holds_the_bsn(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str, database: Database
    ) -> None:
        await client.get(inburgeraar, headers=headers_of(tokens, "klantregisseur"))
        await client.post("/api/v1/inburgeraars/_zoek", json={"bsn": BSN}, headers=headers_of(tokens, "klantregisseur"))
        await client.post(
            "/api/v1/verwerkingen/_zoek", json={"bsn": BSN}, headers=headers_of(tokens, "privacy-officer")
        )
        dump = await rows(database, "SELECT v::text FROM verwerking v")
        assert len(dump) >= 4
        assert all(BSN not in row[0] for row in dump)

    @pytest.mark.parametrize(
        "sql",
        [
            "UPDATE verwerking SET actie = 'lezen'",
            "DELETE FROM verwerking",
        ],
    )
    async def test_log_is_append_only(
        self, tokens: TokenFactory, inburgeraar: str, database: Database, sql: str
    ) -> None:
        with pytest.raises(DBAPIError, match="append-only"):
            async with database.engine.begin() as conn:
                await conn.execute(text(sql))
        assert [r[0] for r in await rows(database, "SELECT actie FROM verwerking")] == ["aanmaken"]

    async def test_invalid_bsn_in_search_is_400_without_echo(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        response = await client.post(
            "/api/v1/verwerkingen/_zoek",
            json={"bsn": "123456789"},
            headers=headers_of(tokens, "privacy-officer"),
        )
        assert response.status_code == 422  # matches the schema (nine digits), fails the 11-proef
        assert response.headers["content-type"] == PROBLEM
        assert [p["name"] for p in response.json()["invalidParams"]] == ["bsn"]
        assert "123456789" not in response.text


class TestTokens:
    async def test_no_token_is_401_with_www_authenticate(self, client: httpx.AsyncClient, inburgeraar: str) -> None:
        response = await client.get(inburgeraar)
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    async def test_expired_token_is_401(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str
    ) -> None:
        expired = tokens(*ROLLEN["klantregisseur"], ttl_seconds=-100)
        response = await client.get(inburgeraar, headers={"Authorization": f"Bearer {expired}"})
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert "verlopen" in response.json()["detail"]
        assert expired not in response.text

    async def test_token_in_query_string_is_refused_even_with_a_valid_header(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str, database: Database
    ) -> None:
        token = tokens(*ROLLEN["klantregisseur"])
        verwerkingen = await rows(database, "SELECT id FROM verwerking")
        for name in ("access_token", "token"):
            for headers in ({}, {"Authorization": f"Bearer {token}"}):
                response = await client.get(inburgeraar, params={name: token}, headers=headers)
                assert response.status_code in (400, 401), (name, response.text)
                assert response.headers["content-type"] == PROBLEM
                assert token not in response.text
                assert "Haddad" not in response.text
        # Refused before anything was read: no processing was logged.
        assert await rows(database, "SELECT id FROM verwerking") == verwerkingen

    async def test_token_in_query_string_is_401(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str
    ) -> None:
        response = await client.get(inburgeraar, params={"access_token": tokens(*ROLLEN["klantregisseur"])})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    async def test_token_signed_by_another_key_is_401(
        self, client: httpx.AsyncClient, tmp_path: Any, inburgeraar: str
    ) -> None:
        stranger = TokenFactory(tmp_path)
        response = await client.get(inburgeraar, headers=stranger.headers(*ROLLEN["klantregisseur"]))
        assert response.status_code == 401

    async def test_token_without_gemeente_is_403(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str
    ) -> None:
        response = await client.get(inburgeraar, headers=tokens.headers(*ROLLEN["klantregisseur"], gemeente=None))
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM


class TestTenantIsolatie:
    @pytest.mark.parametrize(
        "pad",
        [
            "",
            "/plicht",
            "/klantprofielen",
            "/klantprofielen/1",
            "/brede-intake",
            "/ontzorgen",
            "/warme-overdrachten",
            "/maatschappelijke-begeleiding",
        ],
    )
    async def test_other_gemeente_reads_404(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str, pad: str
    ) -> None:
        eigen = headers_of(tokens, "klantregisseur")
        # Fill every sub-resource, so a 404 for the other gemeente is isolation, not absence.
        await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT, headers=eigen)
        await client.post(f"{inburgeraar}/klantprofielen", json=PROFIEL, headers=eigen)
        await client.post(f"{inburgeraar}/brede-intake/oproepen", json=OPROEP, headers=eigen)
        await client.put(f"{inburgeraar}/ontzorgen", json=ONTZORGEN, headers=eigen)
        assert (await client.get(f"{inburgeraar}{pad}", headers=eigen)).status_code == 200

        response = await client.get(
            f"{inburgeraar}{pad}", headers=headers_of(tokens, "klantregisseur", gemeente="0599")
        )
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert "Haddad" not in response.text

    async def test_other_gemeente_cannot_write(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str, database: Database
    ) -> None:
        other = headers_of(tokens, "klantregisseur", gemeente="0599")
        outbox_before = await rows(database, "SELECT id FROM outbox")
        verwerking_before = await rows(database, "SELECT id FROM verwerking")
        writes: list[tuple[str, str, dict[str, Any]]] = [
            ("POST", "/plicht-mutaties", PLICHT),
            ("POST", "/klantprofielen", PROFIEL),
            ("POST", "/brede-intake/oproepen", OPROEP),
            ("PUT", "/brede-intake/resultaten/opleiding", {"onderwerp": "opleiding", "bevindingen": "x"}),
            ("PUT", "/ontzorgen", ONTZORGEN),
            ("POST", "/ontzorgen/_verlengen", {"verlengdTot": "2027-06-30"}),
            (
                "POST",
                "/warme-overdrachten",
                {"datum": "2026-03-05", "vorm": "online", "deelnemers": [{"rol": "coa"}]},
            ),
            (
                "POST",
                "/maatschappelijke-begeleiding",
                {
                    "onderdeel": "wonen",
                    "inhoud": "x",
                    "doel": "y",
                    "startdatum": "2026-03-15",
                    "aanbieder": "z",
                },
            ),
            ("PATCH", "", {"klantregisseur": "indringer"}),
            ("POST", "/bsn", {"bsn": ANDER_BSN}),
        ]
        for method, pad, body in writes:
            response = await client.request(method, f"{inburgeraar}{pad}", json=body, headers=other)
            assert response.status_code == 404, (method, pad, response.text)
            assert response.headers["content-type"] == PROBLEM
        for table in (
            "plicht_mutatie",
            "klantprofiel_versie",
            "oproep",
            "brede_intake",
            "ontzorgen",
            "warme_overdracht",
            "begeleiding_onderdeel",
        ):
            assert await rows(database, f"SELECT id FROM {table}") == [], table
        assert await rows(database, "SELECT id FROM outbox") == outbox_before
        assert await rows(database, "SELECT id FROM verwerking") == verwerking_before
        [(klantregisseur, versie)] = await rows(database, "SELECT klantregisseur, versie FROM inburgeraar")
        assert (klantregisseur, versie) == (None, 1)

    async def test_an_idempotency_key_never_replays_another_gemeentes_answer(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        # One chain partner (here COA, one client id) serves every gemeente and may reuse its message id as key.
        body = {
            "bsn": BSN,
            "doelgroep": "asielmigrant",
            "datumKoppeling": "2026-03-01",
            "contact": {"achternaam": "Haddad"},
        }
        answers = []
        for gemeente in ("0363", "0599"):
            headers = {
                **tokens.headers(*ROLLEN["coa"], gemeente=gemeente, client_id="coa"),
                "Idempotency-Key": "coa-koppeling-0001",
            }
            answers.append(await client.post("/api/v1/inburgeraars", json=body, headers=headers))
        assert [a.status_code for a in answers] == [201, 201]
        assert "Idempotent-Replayed" not in answers[1].headers
        assert [a.json()["gemeenteCode"] for a in answers] == ["0363", "0599"]
        assert sorted(r[0] for r in await rows(database, "SELECT gemeente_code FROM inburgeraar")) == ["0363", "0599"]

    async def test_a_replay_on_a_sub_resource_checks_the_tenant_first(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar: str
    ) -> None:
        key = {"Idempotency-Key": "duo-bericht-0001"}
        eigen = {**tokens.headers(*ROLLEN["duo"], client_id="duo"), **key}
        first = await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT, headers=eigen)
        assert first.status_code == 201
        other = {**tokens.headers(*ROLLEN["duo"], gemeente="0599", client_id="duo"), **key}
        foreign = await client.post(f"{inburgeraar}/plicht-mutaties", json=PLICHT, headers=other)
        assert foreign.status_code == 404
        assert "Idempotent-Replayed" not in foreign.headers
        assert "plichtig" not in foreign.text
