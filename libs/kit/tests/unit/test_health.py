"""Loop liveness: a failure spell is logged once, a loop that fails too long gives up, and the worker's health
endpoint reports a loop that stopped turning."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from inburgering_kit import health as health_module
from inburgering_kit.health import LoopHealth, UnrecoverableError, registered, serve_health, unhealthy_loops
from inburgering_kit.worker import supervise


@pytest.fixture(autouse=True)
def _forget_loops_that_gave_up() -> Iterator[None]:
    """Loops that gave up stay counted in their process; this process is a test run, not a worker."""
    before = set(health_module._loops)
    yield
    health_module._loops.intersection_update(before)


def test_a_failure_spell_is_logged_once_and_its_end_once(caplog: pytest.LogCaptureFixture) -> None:
    health = LoopHealth("proef", give_up_after=60)
    with caplog.at_level(logging.INFO, logger="inburgering_kit.health"):
        delays = [health.failed(ConnectionError("weg")) for _ in range(10)]
        health.succeeded()
    assert [r.getMessage().split(":")[1].strip().split(" ")[0] for r in caplog.records] == [
        "ConnectionError",
        "recovered",
    ]
    assert delays[0] == 0.1
    assert max(delays) == 5.0


def test_a_loop_failing_longer_than_allowed_gives_up_and_stays_unhealthy() -> None:
    health = LoopHealth("proef-opgegeven", give_up_after=0.05)
    with registered(health):
        health.failed(ConnectionError("weg"))
        time.sleep(0.1)
        with pytest.raises(UnrecoverableError):
            health.failed(ConnectionError("nog steeds weg"))
    assert "proef-opgegeven" in unhealthy_loops()


async def test_supervise_gives_up_so_the_process_exits_non_zero() -> None:
    calls = 0

    async def never_works() -> None:
        nonlocal calls
        calls += 1
        raise ConnectionError("database weg")

    with pytest.raises(UnrecoverableError):
        await asyncio.wait_for(supervise("proef-job", never_works, asyncio.Event(), interval=1, give_up_after=0.5), 5)
    assert calls > 2


async def _get(port: int) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    answer = await reader.read()
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


async def test_the_worker_health_endpoint_fails_when_a_loop_stops_turning() -> None:
    server = await serve_health("127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        health = LoopHealth("proef-hangt", max_silence=0.1)
        with registered(health):
            assert (await _get(port))[0] == 200
            await asyncio.sleep(0.2)
            status, body = await _get(port)
            assert status == 503
            assert b"proef-hangt" in body
        assert (await _get(port))[0] == 200
    finally:
        server.close()


def test_every_deployment_has_a_liveness_probe_and_workers_serve_one() -> None:
    root = Path(__file__).resolve().parents[4]
    for manifest in sorted((root / "deploy" / "k8s" / "base").glob("*.yaml")):
        for doc in yaml.safe_load_all(manifest.read_text()):
            if not doc or doc.get("kind") != "Deployment":
                continue
            for container in doc["spec"]["template"]["spec"]["containers"]:
                where = f"{manifest.name}: {doc['metadata']['name']}/{container['name']}"
                assert "livenessProbe" in container, where
                if container.get("command"):  # a worker process, not uvicorn
                    env = {e["name"]: e.get("value") for e in container.get("env", [])}
                    assert "HEALTH_PORT" in env, where
