"""duo-standin against its committed OpenAPI document (see `inburgering_kit.testing.contract`), once per role."""

from __future__ import annotations

from typing import Any

from duo_standin.main import create_app
from duo_standin.scopes import ROLLEN
from inburgering_kit.testing.contract import contract_test, role

from .conftest import PLICHT


def _feit() -> dict[str, Any]:
    return {"soort": "plicht-vastgesteld", "gemeentecode": "0363", "persoon": {"bsn": "999990007"}, "gegevens": PLICHT}


(
    test_api_conforms_to_contract,
    test_api_conforms_to_contract_per_role,
    test_api_conforms_statefully,
    contract_base_url,
    contract_auth,
) = contract_test(
    "duo-standin",
    create_app,
    {
        "ketenuitwisseling": role(ROLLEN["ketenuitwisseling"]),
        "ketenpartner-beheer": role(ROLLEN["ketenpartner-beheer"], gemeente=None),
    },
    creations={"beheer_feit_create": _feit},
)
