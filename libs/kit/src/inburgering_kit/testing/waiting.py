"""Waiting for what another task, process or server does in its own time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


async def eventually(
    check: Callable[[], Awaitable[bool] | bool], within: float = 30.0, what: str = "", interval: float = 0.02
) -> None:
    """Return once `check` (sync or async) holds; fail after `within` seconds, naming `what` was awaited."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        result = check()
        if result if isinstance(result, bool) else await result:
            return
        await asyncio.sleep(interval)
    raise AssertionError(f"not within {within}s: {what}")
