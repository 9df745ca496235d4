"""The VNG Notificaties API 1.0 shape (`formaat: vng-notificaties`), for receivers built for the ZGW
notificatierouteringscomponent (Open Notificaties, zaaksystemen).

Mapping from our CloudEvent (type `nl.inburgering.<context>.<resource>-<actie>`):

| VNG field      | from the event                                                                   |
|----------------|----------------------------------------------------------------------------------|
| `kanaal`       | third segment of `type` (the context, e.g. `inburgeraar`)                         |
| `hoofdObject`  | `dataref` (URL of the object at its source)                                       |
| `resource`     | last segment of `type` without its final `-<actie>` (e.g. `warme-overdracht`)     |
| `resourceUrl`  | `dataref` as well: our events are about the main object itself                    |
| `actie`        | final `-`-separated part of the last segment (past tense, e.g. `geregistreerd`)   |
| `aanmaakdatum` | `time`, RFC 3339 in UTC                                                           |
| `kenmerken`    | `{"gemeentecode": ...}` when the event carries one, else `{}`                     |

Without a `dataref` both URLs fall back to a URN of the subject, since VNG requires them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def split_type(event_type: str) -> tuple[str, str, str]:
    """(`kanaal`, `resource`, `actie`) of an event type."""
    segments = event_type.split(".")
    kanaal = segments[2] if len(segments) > 2 else segments[-1]
    resource, _, actie = segments[-1].rpartition("-")
    return kanaal, resource or segments[-1], actie


def notificatie(event: dict[str, Any]) -> dict[str, Any]:
    kanaal, resource, actie = split_type(str(event["type"]))
    url = event.get("dataref") or f"urn:uuid:{event['subject']}"
    time = datetime.fromisoformat(str(event["time"])).astimezone(UTC)
    gemeentecode = event.get("gemeentecode")
    return {
        "kanaal": kanaal,
        "hoofdObject": url,
        "resource": resource,
        "resourceUrl": url,
        "actie": actie,
        "aanmaakdatum": time.isoformat().replace("+00:00", "Z"),
        "kenmerken": {"gemeentecode": gemeentecode} if gemeentecode else {},
    }
