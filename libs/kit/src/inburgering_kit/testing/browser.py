"""A real headless Chromium for tests of server-rendered pages, driven through the `playwright` package.

The browser is the operating system's Chromium (`make test` installs Debian's package): Playwright's own
browser download is not used. The flags keep a browser started as root, on a machine without a display or
an open network, from reaching out: no sandbox (root), no GPU, no background networking, component
updates, sync or QUIC. Playwright gives every launch a fresh, empty profile directory.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import Browser

CHROMIUM_PATHS = (Path("/usr/bin/chromium"), Path("/usr/bin/chromium-browser"))
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_executable() -> Path:
    for path in CHROMIUM_PATHS:
        if path.exists():
            return path
    found = shutil.which("chromium")
    if found:
        return Path(found)
    raise RuntimeError("Chromium is not installed: `make test` installs Debian's package `chromium`")


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """A headless Chromium, closed on exit."""
    # Imported here: only browser tests need the package, and it starts a driver process on use.
    from playwright.async_api import async_playwright  # noqa: PLC0415

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium_executable()), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            await browser.close()
