"""The events this context publishes: none. What it learns it hands to the owning context's API, which publishes;
what it sends goes to DUO over HTTP. Its AsyncAPI document says so (an empty list), like notificaties'."""

from inburgering_kit.events import EventData

EVENTS: list[type[EventData]] = []
