"""The projections' durable consumers are exactly what the service's NATS user may create (kit `nats_access`):
another name or filter would be refused by the server in production, and only there."""

from __future__ import annotations

from aanbieder_api.services import inburgeraarprojectie, projectie
from inburgering_kit.nats_access import BUS_USERS


def test_the_consumers_are_the_ones_the_bus_user_may_create() -> None:
    [gebruiker] = [u for u in BUS_USERS if u.service == "aanbieder-api"]
    assert {
        (projectie.DURABLE, projectie.FILTER_SUBJECT),
        (inburgeraarprojectie.DURABLE, inburgeraarprojectie.FILTER_SUBJECT),
    } <= set(gebruiker.consumes)
