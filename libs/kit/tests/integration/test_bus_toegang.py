"""NATS itself refuses what a service may not do on the bus: publish another service's events, read through a
consumer that is not its own, or connect without credentials."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.js.api import ConsumerConfig

from inburgering_kit.outbox import ensure_stream
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.service import TEST_STREAM

# The session's one stream over `nl.inburgering.>`: a second one over the same subjects is refused, so a stream of
# its own, created when this module runs first, would take the events the later tests' relays publish.
STREAM = TEST_STREAM


async def _connect(url: str, errors: list[Exception]) -> NatsClient:
    async def collect(exc: Exception) -> None:
        errors.append(exc)

    return await nats.connect(url, error_cb=collect, allow_reconnect=False)


@pytest.fixture
async def stream(infra: Infra) -> str:
    if infra.nats is None:
        pytest.skip("an external NATS (TEST_NATS_URL) has its own users")
    admin = await nats.connect(infra.nats_url)
    try:
        js = admin.jetstream()
        await ensure_stream(js, STREAM)
    except nats.js.errors.BadRequestError:
        pass
    finally:
        await admin.close()
    return STREAM


class TestPublishRights:
    async def test_a_service_cannot_publish_on_another_services_subject(self, infra: Infra, stream: str) -> None:
        errors: list[Exception] = []
        nc = await _connect(infra.nats_url_for("aanbieder-api"), errors)
        try:
            js = nc.jetstream(timeout=1)
            with pytest.raises(nats.errors.Error):
                await js.publish(
                    "nl.inburgering.pip.pip-vastgesteld", b"{}", headers={"Nats-Msg-Id": str(uuid.uuid4())}
                )
            await nc.flush()
            await asyncio.sleep(0.1)
            assert any("permissions violation for publish" in str(e) for e in errors), errors
        finally:
            await nc.close()

    async def test_a_service_can_publish_its_own_events(self, infra: Infra, stream: str) -> None:
        errors: list[Exception] = []
        nc = await _connect(infra.nats_url_for("pip-api"), errors)
        try:
            # What the relay does first, then its publish with JetStream's acknowledgement.
            await ensure_stream(nc.jetstream(timeout=2), stream)
            ack = await nc.jetstream(timeout=2).publish(
                "nl.inburgering.pip.pip-vastgesteld", b"{}", headers={"Nats-Msg-Id": str(uuid.uuid4())}
            )
            assert ack.seq > 0
            assert errors == []
        finally:
            await nc.close()

    async def test_notificaties_publishes_nothing(self, infra: Infra, stream: str) -> None:
        errors: list[Exception] = []
        nc = await _connect(infra.nats_url_for("notificaties"), errors)
        try:
            await nc.publish("nl.inburgering.inburgeraar.inburgeraar-geregistreerd", b"{}")
            await nc.flush()
            await asyncio.sleep(0.1)
            assert any("permissions violation for publish" in str(e) for e in errors), errors
        finally:
            await nc.close()


class TestReadRights:
    async def test_a_service_reads_through_its_own_consumer(self, infra: Infra, stream: str) -> None:
        errors: list[Exception] = []
        nc = await _connect(infra.nats_url_for("aanbieder-api"), errors)
        try:
            await ensure_stream(nc.jetstream(timeout=2), stream)
            sub = await nc.jetstream(timeout=2).pull_subscribe(
                "nl.inburgering.pip.>",
                durable="aanbieder-api",
                stream=stream,
                config=ConsumerConfig(durable_name="aanbieder-api", filter_subject="nl.inburgering.pip.>"),
            )
            # Reading and acknowledging are allowed (another test may have left a pip event, or nothing).
            with contextlib.suppress(nats.errors.TimeoutError):
                for msg in await sub.fetch(1, timeout=0.3):
                    await msg.ack()
            await nc.flush()
            assert errors == []
        finally:
            await nc.close()
            admin = await nats.connect(infra.nats_url)
            await admin.jetstream().delete_consumer(stream, "aanbieder-api")
            await admin.close()

    async def test_a_service_cannot_read_through_a_consumer_on_another_filter(self, infra: Infra, stream: str) -> None:
        errors: list[Exception] = []
        nc = await _connect(infra.nats_url_for("aanbieder-api"), errors)
        try:
            js = nc.jetstream(timeout=1)
            # Its own durable name, but a filter beyond what it consumes (pip events only).
            with pytest.raises(nats.errors.Error):
                await js.pull_subscribe(
                    "nl.inburgering.inburgeraar.>",
                    durable="aanbieder-api",
                    stream=stream,
                    config=ConsumerConfig(durable_name="aanbieder-api", filter_subject="nl.inburgering.inburgeraar.>"),
                )
        finally:
            await nc.close()

    async def test_a_service_cannot_subscribe_to_event_subjects_directly(self, infra: Infra, stream: str) -> None:
        errors: list[Exception] = []
        nc = await _connect(infra.nats_url_for("aanbieder-api"), errors)
        try:
            await nc.subscribe("nl.inburgering.>")
            await nc.flush()
            await asyncio.sleep(0.1)
            assert any("permissions violation for subscription" in str(e) for e in errors), errors
        finally:
            await nc.close()


class TestAuthentication:
    async def test_without_credentials_nats_refuses_the_connection(self, infra: Infra, stream: str) -> None:
        assert infra.nats is not None
        with pytest.raises(nats.errors.Error, match="Authorization Violation"):
            await nats.connect(infra.nats.server_url, allow_reconnect=False, max_reconnect_attempts=0)
