"""handhaving-api against its committed OpenAPI document (see `inburgering_kit.testing.contract`)."""

from __future__ import annotations

from handhaving_api.main import create_app
from handhaving_api.scopes import ROLLEN
from inburgering_kit.testing.contract import contract_test

test_api_conforms_to_contract, contract_base_url, contract_auth = contract_test(
    "handhaving-api",
    create_app,
    lambda tokens: tokens.headers(
        *ROLLEN["klantregisseur"], *ROLLEN["specialist-inkomen"], *ROLLEN["duo"], *ROLLEN["privacy-officer"]
    ),
)
