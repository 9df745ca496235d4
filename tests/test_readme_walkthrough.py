"""The README's walk-through, run as a newcomer would: the stack `make run` starts, then the shell blocks of
"Een eerste aanroep" and "Een aanbieder die zelf meldt" top to bottom, in one bash with `-e`.

The stack runs beside any `make run` of the developer: its own data directory and free ports (the README's ports
are shifted to them). Every `curl` fails on an HTTP error status here (the README's stay quiet about it), so a
step that answers 4xx or 5xx fails the test; `make` is told not to rebuild the virtualenv.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from inburgering_kit.embedded import free_port
from inburgering_kit.registry import load_services

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FIRST_SECTION = "## Een eerste aanroep"
END_SECTION = "## Het aanbiedersportaal"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="de README gebruikt curl")


def walkthrough_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(FIRST_SECTION) : text.index(END_SECTION)]
    return re.findall(r"^```sh\n(.*?)^```$", section, flags=re.DOTALL | re.MULTILINE)


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


def _ready(port: int, ca: Path | None = None) -> bool:
    """Ready over plain HTTP, or, given the stack's development CA folder (a stand-in, the exchange), over mutual TLS
    with the gemeente's certificate."""
    try:
        if ca is None:
            context = None
            url = f"http://127.0.0.1:{port}/health/ready"
        else:
            context = ssl.create_default_context(cafile=ca / "ca.pem")
            context.load_cert_chain(ca / "gemeente.pem", ca / "gemeente-key.pem")
            url = f"https://127.0.0.1:{port}/health/ready"
        with urllib.request.urlopen(url, timeout=2, context=context) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[dict[str, str], int]]:
    services = load_services(ROOT)
    ports = [s.port for s in services]
    offset = _port_offset(ports)
    # Not under pytest's base temp: another pytest session on the machine resets that folder to 0700, and the
    # embedded PostgreSQL (run as its own account when we are root) then loses its way into the data directory.
    var = Path(tempfile.mkdtemp(prefix="inburgering-readme-"))
    env = {
        **os.environ,
        "STACK_VAR": str(var),
        "STACK_PORT_OFFSET": str(offset),
        "STACK_POSTGRES_PORT": str(free_port()),
        "STACK_NATS_PORT": str(free_port()),
        "AANBIEDER_API_UPLOAD_DIR": str(var / "aanleveringen"),
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("STACK_POSTGRES_URL", "STACK_NATS_URL"):
        env.pop(name, None)
    log = (var / "stack.log").open("wb")
    # What `make run` runs, without make's check of the virtualenv.
    proc = subprocess.Popen(
        [sys.executable, "deploy/local/stack.py", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300  # nine services and their processes on two cores
        while not all(_ready(s.port + offset, var / "ca" if s.mtls_certificaat else None) for s in services):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("stack niet gestart:\n" + (var / "stack.log").read_text(errors="replace")[-4000:])
            time.sleep(0.5)
        yield env, offset
    finally:
        proc.send_signal(signal.SIGINT)  # the stack's own Ctrl-C: stops every service in order
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        shutil.rmtree(var, ignore_errors=True)


def test_the_readme_walkthrough_runs_top_to_bottom(stack: tuple[dict[str, str], int], tmp_path: Path) -> None:
    env, offset = stack
    blocks = walkthrough_blocks()
    assert len(blocks) >= 4, "de walk-through van de README is niet gevonden"
    script = [
        "set -e",
        'curl() { command curl --fail-with-body --max-time 30 "$@"; }',
        'make() { command make -o .venv/.installed "$@"; }',
    ]
    # Twice in one shell: a newcomer who repeats a block must get the same result, not a 409 or an empty id.
    for run in (1, 2):
        for number, block in enumerate(blocks, start=1):
            # `make run` is already running, as the README asks (in its own window).
            lines = [line for line in block.splitlines() if not re.match(r"^make run\b", line)]
            code = re.sub(
                r"127\.0\.0\.1:(81\d\d)\b", lambda m: f"127.0.0.1:{int(m.group(1)) + offset}", "\n".join(lines)
            )
            script += [code, f"echo; echo '@@ ronde {run} blok {number} klaar'"]
    path = tmp_path / "walkthrough.sh"
    path.write_text("\n".join(script) + "\n", encoding="utf-8")

    started = time.monotonic()
    result = subprocess.run(
        ["bash", str(path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    output = f"na {time.monotonic() - started:.0f} s:\n" + (result.stdout + result.stderr)[-4000:]
    assert result.returncode == 0, output
    for run in (1, 2):
        for number in range(1, len(blocks) + 1):
            assert f"@@ ronde {run} blok {number} klaar" in result.stdout, output
    for what in ("inburgeraar", "aanbieder", "pip", "opdracht"):
        ids = set(re.findall(rf"(?<![\w\"]){what} ({UUID})$", result.stdout, flags=re.MULTILINE))
        # The second round found what the first made.
        assert len(ids) == 1, f"{what}: {ids}\n{output}"
