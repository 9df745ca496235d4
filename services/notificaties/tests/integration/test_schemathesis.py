"""Property-based contract test: generated requests against the running service must never produce a
server error, an undocumented status or a response that violates the committed OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig

from inburgering_kit.testing.contract import call_and_validate
from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TokenFactory
from notificaties.main import create_app
from notificaties.scopes import ROLLEN
from notificaties.settings import Settings

CONTRACT = Path(__file__).resolve().parents[4] / "contracts" / "notificaties" / "openapi.json"
# Schema-valid data may still break a business rule (a refused callbackUrl is a 422 that says why): that is
# a correct answer, not a rejected valid request.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}}}
)
schema = schemathesis.openapi.from_path(CONTRACT, config=CONFIG)


@pytest.fixture(scope="module")
def base_url(settings: Settings) -> Iterator[str]:
    # A second app instance: uvicorn runs it in its own thread and event loop, with its own engine.
    with live_server(create_app(settings)) as url:
        yield f"{url}/api/v1"


@pytest.fixture(scope="module")
def auth(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(*ROLLEN["abonnee"], "verwerkingen:lezen")


@schema.parametrize()
@hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_contract(case: schemathesis.Case, base_url: str, auth: dict[str, str]) -> None:
    call_and_validate(case, base_url, auth)
