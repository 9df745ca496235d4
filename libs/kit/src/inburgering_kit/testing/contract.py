"""The property-based contract test of a service: generated requests against the running service must never
produce a server error, an undocumented status or a response that violates the committed OpenAPI document.

Every schemathesis check is on (server errors, status codes, content types, response headers and bodies against
the schema, acceptance of valid and rejection of invalid data, missing required headers, unsupported methods, the
`Allow` header, ignored authentication, and the stateful ones: a resource just created must be readable, one
deleted must be gone). Each role a service serves gets its own run, with a token holding that role's scopes only,
so a scope check that fails open or a 500 behind one role's path is found. A stateful phase follows the OpenAPI
`links` the service declares (`inburgering_kit.app.Link`): create, then read, change and act on what was created.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
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

# `max_response_time` is the one check left off: it needs a limit, and on a shared CI runner a time limit measures
# the runner, not the contract. `object_level_authorization` is on but inert: it compares peer identities (another
# gemeente's token), which are not configured yet.
CHECKS: dict[str, Any] = {
    "enabled": True,
    "positive_data_acceptance": {"expected-statuses": list(EXPECTED_STATUSES)},
}

Role = Callable[[TokenFactory], dict[str, str]]


def role(scopes: Iterable[str], **claims: str | None) -> Role:
    """A token holding exactly `scopes`, with the given extra claims (`aanbieder_id`, `gemeente`, ...)."""
    granted = tuple(sorted(scopes))

    def headers(tokens: TokenFactory) -> dict[str, str]:
        return tokens.headers(*granted, **claims)

    return headers


def roles_of(rollen: Mapping[str, Iterable[str]]) -> dict[str, Role]:
    """A token per role of a service's `scopes.ROLLEN`."""
    return {name: role(scopes) for name, scopes in rollen.items()}


def request_headers(case: schemathesis.Case[Any], auth: dict[str, str]) -> dict[str, str] | None:
    """The token, except for a case whose headers were made invalid on purpose: schemathesis may have removed
    `Authorization` there, and adding it back would turn the invalid request into a valid one, whose acceptance it
    then reports as a failure."""
    negative_headers = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    return None if negative_headers else auth


def call_and_validate(case: schemathesis.Case[Any], base_url: str, auth: dict[str, str]) -> None:
    case.call_and_validate(base_url=base_url, headers=request_headers(case, auth))


def check_case(service: str, method: str, path: str, base_url: str, auth: dict[str, str], **fields: Any) -> None:
    """One request written by hand (`fields` as for `schemathesis.Case`: `path_parameters`, `body`, ...) through
    the same checks as the generated ones: a fuzzing finding pinned down as a case of its own."""
    schema = schemathesis.openapi.from_path(
        contract_path(service), config=SchemathesisConfig.from_dict({"checks": CHECKS})
    )
    call_and_validate(schema[path][method].Case(**fields), base_url, auth)


def contract_path(service: str) -> Path:
    """`contracts/<service>/openapi.json` of the repository the kit is checked out in."""
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "contracts" / service / "openapi.json"
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"contracts/{service}/openapi.json")


class ContractTest(NamedTuple):
    test: Any
    test_per_role: Any
    stateful_test: Any
    base_url: Any
    auth: Any


def contract_test(
    service: str,
    create_app: Callable[[Any], FastAPI],
    roles: Mapping[str, Role],
    *,
    app_settings: Callable[[Any], Any] | None = None,
    max_examples: int = 8,
    max_examples_per_role: int = 4,
    stateful_examples: int = 6,
    stateful_steps: int = 6,
    creations: Mapping[str, Callable[[], Any]] | None = None,
) -> ContractTest:
    """The stateless tests per operation and role, and the stateful test per role (in a test module: `(
    test_api_conforms_to_contract, test_api_conforms_to_contract_per_role, test_api_conforms_statefully,
    contract_base_url, contract_auth) = contract_test(...)`, the two module-scoped fixtures beside the tests).
    `roles` maps each role the service serves, its main role first, to the headers of a token for it. The service
    runs as a second app instance under uvicorn, in its own thread and event loop, with its own engine;
    `app_settings` adapts the session's settings for it.

    `creations` maps the operationId of a creating operation to a fresh valid body for it: random data seldom
    passes a service's business rules (an https callback, an unknown BSN), and without a created resource the
    stateful phase has no link to follow. The stateless phase still fuzzes those operations' bodies."""
    path = contract_path(service)
    # Every undeclared method on a path is refused by the same router code, so three of the eight that the coverage
    # phase would try (one that removes, one that changes, one that only echoes) keep the 405 check at a third of
    # its cost.
    coverage = {"unexpected-methods": ["delete", "patch", "trace"]}
    schema = schemathesis.openapi.from_path(
        path, config=SchemathesisConfig.from_dict({"checks": CHECKS, "phases": {"coverage": coverage}})
    )
    # The coverage phase's boundary cases are the same for every role and cost three quarters of a run: the main
    # role (the first) gets them, the others the examples and fuzzing phases only.
    schema_without_coverage = schemathesis.openapi.from_path(
        path, config=SchemathesisConfig.from_dict({"checks": CHECKS, "phases": {"coverage": {"enabled": False}}})
    )
    names = list(roles)
    main_role, other_roles = names[0], names[1:]
    common: dict[str, Any] = {"deadline": None, "suppress_health_check": list(HealthCheck), "derandomize": True}
    stateless = hypothesis_settings(max_examples=max_examples, **common)
    stateless_per_role = hypothesis_settings(max_examples=max_examples_per_role, **common)

    @pytest.fixture(scope="module", name="contract_base_url")
    def base_url_fixture(settings: ServiceSettings) -> Iterator[str]:
        with live_server(create_app(app_settings(settings) if app_settings else settings)) as url:
            yield f"{url}/api/v1"

    @pytest.fixture(scope="module", name="contract_auth")
    def auth_fixture(tokens: TokenFactory) -> dict[str, dict[str, str]]:
        return {name: role(tokens) for name, role in roles.items()}

    @pytest.mark.parametrize("role", [main_role])
    @schema.parametrize()
    @stateless
    def test_api_conforms_to_contract(
        case: schemathesis.Case[Any], contract_base_url: str, contract_auth: dict[str, dict[str, str]], role: str
    ) -> None:
        call_and_validate(case, contract_base_url, contract_auth[role])

    @pytest.mark.parametrize("role", other_roles)
    @schema_without_coverage.parametrize()
    @stateless_per_role
    def test_api_conforms_to_contract_per_role(
        case: schemathesis.Case[Any], contract_base_url: str, contract_auth: dict[str, dict[str, str]], role: str
    ) -> None:
        call_and_validate(case, contract_base_url, contract_auth[role])

    @pytest.mark.parametrize("role", names)
    def test_api_conforms_statefully(
        contract_base_url: str, contract_auth: dict[str, dict[str, str]], role: str
    ) -> None:
        auth = contract_auth[role]

        class Machine(schema.as_state_machine()):  # type: ignore[misc]
            def before_call(self, case: schemathesis.Case[Any]) -> None:
                create = (creations or {}).get(case.operation.definition.raw.get("operationId", ""))
                if create is not None and not (
                    case.meta is not None and case.meta.is_negative_at(ParameterLocation.BODY)
                ):
                    case.body = create()

            def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
                return {"base_url": contract_base_url, "headers": request_headers(case, auth)}

        Machine.run(
            settings=hypothesis_settings(max_examples=stateful_examples, stateful_step_count=stateful_steps, **common)
        )

    return ContractTest(
        test_api_conforms_to_contract,
        test_api_conforms_to_contract_per_role,
        test_api_conforms_statefully,
        base_url_fixture,
        auth_fixture,
    )
