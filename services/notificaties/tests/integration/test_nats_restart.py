"""The event consumer on a NATS server of its own, which is stopped and started again under it: it reconnects
by itself, and events published after the restart are delivered without restarting anything."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import nats
import pytest

from inburgering_kit.db import Database
from inburgering_kit.embedded import EmbeddedNats, free_port
from inburgering_kit.testing.waiting import eventually
from notificaties.settings import Settings

from .conftest import Abonnee, Bezorging, Ontvanger, Publisher


@pytest.fixture
async def own_nats() -> AsyncIterator[EmbeddedNats]:
    workdir = Path(tempfile.mkdtemp(prefix="inburgering-test-"))
    server = EmbeddedNats(workdir / "nats", free_port())
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)
        shutil.rmtree(workdir, ignore_errors=True)


async def publish_on(server: EmbeddedNats, stream: str, count: int) -> list[str]:
    """A connection per round: the test's own publisher is not what is under test."""
    nc = await nats.connect(server.url)
    try:
        js = nc.jetstream()
        with contextlib.suppress(nats.js.errors.BadRequestError):
            await js.add_stream(name=stream, subjects=["nl.inburgering.>"], duplicate_window=120.0)
        publish = Publisher(js)
        return [(await publish())["id"] for _ in range(count)]
    finally:
        await nc.close()


async def test_delivery_carries_on_after_a_nats_restart(
    own_nats: EmbeddedNats, settings: Settings, database: Database, abonnee: Abonnee, ontvanger: Ontvanger
) -> None:
    await abonnee.abonneer(ontvanger.hook("herstart"))
    own = settings.model_copy(update={"nats_url": own_nats.url, "consumer_durable": f"herstart-{uuid.uuid4().hex[:8]}"})
    before = await publish_on(own_nats, own.stream_name, 3)
    bezorging = Bezorging(database, own)
    await bezorging.start()
    try:
        await eventually(lambda: len(ontvanger.van("herstart")) == 3, within=20, what="before the restart")
        await asyncio.to_thread(own_nats.stop)
        await asyncio.sleep(2.0)
        await asyncio.to_thread(own_nats.start)
        after = await publish_on(own_nats, own.stream_name, 3)

        def received() -> set[str]:
            return {json.loads(r.body)["id"] for r in ontvanger.van("herstart")}

        await eventually(lambda: set(before + after) <= received(), within=60, what="after the restart")
    finally:
        await bezorging.stop()
