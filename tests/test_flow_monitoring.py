"""De monitoring van de gemeente in a real headless Chromium: the werkplek's Monitoring page against the four real
services (each under its own uvicorn, over real PostgreSQL), with counts seeded straight into their databases.

A beleidsmedewerker signs in, lands on Monitoring, sees the route mix as a chart and as a table with a small cell
shown as "<5", downloads a context's CSV through the werkplek, and then handhaving-api goes down: its part says
"niet beschikbaar" and the rest stands. axe-core must find 0 WCAG 2.1 AA violations on each screen.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, expect
from sqlalchemy import text

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
from inburgering_kit.embedded import EmbeddedNats, free_port
from inburgering_kit.nats_access import NatsAccess
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory
from pip_api import scopes as pip_scopes
from pip_api.main import create_app as create_pip_app
from pip_api.settings import Settings as PipSettings
from werkplek.main import create_app as create_werkplek_app
from werkplek.settings import Bronnen, Ontwikkelaanmelding
from werkplek.settings import Settings as WerkplekSettings

pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore::pydantic.warnings.UnsupportedFieldAttributeWarning"),
]

ROOT = Path(__file__).resolve().parents[1]
GEMEENTE = "0363"
API = "/api/v1"


def _rollen() -> dict[str, list[str]]:
    samen: dict[str, set[str]] = {}
    for module in (inburgeraar_scopes, pip_scopes, aanbieder_scopes, handhaving_scopes):
        for rol, scopes in module.ROLLEN.items():
            samen.setdefault(rol, set()).update(scopes)
    return {rol: sorted(scopes) for rol, scopes in samen.items()}


class Stack:
    def __init__(self, urls: dict[str, str], databases: dict[str, str], eigen: dict[str, ExitStack]) -> None:
        self.urls, self.databases, self.eigen = urls, databases, eigen


@pytest.fixture(scope="module")
def stack(infra: Infra, tokens: TokenFactory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    nats = EmbeddedNats(tmp_path_factory.mktemp("mon-nats"), free_port(), access=NatsAccess.generate())
    nats.start()
    auth = AuthSettings(issuers=[TEST_ISSUER], audience=TEST_AUDIENCE, public_key_file=tokens.public_key)
    services = {
        "inburgeraar": ("inburgeraar-api", InburgeraarSettings, create_inburgeraar_app),
        "pip": ("pip-api", PipSettings, create_pip_app),
        "aanbieder": ("aanbieder-api", AanbiederSettings, create_aanbieder_app),
        "handhaving": ("handhaving-api", HandhavingSettings, create_handhaving_app),
    }
    databases = {
        naam: infra.migrated_database(f"test_flow_mon_{naam}", ROOT / "services" / service / "migrations")
        for naam, (service, _, _) in services.items()
    }
    eigen = {naam: ExitStack() for naam in [*services, "werkplek"]}
    try:
        with ExitStack() as s:
            for stapel in eigen.values():
                s.callback(stapel.close)
            urls = {}
            for naam, (service, settings_cls, maak) in services.items():
                settings = settings_cls(
                    environment="test",
                    database_url=databases[naam],
                    nats_url=nats.url,
                    public_base_url=f"http://{service}.test",
                    auth=auth,
                    stream_name="INBURGERING_FLOW_MONITORING",
                    # The test writes and then reads the figures at once: no reuse of an earlier answer.
                    monitoring_max_leeftijd_s=0,
                )
                urls[naam] = eigen[naam].enter_context(live_server(maak(settings)))  # type: ignore[operator]
            werkplek = create_werkplek_app(
                WerkplekSettings(
                    environment="test",
                    auth=auth,
                    bronnen=Bronnen(**{naam: f"{url}{API}" for naam, url in urls.items()}),
                    # A loaded test machine: the first request of each service builds its routes lazily.
                    bron_timeout_seconden=10.0,
                    ontwikkelaanmelding=Ontwikkelaanmelding(
                        private_key_file=tokens.private_key,
                        issuer=TEST_ISSUER,
                        audience=TEST_AUDIENCE,
                        rollen=_rollen(),
                    ),
                )
            )
            urls["werkplek"] = eigen["werkplek"].enter_context(live_server(werkplek))
            yield Stack(urls, databases, eigen)
    finally:
        nats.stop()


async def _seed_pips(url: str, routes: dict[str, int], gemeente: str = GEMEENTE) -> None:
    database = Database(url, pool_size=1)
    try:
        async with database.engine.begin() as conn:
            for route, aantal in routes.items():
                await conn.execute(
                    text(
                        "INSERT INTO pip (id, gemeente_code, inburgeraar_id, status, versie, inhoud, "
                        "vastgesteld_datum) VALUES (:id, :g, :i, 'vastgesteld', 1, CAST(:inhoud AS jsonb), "
                        "CURRENT_DATE - 30)"
                    ),
                    [
                        {
                            "id": uuid.uuid4(),
                            "i": uuid.uuid4(),
                            "g": gemeente,
                            "inhoud": json.dumps({"leerroute": route}),
                        }
                        for _ in range(aantal)
                    ],
                )
    finally:
        await database.dispose()


async def _scherm(page: Page, axe: Axe, map_: Path, naam: str) -> None:
    await page.screenshot(path=str(map_ / f"{naam}.png"), full_page=True)
    resultaat = await axe.run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    fouten: list[Any] = resultaat.response["violations"]
    assert resultaat.violations_count == 0, f"{naam}: {[(v['id'], v['help']) for v in fouten]}"


async def test_monitoring_van_de_gemeente(stack: Stack, browser: Browser, tokens: TokenFactory, tmp_path: Path) -> None:
    await _seed_pips(stack.databases["pip"], {"b1": 30, "onderwijsroute": 9, "z-route": 3})
    await _seed_pips(stack.databases["pip"], {"b1": 50}, gemeente="0599")
    # Each service's first request builds its dependencies; made here, so the page is not the one to wait for it.
    async with httpx.AsyncClient(timeout=30) as http:
        headers = tokens.headers(*pip_scopes.ROLLEN["beleidsmedewerker"], gemeente=GEMEENTE)
        for naam in ("inburgeraar", "pip", "aanbieder", "handhaving"):
            assert (await http.get(f"{stack.urls[naam]}{API}/monitoring", headers=headers)).status_code == 200
    context = await browser.new_context(base_url=stack.urls["werkplek"], locale="nl-NL", accept_downloads=True)
    page = await context.new_page()
    axe = Axe()
    try:
        await page.goto("/werkplek")
        await page.get_by_label("Uw naam").fill("Bo Beleid")
        await page.get_by_label("Rol").select_option("beleidsmedewerker")
        await page.get_by_label("Gemeente").select_option(GEMEENTE)
        await page.get_by_role("button", name="Aanmelden").click()

        await expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring")
        await expect(page.get_by_role("link", name="Monitoring")).to_have_attribute("aria-current", "page")
        mix = page.get_by_role("table", name=re.compile("^Leerroute van de PIP"))
        await expect(mix.get_by_role("row", name=re.compile("^b1 30"))).to_be_visible()
        await expect(mix.get_by_role("row", name=re.compile("^z-route"))).to_contain_text("<5")
        await expect(mix.get_by_role("row", name=re.compile("^onderwijsroute"))).to_contain_text("<5")
        await expect(mix.get_by_role("row", name=re.compile("^totaal"))).to_contain_text("42")
        await expect(page.get_by_role("img", name=re.compile("Leerroute van de PIP"))).to_be_visible()
        assert await page.locator(".onbeschikbaar").count() == 0
        await _scherm(page, axe, tmp_path, "monitoring")

        async with page.expect_download() as wacht:
            await page.get_by_role("link", name="Leerroutes, uitstroom en termijnsignalen als CSV").click()
        download = await wacht.value
        csv = await anyio.Path(await download.path()).read_text(encoding="utf-8")
        assert f"{GEMEENTE}," in csv and ",routemix,z-route,aantal,<5" in csv and ",routemix,b1,aantal,30" in csv
        assert "0599" not in csv

        stack.eigen["handhaving"].close()
        await page.reload()
        await expect(page.get_by_text("Handhaving: niet beschikbaar.")).to_be_visible()
        await expect(mix).to_be_visible()
        await _scherm(page, axe, tmp_path, "monitoring-zonder-handhaving")
    finally:
        await context.close()
