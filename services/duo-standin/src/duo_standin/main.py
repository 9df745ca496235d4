"""The DUO stand-in's application: its API and, beside it, the delivery of its notifications (every stand-in's,
`ketenpartner_standin.app`)."""

from __future__ import annotations

from fastapi import FastAPI

from duo_standin.api import beheer, feiten, rapportages
from duo_standin.repository.opslag import OPSLAG
from duo_standin.services.feiten import BRON
from duo_standin.settings import Settings
from inburgering_kit.app import ServiceDefinition
from ketenpartner_standin.app import create_standin_app

DEFINITION = ServiceDefinition(
    name="duo-standin",
    title="DUO stand-in",
    description=(
        "Een stand-in voor DUO als ketenpartner van de gemeente (Wet inburgering 2021, plateau 3). DUO kent de "
        "inburgeringsplichtigen op BSN en legt feiten over hen vast (plicht, vrijstelling, ontheffing, termijnen, "
        "examens, diploma, certificaat, verlenging, boetes, verhuizing). Volgens 'melden, dan ophalen' meldt het de "
        "geabonneerde gemeente elk nieuw feit (een id en een soort, niets persoonlijks) en haalt de gemeente het feit "
        "hier op. De gemeente levert DUO de rapportages a–s (art. 35 lid 3 Wet); DUO toetst elk item aan zijn contract "
        "en ontdubbelt op rapportId. Met beheer-endpoints speelt een test of demo DUO's kant en zet storingen aan."
    ),
    version="1.0.0",
    routers=[feiten.router, rapportages.router, beheer.router],
)


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_standin_app(DEFINITION, settings or Settings(), OPSLAG, BRON)
