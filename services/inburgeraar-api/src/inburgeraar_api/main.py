"""The inburgeraar-api application."""

from __future__ import annotations

from fastapi import FastAPI

from inburgeraar_api.api import dossier, inburgeraars, intake, keten
from inburgeraar_api.settings import Settings
from inburgering_kit.app import Link, ServiceDefinition
from inburgering_kit.app import create_app as create_service_app

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
        )
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
    routers=[inburgeraars.router, dossier.router, intake.router, keten.router],
    links=LINKS,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(DEFINITION, settings or Settings())
