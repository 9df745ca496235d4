"""inburgeraar-api against its committed OpenAPI document (see `inburgering_kit.testing.contract`), once per
role."""

from __future__ import annotations

from inburgeraar_api.main import create_app
from inburgeraar_api.scopes import ROLLEN
from inburgering_kit.testing.contract import contract_test, roles_of

(
    test_api_conforms_to_contract,
    test_api_conforms_to_contract_per_role,
    test_api_conforms_statefully,
    contract_base_url,
    contract_auth,
) = contract_test(
    "inburgeraar-api",
    create_app,
    roles_of(ROLLEN),
    # Without a BSN: a second registration of the same BSN is rightly a 409.
    creations={"inburgeraar_registreer": lambda: {"doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01"}},
)
