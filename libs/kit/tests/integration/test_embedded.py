"""The embedded PostgreSQL and NATS really run, on the ports we pick, and behave across restarts."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import nats
import psutil
import pytest
from nats.js.api import StorageType

from inburgering_kit.embedded import EmbeddedNats, EmbeddedPostgres, _PgAccount, free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def workdir() -> Iterator[Path]:
    """A folder outside pytest's own temp root: pytest keeps that root at mode 0700, and as root the servers
    run as the unprivileged `pgserver` user, which must be able to reach its data directory."""
    path = Path(tempfile.mkdtemp(prefix="inburgering-embedded-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def occupied_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.fixture
def recycled_pid() -> Iterator[int]:
    """A live process that is not postgres, owned by the account postgres runs under (pgserver as root)."""
    # The account itself, not its name: on a fresh machine it exists only once the kit has created it.
    with subprocess.Popen(["sleep", "60"], user=_PgAccount().uid) as proc:
        yield proc.pid
        proc.kill()


def postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "postmaster.pid").read_text().splitlines()[0])


def dead_pid() -> int:
    with subprocess.Popen([sys.executable, "-c", "pass"]) as proc:
        proc.wait()
    return proc.pid


def is_running(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


async def fetch_setting(url: str, name: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        return str(await conn.fetchval(f"SELECT current_setting('{name}')"))
    finally:
        await conn.close()


async def test_postgres_serves_sql_over_tcp_and_keeps_data_across_restarts(workdir: Path, recycled_pid: int) -> None:
    port = free_port()
    pg = EmbeddedPostgres(workdir / "pg", port, fast=True)
    assert pg.url == f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        pg.start()
        # The server must outlive a Ctrl-C aimed at our process group.
        assert os.getsid(postmaster_pid(pg.data_dir)) != os.getsid(0)

        conn = await asyncpg.connect(pg.url)
        try:
            assert await conn.fetchval("SELECT 1") == 1
            assert await conn.fetchval("SELECT inet_server_port()") == port
            assert await conn.fetchval("SELECT current_user") == "postgres"
            assert await conn.fetchval("SHOW max_connections") == "200"
            assert await conn.fetchval("SHOW fsync") == "off"
            assert await conn.fetchval("SELECT lower('ËLLA')") == "ëlla"
            await conn.execute("CREATE TABLE persoon (naam text)")
            await conn.execute("INSERT INTO persoon VALUES ('Zoë')")
        finally:
            await conn.close()

        pid = postmaster_pid(pg.data_dir)
        pg.start()
        assert postmaster_pid(pg.data_dir) == pid

        pg.stop()
        pg.stop()
        assert not is_running(pid)

        # A crash leaves postmaster.pid behind, naming a pid that is gone or, worse, recycled.
        for stale_pid in (dead_pid(), recycled_pid):
            (pg.data_dir / "postmaster.pid").write_text(f"{stale_pid}\n{pg.data_dir}\n0\n{port}\n\n\n\n")
            pg.start()
            conn = await asyncpg.connect(pg.url)
            try:
                assert await conn.fetchval("SELECT naam FROM persoon") == "Zoë"
            finally:
                await conn.close()
            pg.stop()
    finally:
        pg.stop()


async def test_postgres_adopts_or_replaces_a_server_left_on_its_data_dir(workdir: Path) -> None:
    data_dir = workdir / "pg"
    first_port, second_port = free_port(), free_port()
    crashed_run = EmbeddedPostgres(data_dir, first_port)
    try:
        crashed_run.start()
        assert await fetch_setting(crashed_run.url, "fsync") == "on"
        pid = postmaster_pid(data_dir)

        same_port = EmbeddedPostgres(data_dir, first_port)
        same_port.start()
        assert postmaster_pid(data_dir) == pid

        other_port = EmbeddedPostgres(data_dir, second_port, fast=True)
        other_port.start()
        assert postmaster_pid(data_dir) != pid
        assert await fetch_setting(other_port.url, "port") == str(second_port)
        with pytest.raises(OSError):
            await asyncpg.connect(crashed_run.url, timeout=2)
    finally:
        EmbeddedPostgres(data_dir, second_port).stop()
    assert not (data_dir / "postmaster.pid").exists()


async def test_postgres_puts_its_socket_in_a_short_dir_when_the_data_dir_is_long(workdir: Path) -> None:
    data_dir = workdir / ("lang" * 25) / "pg"
    pg = EmbeddedPostgres(data_dir, free_port(), fast=True)
    assert pg.socket_dir != pg.data_dir
    with pg:
        socket_path = pg.socket_dir / f".s.PGSQL.{pg.port}"
        assert socket_path.is_socket()
        conn = await asyncpg.connect(host=str(pg.socket_dir), port=pg.port, user="postgres")
        try:
            assert await conn.fetchval("SELECT 1") == 1
        finally:
            await conn.close()
    assert not socket_path.exists()
    assert not pg.socket_dir.exists()


def test_postgres_refuses_a_port_that_is_taken(workdir: Path, occupied_port: int) -> None:
    pg = EmbeddedPostgres(workdir / "pg", occupied_port)
    with pytest.raises(RuntimeError, match=f"port {occupied_port} .* already in use"):
        pg.start()
    assert not (workdir / "pg" / "PG_VERSION").exists()
    pg.stop()


async def test_nats_serves_jetstream_and_keeps_stream_messages_across_restarts(workdir: Path) -> None:
    port = free_port()
    server = EmbeddedNats(workdir / "nats", port)
    assert server.url == f"nats://127.0.0.1:{port}"
    try:
        server.start()
        assert server._proc is not None
        pid = server._proc.pid
        assert os.getsid(pid) != os.getsid(0)

        client = await nats.connect(server.url)
        try:
            js = client.jetstream()
            await js.add_stream(name="INBURGERING", subjects=["inburgering.>"], storage=StorageType.FILE)
            ack = await js.publish("inburgering.ingeschreven", b"Zoe")
            assert ack.seq == 1
            subscription = await js.pull_subscribe("inburgering.>", durable="lezer")
            [message] = await subscription.fetch(1, timeout=5)
            assert message.data == b"Zoe"
            await message.ack()
        finally:
            await client.close()

        server.start()
        assert server._proc is not None and server._proc.pid == pid

        server.stop()
        server.stop()
        assert not is_running(pid)

        server.start()
        client = await nats.connect(server.url)
        try:
            js = client.jetstream()
            info = await js.stream_info("INBURGERING")
            assert info.config.storage == StorageType.FILE
            assert info.state.messages == 1
            stored = await js.get_msg("INBURGERING", seq=1)
            assert stored.data == b"Zoe"
        finally:
            await client.close()
    finally:
        server.stop()


def test_nats_stops_a_server_left_on_its_store(workdir: Path) -> None:
    crashed_run = EmbeddedNats(workdir / "nats", free_port())
    crashed_run.start()
    assert crashed_run._proc is not None
    leftover = crashed_run._proc.pid
    try:
        with EmbeddedNats(workdir / "nats", free_port()):
            assert not is_running(leftover)
    finally:
        crashed_run.stop()


def test_nats_refuses_a_port_that_is_taken(workdir: Path, occupied_port: int) -> None:
    server = EmbeddedNats(workdir / "nats", occupied_port)
    with pytest.raises(RuntimeError, match=f"port {occupied_port} .* already in use"):
        server.start()
    server.stop()
