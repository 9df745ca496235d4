"""Property-based contract test: generated requests against the running service must never produce a server
error, an undocumented status or a response that violates the committed OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig

from aanbieder_api.main import create_app
from aanbieder_api.scopes import ROLLEN
from aanbieder_api.settings import Settings
from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TokenFactory

CONTRACT = Path(__file__).resolve().parents[4] / "contracts" / "aanbieder-api" / "openapi.json"
# Schema-valid data may still break a business rule (a 422 naming the rule), or come from a client the gemeente has
# not registered for an aanbieder (403): correct answers, not rejected valid requests.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}}}
)
schema = schemathesis.openapi.from_path(CONTRACT, config=CONFIG)


@pytest.fixture(scope="module")
def base_url(settings: Settings) -> Iterator[str]:
    # A second app instance: uvicorn runs it in its own thread and event loop, with its own engine.
    with live_server(create_app(settings.model_copy(update={"run_projectie": False}))) as url:
        yield f"{url}/api/v1"


@pytest.fixture(scope="module")
def auth(tokens: TokenFactory) -> dict[str, str]:
    scopes = {s for rol in ROLLEN.values() for s in rol}
    return tokens.headers(*scopes, aanbieder_id="3f2b8a4e-6c1d-4e0f-9a7b-1c2d3e4f5a60")


@schema.parametrize()
@hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_contract(case: schemathesis.Case, base_url: str, auth: dict[str, str]) -> None:
    case.call_and_validate(base_url=base_url, headers=auth)
