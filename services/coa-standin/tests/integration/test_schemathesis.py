"""coa-standin against its committed OpenAPI document (see `inburgering_kit.testing.contract`), once per role."""

from __future__ import annotations

from typing import Any

from coa_standin.main import create_app
from coa_standin.scopes import ROLLEN
from inburgering_kit.testing.contract import contract_test, role

from .conftest import KOPPELING


def _feit() -> dict[str, Any]:
    return {"soort": "koppeling", "gemeentecode": "0363", "persoon": {}, "gegevens": KOPPELING}


(
    test_api_conforms_to_contract,
    test_api_conforms_to_contract_per_role,
    test_api_conforms_statefully,
    contract_base_url,
    contract_auth,
) = contract_test(
    "coa-standin",
    create_app,
    {
        "ketenuitwisseling": role(ROLLEN["ketenuitwisseling"]),
        "ketenpartner-beheer": role(ROLLEN["ketenpartner-beheer"], gemeente=None),
    },
    creations={"beheer_feit_create": _feit},
)
