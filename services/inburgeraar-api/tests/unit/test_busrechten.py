"""The consumer of providers' reports is exactly what the service's NATS user may create (kit `nats_access`):
another name or filter would be refused by the server in production, and only there."""

from __future__ import annotations

from inburgeraar_api.services import aanbiedermeldingen
from inburgering_kit.nats_access import BUS_USERS


def test_the_consumer_is_the_one_the_bus_user_may_create() -> None:
    [gebruiker] = [u for u in BUS_USERS if u.service == "inburgeraar-api"]
    assert (aanbiedermeldingen.DURABLE, aanbiedermeldingen.FILTER_SUBJECT) in gebruiker.consumes
