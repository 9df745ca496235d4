"""The letters: the waarschuwing, the voornemen and the boetebesluit as HTML and PDF, with the gemeente's name and
address, the legal grounds as articles of the law, the bezwaarclausule, and never a BSN or an internal source."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

from .conftest import Procedure, zet_feiten

BSN = "999993653"
# Anything that looks like an internal source: a seed, a DOMAIN section, a file name.
INTERN = re.compile(r"seed|DOMAIN|§|\.txt|\.md|\.py", re.IGNORECASE)


async def _brief(
    client: httpx.AsyncClient, url: str, auth: dict[str, str], accept: str = "text/html"
) -> httpx.Response:
    response = await client.get(url, headers={**auth, "Accept": accept})
    assert response.status_code == 200, response.text
    return response


def _controleer(html: str) -> None:
    assert "Gemeente Amsterdam" in html and "Amstel 1, 1011 PN Amsterdam" in html
    assert "gemeente 0363" not in html.lower(), "the gemeente by its name, not its code"
    assert BSN not in html and "bsn" not in html.lower()
    assert not INTERN.search(html), INTERN.search(html)
    assert "Wet inburgering 2021, artikel 23" in html
    assert "Algemene wet bestuursrecht, artikel 6:7" in html


@pytest.mark.parametrize("soort", ["waarschuwing", "voornemen"])
async def test_waarschuwing_en_voornemen(
    procedure: Procedure, database: Database, client: httpx.AsyncClient, auth: dict[str, str], soort: str
) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    voornemen = await procedure.voorgenomen(persoon)
    url = f"/api/v1/overtredingen/{voornemen['id']}/brief?soort={soort}"
    html = (await _brief(client, url, auth)).text
    _controleer(html)
    assert "Wet inburgering 2021, artikel 7, eerste lid, onder b" in html  # the PVT
    if soort == "voornemen":
        assert "Algemene wet bestuursrecht" in html and "artikel 4:8" in html
        assert "15 maart 2026" in html and "€ 250" in html
    else:
        assert "<h1>Waarschuwing</h1>" in html

    response = await _brief(client, url, auth, accept="application/pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


async def test_boetebesluit(
    procedure: Procedure, database: Database, client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    boete = await procedure.boete(persoon, "brede-intake-niet-verschenen", nieuweVerschijndatum="2026-04-01")
    url = f"/api/v1/boetes/{boete['id']}/brief"
    html = (await _brief(client, url, auth)).text
    _controleer(html)
    assert "Wet inburgering 2021, artikel 14" in html
    assert "1 april 2026" in html, "the new date to appear"
    # Sent on 16 March: bezwaar through 27 April (six weeks, Awb 6:7 and 6:8).
    assert "uiterlijk op 27 april 2026" in html
    assert "€ 250" in html

    response = await _brief(client, url, auth, accept="application/pdf")
    assert response.content.startswith(b"%PDF")


async def test_geen_brief_voor_een_stap_die_niet_is_gezet_en_niet_voor_een_ander(
    procedure: Procedure, database: Database, client: httpx.AsyncClient, auth: dict[str, str], tokens: TokenFactory
) -> None:
    persoon = uuid.uuid4()
    await zet_feiten(database, persoon)
    kandidaat = await procedure.kandidaat(persoon)
    response = await client.get(f"/api/v1/overtredingen/{kandidaat['id']}/brief?soort=waarschuwing", headers=auth)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "brief-bestaat-niet"

    boete = await procedure.boete(persoon)
    anders = tokens.headers("handhaving:lezen", gemeente="0599")
    response = await client.get(f"/api/v1/boetes/{boete['id']}/brief", headers=anders)
    assert response.status_code == 404
