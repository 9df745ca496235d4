"""aanbieder-api against its committed OpenAPI document (see `inburgering_kit.testing.contract`). A client the
gemeente has not registered for an aanbieder gets a 403: a correct answer to schema-valid data."""

from __future__ import annotations

from aanbieder_api.main import create_app
from aanbieder_api.scopes import ROLLEN
from aanbieder_api.settings import Settings
from inburgering_kit.testing.contract import contract_test
from inburgering_kit.testing.plugin import TokenFactory


def _alle_rollen(tokens: TokenFactory) -> dict[str, str]:
    scopes = {s for rol in ROLLEN.values() for s in rol}
    return tokens.headers(*scopes, aanbieder_id="3f2b8a4e-6c1d-4e0f-9a7b-1c2d3e4f5a60")


def _zonder_projectie(settings: Settings) -> Settings:
    return settings.model_copy(update={"run_projectie": False})


test_api_conforms_to_contract, contract_base_url, contract_auth = contract_test(
    "aanbieder-api", create_app, _alle_rollen, app_settings=_zonder_projectie
)
