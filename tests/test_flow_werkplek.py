"""De werkdag van een klantregisseur, in a real headless Chromium against the werkplek and the four real services
(each under its own uvicorn, with its relay and consumers, over real PostgreSQL and a NATS of this module's own).

The werkplek calls the services over HTTP with the signed-in user's token, as in production. The walk: sign in,
open the caseload, open a person (PIP with its versions, an opdracht with reported attendance as a chart, an open
signal), handle the signal with a reason, change the PIP (a route rule's refusal shown at its field first), preview
the beschikking; then handhaving-api goes down and the person's page still stands. On every screen axe-core
(`axe-playwright-python`) runs in the page and must find 0 WCAG 2.1 AA violations; each screen is saved as a
screenshot under the test's tmp folder (kept by pytest for the last runs).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, expect

from aanbieder_api import scopes as aanbieder_scopes
from aanbieder_api.main import create_app as create_aanbieder_app
from aanbieder_api.settings import Settings as AanbiederSettings
from handhaving_api import scopes as handhaving_scopes
from handhaving_api.main import create_app as create_handhaving_app
from handhaving_api.settings import Settings as HandhavingSettings
from inburgeraar_api import scopes as inburgeraar_scopes
from inburgeraar_api.main import create_app as create_inburgeraar_app
from inburgeraar_api.settings import Settings as InburgeraarSettings
from inburgering_kit.auth import AuthSettings
from inburgering_kit.db import Database
from inburgering_kit.events import source_urn
from inburgering_kit.outbox import EventPublisher
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.keten import dienst_instellingen
from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory
from inburgering_kit.testing.waiting import eventually
from pip_api import scopes as pip_scopes
from pip_api.main import create_app as create_pip_app
from pip_api.services.signalen import signaleer
from pip_api.settings import Settings as PipSettings
from werkplek.main import create_app as create_werkplek_app
from werkplek.settings import Bronnen, Ontwikkelaanmelding
from werkplek.settings import Settings as WerkplekSettings

pytestmark = [
    pytest.mark.integration,
    # FastAPI builds a route's dependencies lazily, at the first request that matches it; for a route with a body
    # pydantic then warns about an alias FastAPI itself sets. The suite turns warnings into errors, which in a
    # server thread (as here, not under the in-process client) becomes a 500 of that first request.
    pytest.mark.filterwarnings("ignore::pydantic.warnings.UnsupportedFieldAttributeWarning"),
]

ROOT = Path(__file__).resolve().parents[1]
GEMEENTE = "0363"
STREAM = "INBURGERING_FLOW_WERKPLEK"
REGISSEUR = "Kim de Regisseur"
BSN = "999990032"
API = "/api/v1"


def _rollen() -> dict[str, list[str]]:
    """The development roles as `make run` makes them: the union of every service's `ROLLEN`."""
    samen: dict[str, set[str]] = {}
    for module in (inburgeraar_scopes, pip_scopes, aanbieder_scopes, handhaving_scopes):
        for rol, scopes in module.ROLLEN.items():
            samen.setdefault(rol, set()).update(scopes)
    return {rol: sorted(scopes) for rol, scopes in samen.items()}


def _gemeen(infra: Infra, nats_url: str, tokens: TokenFactory, service: str) -> dict[str, Any]:
    return dienst_instellingen(
        infra, tokens, ROOT, service, database="test_flow_wp", nats_url=nats_url, stream_name=STREAM
    )


class Stack:
    def __init__(self, urls: dict[str, str], pip_settings: PipSettings, eigen: dict[str, ExitStack]) -> None:
        # Each server in an exit stack of its own, so a test can stop one of them.
        self.urls, self.pip_settings, self.eigen = urls, pip_settings, eigen


@pytest.fixture(scope="module")
def stack(infra: Infra, nats_url: str, tokens: TokenFactory) -> Iterator[Stack]:
    pip_settings = PipSettings(**_gemeen(infra, nats_url, tokens, "pip-api"))
    apps = {
        "inburgeraar": create_inburgeraar_app(
            InburgeraarSettings(**_gemeen(infra, nats_url, tokens, "inburgeraar-api"))
        ),
        "pip": create_pip_app(pip_settings),
        "aanbieder": create_aanbieder_app(AanbiederSettings(**_gemeen(infra, nats_url, tokens, "aanbieder-api"))),
        "handhaving": create_handhaving_app(HandhavingSettings(**_gemeen(infra, nats_url, tokens, "handhaving-api"))),
    }
    eigen = {naam: ExitStack() for naam in [*apps, "werkplek"]}
    with ExitStack() as s:
        for stapel in eigen.values():
            s.callback(stapel.close)
        urls = {naam: eigen[naam].enter_context(live_server(app)) for naam, app in apps.items()}
        werkplek = create_werkplek_app(
            WerkplekSettings(
                environment="test",
                auth=AuthSettings(issuers=[TEST_ISSUER], audience=TEST_AUDIENCE, public_key_file=tokens.public_key),
                bronnen=Bronnen(**{naam: f"{url}{API}" for naam, url in urls.items()}),
                # Every API and the werkplek run as threads of this one process, so the overview's calls, all at
                # once, share one interpreter; on a busy machine 2 s cut healthy calls off. The down-API part stops
                # a server (refused at once), so it does not wait on this.
                bron_timeout_seconden=5.0,
                ontwikkelaanmelding=Ontwikkelaanmelding(
                    private_key_file=tokens.private_key, issuer=TEST_ISSUER, audience=TEST_AUDIENCE, rollen=_rollen()
                ),
            )
        )
        urls["werkplek"] = eigen["werkplek"].enter_context(live_server(werkplek))
        yield Stack(urls, pip_settings, eigen)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


def _headers(tokens: TokenFactory, rol: str, *modules: Any, **extra: Any) -> dict[str, str]:
    scopes = sorted({s for m in modules for s in m.ROLLEN[rol]})
    return tokens.headers(*scopes, gemeente=GEMEENTE, user=REGISSEUR, **extra)


async def _dossier(stack: Stack, http: httpx.AsyncClient, tokens: TokenFactory) -> dict[str, Any]:
    """What the klantregisseur's day starts with, set up through the APIs: an inburgeraar with a vastgesteld PIP,
    an opdracht to a taalschool that reported attendance twice, and a termijn signal of pip-api's signal job."""
    u = stack.urls
    regisseur = _headers(tokens, "klantregisseur", inburgeraar_scopes, pip_scopes, aanbieder_scopes)
    r = await http.post(
        f"{u['inburgeraar']}{API}/inburgeraars",
        headers=regisseur,
        json={
            "bsn": BSN,
            "doelgroep": "asielmigrant",
            "datumKoppeling": "2026-02-01",
            "datumInschrijvingBrp": "2026-03-02",
            "contact": {"voornamen": "Amal", "achternaam": "Haddad"},
            "klantregisseur": REGISSEUR,
        },
    )
    assert r.status_code == 201, r.text
    inburgeraar_id = r.json()["id"]
    pip: dict[str, Any] = {}

    async def concept() -> bool:
        r = await http.post(
            f"{u['pip']}{API}/pips",
            headers=regisseur,
            json={"inburgeraarId": inburgeraar_id, "leerroute": "b1", "taalniveau": "B1", "klantregisseur": REGISSEUR},
        )
        if r.status_code == 422 and r.json().get("code") == "inburgeraar-onbekend":
            return False
        assert r.status_code == 201, r.text
        pip.update(r.json())
        return True

    await eventually(concept, what="de inburgeraar in de projectie van pip-api")
    datums = {"dagtekening": "2026-05-04", "verzenddatum": "2026-05-05", "ingangsdatum": "2026-05-04"}
    r = await http.post(f"{u['pip']}{API}/pips/{pip['id']}/_vaststellen", headers=regisseur, json=datums)
    assert r.status_code == 200, r.text
    pip = r.json()

    contractmanager = _headers(tokens, "contractmanager", aanbieder_scopes)
    r = await http.post(
        f"{u['aanbieder']}{API}/aanbieders",
        headers=contractmanager,
        json={
            "naam": "Taalschool De Brug",
            "kvkNummer": "12345678",
            "diensten": ["b1-route"],
            "keurmerk": {"nummer": "BOW-1234", "geldigTot": "2030-12-31"},
            "contactpersonen": [{"naam": "Petra de Vries", "email": "petra@taalschool.example"}],
        },
    )
    assert r.status_code == 201, r.text
    aanbieder_id = r.json()["id"]
    r = await http.post(
        f"{u['aanbieder']}{API}/aanbieders/{aanbieder_id}/contracten",
        headers=contractmanager,
        json={
            "kenmerk": "INK-2026-01",
            "begindatum": "2026-01-01",
            "einddatum": "2027-12-31",
            "diensten": [{"dienst": "b1-route", "uren": 100_000}],
        },
    )
    assert r.status_code == 201, r.text
    client_id = f"systeem-{aanbieder_id}"
    r = await http.post(
        f"{u['aanbieder']}{API}/aanbieders/{aanbieder_id}/api-clients",
        headers=contractmanager,
        json={"clientId": client_id, "omschrijving": "Leerlingvolgsysteem"},
    )
    assert r.status_code == 201, r.text
    opdracht: dict[str, Any] = {}

    async def verstrekt() -> bool:
        r = await http.post(
            f"{u['aanbieder']}{API}/opdrachten",
            headers=regisseur,
            json={
                "pipId": pip["id"],
                "aanbiederId": aanbieder_id,
                "onderdeel": "b1-route",
                "inhoud": {"geplandeStartdatum": "2026-05-11", "geplandeEinddatum": "2027-05-10", "uren": 600},
            },
        )
        if r.status_code in (409, 422) and "pip" in r.text.lower() and "onbekend" in r.text.lower():
            return False
        assert r.status_code == 201, r.text
        opdracht.update(r.json())
        return True

    await eventually(verstrekt, what="het vastgestelde PIP in de projectie van aanbieder-api")
    systeem = tokens.headers(
        *aanbieder_scopes.ROLLEN["aanbieder"], gemeente=GEMEENTE, client_id=client_id, aanbieder_id=aanbieder_id
    )
    for van, tot, aanwezig, afwezig in (("2026-05-11", "2026-05-31", 30, 2), ("2026-06-01", "2026-06-30", 22, 14)):
        r = await http.post(
            f"{u['aanbieder']}{API}/toegewezen-opdrachten/{opdracht['id']}/meldingen",
            headers={**systeem, "Idempotency-Key": str(uuid.uuid4())},
            json={
                "soort": "aanwezigheid",
                "periodeVan": van,
                "periodeTot": tot,
                "urenAanwezig": aanwezig,
                "urenAfwezigGeoorloofd": 0,
                "urenAfwezigOngeoorloofd": afwezig,
            },
        )
        assert r.status_code in (200, 201, 202), r.text

    # pip-api's signal job, one pass on the day after the PIP's last termijn ends: a "verstreken" signal.
    laatste = max(date.fromisoformat(t["einddatum"]) for t in pip["termijnen"])
    database = Database(stack.pip_settings.database_url, pool_size=2)
    try:
        publisher = EventPublisher(
            source=source_urn(stack.pip_settings.oin, "pip-api"), public_base_url="http://pip-api.test"
        )
        verslag = await signaleer(database, publisher, stack.pip_settings, dag=laatste + timedelta(days=1))
        assert sum(verslag.nieuw.values()) >= 1, verslag
    finally:
        await database.dispose()
    return {"inburgeraar_id": inburgeraar_id, "pip": pip, "opdracht": opdracht}


class Dag:
    """The browser's side: every screen checked by axe and saved as a screenshot."""

    def __init__(self, page: Page, map_: Path) -> None:
        self.page, self.map, self.axe, self.n = page, map_, Axe(), 0
        self.bevindingen: dict[str, list[str]] = {}

    async def scherm(self, naam: str) -> None:
        self.n += 1
        await self.page.screenshot(path=str(self.map / f"{self.n:02d}-{naam}.png"), full_page=True)
        resultaat = await self.axe.run(
            self.page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
        )
        self.bevindingen[naam] = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}x)" for v in resultaat.response["violations"]
        ]
        assert resultaat.violations_count == 0, f"{naam}: {self.bevindingen[naam]}"


async def test_de_werkdag_van_een_klantregisseur(
    stack: Stack, browser: Browser, http: httpx.AsyncClient, tokens: TokenFactory, tmp_path: Path
) -> None:
    dossier = await _dossier(stack, http, tokens)
    schermen = tmp_path / "schermen"
    schermen.mkdir()
    context = await browser.new_context(base_url=stack.urls["werkplek"], locale="nl-NL")
    page = await context.new_page()
    dag = Dag(page, schermen)
    try:
        # Sign in (development sign-in: role and gemeente).
        await page.goto("/werkplek")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden")
        await dag.scherm("aanmelden")
        await page.get_by_label("Uw naam").fill(REGISSEUR)
        await page.get_by_label("Rol").select_option("klantregisseur")
        await page.get_by_label("Gemeente").select_option(GEMEENTE)
        await page.get_by_role("button", name="Aanmelden").click()

        # The caseload.
        await expect(page.get_by_role("heading", level=1)).to_have_text("Mijn caseload")
        rij = page.get_by_role("row", name=re.compile("Amal Haddad"))
        await expect(rij).to_contain_text("Asielmigrant")
        await expect(rij).to_contain_text("B1-route")
        await expect(rij).to_contain_text(re.compile(r"\d+ open"))
        await dag.scherm("caseload")
        await page.keyboard.press("Tab")
        await expect(page.get_by_role("link", name="Ga direct naar de inhoud")).to_be_focused()

        # The person overview, on one screen.
        await page.get_by_role("link", name="Amal Haddad").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Amal Haddad")
        await expect(page.get_by_text(BSN)).to_be_visible()
        await expect(page.get_by_role("table", name="Versiegeschiedenis")).to_contain_text("1")
        await expect(page.get_by_role("img", name=re.compile("Aanwezigheid per periode"))).to_be_visible()
        await expect(page.get_by_role("table", name="Aanwezigheid per periode")).to_contain_text("14")
        signalen = page.get_by_role("table", name="Open signalen")
        await expect(signalen).to_contain_text("Termijn verstreken")
        assert await page.locator(".onbeschikbaar").all_inner_texts() == []
        await dag.scherm("persoon")

        # Handle a signal: without a reason first, then with one, by keyboard.
        afhandelen = signalen.get_by_role("link", name=re.compile("^Afhandelen"))
        open_voor = await afhandelen.count()
        await afhandelen.first.click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Signaal afhandelen")
        await dag.scherm("signaal-afhandelen")
        await page.get_by_role("button", name="Signaal afhandelen").click()
        samenvatting = page.get_by_role("alert")
        await expect(samenvatting).to_contain_text("Vul de reden van afhandeling in.")
        await expect(samenvatting).to_be_focused()
        await dag.scherm("signaal-afhandelen-fout")
        await samenvatting.get_by_role("link").click()
        await expect(page.get_by_label("Reden van afhandeling")).to_be_focused()
        await page.keyboard.type("Gebeld met de taalschool; de route loopt door.")
        await page.get_by_role("button", name="Signaal afhandelen").focus()
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("status").first).to_have_text("Het signaal is afgehandeld.")
        if open_voor == 1:
            await expect(page.get_by_text("Geen open signalen.")).to_be_visible()
        else:
            await expect(signalen.get_by_role("link", name=re.compile("^Afhandelen"))).to_have_count(open_voor - 1)
        await dag.scherm("persoon-na-afhandelen")

        # The work list across the caseload.
        await page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Signalen").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Signalen")
        await dag.scherm("signalen")
        await page.go_back()

        # Change the PIP: a switch of leerroute without its grond is refused by the route rules, and each refusal is
        # shown at its field; then a real change.
        await page.goto(f"/werkplek/inburgeraars/{dossier['inburgeraar_id']}")
        await page.get_by_role("link", name="PIP wijzigen").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("PIP wijzigen")
        await dag.scherm("pip-wijzigen")
        await page.get_by_label("Reden van de wijziging").fill("Andere leerroute gevraagd")
        await page.get_by_role("group", name=re.compile("Leerroute")).get_by_label("Onderwijsroute").check()
        await page.get_by_role("button", name="Wijziging vaststellen").click()
        await expect(page).to_have_title(re.compile("^Fout: PIP wijzigen"))
        await expect(page.get_by_role("alert").get_by_role("link").first).to_be_visible()
        await expect(page.locator(".veld-fout").first).to_be_visible()
        assert await page.locator("[aria-invalid=true]").count() >= 1
        await dag.scherm("pip-wijzigen-fout")
        await page.goto(f"/werkplek/pips/{dossier['pip']['id']}/wijzigen")
        await page.get_by_label("Reden van de wijziging").fill("Meer lesuren per week")
        await page.get_by_label("Intensiteit").fill("16 uur per week")
        await page.get_by_role("button", name="Wijziging vaststellen").click()
        await expect(page.get_by_role("status").first).to_contain_text("Het PIP is gewijzigd")
        await expect(page.get_by_role("table", name="Versiegeschiedenis")).to_contain_text("Meer lesuren per week")
        await dag.scherm("persoon-na-wijziging")

        # The beschikking, previewed inside the werkplek.
        await page.get_by_role("link", name="Beschikking bekijken").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Voorbeeld van de beschikking")
        await expect(page.get_by_text("niet beschikbaar")).to_have_count(0)
        await dag.scherm("beschikking")

        # A move to another gemeente, registered at inburgeraar-api: the same move again is the same registration.
        for _ in range(2):
            await page.goto(f"/werkplek/inburgeraars/{dossier['inburgeraar_id']}")
            await page.get_by_label("Nieuwe gemeente (gemeentecode)").fill("0599")
            await page.get_by_label("Verhuisdatum").fill((date.today() + timedelta(days=30)).isoformat())
            await page.get_by_role("button", name="Verhuizing registreren").click()
            await expect(page.get_by_role("status").first).to_contain_text("De verhuizing is geregistreerd.")
        verhuizingen = page.get_by_role("table", name="Verhuizingen")
        await expect(verhuizingen.get_by_role("row")).to_have_count(2)  # the header and the one move
        await expect(verhuizingen).to_contain_text("Aangemeld, overdracht loopt")
        await dag.scherm("persoon-verhuizing")

        # handhaving-api goes away: that part says so, the rest of the page stands.
        await _stop(stack, "handhaving")
        await page.goto(f"/werkplek/inburgeraars/{dossier['inburgeraar_id']}")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Amal Haddad")
        await expect(page.get_by_text("Handhaving: niet beschikbaar.")).to_be_visible()
        await expect(page.get_by_role("table", name="Versiegeschiedenis")).to_be_visible()
        await dag.scherm("persoon-zonder-handhaving")
    finally:
        await context.close()
    assert len(list(schermen.glob("*.png"))) == dag.n >= 12


async def _stop(stack: Stack, naam: str) -> None:
    """Stop one service's server: its port then refuses connections, as a crashed service's would."""
    stack.eigen[naam].close()
