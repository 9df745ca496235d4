"""aanbieder-api against its committed OpenAPI document (see `inburgering_kit.testing.contract`), once per role.
A client the gemeente has not registered for an aanbieder gets a 403: a correct answer to schema-valid data."""

from __future__ import annotations

import random
from typing import Any

import httpx

from aanbieder_api.main import create_app
from aanbieder_api.scopes import ROLLEN
from aanbieder_api.settings import Settings
from inburgering_kit.testing.contract import check_case, contract_test, role, roles_of

# A provider's system carries its aanbieder in the token.
ROLES = {
    **roles_of(ROLLEN),
    "aanbieder": role(ROLLEN["aanbieder"], aanbieder_id="3f2b8a4e-6c1d-4e0f-9a7b-1c2d3e4f5a60"),
}


def _zonder_projectie(settings: Settings) -> Settings:
    return settings.model_copy(update={"run_projectie": False})


def _aanbieder() -> dict[str, Any]:
    # A fresh KvK number each time: a second aanbieder with the same one is rightly a 409.
    return {"naam": "Taalschool", "kvkNummer": f"{random.randrange(10**8):08d}", "diensten": ["pvt"]}


(
    test_api_conforms_to_contract,
    test_api_conforms_to_contract_per_role,
    test_api_conforms_statefully,
    contract_base_url,
    contract_auth,
) = contract_test(
    "aanbieder-api", create_app, ROLES, app_settings=_zonder_projectie, creations={"aanbieder_create": _aanbieder}
)


def test_naam_null(contract_base_url: str, contract_auth: dict[str, dict[str, str]]) -> None:
    auth = contract_auth["contractmanager"]
    created = httpx.post(f"{contract_base_url}/aanbieders", json=_aanbieder(), headers=auth)
    assert created.status_code == 201, created.text
    check_case(
        "aanbieder-api",
        "PATCH",
        "/aanbieders/{aanbiederId}",
        contract_base_url,
        auth,
        path_parameters={"aanbiederId": created.json()["id"]},
        body={"naam": None},
    )
