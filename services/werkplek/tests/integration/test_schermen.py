"""Every screen of the werkplek that the day in `tests/test_flow_werkplek.py` does not pass, in a real headless
Chromium against stand-in APIs: the forms and their refusals, the specialist's and the privacy officer's views, the
pages with an API down. axe-core runs on each and must find 0 WCAG 2.1 AA violations; each is saved as a
screenshot under the test's tmp folder."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, BrowserContext, Page, expect

from inburgering_kit.testing.live import live_server
from werkplek.main import create_app
from werkplek.settings import Settings

pytestmark = pytest.mark.integration

PERSOON = "6f1c2a9e-4b1d-4c6e-9a53-0d8e7b2f4a11"
PIP = "0b7d3c5e-2f8a-4e61-b9c4-7a2e1d6f3b22"
OPROEP = "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e55"
BSN = "999990019"
VERHUIZING = {
    "id": "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f66",
    "inburgeraarId": PERSOON,
    "vanGemeente": "0363",
    "naarGemeente": "0599",
    "verhuisdatum": "2026-07-01",
    "bron": "duo",
    "status": "aangemeld",
    "aangemeldOp": "2026-06-20T09:00:00Z",
    "overgedragenOp": None,
}
OVERDRACHT = {
    "id": "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f66",
    "richting": "inkomend",
    "vanGemeente": "0599",
    "naarGemeente": "0363",
    "verhuisdatum": "2026-07-01",
    "inburgeraarId": PERSOON,
    "status": "mislukt",
    "stappen": [
        {"stap": "inburgeraar", "gedaanOp": "2026-06-20T09:00:02Z"},
        {"stap": "pip", "gedaanOp": None},
        {"stap": "aanbieder", "gedaanOp": None},
        {"stap": "handhaving", "gedaanOp": None},
    ],
    "pogingen": 3,
    "laatsteFout": "pip-api weigerde het deel: 409",
    "aangemaaktOp": "2026-06-20T09:00:01Z",
    "bijgewerktOp": "2026-06-20T09:05:00Z",
    "afgerondOp": None,
    "inhoudVerwijderd": False,
}
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def url(instellingen: Settings, nep: dict[str, Any], gevuld: None) -> Iterator[str]:
    nep["inburgeraar"].op(
        "GET",
        "/inburgeraars/{id}/brede-intake",
        {
            "status": "lopend",
            "afgerondDatum": None,
            "afgerondBijAfwezigheid": False,
            "volgendeStap": "wachten-op-uitkomst",
            "oproepen": [
                {
                    "id": OPROEP,
                    "volgnummer": 1,
                    "verzondenDatum": "2026-02-10",
                    "afspraakOp": "2026-02-24T09:30:00Z",
                    "uitkomst": None,
                    "toelichting": None,
                }
            ],
            "gesprekken": [],
            "resultaten": [],
            "leerbaarheidstoets": None,
            "achtergrond": None,
        },
    )
    nep["pip"].op(
        "POST",
        "/pips",
        {
            "title": "Ongeldig PIP",
            "status": 400,
            "invalidParams": [
                {"name": "leerroute", "code": "verplicht", "reason": "kies een leerroute"},
                {
                    "name": "pvt.geplandeStart",
                    "code": "buiten-termijn",
                    "reason": "ligt na het einde van de PVT-termijn",
                },
            ],
        },
        400,
    )
    nep["aanbieder"].op(
        "POST",
        "/opdrachten",
        {
            "title": "Ongeldige opdracht",
            "status": 422,
            "invalidParams": [
                {"name": "aanbiederId", "code": "onbekend", "reason": "deze aanbieder is niet geregistreerd"}
            ],
        },
        422,
    )
    nep["pip"].op("GET", "/pips/{id}/beschikking", {"title": "Geen beschikking", "status": 409}, 409)
    nep["inburgeraar"].op("GET", "/inburgeraars/{id}/verhuizingen", _lijst([VERHUIZING]))
    nep["ketenuitwisseling"].op("GET", "/overdrachten", _lijst([OVERDRACHT]))
    nep["inburgeraar"].op(
        "POST",
        "/inburgeraars/{id}/verhuizingen",
        {
            "title": "Ongeldige verhuizing",
            "status": 422,
            "invalidParams": [
                {"name": "naarGemeente", "code": "onbekend", "reason": "geen bestaande gemeente"},
                {"name": "verhuisdatum", "code": "te-vroeg", "reason": "ligt voor de datum koppeling"},
            ],
        },
        422,
    )
    for bron in ("inburgeraar", "pip", "aanbieder", "handhaving"):
        log = {
            "page": 1,
            "pageSize": 50,
            "totalItems": 1,
            "totalPages": 1,
            "resultaten": [
                {
                    "id": f"00000000-0000-4000-8000-00000000000{len(bron)}",
                    "tijdstip": "2026-06-01T10:00:00Z",
                    "traceId": "0" * 32,
                    "spanId": "0" * 16,
                    "parentSpanId": None,
                    "activiteit": f"{bron}-raadplegen",
                    "grondslag": "Wi 2021 art. 2",
                    "actie": "lezen",
                    "resultaat": "ok",
                    "betrokkene": "ab12",
                    "objectType": bron,
                    "objectId": PERSOON,
                    "actorClient": "werkplek",
                    "actorUser": "Kim de Regisseur",
                }
            ],
        }
        nep[bron].op("GET", "/verwerkingen", log)
        nep[bron].op("POST", "/verwerkingen/_zoek", log)
    app = create_app(instellingen, {k: httpx.MockTransport(v.handle) for k, v in nep.items()})
    with live_server(app) as u:
        yield u


def _lijst(items: list[Any]) -> dict[str, Any]:
    return {"page": 1, "pageSize": 20, "totalItems": len(items), "totalPages": 1, "resultaten": items}


class Schermen:
    def __init__(self, page: Page, map_: Path) -> None:
        self.page, self.map, self.axe, self.n = page, map_, Axe(), 0

    async def scherm(self, naam: str) -> None:
        self.n += 1
        await self.page.screenshot(path=str(self.map / f"{self.n:02d}-{naam}.png"), full_page=True)
        resultaat = await self.axe.run(self.page, options=WCAG)
        gevonden = [f"{v['id']}: {v['help']}" for v in resultaat.response["violations"]]
        assert resultaat.violations_count == 0, f"{naam}: {gevonden}"


@pytest.fixture
async def context(browser: Browser, url: str) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(base_url=url, locale="nl-NL")
    try:
        yield context
    finally:
        await context.close()


async def _aanmelden(page: Page, rol: str) -> None:
    await page.goto("/werkplek/aanmelden")
    await page.get_by_label("Uw naam").fill("Kim de Regisseur")
    await page.get_by_label("Rol").select_option(rol)
    await page.get_by_label("Gemeente").select_option("0363")
    await page.get_by_role("button", name="Aanmelden").click()


async def test_de_formulieren_van_de_klantregisseur(
    context: BrowserContext, nep: dict[str, Any], tmp_path: Path
) -> None:
    page = await context.new_page()
    s = Schermen(page, tmp_path)
    await _aanmelden(page, "klantregisseur")
    await page.get_by_role("link", name="Inburgeraar openen").click()
    await s.scherm("zoeken")
    await page.get_by_label("Id van de inburgeraar").fill("geen-id")
    await page.get_by_role("button", name="Openen").click()
    await expect(page.get_by_role("alert")).to_contain_text("Vul een geldig id in")
    await s.scherm("zoeken-fout")

    await page.goto(f"/werkplek/inburgeraars/{PERSOON}")
    await page.get_by_role("link", name="Uitkomst vastleggen van oproep 1").click()
    await s.scherm("uitkomst")
    await page.get_by_role("button", name="Uitkomst vastleggen").click()
    await expect(page.get_by_role("alert")).to_contain_text("Kies de uitkomst van de oproep.")
    await s.scherm("uitkomst-fout")

    await page.goto(f"/werkplek/inburgeraars/{PERSOON}")
    overdracht = page.get_by_role("table", name="Overdracht van het dossier")
    await expect(overdracht).to_contain_text("PIP overgenomen: nog niet")
    await expect(page.get_by_role("table", name="Verhuizingen")).to_contain_text("Melding van DUO")
    await s.scherm("persoon-verhuizing")
    await page.get_by_label("Nieuwe gemeente (gemeentecode)").fill("59")
    await page.get_by_role("button", name="Verhuizing registreren").click()
    await expect(page.get_by_role("alert")).to_contain_text("Vul de gemeentecode van vier cijfers in")
    await s.scherm("verhuizing-fout-werkplek")
    await page.get_by_label("Nieuwe gemeente (gemeentecode)").fill("0999")
    await page.get_by_label("Verhuisdatum").fill("2020-01-01")
    await page.get_by_role("button", name="Verhuizing registreren").click()
    await expect(page.locator("#veld-naarGemeente-fout")).to_contain_text("Geen bestaande gemeente")
    await expect(page.locator("#veld-verhuisdatum-fout")).to_contain_text("Ligt voor de datum koppeling")
    await expect(page.get_by_label("Nieuwe gemeente (gemeentecode)")).to_have_attribute("aria-invalid", "true")
    await s.scherm("verhuizing-fout-api")

    await page.goto(f"/werkplek/inburgeraars/{PERSOON}/pip/nieuw")
    await s.scherm("pip-nieuw")
    await page.get_by_role("button", name="Concept opslaan").click()
    await expect(page.locator("#veld-leerroute-fout")).to_contain_text("Kies een leerroute")
    await expect(page.locator("#veld-pvt\\.geplandeStart-fout")).to_contain_text("Ligt na het einde")
    await s.scherm("pip-nieuw-fout")

    await page.goto(f"/werkplek/pips/{PIP}/vaststellen")
    await expect(page.get_by_label("Dagtekening van de beschikking")).not_to_have_value("")
    await s.scherm("vaststellen")

    await page.goto(f"/werkplek/pips/{PIP}/opdrachten/nieuw")
    await s.scherm("opdracht")
    await page.get_by_label("Id van de aanbieder").fill("5a6b7c8d-1e2f-4a3b-8c4d-5e6f7a8b9c44")
    await page.get_by_label("Onderdeel").select_option("b1-route")
    await page.get_by_role("button", name="Opdracht verstrekken").click()
    await expect(page.locator("#veld-aanbiederId-fout")).to_contain_text("niet geregistreerd")
    await s.scherm("opdracht-fout")

    await page.goto(f"/werkplek/pips/{PIP}/beschikking")
    await expect(page.get_by_text("Beschikking: niet beschikbaar.")).to_be_visible()
    await s.scherm("beschikking-geweigerd")

    await page.goto("/werkplek/bestaat-niet/1")
    await s.scherm("niet-gevonden")

    nep["pip"].plat = True
    await page.goto("/werkplek/caseload")
    await expect(page.get_by_text("Signalen: niet beschikbaar.")).to_be_visible()
    await s.scherm("caseload-zonder-pip-api")
    await page.goto(f"/werkplek/inburgeraars/{PERSOON}")
    await expect(page.get_by_text("PIP: niet beschikbaar.")).to_be_visible()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Amal Haddad")
    await s.scherm("persoon-zonder-pip-api")

    await page.get_by_role("button", name="Afmelden").click()
    await expect(page.get_by_role("status")).to_have_text("U bent afgemeld.")
    await s.scherm("afgemeld")


async def test_een_specialist_ziet_alleen_zijn_deel(context: BrowserContext, tmp_path: Path) -> None:
    page = await context.new_page()
    s = Schermen(page, tmp_path)
    await _aanmelden(page, "specialist-werk")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Inburgeraar openen")
    await page.get_by_label("Id van de inburgeraar").fill(PERSOON)
    await page.get_by_role("button", name="Openen").click()
    await expect(page.get_by_role("heading", name="Brede intake")).to_be_visible()
    await expect(page.get_by_role("heading", name="Persoon en plicht")).to_have_count(0)
    assert BSN not in await page.content()
    await s.scherm("specialist-persoon")


async def test_de_privacy_officer_ziet_het_verwerkingenlog(context: BrowserContext, tmp_path: Path) -> None:
    page = await context.new_page()
    s = Schermen(page, tmp_path)
    await _aanmelden(page, "privacy-officer")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Verwerkingenlog")
    await s.scherm("verwerkingen")
    await page.get_by_label("BSN van de betrokkene").fill(BSN)
    await page.get_by_role("button", name="Zoeken").click()
    await expect(page.get_by_role("table", name="Verwerkingen")).to_contain_text("pip-raadplegen")
    assert BSN not in page.url
    await s.scherm("verwerkingen-gevonden")
    await page.goto(f"/werkplek/inburgeraars/{PERSOON}")
    await expect(page.get_by_role("table", name="Verwerkingen")).to_contain_text("handhaving-raadplegen")
    assert BSN not in await page.content()
    await s.scherm("privacy-officer-persoon")


async def test_een_verhuisde_inburgeraar_en_de_overgenomen_geschiedenis(
    context: BrowserContext, nep: dict[str, Any], tmp_path: Path
) -> None:
    """The page at the gemeente left once the person moved (a banner, no form, no changes), and at the new gemeente
    the previous one's PIP, progress and enforcement from each context's own route, each labelled as taken over."""
    persoon = {
        "id": PERSOON,
        "gemeenteCode": "0363",
        "status": "verhuisd",
        "bsn": BSN,
        "doelgroep": "asielmigrant",
        "contact": {"voornamen": "Amal", "achternaam": "Haddad"},
    }
    nep["inburgeraar"].op("GET", "/inburgeraars/{id}", persoon)
    nep["inburgeraar"].op(
        "GET",
        "/inburgeraars/{id}/verhuizingen",
        _lijst([{**VERHUIZING, "status": "overgedragen", "overgedragenOp": "2026-06-21T10:00:00Z"}]),
    )
    page = await context.new_page()
    s = Schermen(page, tmp_path)
    await _aanmelden(page, "klantregisseur")
    await page.goto(f"/werkplek/inburgeraars/{PERSOON}")
    await expect(page.get_by_text("Verhuisd naar gemeente 0599 op 1 juli 2026.")).to_be_visible()
    await expect(page.get_by_role("button", name="Verhuizing registreren")).to_have_count(0)
    await expect(page.get_by_role("link", name="PIP wijzigen")).to_have_count(0)
    await s.scherm("verhuisd")

    # The new gemeente: the person registered on the move, the transfer done, a concept from the old agreements.
    nep["inburgeraar"].op(
        "GET",
        "/inburgeraars/{id}",
        {**persoon, "status": "geregistreerd", "herkomst": {"soort": "verhuizing", "vanGemeente": "0599"}},
    )
    nep["inburgeraar"].op("GET", "/inburgeraars/{id}/verhuizingen", _lijst([]))
    nep["ketenuitwisseling"].op(
        "GET", "/overdrachten", _lijst([{**OVERDRACHT, "status": "afgerond", "laatsteFout": None}])
    )
    nep["pip"].op(
        "GET",
        "/pips",
        _lijst(
            [
                {
                    "id": PIP,
                    "inburgeraarId": PERSOON,
                    "status": "concept",
                    "versie": 0,
                    "leerroute": "z-route",
                    "taalniveau": "A1",
                    "overgenomenVan": {"overdrachtId": OVERDRACHT["id"], "vanGemeente": "0599", "versie": 2},
                    "termijnen": [],
                }
            ]
        ),
    )
    nep["pip"].op(
        "GET",
        "/geimporteerde-pips",
        [
            {
                "id": "00000000-0000-4000-8000-000000000599",
                "status": "beeindigd",
                "versie": 2,
                "inhoud": {"leerroute": "z-route", "taalniveau": "A1"},
                "vastgesteldDatum": "2025-11-01",
                "beeindigdDatum": "2026-06-21",
                "beeindigdReden": "verhuisd",
                "versies": [{"versie": 1, "ingangsdatum": "2025-11-01"}, {"versie": 2, "ingangsdatum": "2026-02-01"}],
                "geimporteerd": True,
                "vanGemeente": "0599",
            }
        ],
    )
    nep["aanbieder"].op("GET", "/opdrachten", _lijst([]))
    nep["aanbieder"].op(
        "GET",
        "/inburgeraars/{id}/overgenomen-voortgang",
        _lijst(
            [
                {
                    "geimporteerd": True,
                    "vanGemeente": "0599",
                    "dossier": {
                        "opdrachten": [
                            {
                                "aanbieder": {"naam": "Taalhuis Zuid", "kvkNummer": "12345678"},
                                "onderdeel": "z-route",
                                "status": "ingetrokken",
                                "eindreden": "verhuisd",
                                "urenGecontracteerd": 600,
                                "geplandeStartdatum": "2025-11-02",
                                "geplandeEinddatum": "2026-11-01",
                                "stand": {"urenAanwezig": 120},
                                "meldingen": [],
                            }
                        ]
                    },
                }
            ]
        ),
    )
    nep["handhaving"].op(
        "GET",
        "/inburgeraars/{id}/overgenomen-handhaving",
        [
            {
                "geimporteerd": True,
                "vanGemeente": "0599",
                "dossier": {
                    "overtredingen": [
                        {
                            "soort": "pip-niet-nagekomen",
                            "status": "beboet",
                            "gedragingVan": "2026-01-01",
                            "gedragingTot": "2026-03-01",
                        }
                    ],
                    "boetes": [
                        {
                            "soort": "pip-niet-nagekomen",
                            "bedrag": 250,
                            "besluitDatum": "2026-04-01",
                            "status": "opgelegd",
                        }
                    ],
                },
            }
        ],
    )
    await page.goto(f"/werkplek/inburgeraars/{PERSOON}")
    await expect(page.get_by_role("table", name="Overdracht van het dossier")).to_contain_text("Inkomend")
    await expect(page.get_by_role("table", name="PIP's van de vorige gemeente")).to_contain_text(
        "overgenomen van gemeente 0599"
    )
    await expect(page.get_by_role("table", name="Voortgang bij aanbieders van de vorige gemeente")).to_contain_text(
        "Taalhuis Zuid"
    )
    await expect(page.get_by_role("table", name="Boetes van de vorige gemeente")).to_contain_text("€ 250")
    await expect(page.get_by_text("gemeente 0599, versie 2")).to_be_visible()
    await expect(page.get_by_text("verhuisd uit gemeente 0599")).to_be_visible()
    await s.scherm("overgenomen-bij-de-nieuwe-gemeente")
