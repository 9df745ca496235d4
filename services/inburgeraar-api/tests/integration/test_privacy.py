"""Privacy over a realistic flow (DOMAIN §4): the BSN and the person's names and contact data stay out of
every event, every URL and every log record; every event matches its published JSON Schema."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest
from sqlalchemy import text

from inburgeraar_api.scopes import ROLLEN
from inburgeraar_api.services import registratie
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

BSN = "999993653"
TWEEDE_BSN = "111222333"
ONGELDIG_BSN = "123456789"
PERSOONLIJK = ("Amal", "Haddad", "amal@example.org", "+31612345678", "Dorpsstraat")
EVENTS_DIR = Path(__file__).resolve().parents[4] / "contracts" / "events"


class Verkeer:
    """Every request URL and every response header of the client, recorded by httpx event hooks."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.responses: list[httpx.Response] = []

    async def on_request(self, request: httpx.Request) -> None:
        self.urls.append(str(request.url))

    async def on_response(self, response: httpx.Response) -> None:
        self.responses.append(response)


@pytest.fixture
async def verkeer(client: httpx.AsyncClient) -> AsyncIterator[Verkeer]:
    recorder = Verkeer()
    client.event_hooks = {"request": [recorder.on_request], "response": [recorder.on_response]}
    yield recorder
    client.event_hooks = {"request": [], "response": []}


async def outbox(database: Database) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        return [r[0] for r in await conn.execute(text("SELECT event FROM outbox ORDER BY seq"))]


async def realistic_flow(client: httpx.AsyncClient, tokens: TokenFactory) -> str:
    """Registration by BSN with contact data, the refusals that quote nothing, then every sub-process once."""
    h = tokens.headers(*ROLLEN["klantregisseur"])
    registratie = {
        "bsn": BSN,
        "doelgroep": "asielmigrant",
        "datumKoppeling": "2026-03-01",
        "contact": {
            "voornamen": "Amal",
            "achternaam": "Haddad",
            "email": "amal@example.org",
            "telefoonnummer": "+31612345678",
            "adres": {"straat": "Dorpsstraat", "huisnummer": 1, "postcode": "1234 AB", "woonplaats": "Ede"},
        },
    }
    created = await client.post("/api/v1/inburgeraars", json=registratie, headers=h)
    assert created.status_code == 201, created.text
    ib = created.headers["Location"]

    duplicate = await client.post("/api/v1/inburgeraars", json=registratie, headers=h)
    assert duplicate.status_code == 409
    assert BSN not in duplicate.text
    invalid = await client.post("/api/v1/inburgeraars", json={**registratie, "bsn": ONGELDIG_BSN}, headers=h)
    assert invalid.status_code == 422
    assert ONGELDIG_BSN not in invalid.text

    steps: list[tuple[str, str, dict[str, Any], int]] = [
        (
            "POST",
            "/plicht-mutaties",
            {"soort": "plicht-vastgesteld", "ingangsdatum": "2026-03-01", "bron": "DUO"},
            201,
        ),
        (
            "POST",
            "/plicht-mutaties",
            {
                "soort": "termijn-vastgesteld",
                "ingangsdatum": "2026-05-01",
                "bron": "DUO",
                "termijn": "ibp",
                "einddatum": "2029-05-01",
            },
            201,
        ),
        (
            "POST",
            "/klantprofielen",
            {
                "profiel": {
                    "persoonsgegevens": {
                        "voornamen": "Amal",
                        "geslachtsnaam": "Haddad",
                        "email": "amal@example.org",
                        "telefoon": "+31612345678",
                    },
                    "zachteInformatie": {"omstandigheden": "alleenstaande ouder"},
                    "toestemmingZachteInformatie": True,
                    "toestemmingDatum": "2026-03-02",
                }
            },
            201,
        ),
        (
            "POST",
            "/klantprofielen",
            {
                "profiel": {
                    "persoonsgegevens": {
                        "voornamen": "Amal",
                        "geslachtsnaam": "Haddad",
                        "email": "amal@example.org",
                        "telefoon": "+31612345678",
                    },
                    "cvGemaakt": True,
                }
            },
            201,
        ),
        (
            "POST",
            "/warme-overdrachten",
            {
                "datum": "2026-03-05",
                "vorm": "in-persoon",
                "deelnemers": [{"rol": "coa"}, {"rol": "inburgeraar"}],
            },
            201,
        ),
        (
            "POST",
            "/maatschappelijke-begeleiding",
            {
                "onderdeel": "wonen",
                "inhoud": "huurcontract",
                "doel": "wonen",
                "startdatum": "2026-03-15",
                "aanbieder": "VluchtelingenWerk",
            },
            201,
        ),
        ("PUT", "/ontzorgen", {"beschikkingReferentie": "PW-1", "startdatum": "2026-08-31"}, 200),
        ("POST", "/ontzorgen/_verlengen", {"verlengdTot": "2027-05-31"}, 200),
        (
            "POST",
            "/verlengingsverzoeken",
            {"verzoekdatum": "2026-09-01", "omstandigheden": ["zorg-voor-gezinslid"], "toelichting": "moeder ziek"},
            201,
        ),
        (
            "PATCH",
            "",
            {"contact": {"voornamen": "Amal", "achternaam": "Haddad-Ali", "email": "amal@example.org"}},
            200,
        ),
    ]
    for method, pad, body, status in steps:
        response = await client.request(method, f"{ib}{pad}", json=body, headers=h)
        assert response.status_code == status, (pad, response.text)

    intake = f"{ib}/brede-intake"
    oproep = await client.post(
        f"{intake}/oproepen",
        headers=h,
        json={"verzondenDatum": "2026-04-01", "afspraakOp": "2026-04-10T10:00:00+02:00"},
    )
    await client.put(
        f"{intake}/oproepen/{oproep.json()['id']}/uitkomst", json={"uitkomst": "niet-verschenen"}, headers=h
    )
    oproep = await client.post(
        f"{intake}/oproepen",
        headers=h,
        json={"verzondenDatum": "2026-04-12", "afspraakOp": "2026-04-20T10:00:00+02:00"},
    )
    await client.put(f"{intake}/oproepen/{oproep.json()['id']}/uitkomst", json={"uitkomst": "verschenen"}, headers=h)
    for onderwerp in (
        "opleiding",
        "werkervaring",
        "gezinssituatie",
        "sociaal-netwerk",
        "taalniveau",
        "zelfredzaamheid",
    ):
        await client.put(
            f"{intake}/resultaten/{onderwerp}", json={"onderwerp": onderwerp, "bevindingen": "ok"}, headers=h
        )
    for onderwerp in ("fysieke-gezondheid", "mentale-gezondheid"):
        await client.put(
            f"{intake}/resultaten/{onderwerp}",
            json={"onderwerp": onderwerp, "omstandigheden": "geen"},
            headers=h,
        )
    await client.put(
        f"{intake}/leerbaarheidstoets",
        headers=h,
        json={
            "datum": "2026-04-20",
            "resultaat": "advies b1",
            "geadviseerdeLeerroute": "b1",
            "instantie": "Toets BV",
        },
    )
    afgerond = await client.post(f"{intake}/_afronden", json={"datum": "2026-04-25"}, headers=h)
    assert afgerond.status_code == 200, afgerond.text

    # A person registered without a BSN gets one later: that event must not carry it either.
    zonder = await client.post(
        "/api/v1/inburgeraars",
        headers=h,
        json={"doelgroep": "gezinsmigrant", "datumInschrijvingBrp": "2026-03-01"},
    )
    assert (
        await client.post(f"{zonder.headers['Location']}/bsn", json={"bsn": TWEEDE_BSN}, headers=h)
    ).status_code == 200
    found = await client.post("/api/v1/inburgeraars/_zoek", json={"bsn": BSN}, headers=h)
    assert len(found.json()["resultaten"]) == 1
    return ib


class TestEvents:
    async def test_no_event_carries_bsn_name_or_contact_data(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database, verkeer: Verkeer
    ) -> None:
        await realistic_flow(client, tokens)
        events = await outbox(database)
        types = {e["type"].rsplit(".", 1)[1] for e in events}
        assert {
            "inburgeraar-geregistreerd",
            "inburgeraar-gewijzigd",
            "bsn-vastgelegd",
            "plichtgegevens-ontvangen",
            "klantprofiel-ontvangen",
            "warme-overdracht-vastgelegd",
            "maatschappelijke-begeleiding-vastgelegd",
            "ontzorgen-vastgelegd",
            "verlengingsomstandigheden-vastgelegd",
            "oproep-verstuurd",
            "oproep-niet-verschenen",
            "oproep-verschenen",
            "brede-intake-resultaat-vastgelegd",
            "leerbaarheidstoets-vastgelegd",
            "brede-intake-afgerond",
        } <= types
        for event in events:
            dumped = json.dumps(event)
            for secret in (BSN, TWEEDE_BSN, *PERSOONLIJK, "alleenstaande ouder", "moeder ziek"):
                assert secret not in dumped, (event["type"], secret)
            assert "bsn" not in {k.lower() for k in event["data"]}

    async def test_every_event_matches_its_published_schema(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database, verkeer: Verkeer
    ) -> None:
        await realistic_flow(client, tokens)
        events = await outbox(database)
        assert len(events) >= 20
        validators: dict[str, Any] = {}
        for event in events:
            if event["type"] not in validators:
                schema_file = EVENTS_DIR / f"{event['type']}.json"
                assert schema_file.is_file(), f"no published schema for {event['type']}"
                validators[event["type"]] = jsonschema_rs.validator_for(
                    json.loads(schema_file.read_text()), validate_formats=True
                )
            validator = validators[event["type"]]
            errors = [e.message for e in validator.iter_errors(event)]
            assert errors == [], (event["type"], errors)
            assert event["dataschema"] == f"/contracts/events/{event['type']}.json"
        # The check is not vacuous: a leaked field or a wrong type is refused by the same validators.
        sample = events[0]
        assert not validators[sample["type"]].is_valid({**sample, "data": {**sample["data"], "bsn": BSN}})
        assert not validators[sample["type"]].is_valid({**sample, "time": "gisteren"})


class TestUrls:
    async def test_no_url_location_or_dataref_contains_the_bsn(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database, verkeer: Verkeer
    ) -> None:
        ib = await realistic_flow(client, tokens)
        assert len(verkeer.urls) > 25
        for url in verkeer.urls:
            assert BSN not in url and TWEEDE_BSN not in url and ONGELDIG_BSN not in url, url
        locations = [r.headers["Location"] for r in verkeer.responses if "Location" in r.headers]
        assert ib in locations
        assert all(BSN not in loc and TWEEDE_BSN not in loc for loc in locations)
        datarefs = [e["dataref"] for e in await outbox(database)]
        assert all(d and d.startswith("http://test/api/v1/inburgeraars/") for d in datarefs)
        assert all(BSN not in d and TWEEDE_BSN not in d for d in datarefs)
        # No response header anywhere carries it either (a Location, a Link, a problem's instance).
        for response in verkeer.responses:
            headers = json.dumps(dict(response.headers))
            assert BSN not in headers and TWEEDE_BSN not in headers


class TestLogs:
    async def test_bsn_never_reaches_a_log_record(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        caplog: pytest.LogCaptureFixture,
        verkeer: Verkeer,
        app: Any,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        caplog.set_level(logging.DEBUG)
        await realistic_flow(client, tokens)

        # An unexpected error whose message quotes a BSN (as a driver message might): logged, but masked.
        async def boom(*_: object, **__: object) -> None:
            raise RuntimeError(f"unique violation on bsn={BSN}")

        monkeypatch.setattr(registratie, "zoek_op_bsn", boom)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as failing:
            response = await failing.post(
                "/api/v1/inburgeraars/_zoek",
                json={"bsn": BSN},
                headers=tokens.headers(*ROLLEN["klantregisseur"]),
            )
        assert response.status_code == 500
        assert BSN not in response.text

        assert len(caplog.records) > 30
        assert any(r.levelno >= logging.ERROR for r in caplog.records), "the 500 was not logged at all"
        formatter = logging.Formatter()
        for record in caplog.records:
            parts = [record.getMessage(), record.exc_text or ""]
            if record.exc_info:
                parts.append(formatter.formatException(record.exc_info))
            for part in parts:
                for secret in (BSN, TWEEDE_BSN, ONGELDIG_BSN):
                    assert secret not in part, (record.name, record.levelname, part[:300])
        assert BSN not in caplog.text
