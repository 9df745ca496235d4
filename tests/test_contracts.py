"""The committed contracts are what the code generates, and they pass the NL API Design Rules linter."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from inburgering_kit.contracts import service_contracts
from inburgering_kit.registry import ServiceEntry, load_services

ROOT = Path(__file__).resolve().parents[1]
# The werkplek (kind "interactie") publishes no contract: its pages are for people, not for systems.
SERVICES = [s for s in load_services(ROOT) if s.owns_data]
RULESET = ROOT.parent / "shared" / "standards" / "adr-ruleset.yaml"
SPECTRAL = ROOT / ".tools" / "node_modules" / ".bin" / "spectral"


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
class TestContracts:
    def test_committed_contracts_match_the_code(self, service: ServiceEntry) -> None:
        stale = [
            relative
            for relative, content in service_contracts(service).items()
            if not (ROOT / "contracts" / relative).exists() or (ROOT / "contracts" / relative).read_text() != content
        ]
        assert not stale, f"contracts differ from the code; run `make contracts` and commit: {stale}"

    def test_every_operation_has_a_unique_operation_id(self, service: ServiceEntry) -> None:
        document = json.loads((ROOT / "contracts" / service.name / "openapi.json").read_text())
        ids = [op["operationId"] for item in document["paths"].values() for op in item.values() if "operationId" in op]
        assert len(ids) == len(set(ids))
        assert all(op_id.islower() for op_id in ids)

    def test_openapi_passes_the_nl_api_design_rules_ruleset(self, service: ServiceEntry) -> None:
        spectral = str(SPECTRAL) if SPECTRAL.exists() else shutil.which("spectral")
        assert spectral, "Spectral is not installed: `make test` installs it into .tools/ (npm)"
        assert RULESET.exists(), f"the official ruleset is expected at {RULESET}"
        result = subprocess.run(
            [
                spectral,
                "lint",
                "--fail-severity",
                "warn",
                "-r",
                str(RULESET),
                str(ROOT / "contracts" / service.name / "openapi.json"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "NO_COLOR": "1"},
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
