"""The notificaties application: the abonnementen API, with the event consumer and the delivery worker as
background tasks of the same process."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from inburgering_kit.app import Link, ServiceDefinition
from inburgering_kit.app import create_app as create_service_app
from inburgering_kit.consumer import waiting_dead_letters
from inburgering_kit.db import Database
from inburgering_kit.privacy import inzage_router
from notificaties.api import abonnementen
from notificaties.crypto import SecretBox
from notificaties.delivery.distributing import Stats, run_delivery
from notificaties.repository import queue
from notificaties.services import retentie
from notificaties.services.abonnementen import DeliveryConfig
from notificaties.settings import Settings

# What a client (and the stateful contract test) can do next with a new abonnement.
LINKS = [
    Link("abonnement_create", target, {"abonnementId": "$response.body#/id"})
    for target in (
        "abonnement_read",
        "abonnement_update",
        "abonnement_delete",
        "abonnement_pauzeer",
        "abonnement_hervat",
        "aflevering_list",
        "abonnement_opnieuw_afleveren",
    )
]

DEFINITION = ServiceDefinition(
    name="notificaties",
    title="Notificaties API",
    description=(
        "Abonnementen op de events van de eigen gemeente, en ondertekende afleveringen daarvan aan webhooks "
        "(CloudEvents 1.0 of VNG Notificaties API 1.0) met herhaalpogingen: een ander systeem krijgt een "
        "bericht en haalt de gegevens op bij de bron. Events bevatten geen persoonsgegevens."
    ),
    version="1.0.0",
    routers=[abonnementen.router, inzage_router(retentie.SERVICE, retentie.verzamel)],
    links=LINKS,
    background=[run_delivery],
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(DEFINITION, settings)
    app.state.delivery_config = DeliveryConfig(settings, SecretBox(settings.encryption_key.get_secret_value()))
    app.state.delivery_stats = Stats()

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> PlainTextResponse:
        # Counts only, no ids or URLs: like /health it is readable without a token (scraped inside the cluster).
        return PlainTextResponse(
            await _exposition(app.state.database, app.state.delivery_stats, settings.consumer_durable),
            media_type="text/plain; version=0.0.4; charset=utf-8",
        )

    return app


async def _exposition(database: Database, stats: Stats, consumer: str) -> str:
    async with database.sessionmaker() as session:
        stand = await queue.metrics(session)
        dead_letters = await waiting_dead_letters(session, consumer)
    lines = [
        "# HELP notificaties_pogingen_total Delivery attempts by this process, by outcome.",
        "# TYPE notificaties_pogingen_total counter",
    ]
    for uitkomst in ("afgeleverd", "mislukt", "dead-letter"):
        lines.append(f'notificaties_pogingen_total{{uitkomst="{uitkomst}"}} {stats.counters[uitkomst]}')
    lines += [
        "# HELP notificaties_afleveringen Deliveries in the database, by delivery and subscription status.",
        "# TYPE notificaties_afleveringen gauge",
    ]
    for status, abonnement_status, count in sorted(stand["counts"]):
        lines.append(f'notificaties_afleveringen{{status="{status}",abonnement="{abonnement_status}"}} {count}')
    lines += [
        "# HELP notificaties_achterstand_seconden Age of the oldest delivery still waiting.",
        "# TYPE notificaties_achterstand_seconden gauge",
        f"notificaties_achterstand_seconden {stand['lag']:.3f}",
        "# HELP notificaties_dead_letters Events the consumer could not queue deliveries for, waiting for "
        "`python -m notificaties dead-letters-replay`.",
        "# TYPE notificaties_dead_letters gauge",
        f'notificaties_dead_letters{{consumer="{consumer}"}} {dead_letters}',
    ]
    return "\n".join(lines) + "\n"
