"""The opdrachten of several inburgeraars, and the reports on several opdrachten, in one call (a caseload page and a
person's overview ask once, not per person or per opdracht): within the caller's gemeente only, and bounded."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import httpx
import pytest

from inburgering_kit.filters import MAX_IDS

from .test_voortgang import AANWEZIG, meld

if TYPE_CHECKING:
    from .conftest import Omgeving

API = "/api/v1"


def ids(naam: str, *waarden: object) -> httpx.QueryParams:
    return httpx.QueryParams([(naam, str(w)) for w in waarden])


async def test_opdrachten_en_meldingen_van_meerdere_inburgeraars(client: httpx.AsyncClient, omgeving: Omgeving) -> None:
    aanbieder = await omgeving.aanbieder()
    a, b, c = [await omgeving.opdracht(aanbieder) for _ in range(3)]
    for o in (a, b, c):
        assert (await meld(client, aanbieder, o["id"], AANWEZIG)).status_code == 201
    elders = type(omgeving)(omgeving.client, omgeving.tokens, omgeving.pip_api, omgeving.inburgeraar_api, "0599")
    vreemd = await elders.opdracht(await elders.aanbieder())

    r = await client.get(
        f"{API}/opdrachten",
        params=ids("inburgeraarId", a["inburgeraarId"], b["inburgeraarId"], vreemd["inburgeraarId"]),
        headers=omgeving.regisseur,
    )
    assert r.status_code == 200, r.text
    assert {o["id"] for o in r.json()["resultaten"]} == {a["id"], b["id"]}
    beide = ids("inburgeraarId", a["inburgeraarId"], b["inburgeraarId"])
    r = await client.get(f"{API}/opdrachten", params=beide, headers=elders.regisseur)
    assert r.json()["totalItems"] == 0

    r = await client.get(
        f"{API}/meldingen",
        params=ids("opdrachtId", a["id"], c["id"], vreemd["id"]).add("soort", "aanwezigheid"),
        headers=omgeving.regisseur,
    )
    assert r.status_code == 200, r.text
    assert sorted(m["opdrachtId"] for m in r.json()["resultaten"]) == sorted([a["id"], c["id"]])
    r = await client.get(f"{API}/meldingen", params=ids("opdrachtId", a["id"], c["id"]), headers=elders.regisseur)
    assert r.json()["totalItems"] == 0


async def test_een_aanbieder_leest_de_lijsten_van_de_gemeente_ook_met_filter_niet(
    client: httpx.AsyncClient, omgeving: Omgeving
) -> None:
    aanbieder = await omgeving.aanbieder()
    o = await omgeving.opdracht(aanbieder)
    for pad, params in (
        ("opdrachten", ids("inburgeraarId", o["inburgeraarId"])),
        ("meldingen", ids("opdrachtId", o["id"])),
    ):
        assert (await client.get(f"{API}/{pad}", params=params, headers=aanbieder.headers)).status_code == 403


@pytest.mark.parametrize(("pad", "naam"), [("opdrachten", "inburgeraarId"), ("meldingen", "opdrachtId")])
async def test_te_veel_of_ongeldige_ids_is_een_probleem_dat_het_veld_noemt(
    client: httpx.AsyncClient, omgeving: Omgeving, pad: str, naam: str
) -> None:
    te_veel = ids(naam, *(uuid.uuid4() for _ in range(MAX_IDS + 1)))
    for params, veld in ((te_veel, naam), (ids(naam, uuid.uuid4()).add(naam, "x"), f"{naam}.1")):
        r = await client.get(f"{API}/{pad}", params=params, headers=omgeving.regisseur)
        assert r.status_code == 400, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert [p["name"] for p in r.json()["invalidParams"]] == [veld]
    params = ids(naam, *(uuid.uuid4() for _ in range(MAX_IDS)))
    assert (await client.get(f"{API}/{pad}", params=params, headers=omgeving.regisseur)).status_code == 200
