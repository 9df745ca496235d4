"""The gemeente's view: what each aanbieder reported when, and which opdrachten are behind on their reports."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from .conftest import Omgeving

API = "/api/v1"


class TestMeldgedrag:
    async def test_overdue_start_and_attendance_are_listed_with_their_norm(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        traag, netjes = await omgeving.aanbieder(), await omgeving.aanbieder()
        niet_gestart = await omgeving.opdracht(traag)
        zonder_april = await omgeving.opdracht(traag)
        bijgewerkt = await omgeving.opdracht(netjes)
        for aanbieder, opdracht in ((traag, zonder_april), (netjes, bijgewerkt)):
            r = await client.post(
                f"{API}/toegewezen-opdrachten/{opdracht['id']}/meldingen",
                json={"soort": "start", "datum": "2026-04-01"},
                headers={**aanbieder.headers, "Idempotency-Key": f"s-{uuid.uuid4()}"},
            )
            assert r.status_code == 201
        r = await client.post(
            f"{API}/toegewezen-opdrachten/{bijgewerkt['id']}/meldingen",
            json={"soort": "aanwezigheid", "periodeVan": "2026-04-01", "periodeTot": "2026-04-30", "urenAanwezig": 40},
            headers={**netjes.headers, "Idempotency-Key": f"s-{uuid.uuid4()}"},
        )
        assert r.status_code == 201
        # 12 May: April's attendance was due on 10 May; the start of 1 April on 11 April.
        r = await client.get(f"{API}/meldachterstanden", params={"peildatum": "2026-05-12"}, headers=omgeving.regisseur)
        assert r.status_code == 200, r.text
        gevonden = {(a["opdrachtId"], a["norm"]): a for a in r.json()["resultaten"]}
        assert set(gevonden) == {
            (niet_gestart["id"], "start"),
            (niet_gestart["id"], "aanwezigheid-per-maand"),
            (zonder_april["id"], "aanwezigheid-per-maand"),
        }
        assert gevonden[(niet_gestart["id"], "start")]["verwachtUiterlijk"] == "2026-04-11"
        assert gevonden[(zonder_april["id"], "aanwezigheid-per-maand")]["dagenTeLaat"] == 2
        assert "Gemeentelijk beleid" in gevonden[(zonder_april["id"], "aanwezigheid-per-maand")]["bron"]
        r = await client.get(
            f"{API}/meldachterstanden",
            params={"peildatum": "2026-05-12", "aanbiederId": str(netjes.id)},
            headers=omgeving.regisseur,
        )
        assert r.json()["totalItems"] == 0
        r = await client.get(
            f"{API}/aanbieders/{traag.id}/meldgedrag", params={"peildatum": "2026-05-12"}, headers=omgeving.regisseur
        )
        gedrag = r.json()
        assert (gedrag["opdrachtenLopend"], gedrag["meldingen"], gedrag["achterstanden"]) == (2, 1, 3)
        assert gedrag["urenGecontracteerd"] == 1200
        r = await client.get(
            f"{API}/aanbieders/{netjes.id}/meldgedrag", params={"peildatum": "2026-05-12"}, headers=omgeving.regisseur
        )
        assert (r.json()["achterstanden"], r.json()["urenAanwezig"]) == (0, 40)

    async def test_all_reports_of_the_gemeente_newest_first_per_aanbieder(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        a, b = await omgeving.aanbieder(), await omgeving.aanbieder()
        for aanbieder in (a, b):
            opdracht = await omgeving.opdracht(aanbieder)
            r = await client.post(
                f"{API}/toegewezen-opdrachten/{opdracht['id']}/meldingen",
                json={"soort": "start", "datum": "2026-04-01"},
                headers={**aanbieder.headers, "Idempotency-Key": f"s-{uuid.uuid4()}"},
            )
        r = await client.get(f"{API}/meldingen", headers=omgeving.regisseur)
        assert r.json()["totalItems"] == 2
        r = await client.get(f"{API}/meldingen", params={"aanbiederId": str(a.id)}, headers=omgeving.regisseur)
        assert [m["aanbiederId"] for m in r.json()["resultaten"]] == [str(a.id)]
        melding = r.json()["resultaten"][0]["melding"]
        assert {k: v for k, v in melding.items() if v is not None} == {"soort": "start", "datum": "2026-04-01"}


class TestAanbiederGegevens:
    async def test_a_dienst_twice_is_refused_on_a_change_too(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        r = await client.patch(
            f"{API}/aanbieders/{aanbieder.id}", json={"diensten": ["pvt", "pvt"]}, headers=omgeving.contractmanager
        )
        assert r.status_code == 422 and r.json()["code"] == "ongeldige-invoer", r.text
        assert [p["name"] for p in r.json()["invalidParams"]] == ["diensten"]

    async def test_a_bsn_in_the_name_the_provider_sees_is_a_422(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        r = await client.patch(
            f"{API}/aanbieders/{aanbieder.id}", json={"naam": "Taalschool 999993653"}, headers=omgeving.contractmanager
        )
        assert r.status_code == 422 and r.json()["code"] == "bsn-in-vrije-tekst", r.text
        assert [p["name"] for p in r.json()["invalidParams"]] == ["naam"]
