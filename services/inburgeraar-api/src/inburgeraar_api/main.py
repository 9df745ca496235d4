"""The inburgeraar-api application."""

from __future__ import annotations

from fastapi import FastAPI

from inburgeraar_api.api import dossier, inburgeraars, intake
from inburgeraar_api.settings import Settings
from inburgering_kit.app import ServiceDefinition
from inburgering_kit.app import create_app as create_service_app

DEFINITION = ServiceDefinition(
    name="inburgeraar-api",
    title="Inburgeraar API",
    description=(
        "De persoonscontext van de Wet inburgering 2021: registratie van inburgeraars, plichtgegevens van DUO, "
        "het klantprofiel van het COA, warme overdracht, brede intake, maatschappelijke begeleiding en financieel "
        "ontzorgen. Alle gegevens zijn van de gemeente uit het token; het BSN staat nooit in een URL of event."
    ),
    version="1.0.0",
    routers=[inburgeraars.router, dossier.router, intake.router],
)


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(DEFINITION, settings or Settings())
