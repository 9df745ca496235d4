"""The kit's shaping of every service's contract: what a generated client learns of the answers."""

from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter, status

from inburgering_kit.app import ServiceDefinition, create_app
from inburgering_kit.auth import AuthSettings
from inburgering_kit.idempotency import REPLAY_HEADER, IdempotencyDep
from inburgering_kit.problems import Conflict, ProblemDetails
from inburgering_kit.settings import ServiceSettings


@pytest.fixture(scope="module")
def contract() -> dict[str, Any]:
    router = APIRouter()

    @router.post("/dingen", status_code=status.HTTP_201_CREATED, operation_id="ding_create")
    async def ding_create(idem: IdempotencyDep) -> dict[str, str]:
        return {}

    @router.post("/dingen/{dingId}/_sluiten", operation_id="ding_sluiten")
    async def ding_sluiten(dingId: str) -> dict[str, str]:  # noqa: N803 - path name
        return {}

    definition = ServiceDefinition(
        name="test-api", title="Test", description="Test.", version="1.0.0", routers=[router]
    )
    auth = AuthSettings(issuers=["urn:x"], audience="x", public_key_file=Path("/dev/null"))
    settings = ServiceSettings(database_url="postgresql://x@h/x", nats_url="nats://h:4222", auth=auth)
    return create_app(definition, settings).openapi()


def test_an_operation_that_takes_an_idempotency_key_documents_the_replay_header(contract: dict[str, Any]) -> None:
    responses = contract["paths"]["/dingen"]["post"]["responses"]
    header = responses["201"]["headers"][REPLAY_HEADER]
    assert header["schema"] == {"type": "string", "enum": ["true"]}
    assert "Retry-After" in responses["409"]["headers"], "an expired key's 409 says when to retry"


def test_an_operation_without_the_key_has_no_replay_header(contract: dict[str, Any]) -> None:
    responses = contract["paths"]["/dingen/{dingId}/_sluiten"]["post"]["responses"]
    assert REPLAY_HEADER not in responses["200"]["headers"]
    assert "headers" not in responses["409"]


@pytest.mark.parametrize("veld", ["bestaandeResource", "foutcode", "regelsVersie", "code", "invalidParams"])
def test_the_problem_schema_names_every_member_the_services_send(contract: dict[str, Any], veld: str) -> None:
    assert veld in contract["components"]["schemas"]["ProblemDetails"]["properties"]


def test_extension_members_are_absent_rather_than_null() -> None:
    schema = ProblemDetails.model_json_schema()["properties"]
    assert schema["bestaandeResource"]["type"] == "string"
    assert schema["bestaandeResource"]["format"] == "uri-reference"
    body = (
        Conflict("dubbel", extra={"bestaandeResource": "/api/v1/dingen/1"})
        .to_details("/x")
        .model_dump(exclude_none=True)
    )
    assert body["bestaandeResource"] == "/api/v1/dingen/1"
    assert "foutcode" not in body
