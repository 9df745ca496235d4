"""The beschikking as HTML and PDF: the agreements, termijnen, legal ground and bezwaar; escaped; no BSN."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

import httpx

from inburgering_kit.testing.plugin import TokenFactory
from pip_api.scopes import ROLLEN

if TYPE_CHECKING:
    from .conftest import InburgeraarApi

API = "/api/v1/pips"
VASTSTELLEN = {"dagtekening": "2026-05-04", "verzenddatum": "2026-05-05", "ingangsdatum": "2026-05-04"}


def concept(inburgeraar_id: uuid.UUID) -> dict[str, Any]:
    return {
        "inburgeraarId": str(inburgeraar_id),
        "leerroute": "b1",
        "taalniveau": "B1",
        "intensiteit": "hoog",
        "pvt": {"aanbieder": "Gemeente", "geplandeStart": "2026-06-01", "uitersteDatum": "2029-05-04", "uren": 12},
        "map": {"aanbieder": "Werkplein", "themas": ["beroepenorientatie", "werk-vinden"]},
        "participatieafspraken": [
            {"soort": "vrijwilligerswerk", "omschrijving": "<script>alert(1)</script> & buurthuis"}
        ],
        "klantregisseur": "k.de.vries",
    }


class TestBeschikking:
    async def test_html_om_te_versturen(
        self, client: httpx.AsyncClient, auth: dict[str, str], tokens: TokenFactory, inburgeraar_api: InburgeraarApi
    ) -> None:
        response = await client.post(API, json=concept(await inburgeraar_api.registreer()), headers=auth)
        assert response.status_code == 201, response.text
        pip_id = response.json()["id"]
        beschikking = f"{API}/{pip_id}/beschikking"
        response = await client.get(beschikking, headers=auth)
        assert (response.status_code, response.json()["code"]) == (409, "pip-niet-vastgesteld")

        assert (await client.post(f"{API}/{pip_id}/_vaststellen", json=VASTSTELLEN, headers=auth)).is_success
        response = await client.get(beschikking, headers={**auth, "Accept": "text/html"})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/html")
        html = response.text
        assert '<html lang="nl">' in html
        for tekst in [
            "stelt uw persoonlijk plan inburgering en participatie (PIP) vast",
            "B1-route",
            "Werkplein",
            "4 mei 2029",  # inburgeringstermijn, PVT and MAP
            "Wet inburgering 2021, artikel 15 tot en met 17",
            # Sent 5 May 2026: six weeks from the day after (Awb art. 6:7 and 6:8).
            "uiterlijk op 16 juni 2026 (Algemene wet bestuursrecht, artikel 6:7 en 6:8)",
            "Uw klantregisseur: k.de.vries",
        ]:
            assert tekst in html, tekst
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; buurthuis" in html
        # The sender by its configured name and address, never by its code.
        assert "Gemeente Amsterdam" in html and "gemeente 0363" not in html
        assert "van burgemeester en wethouders van de gemeente Amsterdam, Amstel 1, 1011 PN Amsterdam." in html
        # Each termijn cites the law, the Besluit or the verordening, nothing internal.
        grondslagen = re.findall(r"<td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td></tr>", html)
        assert "Wet inburgering 2021, artikel 7, eerste lid, onder b" in grondslagen
        for grondslag in grondslagen:
            assert re.match(
                r"(Wet inburgering 2021|Besluit inburgering 2021|Verordening inburgering|Participatiewet)", grondslag
            ), grondslag
        for intern in (".txt", "DOMAIN", "kamerbrief", "handreiking", "beleidsplan", "uitvoeringstoets"):
            assert intern not in html, intern
        # For an asielmigrant the route binds: the letter does not call it an offer.
        assert "aanbod van de gemeente" not in html
        # Never a BSN (nine digits) on the letter: this context does not even hold one.
        assert re.search(r"(?<![0-9a-f-])\d{9}(?![0-9a-f-])", html) is None

        wijziging = {
            **VASTSTELLEN,
            "reden": "Andere aanbieder <b>MAP</b>",
            "wijzigingen": {"knm": {"aanbieder": "Noord"}},
        }
        response = await client.post(f"{API}/{pip_id}/_wijzigen", json=wijziging, headers=auth)
        assert response.status_code == 200, response.text
        html = (await client.get(beschikking, headers=auth)).text
        assert "Reden van de wijziging: Andere aanbieder &lt;b&gt;MAP&lt;/b&gt;" in html
        assert "Kennis van de Nederlandse Maatschappij" in html
        eerste = (await client.get(beschikking, params={"versie": 1}, headers=auth)).text
        assert "stelt uw persoonlijk plan" in eerste and "Noord" not in eerste
        assert (await client.get(beschikking, params={"versie": 9}, headers=auth)).status_code == 404

        andere = tokens.headers(*ROLLEN["klantregisseur"], gemeente="0599")
        assert (await client.get(beschikking, headers=andere)).status_code == 404

        # The same letter as PDF, for sending on paper or as an attachment.
        response = await client.get(beschikking, params={"versie": 1}, headers={**auth, "Accept": "application/pdf"})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert f"beschikking-pip-{pip_id}-1.pdf" in response.headers["content-disposition"]

    async def test_voor_een_gezinsmigrant_is_de_route_een_aanbod(
        self, client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer(doelgroep="gezinsmigrant")
        response = await client.post(API, json={**concept(inburgeraar_id), "intensiteit": None}, headers=auth)
        assert response.status_code == 201, response.text
        pip_id = response.json()["id"]
        assert (await client.post(f"{API}/{pip_id}/_vaststellen", json=VASTSTELLEN, headers=auth)).is_success
        html = (await client.get(f"{API}/{pip_id}/beschikking", headers=auth)).text
        assert "De leerroute is voor u een aanbod van de gemeente, geen verplichting" in html
        assert "Uw inburgeringsplicht bij DUO blijft gelden" in html
