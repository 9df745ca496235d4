"""The inburgeraar-api application."""

from __future__ import annotations

from dataclasses import replace

from fastapi import FastAPI

from inburgeraar_api.api import cbs, dossier, inburgeraars, intake, keten, verhuizing
from inburgeraar_api.api import monitoring as monitoring_api
from inburgeraar_api.api import privacy as privacy_api
from inburgeraar_api.services import aanbiedermeldingen, privacy
from inburgeraar_api.settings import Settings
from inburgering_kit.app import Link, ServiceDefinition
from inburgering_kit.app import create_app as create_service_app
from inburgering_kit.consumer import EventConsumer
from inburgering_kit.privacy import inzage_router

# What a client (and the stateful contract test) can do next with a registered inburgeraar or a planned oproep.
LINKS = [
    *(
        Link("inburgeraar_registreer", target, {"inburgeraarId": "$response.body#/id"})
        for target in (
            "inburgeraar_read",
            "inburgeraar_update",
            "inburgeraar_bsn_vastleggen",
            "plicht_mutatie_create",
            "plicht_read",
            "klantprofiel_create",
            "klantprofiel_list",
            "warme_overdracht_create",
            "warme_overdracht_list",
            "begeleiding_create",
            "begeleiding_list",
            "ontzorgen_put",
            "ontzorgen_read",
            "brede_intake_read",
            "oproep_create",
            "intakegesprek_create",
            "leerbaarheidstoets_put",
            "intake_achtergrond_put",
            "brede_intake_afronden",
            "inburgeraar_duo_identificatie_read",
            "verhuizing_create",
            "verhuizing_list",
            "overgenomen_dossier_list",
            "overdrachtsdossier_read",
        )
    ),
    Link(
        "verhuizing_create",
        "verhuizing_overgedragen",
        {"inburgeraarId": "$request.path.inburgeraarId", "verhuizingId": "$response.body#/id"},
    ),
    Link(
        "oproep_create",
        "oproep_uitkomst_put",
        {"inburgeraarId": "$request.path.inburgeraarId", "oproepId": "$response.body#/id"},
    ),
]

DEFINITION = ServiceDefinition(
    name="inburgeraar-api",
    title="Inburgeraar API",
    description=(
        "De persoonscontext van de Wet inburgering 2021: registratie van inburgeraars, plichtgegevens van DUO, "
        "het klantprofiel van het COA, warme overdracht, brede intake, maatschappelijke begeleiding en financieel "
        "ontzorgen. Alle gegevens zijn van de gemeente uit het token; het BSN staat nooit in een URL of event."
    ),
    version="1.0.0",
    routers=[
        inburgeraars.router,
        dossier.router,
        intake.router,
        privacy_api.router,
        keten.router,
        verhuizing.router,
        cbs.router,
        monitoring_api.router,
        inzage_router("inburgeraar-api", privacy.eigen_gegevens),
    ],
    links=LINKS,
)


def consumers(app: FastAPI, settings: Settings) -> list[EventConsumer]:
    """What this context consumes: providers' reports (the leerbaarheidstoets result into the brede intake)."""
    return [aanbiedermeldingen.consumer(app, settings)]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    background = [aanbiedermeldingen.achtergrondtaak(settings)]
    app = create_service_app(replace(DEFINITION, background=background), settings)
    # This context alone may turn a BSN into the person: a search of its log by BSN finds the person's records kept
    # under the id's pseudonym too.
    app.state.verwerkingslog.ids_van_bsn = privacy.ids_van_bsn(app.state.verwerkingslog)
    return app
