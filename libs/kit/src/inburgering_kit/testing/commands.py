"""A service's command line (`python -m <package> <command>`, see `inburgering_kit.entrypoint`) run as an operator
would, in a process of its own with only the given settings in its environment."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Mapping


async def run_command(package: str, env_prefix: str, settings: Mapping[str, str], *command: str) -> str:
    """What the command printed; the test fails when it exits non-zero. The caller's own `<env_prefix>...`
    variables are left out, so the command sees exactly `settings` (names without the prefix)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(env_prefix)}
    env |= {f"{env_prefix}{name}": value for name, value in settings.items()}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", package, *command],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode().strip()
