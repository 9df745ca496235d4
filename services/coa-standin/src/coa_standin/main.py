"""The COA stand-in's application: its API and, beside it, the delivery of its notifications (every stand-in's,
`ketenpartner_standin.app`)."""

from __future__ import annotations

from fastapi import FastAPI

from coa_standin.api import beheer, feiten
from coa_standin.repository.opslag import OPSLAG
from coa_standin.services.feiten import BRON
from coa_standin.settings import Settings
from inburgering_kit.app import ServiceDefinition
from ketenpartner_standin.app import create_standin_app

DEFINITION = ServiceDefinition(
    name="coa-standin",
    title="COA stand-in",
    description=(
        "Een stand-in voor COA als ketenpartner van de gemeente (Wet inburgering 2021, plateau 3). COA koppelt "
        "statushouders aan een gemeente (met of nog zonder BSN) en houdt hun klantprofiel bij (TVS), dat in de tijd "
        "verandert. Volgens 'melden, dan ophalen' meldt het de geabonneerde gemeente elk nieuw feit (een id en een "
        "soort, niets persoonlijks) en haalt de gemeente het feit hier op. Met beheer-endpoints speelt een test of "
        "demo COA's kant en zet storingen aan."
    ),
    version="1.0.0",
    routers=[feiten.router, beheer.router],
)


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_standin_app(DEFINITION, settings or Settings(), OPSLAG, BRON)
