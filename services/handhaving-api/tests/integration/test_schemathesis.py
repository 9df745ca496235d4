"""handhaving-api against its committed OpenAPI document (see `inburgering_kit.testing.contract`), once per role."""

from __future__ import annotations

from handhaving_api.main import create_app
from handhaving_api.scopes import ROLLEN
from inburgering_kit.testing.contract import contract_test, roles_of

(
    test_api_conforms_to_contract,
    test_api_conforms_to_contract_per_role,
    test_api_conforms_statefully,
    contract_base_url,
    contract_auth,
) = contract_test("handhaving-api", create_app, roles_of(ROLLEN))
