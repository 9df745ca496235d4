"""The PIP lifecycle over HTTP: concept, vaststellen, wijzigen (versions), beëindigen, refusals, tenancy."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory
from pip_api.scopes import ROLLEN

if TYPE_CHECKING:
    from .conftest import AanbiederApi, InburgeraarApi

API = "/api/v1/pips"
VASTSTELLEN = {"dagtekening": "2026-05-04", "verzenddatum": "2026-05-05", "ingangsdatum": "2026-05-04"}


def concept(inburgeraar_id: uuid.UUID, **extra: Any) -> dict[str, Any]:
    return {
        "inburgeraarId": str(inburgeraar_id),
        "leerroute": "b1",
        "taalniveau": "B1",
        "pvt": {"aanbieder": "Gemeente", "geplandeStart": "2026-06-01", "uitersteDatum": "2029-05-04", "uren": 12},
        "map": {
            "aanbieder": "Werkplein",
            "geplandeStart": "2026-09-01",
            "intensiteit": "4 uur per week",
            "themas": ["beroepenorientatie", "werk-vinden"],
        },
        "knm": {"aanbieder": "Taalschool Noord"},
        "vveAfspraken": ["peuteropvang voor het jongste kind"],
        "participatieafspraken": [{"soort": "vrijwilligerswerk", "omschrijving": "buurthuis, 1 dag per week"}],
        "klantregisseur": "k.de.vries",
        **extra,
    }


async def maak(client: httpx.AsyncClient, auth: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(API, json=body, headers=auth)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def vastgesteld(client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_id: uuid.UUID) -> dict[str, Any]:
    pip = await maak(client, auth, concept(inburgeraar_id, intensiteit="hoog"))
    response = await client.post(f"{API}/{pip['id']}/_vaststellen", json=VASTSTELLEN, headers=auth)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


class TestConcept:
    async def test_opstellen_en_bewerken(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        response = await client.post(API, json=concept(inburgeraar_id), headers=auth)
        assert response.status_code == 201, response.text
        pip = response.json()
        assert response.headers["Location"] == f"{API}/{pip['id']}"
        assert (pip["status"], pip["versie"], pip["routeverplichting"]) == ("concept", 0, "verplichting")
        # Before vaststelling only the PIP deadline itself is known for an asielmigrant.
        assert [(t["soort"], t["einddatum"]) for t in pip["termijnen"]] == [("pip-vaststelling", "2026-05-11")]

        response = await client.patch(f"{API}/{pip['id']}", json={"knm": None, "taalniveau": "A2"}, headers=auth)
        assert response.status_code == 200, response.text
        assert (response.json()["knm"], response.json()["taalniveau"]) == (None, "A2")
        assert (await client.get(f"{API}/{pip['id']}/versies", headers=auth)).json() == []

    async def test_een_levend_pip_per_inburgeraar(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        pip = await maak(client, auth, concept(inburgeraar_id))
        response = await client.post(API, json=concept(inburgeraar_id), headers=auth)
        assert (response.status_code, response.json()["code"]) == (409, "pip-bestaat-al")
        assert response.json()["bestaandeResource"] == f"{API}/{pip['id']}"
        response = await client.post(
            f"{API}/{pip['id']}/_beeindigen", json={"datum": "2026-04-01", "reden": "overig"}, headers=auth
        )
        assert response.status_code == 200
        await maak(client, auth, concept(inburgeraar_id))

    async def test_onbekende_inburgeraar_is_422(self, client: httpx.AsyncClient, auth: dict[str, str]) -> None:
        response = await client.post(API, json=concept(uuid.uuid4()), headers=auth)
        assert response.status_code == 422
        assert response.json()["code"] == "inburgeraar-onbekend"
        assert response.json()["invalidParams"][0]["name"] == "inburgeraarId"

    async def test_intensiteit_niet_voor_gezinsmigrant_en_route_is_aanbod(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer(doelgroep="gezinsmigrant")
        response = await client.post(API, json=concept(inburgeraar_id, intensiteit="hoog"), headers=auth)
        assert response.status_code == 422
        assert response.json()["code"] == "intensiteit-niet-toegestaan"
        assert "art. 16" in response.json()["bron"]
        pip = await maak(client, auth, concept(inburgeraar_id))
        assert pip["routeverplichting"] == "aanbod"
        # gezinsmigrant: the termijn runs from the BRP inschrijving, already before the PIP
        assert {t["soort"]: t["einddatum"] for t in pip["termijnen"]}["inburgeringstermijn"] == "2029-03-02"

    async def test_z_route_zonder_uren_geweigerd(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        body = concept(
            inburgeraar_id, leerroute="z-route", taalniveau="A1", zRoute={"taaluren": 800, "participatieuren": 400}
        )
        response = await client.post(API, json=body, headers=auth)
        assert response.status_code == 422
        problem = response.json()
        assert (problem["code"], problem["regel"]) == ("z-route-onvolledig", "z-route-taaluren")
        assert [p["name"] for p in problem["invalidParams"]] == ["zRoute.participatieuren"]


class TestVaststellenEnWijzigen:
    async def test_volledige_levensloop_met_versies(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        pip = await vastgesteld(client, auth, inburgeraar_id)
        assert (pip["status"], pip["versie"], pip["vastgesteldDatum"]) == ("vastgesteld", 1, "2026-05-04")
        termijnen = {t["soort"]: t["einddatum"] for t in pip["termijnen"]}
        assert termijnen["inburgeringstermijn"] == "2029-05-04"  # asielmigrant: from the PIP
        assert termijnen["routewissel"] == "2027-11-04"
        assert termijnen["voortgangsgesprekken"] == "2027-03-04"

        # the concept can no longer be edited in place
        response = await client.patch(f"{API}/{pip['id']}", json={"taalniveau": "A2"}, headers=auth)
        assert response.status_code == 409

        wijziging = {
            "dagtekening": "2026-11-02",
            "verzenddatum": "2026-11-02",
            "ingangsdatum": "2026-11-02",
            "reden": "leerbaarheid lager dan verwacht",
            "routewisselGrond": "advies aanbieder na 3 maanden",
            "wijzigingen": {
                "leerroute": "z-route",
                "taalniveau": "A1",
                "zRoute": {"taaluren": 800, "participatieuren": 800},
            },
        }
        response = await client.post(f"{API}/{pip['id']}/_wijzigen", json=wijziging, headers=auth)
        assert response.status_code == 200, response.text
        assert (response.json()["versie"], response.json()["leerroute"]) == (2, "z-route")

        versies = (await client.get(f"{API}/{pip['id']}/versies", headers=auth)).json()
        assert [(v["versie"], v["leerroute"]) for v in versies] == [(1, "b1"), (2, "z-route")]
        v1 = (await client.get(f"{API}/{pip['id']}/versies/1", headers=auth)).json()
        assert (v1["leerroute"], v1["taalniveau"], v1["reden"], v1["gewijzigdeVelden"]) == ("b1", "B1", None, [])
        v2 = (await client.get(f"{API}/{pip['id']}/versies/2", headers=auth)).json()
        assert v2["gewijzigdeVelden"] == ["leerroute", "taalniveau", "zRoute"]
        assert v2["reden"] == "leerbaarheid lager dan verwacht"
        assert (await client.get(f"{API}/{pip['id']}/versies/3", headers=auth)).status_code == 404

        response = await client.post(
            f"{API}/{pip['id']}/_beeindigen", json={"datum": "2027-01-01", "reden": "verhuisd"}, headers=auth
        )
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["beeindigdReden"]) == ("beeindigd", "verhuisd")
        response = await client.post(f"{API}/{pip['id']}/_wijzigen", json=wijziging, headers=auth)
        assert response.status_code == 409

    async def test_routewissel_na_anderhalf_jaar_geweigerd(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        pip = await vastgesteld(client, auth, inburgeraar_id)
        wijziging = {
            "dagtekening": "2027-11-05",
            "verzenddatum": "2027-11-05",
            "ingangsdatum": "2027-11-05",
            "reden": "route past niet",
            "routewisselGrond": "advies aanbieder",
            "wijzigingen": {"leerroute": "onderwijsroute", "map": None},
        }
        response = await client.post(f"{API}/{pip['id']}/_wijzigen", json=wijziging, headers=auth)
        assert response.status_code == 422
        problem = response.json()
        assert (problem["code"], problem["regel"]) == ("routewissel-geweigerd", "routewissel-venster")
        assert "gemeentelijk-beleidsplan-inburgering.txt" in problem["bron"]
        # one day earlier is the last day of the window
        response = await client.post(
            f"{API}/{pip['id']}/_wijzigen",
            json={**wijziging, "dagtekening": "2027-11-04", "verzenddatum": "2027-11-04", "ingangsdatum": "2027-11-04"},
            headers=auth,
        )
        assert response.status_code == 200, response.text

    async def test_routewissel_zonder_grond_en_lege_wijziging_geweigerd(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        pip = await vastgesteld(client, auth, inburgeraar_id)
        basis = {**VASTSTELLEN, "reden": "x"}
        response = await client.post(
            f"{API}/{pip['id']}/_wijzigen",
            json={**basis, "wijzigingen": {"leerroute": "onderwijsroute", "map": None}},
            headers=auth,
        )
        assert (response.status_code, response.json()["code"]) == (422, "routewissel-geweigerd")
        assert [p["name"] for p in response.json()["invalidParams"]] == ["routewisselGrond"]
        response = await client.post(
            f"{API}/{pip['id']}/_wijzigen", json={**basis, "wijzigingen": {"leerroute": "b1"}}, headers=auth
        )
        assert (response.status_code, response.json()["code"]) == (422, "geen-wijziging")

    async def test_afschalen_pas_na_600_gemelde_uren(
        self,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        aanbieder_api: AanbiederApi,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        pip = await vastgesteld(client, auth, inburgeraar_id)
        # hours typed into the agreements count for nothing: the providers' reports do
        afschaling = {"onderdelen": ["schrijven"], "grond": "observaties aanbieder", "gerealiseerdeTaaluren": 900}
        body = {**VASTSTELLEN, "reden": "afschalen schrijven", "wijzigingen": {"afschaling": afschaling}}
        b1 = aanbieder_api.opdracht(uuid.UUID(pip["id"]), inburgeraar_id)
        await aanbieder_api.pas_toe(b1.aanwezigheid(date(2026, 5, 1), date(2026, 5, 31), aanwezig=599.75))
        response = await client.post(f"{API}/{pip['id']}/_wijzigen", json=body, headers=auth)
        assert response.status_code == 422
        assert response.json()["regel"] == "afschalen-minimum-taaluren"
        assert [p["name"] for p in response.json()["invalidParams"]] == ["afschaling.gerealiseerdeTaaluren"]

        await aanbieder_api.pas_toe(b1.aanwezigheid(date(2026, 6, 1), date(2026, 6, 30), aanwezig=0.25))
        response = await client.post(f"{API}/{pip['id']}/_wijzigen", json=body, headers=auth)
        assert response.status_code == 200, response.text
        assert response.json()["afschaling"] == {
            "onderdelen": ["schrijven"],
            "grond": "observaties aanbieder",
            "gerealiseerdeTaaluren": 600,
            "urenBron": "aanbieder",
            "urenReden": None,
        }

    async def test_afschalen_op_eigen_opgave_alleen_met_reden(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        pip = await vastgesteld(client, auth, inburgeraar_id)
        afschaling = {"onderdelen": ["spreken"], "grond": "ervaring van de inburgeraar"}
        body: dict[str, Any] = {**VASTSTELLEN, "reden": "afschalen spreken", "wijzigingen": {"afschaling": afschaling}}
        response = await client.post(f"{API}/{pip['id']}/_wijzigen", json=body, headers=auth)
        assert (response.status_code, response.json()["code"]) == (422, "afschalen-geweigerd")

        body["urenOverride"] = {"taaluren": 599, "reden": "taalschool in de vorige gemeente"}
        response = await client.post(f"{API}/{pip['id']}/_wijzigen", json=body, headers=auth)
        assert [p["name"] for p in response.json()["invalidParams"]] == ["urenOverride.taaluren"]

        body["urenOverride"]["taaluren"] = 600
        response = await client.post(f"{API}/{pip['id']}/_wijzigen", json=body, headers=auth)
        assert response.status_code == 200, response.text
        assert (
            response.json()["afschaling"]["gerealiseerdeTaaluren"],
            response.json()["afschaling"]["urenBron"],
            response.json()["afschaling"]["urenReden"],
        ) == (600, "gemeente", "taalschool in de vorige gemeente")
        # the decided afschaling keeps the hours it rested on when something else changes
        body = {**VASTSTELLEN, "reden": "andere klantregisseur", "wijzigingen": {"klantregisseur": "j.jansen"}}
        response = await client.post(f"{API}/{pip['id']}/_wijzigen", json=body, headers=auth)
        assert response.status_code == 200, response.text
        assert response.json()["afschaling"]["urenBron"] == "gemeente"

    async def test_z_route_voldaan_pas_na_800_en_800_gerealiseerde_uren(
        self,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        inburgeraar_api: InburgeraarApi,
        aanbieder_api: AanbiederApi,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        body = concept(
            inburgeraar_id, leerroute="z-route", taalniveau="A1", zRoute={"taaluren": 800, "participatieuren": 800}
        )
        pip = await maak(client, auth, body)
        response = await client.post(f"{API}/{pip['id']}/_vaststellen", json=VASTSTELLEN, headers=auth)
        assert response.status_code == 200, response.text
        z = aanbieder_api.opdracht(uuid.UUID(pip["id"]), inburgeraar_id, onderdeel="z-route")
        await aanbieder_api.pas_toe(z.z_route_uren(800, 799))
        einde = {"datum": "2029-01-01", "reden": "plicht-voldaan"}
        response = await client.post(f"{API}/{pip['id']}/_beeindigen", json=einde, headers=auth)
        assert (response.status_code, response.json()["code"]) == (422, "z-route-onvolledig")
        assert [p["name"] for p in response.json()["invalidParams"]] == ["zRoute.gerealiseerdeParticipatieuren"]
        await aanbieder_api.pas_toe(z.z_route_uren(0, 1))
        response = await client.post(f"{API}/{pip['id']}/_beeindigen", json=einde, headers=auth)
        assert response.status_code == 200, response.text

    async def test_termijnen_volgen_een_duo_verlenging(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        pip = await vastgesteld(client, auth, inburgeraar_id)
        await inburgeraar_api.publish(
            "plichtgegevens-ontvangen",
            inburgeraar_id,
            {
                "inburgeraarId": str(inburgeraar_id),
                "soort": "verlenging",
                "ingangsdatum": "2029-01-01",
                "termijn": "ibp",
                "einddatum": "2030-05-04",
            },
        )
        await inburgeraar_api.wacht_op(inburgeraar_id, lambda f: f["duo_termijn_eind_datum"] is not None)
        gelezen = (await client.get(f"{API}/{pip['id']}", headers=auth)).json()
        assert {t["soort"]: t["einddatum"] for t in gelezen["termijnen"]}["inburgeringstermijn"] == "2030-05-04"

    async def test_vaststellen_met_verzending_voor_dagtekening_geweigerd(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        pip = await maak(client, auth, concept(await inburgeraar_api.registreer()))
        body = {**VASTSTELLEN, "verzenddatum": "2026-05-03"}
        response = await client.post(f"{API}/{pip['id']}/_vaststellen", json=body, headers=auth)
        assert (response.status_code, response.json()["code"]) == (422, "datums-ongeldig")


class TestAutorisatieEnTenant:
    async def test_andere_gemeente_ziet_niets(
        self,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        pip = await maak(client, auth, concept(inburgeraar_id))
        andere = tokens.headers(*ROLLEN["klantregisseur"], gemeente="0599")
        assert (await client.get(f"{API}/{pip['id']}", headers=andere)).status_code == 404
        assert (await client.get(API, headers=andere)).json()["totalItems"] == 0
        response = await client.post(f"{API}/{pip['id']}/_vaststellen", json=VASTSTELLEN, headers=andere)
        assert response.status_code == 404
        # an inburgeraar of another gemeente is unknown here
        response = await client.post(API, json=concept(inburgeraar_id), headers=andere)
        assert response.status_code == 422

    async def test_specialist_leest_maar_schrijft_niet(
        self, client: httpx.AsyncClient, auth: dict[str, str], tokens: TokenFactory, inburgeraar_api: InburgeraarApi
    ) -> None:
        pip = await maak(client, auth, concept(await inburgeraar_api.registreer()))
        werk = tokens.headers(*ROLLEN["specialist-werk"])
        assert (await client.get(f"{API}/{pip['id']}", headers=werk)).status_code == 200
        assert (await client.patch(f"{API}/{pip['id']}", json={"taalniveau": "A2"}, headers=werk)).status_code == 403
        assert (await client.get(API)).status_code == 401

    @pytest.mark.parametrize("rol", ["specialist-werk", "specialist-inkomen", "specialist-begeleiding"])
    async def test_specialist_leest_het_pip_van_een_inburgeraar_niet_dat_van_iedereen(
        self,
        client: httpx.AsyncClient,
        auth: dict[str, str],
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
        rol: str,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        pip = await maak(client, auth, concept(inburgeraar_id))
        await maak(client, auth, concept(await inburgeraar_api.registreer()))
        specialist = tokens.headers(*ROLLEN[rol])
        alle = await client.get(API, headers=specialist)
        assert alle.status_code == 403
        assert alle.headers["content-type"] == "application/problem+json"
        assert 'scope="pip:overzicht"' in alle.headers["WWW-Authenticate"]
        eigen = await client.get(API, params={"inburgeraarId": str(inburgeraar_id)}, headers=specialist)
        assert [p["id"] for p in eigen.json()["resultaten"]] == [pip["id"]]
        assert (await client.get(API, headers=auth)).json()["totalItems"] == 2

    async def test_verwerkingen_met_grondslag(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi, database: Database
    ) -> None:
        pip = await vastgesteld(client, auth, await inburgeraar_api.registreer())
        await client.get(f"{API}/{pip['id']}", headers=auth)
        async with database.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT activiteit, grondslag, actie FROM verwerking WHERE object_id = :i ORDER BY at"),
                    {"i": pip["id"]},
                )
            ).all()
        assert {(r.activiteit, r.actie) for r in rows} == {
            ("opstellen en vaststellen PIP", "aanmaken"),
            ("opstellen en vaststellen PIP", "wijzigen"),
            ("raadplegen PIP", "lezen"),
        }
        assert all("Wi art. 15" in r.grondslag or "Wi art. 16" in r.grondslag for r in rows)


class TestVersieOnveranderlijk:
    async def test_de_database_weigert_een_vastgestelde_versie_te_wijzigen(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi, database: Database
    ) -> None:
        pip = await vastgesteld(client, auth, await inburgeraar_api.registreer())
        with pytest.raises(DBAPIError, match="nooit gewijzigd"):
            async with database.engine.begin() as conn:
                await conn.execute(
                    text("UPDATE pip_versie SET reden = 'achteraf' WHERE pip_id = :p"), {"p": uuid.UUID(pip["id"])}
                )
        versie = (await client.get(f"{API}/{pip['id']}/versies/1", headers=auth)).json()
        assert versie["reden"] is None


class TestGelijktijdig:
    async def test_vier_concepten_tegelijk_een_pip(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        body = concept(await inburgeraar_api.registreer())
        antwoorden = await asyncio.gather(*(client.post(API, json=body, headers=auth) for _ in range(4)))
        assert sorted(r.status_code for r in antwoorden) == [201, 409, 409, 409]
        nieuw = next(r for r in antwoorden if r.status_code == 201).json()
        for r in antwoorden:
            if r.status_code == 409:
                assert r.json()["bestaandeResource"] == f"{API}/{nieuw['id']}"

    async def test_twee_vaststellingen_tegelijk_een_beschikking(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi, database: Database
    ) -> None:
        pip = await maak(client, auth, concept(await inburgeraar_api.registreer()))
        antwoorden = await asyncio.gather(
            *(client.post(f"{API}/{pip['id']}/_vaststellen", json=VASTSTELLEN, headers=auth) for _ in range(4))
        )
        assert sorted(r.status_code for r in antwoorden) == [200, 409, 409, 409]
        async with database.engine.connect() as conn:
            versies = (await conn.execute(text("SELECT versie FROM pip_versie"))).scalars().all()
            events = (
                await conn.execute(
                    text("SELECT count(*) FROM outbox WHERE subject = 'nl.inburgering.pip.pip-vastgesteld'")
                )
            ).scalar_one()
        assert (list(versies), events) == ([1], 1)

    async def test_gelijktijdige_wijzigingen_worden_opeenvolgende_versies(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        # The row lock serialises them: each change reads the version before it, none overwrites another.
        pip = await vastgesteld(client, auth, await inburgeraar_api.registreer())
        niveaus = ["A1", "A2", "B2"]
        antwoorden = await asyncio.gather(
            *(
                client.post(
                    f"{API}/{pip['id']}/_wijzigen",
                    json={**VASTSTELLEN, "reden": f"niveau {n}", "wijzigingen": {"taalniveau": n}},
                    headers=auth,
                )
                for n in niveaus
            )
        )
        assert [r.status_code for r in antwoorden] == [200, 200, 200], [r.text for r in antwoorden]
        versies = (await client.get(f"{API}/{pip['id']}/versies", headers=auth)).json()
        assert [v["versie"] for v in versies] == [1, 2, 3, 4]
        assert sorted(v["taalniveau"] for v in versies[1:]) == sorted(niveaus)
        huidig = (await client.get(f"{API}/{pip['id']}", headers=auth)).json()
        assert (huidig["versie"], huidig["taalniveau"]) == (4, versies[-1]["taalniveau"])
