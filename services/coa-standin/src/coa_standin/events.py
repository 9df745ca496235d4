"""This stand-in publishes no events on the gemeente's bus: it is a partner outside the deployment, and tells the
gemeente of a new fact by a notification over HTTP (`services.meldingen`)."""

from __future__ import annotations

from inburgering_kit.events import EventData

EVENTS: list[type[EventData]] = []
