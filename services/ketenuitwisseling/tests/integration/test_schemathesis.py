"""ketenuitwisseling against its committed OpenAPI document (see `inburgering_kit.testing.contract`), once per role."""

from __future__ import annotations

from inburgering_kit.testing.contract import contract_test, roles_of
from ketenuitwisseling.main import create_app
from ketenuitwisseling.scopes import ROLLEN

(
    test_api_conforms_to_contract,
    test_api_conforms_to_contract_per_role,
    test_api_conforms_statefully,
    contract_base_url,
    contract_auth,
) = contract_test("ketenuitwisseling", create_app, roles_of(ROLLEN))
