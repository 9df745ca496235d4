"""A subscription: its states and the formats a receiver can choose."""

from __future__ import annotations

ACTIEF = "actief"
GEPAUZEERD = "gepauzeerd"

FORMAAT_CLOUDEVENTS = "cloudevents"
FORMAAT_VNG = "vng-notificaties"
