"""notificaties against its committed OpenAPI document (see `inburgering_kit.testing.contract`). A refused
callbackUrl is a 422 that says why: a correct answer to schema-valid data."""

from __future__ import annotations

from inburgering_kit.testing.contract import contract_test
from notificaties.main import create_app
from notificaties.scopes import ROLLEN

test_api_conforms_to_contract, contract_base_url, contract_auth = contract_test(
    "notificaties", create_app, lambda tokens: tokens.headers(*ROLLEN["abonnee"], "verwerkingen:lezen")
)
