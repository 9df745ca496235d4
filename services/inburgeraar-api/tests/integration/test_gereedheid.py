"""`/health/ready` tells an orchestrator the truth quickly: 503 with the failing check named while NATS cannot be
reached, never a probe that hangs on a first connect that retries for ever."""

from __future__ import annotations

import time

import httpx

from inburgeraar_api.main import create_app
from inburgeraar_api.settings import Settings
from inburgering_kit.embedded import free_port


async def test_ready_answers_503_within_seconds_when_nats_is_unreachable(settings: Settings) -> None:
    unreachable = settings.model_copy(update={"nats_url": f"nats://127.0.0.1:{free_port()}"})
    app = create_app(unreachable)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
    ):
        started = time.monotonic()
        answer = await client.get("/health/ready")
        waited = time.monotonic() - started
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"] == "ok"
    assert answer.json()["checks"]["nats"] != "ok"
    # Generous against a busy machine; without the bound the request does not return at all.
    assert waited < 15


async def test_ready_answers_200_when_database_and_nats_are_there(client: httpx.AsyncClient) -> None:
    answer = await client.get("/health/ready")
    assert answer.status_code == 200, answer.text
    assert answer.json()["checks"] == {"database": "ok", "nats": "ok"}
