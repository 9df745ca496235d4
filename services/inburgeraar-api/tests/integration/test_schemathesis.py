"""inburgeraar-api against its committed OpenAPI document (see `inburgering_kit.testing.contract`), once per
role."""

from __future__ import annotations

import httpx

from inburgeraar_api.main import create_app
from inburgeraar_api.scopes import ROLLEN
from inburgering_kit.testing.contract import check_case, contract_test, roles_of

REGISTRATIE = {"doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01"}

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
    creations={"inburgeraar_registreer": lambda: dict(REGISTRATIE)},
)


def test_doelgroep_leegmaken(contract_base_url: str, contract_auth: dict[str, dict[str, str]]) -> None:
    auth = contract_auth["klantregisseur"]
    created = httpx.post(f"{contract_base_url}/inburgeraars", json=REGISTRATIE, headers=auth)
    assert created.status_code == 201, created.text
    check_case(
        "inburgeraar-api",
        "PATCH",
        "/inburgeraars/{inburgeraarId}",
        contract_base_url,
        auth,
        path_parameters={"inburgeraarId": created.json()["id"]},
        body={"doelgroep": None},
    )
