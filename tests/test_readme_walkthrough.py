"""The README's walk-through, run as a newcomer would: the stack `make run` starts, then the shell blocks of
"Een eerste aanroep" and "Een aanbieder die zelf meldt" top to bottom, in one bash with `-e`.

The stack runs beside any `make run` of the developer: its own data directory and free ports (the README's ports
are shifted to them). Every `curl` fails on an HTTP error status here (the README's stay quiet about it), so a
step that answers 4xx or 5xx fails the test; `make` is told not to rebuild the virtualenv.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from inburgering_kit.testing.stack import lokale_stack

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


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[dict[str, str], int]]:
    with lokale_stack(ROOT, extra_env=lambda var: {"AANBIEDER_API_UPLOAD_DIR": str(var / "aanleveringen")}) as s:
        yield s.env, s.offset


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
