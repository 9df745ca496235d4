"""The CBS export (Wi art. 35 lid 4): NDJSON ordered by inburgeraarId, the stand at `tot`, only for `cbs:export`."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import text

from inburgeraar_api import scopes
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

TOETS = {"datum": "2026-04-20", "resultaat": "score 72", "geadviseerdeLeerroute": "b1", "instantie": "Toets Noord"}
ACHTERGROND = {
    "opleidingen": [{"niveau": "basisonderwijs"}, {"niveau": "beroepsonderwijs", "land": "Eritrea"}],
    "alfabetisme": "anders-gealfabetiseerd",
}
BEGELEIDING = {
    "onderdeel": "zorgverzekering", "inhoud": "uitleg", "doel": "verzekerd", "startdatum": "2026-03-15",
    "aanbieder": "VluchtelingenWerk",
}  # fmt: skip
PERIODE = {"gemeentecode": "0363", "van": "2026-01-01", "tot": "2027-01-01"}


async def registreer(client: httpx.AsyncClient, tokens: TokenFactory, bsn: str, datum: str) -> str:
    created = await client.post(
        "/api/v1/inburgeraars",
        json={"bsn": bsn, "doelgroep": "asielmigrant", "datumKoppeling": datum},
        headers=tokens.headers(scopes.INBURGERAAR_SCHRIJVEN),
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def export(client: httpx.AsyncClient, tokens: TokenFactory, **params: str) -> list[dict[str, Any]]:
    response = await client.get(
        "/api/v1/cbs-export", params=PERIODE | params, headers=tokens.headers(scopes.CBS_EXPORT)
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    regels = [json.loads(r) for r in response.text.splitlines()]
    assert int(response.headers["x-total-count"]) == len(regels)
    return regels


class TestCbsExport:
    async def test_every_item_per_person_ordered_by_id(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        ids = [await registreer(client, tokens, bsn, "2026-03-01") for bsn in ("999993653", "999990019", "999990032")]
        later = await registreer(client, tokens, "999990044", "2027-02-01")
        eerste = f"/api/v1/inburgeraars/{ids[0]}"
        h = tokens.headers(scopes.INTAKE_SCHRIJVEN, scopes.BEGELEIDING_SCHRIJVEN)
        assert (await client.put(f"{eerste}/brede-intake/leerbaarheidstoets", json=TOETS, headers=h)).status_code == 200
        assert (await client.put(f"{eerste}/brede-intake/achtergrond", json=ACHTERGROND, headers=h)).status_code == 200
        response = await client.post(f"{eerste}/maatschappelijke-begeleiding", json=BEGELEIDING, headers=h)
        assert response.status_code == 201, response.text

        regels = await export(client, tokens)

        assert [r["inburgeraarId"] for r in regels] == sorted(ids)
        assert later not in {r["inburgeraarId"] for r in regels}
        persoon = next(r for r in regels if r["inburgeraarId"] == ids[0])
        assert persoon["bsn"] == "999993653"
        assert persoon["doelgroep"] == "asielmigrant"
        assert persoon["registratiedatum"] == "2026-03-01"
        assert persoon["leerbaarheidstoets"] == {
            "datum": "2026-04-20", "uitslag": "score 72", "geadviseerdeLeerroute": "b1"
        }  # fmt: skip
        assert persoon["opleidingsniveau"] == "beroepsonderwijs"
        assert persoon["alfabetisme"] == "anders-gealfabetiseerd"
        assert persoon["maatschappelijkeBegeleiding"] == {
            "startdatum": "2026-03-15", "onderdelen": 1, "onderdelenInPeriode": 1
        }  # fmt: skip
        assert persoon["ontzorgen"] is None
        assert persoon["bredeIntake"]["status"] == "lopend"

    async def test_the_stand_at_tot_leaves_out_what_came_later(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        inburgeraar_id = await registreer(client, tokens, "999993653", "2026-03-01")
        h = tokens.headers(scopes.INTAKE_SCHRIJVEN)
        url = f"/api/v1/inburgeraars/{inburgeraar_id}/brede-intake/leerbaarheidstoets"
        assert (await client.put(url, json=TOETS, headers=h)).status_code == 200

        [regel] = await export(client, tokens, van="2026-01-01", tot="2026-04-01")

        assert regel["leerbaarheidstoets"] is None

    async def test_keyset_batches_cover_every_person_once(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        async with database.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO inburgeraar (id, gemeente_code, status, doelgroep, nareiziger, datum_koppeling, "
                    "contact, versie) SELECT gen_random_uuid(), '0363', 'bsn-ontbreekt', 'asielmigrant', false, "
                    "DATE '2026-02-01', '{}', 1 FROM generate_series(1, 4500)"
                )
            )
        regels = await export(client, tokens)
        ids = [r["inburgeraarId"] for r in regels]
        assert len(ids) == 4500 == len(set(ids))
        assert ids == sorted(ids)
        # one processing record per person exported, written batch by batch, each under its own betrokkene
        async with database.engine.connect() as conn:
            per_persoon = (
                await conn.execute(
                    text(
                        "SELECT count(*), count(DISTINCT betrokkene) FROM verwerking "
                        "WHERE object_type = 'cbs-export' AND betrokkene IS NOT NULL"
                    )
                )
            ).one()
        assert tuple(per_persoon) == (4500, 4500)

    async def test_logged_with_its_legal_ground(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        await export(client, tokens)
        async with database.engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT grondslag, object_id FROM verwerking "
                        "WHERE object_type = 'cbs-export' AND betrokkene IS NULL"
                    )
                )
            ).one()
        assert "art. 35 lid 4" in row.grondslag
        assert row.object_id == "0363:2026-01-01/2027-01-01"


class TestCbsExportRefused:
    async def test_bad_period_names_the_field(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        response = await client.get(
            "/api/v1/cbs-export",
            params=PERIODE | {"tot": "2025-01-01"},
            headers=tokens.headers(scopes.CBS_EXPORT),
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert [p["name"] for p in response.json()["invalidParams"]] == ["tot"]

    async def test_another_gemeente_is_refused(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        response = await client.get(
            "/api/v1/cbs-export",
            params=PERIODE | {"gemeentecode": "0599"},
            headers=tokens.headers(scopes.CBS_EXPORT),
        )
        assert response.status_code == 403

    async def test_the_klantregisseur_has_no_export(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        response = await client.get(
            "/api/v1/cbs-export", params=PERIODE, headers=tokens.headers(*scopes.ROLLEN["klantregisseur"])
        )
        assert response.status_code == 403
