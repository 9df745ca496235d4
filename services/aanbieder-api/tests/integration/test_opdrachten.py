"""Opdrachten end to end: verstrekken for a projected PIP, the provider's view, versions and what changed."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from .conftest import Omgeving

API = "/api/v1"


def sleutel() -> dict[str, str]:
    return {"Idempotency-Key": f"test-{uuid.uuid4()}"}


class TestVerstrekken:
    async def test_opdracht_for_a_projected_pip_is_what_the_provider_sees_without_ids_of_the_person(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        assert opdracht["status"] == "verstrekt" and opdracht["versie"] == 1
        assert opdracht["deelnemerReferentie"].startswith("D-")
        r = await client.get(f"{API}/toegewezen-opdrachten/{opdracht['id']}", headers=aanbieder.headers)
        assert r.status_code == 200, r.text
        gezien = r.json()
        velden = "id deelnemerReferentie onderdeel status versie inhoud stand verstrektOp gewijzigdOp"
        assert set(gezien) == set(velden.split())
        assert opdracht["inburgeraarId"] not in r.text and opdracht["pipId"] not in r.text
        assert gezien["inhoud"]["deelnemer"]["roepnaam"] == "Amal"
        assert gezien["stand"]["urenGecontracteerd"] == 600

    async def test_unknown_pip_is_a_422_naming_the_field(self, client: httpx.AsyncClient, omgeving: Omgeving) -> None:
        aanbieder = await omgeving.aanbieder()
        r = await client.post(
            f"{API}/opdrachten",
            json={
                "pipId": str(uuid.uuid4()),
                "aanbiederId": str(aanbieder.id),
                "onderdeel": "pvt",
                "inhoud": {"geplandeStartdatum": "2026-04-01", "geplandeEinddatum": "2026-06-01"},
            },
            headers=omgeving.regisseur,
        )
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "pip-onbekend"
        assert [p["name"] for p in r.json()["invalidParams"]] == ["pipId"]

    async def test_no_contract_no_keurmerk_and_no_service_are_each_named(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder(diensten=("pvt",), keurmerk_tot="2026-01-31")
        pip_id, _ = await omgeving.pip_api.vastgesteld()
        r = await client.post(
            f"{API}/opdrachten",
            json={
                "pipId": str(pip_id),
                "aanbiederId": str(aanbieder.id),
                "onderdeel": "b1-route",
                "inhoud": {"geplandeStartdatum": "2026-04-01", "geplandeEinddatum": "2027-06-01"},
            },
            headers=omgeving.regisseur,
        )
        assert r.status_code == 422, r.text
        codes = {p["code"] for p in r.json()["invalidParams"]}
        assert codes == {"dienst-niet-aangeboden", "geen-contract", "keurmerk-ongeldig"}

    async def test_the_deelnemer_reference_is_stable_per_aanbieder_and_differs_between_aanbieders(
        self, omgeving: Omgeving
    ) -> None:
        a, b = await omgeving.aanbieder(), await omgeving.aanbieder()
        pip = await omgeving.pip_api.vastgesteld()
        eerste = await omgeving.opdracht(a, pip=pip, onderdeel="b1-route")
        tweede = await omgeving.opdracht(a, pip=pip, onderdeel="map")
        ander = await omgeving.opdracht(b, pip=pip, onderdeel="pvt")
        assert eerste["deelnemerReferentie"] == tweede["deelnemerReferentie"]
        assert ander["deelnemerReferentie"] != eerste["deelnemerReferentie"]


class TestWijzigen:
    async def test_a_change_is_a_new_version_naming_its_fields_and_shows_up_in_gewijzigd_sinds(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        r = await client.get(f"{API}/toegewezen-opdrachten", headers=aanbieder.headers)
        gezien_tot = r.json()["resultaten"][0]["gewijzigdOp"]
        r = await client.get(
            f"{API}/toegewezen-opdrachten", params={"gewijzigdSinds": gezien_tot}, headers=aanbieder.headers
        )
        assert r.json()["totalItems"] == 0
        r = await client.post(
            f"{API}/opdrachten/{opdracht['id']}/_wijzigen",
            json={"wijzigingen": {"uren": 800, "geplandeEinddatum": "2027-06-30"}, "reden": "meer uren nodig"},
            headers=omgeving.regisseur,
        )
        assert r.status_code == 200, r.text
        assert r.json()["versie"] == 2
        r = await client.get(
            f"{API}/toegewezen-opdrachten", params={"gewijzigdSinds": gezien_tot}, headers=aanbieder.headers
        )
        assert [o["id"] for o in r.json()["resultaten"]] == [opdracht["id"]]
        r = await client.get(f"{API}/toegewezen-opdrachten/{opdracht['id']}/versies", headers=aanbieder.headers)
        assert (r.json()["totalItems"], r.json()["page"], r.json()["pageSize"]) == (2, 1, 20)
        versies = r.json()["resultaten"]
        assert [v["versie"] for v in versies] == [1, 2]
        assert versies[1]["gewijzigdeVelden"] == ["geplandeEinddatum", "uren"]
        assert versies[1]["reden"] == "meer uren nodig"

    async def test_a_pip_change_marks_the_opdracht_for_provider_and_gemeente(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        pip = await omgeving.pip_api.vastgesteld()
        opdracht = await omgeving.opdracht(aanbieder, pip=pip)
        await omgeving.pip_api.gewijzigd(*pip, versie=2)
        r = await client.get(f"{API}/opdrachten/{opdracht['id']}", headers=omgeving.regisseur)
        assert r.json()["pipTeHerzien"] is True and r.json()["versie"] == 2
        r = await client.get(f"{API}/opdrachten", params={"pipTeHerzien": "true"}, headers=omgeving.regisseur)
        assert [o["id"] for o in r.json()["resultaten"]] == [opdracht["id"]]
        r = await client.get(f"{API}/toegewezen-opdrachten/{opdracht['id']}", headers=aanbieder.headers)
        assert r.json()["inhoud"]["pipWijzigingen"] == ["PIP versie 2 per 2026-06-01: gewijzigd map, uren"]
        r = await client.post(
            f"{API}/opdrachten/{opdracht['id']}/_wijzigen",
            json={"wijzigingen": {"uren": 700}, "reden": "PIP-wijziging verwerkt"},
            headers=omgeving.regisseur,
        )
        assert r.json()["pipTeHerzien"] is False

    async def test_withdrawn_opdracht_refuses_reports(self, client: httpx.AsyncClient, omgeving: Omgeving) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        r = await client.post(
            f"{API}/opdrachten/{opdracht['id']}/_intrekken", json={"reden": "verhuisd"}, headers=omgeving.regisseur
        )
        assert r.json()["status"] == "ingetrokken"
        r = await client.post(
            f"{API}/toegewezen-opdrachten/{opdracht['id']}/meldingen",
            json={"soort": "start", "datum": "2026-04-01"},
            headers={**aanbieder.headers, **sleutel()},
        )
        assert r.status_code == 409, r.text


class TestGeenBsnInVrijeTekst:
    """DOMAIN §4: a BSN never reaches an aanbieder, not even one typed into the text a klantregisseur writes."""

    async def test_a_bsn_in_the_afspraken_of_a_new_opdracht_is_a_422_naming_the_field(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        pip_id, _ = await omgeving.pip_api.vastgesteld()
        r = await client.post(
            f"{API}/opdrachten",
            json={
                "pipId": str(pip_id),
                "aanbiederId": str(aanbieder.id),
                "onderdeel": "b1-route",
                "inhoud": {
                    "afspraken": ["Twee dagdelen per week", "Mevrouw (BSN 999.993.653) belt zelf"],
                    "doelen": ["bsn 999993653"],
                    "geplandeStartdatum": "2026-04-01",
                    "geplandeEinddatum": "2027-03-31",
                },
            },
            headers={**omgeving.regisseur, **sleutel()},
        )
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "bsn-in-vrije-tekst"
        assert [p["name"] for p in r.json()["invalidParams"]] == ["inhoud.afspraken[1]", "inhoud.doelen[0]"]
        assert "999" not in r.text
        r = await client.get(f"{API}/toegewezen-opdrachten", headers=aanbieder.headers)
        assert r.json()["totalItems"] == 0

    async def test_a_bsn_in_a_change_or_its_reason_is_refused_and_the_opdracht_stays_as_it_was(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(aanbieder)
        pad = f"{API}/opdrachten/{opdracht['id']}"
        for body, veld in [
            ({"wijzigingen": {"afspraken": ["999993653"]}, "reden": "nieuwe afspraak"}, "wijzigingen.afspraken[0]"),
            ({"wijzigingen": {"cursusnaam": "NT2 999 993 653"}, "reden": "andere cursus"}, "wijzigingen.cursusnaam"),
            ({"wijzigingen": {"uren": 700}, "reden": "op verzoek van 999993653"}, "reden"),
        ]:
            r = await client.post(f"{pad}/_wijzigen", json=body, headers=omgeving.regisseur)
            assert r.status_code == 422, r.text
            assert [p["name"] for p in r.json()["invalidParams"]] == [veld]
        r = await client.post(f"{pad}/_intrekken", json={"reden": "BSN 999993653 verhuisd"}, headers=omgeving.regisseur)
        assert r.status_code == 422 and r.json()["invalidParams"][0]["name"] == "reden", r.text
        r = await client.get(f"{API}/toegewezen-opdrachten/{opdracht['id']}", headers=aanbieder.headers)
        assert r.json()["versie"] == 1 and r.json()["status"] == "verstrekt"

    async def test_other_numbers_and_a_phone_number_pass(self, client: httpx.AsyncClient, omgeving: Omgeving) -> None:
        aanbieder = await omgeving.aanbieder()
        opdracht = await omgeving.opdracht(
            aanbieder,
            afspraken=["Lokaal 999993654, 12 uur per week", "KvK 12345678"],
            deelnemer={"roepnaam": "Amal", "achternaam": "Haddad", "telefoon": "999993653"},
        )
        assert opdracht["inhoud"]["afspraken"][0] == "Lokaal 999993654, 12 uur per week"
