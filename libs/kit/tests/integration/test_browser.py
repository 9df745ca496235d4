"""The browser fixture drives the operating system's Chromium against a page served by a live uvicorn."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from playwright.async_api import Browser

from inburgering_kit.testing.live import live_server


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/", response_class=HTMLResponse)
    async def form() -> str:
        return (
            '<!DOCTYPE html><html lang="nl"><title>Proef</title><form method="post" action="/">'
            '<label for="naam">Naam</label><input id="naam" name="naam"><button>Verstuur</button></form></html>'
        )

    @app.post("/", response_class=HTMLResponse)
    async def submitted(request: Request) -> str:
        naam = parse_qs((await request.body()).decode())["naam"][0]
        return f'<!DOCTYPE html><html lang="nl"><title>Ontvangen</title><p id="antwoord">{len(naam)}</p></html>'

    return app


class TestBrowser:
    async def test_fills_in_and_submits_a_form_with_the_keyboard(self, browser: Browser) -> None:
        with live_server(_app()) as url:
            context = await browser.new_context()
            try:
                page = await context.new_page()
                await page.goto(url)
                await page.get_by_label("Naam").fill("abcde")
                async with page.expect_navigation():
                    await page.keyboard.press("Enter")
                assert await page.title() == "Ontvangen"
                assert await page.locator("#antwoord").inner_text() == "5"
            finally:
                await context.close()
