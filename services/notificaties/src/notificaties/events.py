"""Events of the delivery context: none. It delivers every other context's events and publishes none itself."""

from __future__ import annotations

from inburgering_kit.events import EventData

EVENTS: list[type[EventData]] = []
