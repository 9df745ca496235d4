"""The property-based contract test of a service: generated requests against the running service must never
produce a server error, an undocumented status or a response that violates the committed OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from inburgering_kit.settings import ServiceSettings
from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TokenFactory

# Schema-valid data may still break a business rule (a 422 that names the rule), or come from a caller that may
# not touch the resource (403): correct answers, not rejected valid requests.
EXPECTED_STATUSES = ("2xx", "401", "403", "404", "409", "422")


def call_and_validate(case: schemathesis.Case[Any], base_url: str, auth: dict[str, str]) -> None:
    """`case.call_and_validate` with the token, except for a case whose headers were made invalid on purpose:
    schemathesis may have removed `Authorization` there, and adding it back would turn the invalid request into
    a valid one, whose acceptance it then reports as a failure."""
    negative_headers = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    case.call_and_validate(base_url=base_url, headers=None if negative_headers else auth)


def contract_path(service: str) -> Path:
    """`contracts/<service>/openapi.json` of the repository the kit is checked out in."""
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "contracts" / service / "openapi.json"
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"contracts/{service}/openapi.json")


class ContractTest(NamedTuple):
    test: Any
    base_url: Any
    auth: Any


def contract_test(
    service: str,
    create_app: Callable[[Any], FastAPI],
    auth: Callable[[TokenFactory], dict[str, str]],
    *,
    app_settings: Callable[[Any], Any] | None = None,
    max_examples: int = 20,
) -> ContractTest:
    """The test (`test_api_conforms_to_contract = contract_test(...).test` in a test module, with the two
    module-scoped fixtures it uses, `contract_base_url` and `contract_auth`, beside it). The service runs as a
    second app instance under uvicorn, in its own thread and event loop, with its own engine; `app_settings`
    adapts the session's settings for it."""
    config = SchemathesisConfig.from_dict(
        {"checks": {"positive_data_acceptance": {"expected-statuses": list(EXPECTED_STATUSES)}}}
    )
    schema = schemathesis.openapi.from_path(contract_path(service), config=config)

    @pytest.fixture(scope="module", name="contract_base_url")
    def base_url_fixture(settings: ServiceSettings) -> Iterator[str]:
        with live_server(create_app(app_settings(settings) if app_settings else settings)) as url:
            yield f"{url}/api/v1"

    @pytest.fixture(scope="module", name="contract_auth")
    def auth_fixture(tokens: TokenFactory) -> dict[str, str]:
        return auth(tokens)

    @schema.parametrize()
    @hypothesis_settings(
        max_examples=max_examples, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
    )
    def test_api_conforms_to_contract(
        case: schemathesis.Case[Any], contract_base_url: str, contract_auth: dict[str, str]
    ) -> None:
        call_and_validate(case, contract_base_url, contract_auth)

    return ContractTest(test_api_conforms_to_contract, base_url_fixture, auth_fixture)
