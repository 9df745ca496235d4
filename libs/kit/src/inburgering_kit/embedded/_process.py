"""What both embedded servers share: ports, logs, child processes, and the `with server:` protocol."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import psutil

START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 30.0
_LOG_TAIL_LINES = 40


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port the OS considers unused right now."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def ensure_port_free(host: str, port: int, what: str) -> None:
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        # Same option the servers use: without it a TIME_WAIT left by our own previous run would look like
        # a foreign listener and make restarting on the same port fail.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise RuntimeError(
                f"cannot start {what}: port {port} on {host} is already in use by another process"
            ) from exc


def accepts_tcp(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def log_tail(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return f"(no log at {path})"
    tail = "\n".join(lines[-_LOG_TAIL_LINES:])
    return f"last lines of {path}:\n{tail}"


def process_if_alive(pid: int, name_prefix: str) -> psutil.Process | None:
    """The process with this pid, unless it is gone, a zombie, or evidently some unrelated program.

    Pids are recycled, so a pid file from a crashed run may name an unrelated process by now.
    """
    if pid <= 0 or pid == os.getpid():
        return None
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE or not proc.name().startswith(name_prefix):
            return None
    except psutil.Error:
        return None
    return proc


def stop_process(proc: psutil.Process | subprocess.Popen[bytes], timeout: float) -> None:
    try:
        proc.terminate()
        proc.wait(timeout)
    except (psutil.TimeoutExpired, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait(timeout)
    except (psutil.NoSuchProcess, ProcessLookupError):
        return


def run_coroutine_blocking(make: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run a coroutine to completion from sync code, even if the caller is itself inside an event loop."""
    failure: list[BaseException] = []

    def runner() -> None:
        try:
            asyncio.run(make())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=runner, name="embedded-probe", daemon=True)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


class Server:
    """`with server:` starts it and stops it again, whatever happens inside."""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
