"""The aanbieder-api application."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, FastAPI

from aanbieder_api import bestandsformaat
from aanbieder_api.api import aanbieders, aanleveringen, cbs, opdrachten, toegewezen
from aanbieder_api.api import monitoring as monitoring_api
from aanbieder_api.api import overdracht as overdracht_api
from aanbieder_api.portal import beheer as portaal_accounts
from aanbieder_api.portal import router as portaal_router
from aanbieder_api.services import aanleveringen as aanleveringen_verwerking
from aanbieder_api.services import inburgeraarprojectie, projectie, retentie
from aanbieder_api.settings import Settings
from inburgering_kit.app import Link, ServiceDefinition
from inburgering_kit.app import create_app as create_service_app
from inburgering_kit.consumer import EventConsumer
from inburgering_kit.privacy import inzage_router
from inburgering_kit.retentie import einde_plicht_achtergrond

DESCRIPTION = (
    "De aanbiederscontext van de Wet inburgering 2021: aanbieders met hun contracten en API-clients, opdrachten "
    "(een onderdeel van het PIP, verstrekt aan een aanbieder) en de voortgang die aanbieders melden — via deze API, "
    "via een bestand in het landelijke formaat (contracts/aanbieder-api) of via het portaal, in dezelfde registratie. "
    "Een aanbieder ziet alleen zijn eigen opdrachten, onder een pseudoniem deelnemerkenmerk: nooit het BSN."
)


# The providers' routes first: a request is matched against the routes one by one in this order, and their pushes
# are this service's hot path (measured: 4 % less CPU per push than with the ~30 gemeente routes before them).
ROUTERS = [
    toegewezen.router,
    aanleveringen.router,
    aanbieders.router,
    portaal_accounts.router,
    opdrachten.router,
    cbs.router,
    monitoring_api.router,
    overdracht_api.router,
]


# What a client (and the stateful contract test) can do next with a registered aanbieder, API client, portal
# account, opdracht or aanlevering.
_AANBIEDER = {"aanbiederId": "$request.path.aanbiederId"}
LINKS = [
    *(
        Link("aanbieder_create", target, {"aanbiederId": "$response.body#/id"})
        for target in (
            "aanbieder_read",
            "aanbieder_update",
            "contract_create",
            "contract_list",
            "api_client_create",
            "api_client_list",
            "aanbieder_meldgedrag",
            "portaal_account_create",
            "portaal_account_list",
        )
    ),
    Link("api_client_create", "api_client_intrekken", {**_AANBIEDER, "clientId": "$response.body#/clientId"}),
    Link("portaal_account_create", "portaal_account_deactiveren", {**_AANBIEDER, "accountId": "$response.body#/id"}),
    *(
        Link("opdracht_create", target, {"opdrachtId": "$response.body#/id"})
        for target in (
            "opdracht_read",
            "opdracht_wijzigen",
            "opdracht_intrekken",
            "opdracht_versie_list",
            "opdracht_melding_list",
        )
    ),
    Link("overdracht_overnemen", "overgenomen_voortgang_list", {"inburgeraarId": "$response.body#/inburgeraarId"}),
    *(
        Link("aanlevering_create", target, {"aanleveringId": "$response.body#/id"}, status="202")
        for target in ("aanlevering_read", "aanlevering_afwijzing_list")
    ),
]

DEFINITION = ServiceDefinition(
    name="aanbieder-api",
    title="Aanbieder API",
    description=DESCRIPTION,
    version="1.0.0",
    routers=[*ROUTERS, inzage_router(retentie.SERVICE, retentie.verzamel)],
    links=LINKS,
)


def consumers(app: FastAPI, settings: Settings) -> list[EventConsumer]:
    """The projections' durable consumers: PIPs from pip-api, registered inburgeraars from inburgeraar-api."""
    return [projectie.consumer(app, settings), inburgeraarprojectie.consumer(app, settings)]


def extra_contracts() -> dict[str, Any]:
    """Generated beside the OpenAPI document (`make contracts`): the national file format's row schema."""
    return {"voortgangsregel.schema.json": bestandsformaat.regel_schema()}


def _met_regelschema(app: FastAPI) -> None:
    """The upload's JSON items refer to `Voortgangsregel`; no route has it as a model (the file is read as a stream),
    so its components are added to what the kit generates."""
    kit_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        schema = kit_openapi()
        schemas = schema["components"]["schemas"]
        if "Voortgangsregel" not in schemas:
            schemas.update(bestandsformaat.regel_componenten(schemas))
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None, *, extra_routers: list[APIRouter] | None = None) -> FastAPI:
    settings = settings or Settings()
    background = [aanleveringen_verwerking.achtergrondtaak(settings)]
    if settings.run_projectie:
        background += [projectie.achtergrondtaak(settings), inburgeraarprojectie.achtergrondtaak(settings)]
        background.append(einde_plicht_achtergrond(settings, retentie.DURABLE))
    app = create_service_app(replace(DEFINITION, background=background), settings)
    _met_regelschema(app)
    # Pages outside the versioned API (the portal), mounted at the root; not part of the OpenAPI contract.
    for router in [portaal_router, *(extra_routers or [])]:
        app.include_router(router, include_in_schema=False)
    return app
