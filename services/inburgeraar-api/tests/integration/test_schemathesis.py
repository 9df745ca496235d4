"""inburgeraar-api against its committed OpenAPI document (see `inburgering_kit.testing.contract`)."""

from __future__ import annotations

from inburgeraar_api.main import create_app
from inburgeraar_api.scopes import ROLLEN
from inburgering_kit.testing.contract import contract_test

test_api_conforms_to_contract, contract_base_url, contract_auth = contract_test(
    "inburgeraar-api",
    create_app,
    lambda tokens: tokens.headers(*ROLLEN["klantregisseur"], *ROLLEN["privacy-officer"]),
)
