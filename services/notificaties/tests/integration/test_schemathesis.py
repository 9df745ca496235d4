"""notificaties against its committed OpenAPI document (see `inburgering_kit.testing.contract`), once per role. A
refused callbackUrl is a 422 that says why: a correct answer to schema-valid data."""

from __future__ import annotations

from inburgering_kit.audit import SCOPE_VERWERKINGEN_LEZEN
from inburgering_kit.testing.contract import contract_test, role, roles_of
from notificaties.main import create_app
from notificaties.scopes import ROLLEN

# The kit's processing log is served here too, though none of this service's own roles reads it.
ROLES = {**roles_of(ROLLEN), "privacy-officer": role([SCOPE_VERWERKINGEN_LEZEN])}

(
    test_api_conforms_to_contract,
    test_api_conforms_to_contract_per_role,
    test_api_conforms_statefully,
    contract_base_url,
    contract_auth,
) = contract_test(
    "notificaties",
    create_app,
    ROLES,
    creations={"abonnement_create": lambda: {"callbackUrl": "https://x.example/hook"}},
)
