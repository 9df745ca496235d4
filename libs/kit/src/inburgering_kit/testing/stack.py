"""The local stack `make run` starts (deploy/local/stack.py), for tests that use it as a newcomer would: beside any
`make run` of the developer, with its own data directory and free ports (the README's ports shifted by `offset`),
optionally only some of its services (STACK_SERVICES). Ready means every started service answers `/health/ready`;
those served over mutual TLS are asked with the gemeente's certificate of the stack's development CA."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from inburgering_kit.embedded import free_port
from inburgering_kit.registry import ServiceEntry, load_services


@dataclass(frozen=True)
class LokaleStack:
    env: dict[str, str]
    var: Path
    offset: int
    services: tuple[ServiceEntry, ...]

    def port(self, service: str) -> int:
        return next(s.port for s in self.services if s.name == service) + self.offset

    def gemeente(self) -> ssl.SSLContext:
        """What a developer's curl presents to a service under mTLS: the gemeente's certificate, trusting only the
        development CA."""
        context = ssl.create_default_context(cafile=self.var / "ca" / "ca.pem")
        context.load_cert_chain(self.var / "ca" / "gemeente.pem", self.var / "ca" / "gemeente-key.pem")
        return context

    def ready(self, service: ServiceEntry) -> bool:
        try:
            context = self.gemeente() if service.mtls_certificaat else None
            scheme = "https" if service.mtls_certificaat else "http"
            url = f"{scheme}://127.0.0.1:{service.port + self.offset}/health/ready"
            with urllib.request.urlopen(url, timeout=2, context=context) as response:  # noqa: S310 - our own URL
                return bool(response.status == 200)
        except OSError:
            return False


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _port_offset(ports: list[int]) -> int:
    for offset in range(1000, 20000, 97):
        if all(_port_free(p + offset) for p in ports):
            return offset
    raise RuntimeError("geen vrije poorten voor de stack")


def _logs(var: Path) -> str:
    paths = [var / "stack.log", *sorted((var / "log").glob("*.log"))]
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-1500:]}" for p in paths if p.exists())


@contextmanager
def lokale_stack(
    root: Path,
    *,
    alleen: Sequence[str] = (),
    extra_env: Callable[[Path], Mapping[str, str]] | None = None,
    timeout: float = 300,
) -> Iterator[LokaleStack]:
    """`deploy/local/stack.py run` in the background until every started service is ready; stopped with its own
    Ctrl-C afterwards. `alleen` names the services to start (all when empty); `extra_env` adds settings, given the
    stack's data directory."""
    services = load_services(root)
    offset = _port_offset([s.port for s in services])
    # Not under pytest's base temp: another pytest session on the machine resets that folder to 0700, and the
    # embedded PostgreSQL (run as its own account when we are root) then loses its way into the data directory.
    var = Path(tempfile.mkdtemp(prefix="inburgering-stack-"))
    env = {
        **os.environ,
        "STACK_VAR": str(var),
        "STACK_PORT_OFFSET": str(offset),
        "STACK_POSTGRES_PORT": str(free_port()),
        "STACK_NATS_PORT": str(free_port()),
        "STACK_SERVICES": ",".join(alleen),
        # A throwaway data dir: no fsync, as for the suite's own PostgreSQL.
        "STACK_POSTGRES_FAST": "1",
        "PYTHONUNBUFFERED": "1",
        **(extra_env(var) if extra_env is not None else {}),
    }
    for name in ("STACK_POSTGRES_URL", "STACK_NATS_URL"):
        env.pop(name, None)
    started = tuple(s for s in services if not alleen or s.name in alleen)
    stack = LokaleStack(env, var, offset, tuple(services))
    log = (var / "stack.log").open("wb")
    # What `make run` runs, without make's check of the virtualenv.
    proc = subprocess.Popen(
        [sys.executable, "deploy/local/stack.py", "run"],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while not all(stack.ready(s) for s in started):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("stack niet gestart:\n" + _logs(var))
            time.sleep(0.2)
        yield stack
    finally:
        proc.send_signal(signal.SIGINT)  # the stack's own Ctrl-C: stops every service in order
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        shutil.rmtree(var, ignore_errors=True)
