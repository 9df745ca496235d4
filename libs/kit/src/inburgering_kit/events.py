"""CloudEvents 1.0 envelope, NL GOV profile, and the catalogue of event types a service publishes.

An event says *that* something happened to an object, not what the object holds: `subject` is the
object's UUID, `dataref` where to fetch it at its source, and `data` carries only ids, codes and dates —
never a BSN or a name. Each event type is a pydantic model of its `data`; its JSON Schema is the contract.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

SPECVERSION = "1.0"
TYPE_PREFIX = "nl.inburgering"


class EventData(BaseModel):
    """Base of every event's `data`. Subclasses set `event_type` (the part after `nl.inburgering.`)."""

    # Fields are snake_case in Python and lowerCamelCase on the wire, like every API schema.
    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=to_camel, validate_by_name=True, serialize_by_alias=True
    )

    event_type: ClassVar[str]
    description: ClassVar[str] = ""

    @classmethod
    def full_type(cls) -> str:
        return f"{TYPE_PREFIX}.{cls.event_type}"


class CloudEvent(BaseModel):
    """The envelope as it travels on NATS and to webhook subscribers (structured JSON mode)."""

    model_config = ConfigDict(extra="forbid")

    specversion: str = SPECVERSION
    id: str = Field(description="UUID of this event; receivers de-duplicate on it.")
    source: str = Field(description="urn:nld:oin:<OIN>:systeem:<service>")
    type: str = Field(description="Reverse-DNS, past tense, e.g. nl.inburgering.inburgeraar.inburgeraar-geregistreerd")
    time: datetime
    subject: str = Field(description="UUID of the object the event is about; never a BSN.")
    dataref: str | None = Field(default=None, description="URL of the object at its source.")
    datacontenttype: str = "application/json"
    dataschema: str | None = None
    gemeentecode: str | None = Field(
        default=None, description="Extension: the gemeente (tenant) the object belongs to, for routing."
    )
    data: dict[str, Any]


# Which service may emit the events under `nl.inburgering.<prefix>.`: the one place a consumer learns whom to trust
# for a subject, and the NATS accounts whom to let publish there. A new publishing service adds its line here.
EVENT_OWNERS: dict[str, str] = {
    "inburgeraar": "inburgeraar-api",
    "pip": "pip-api",
    "aanbieder": "aanbieder-api",
    "handhaving": "handhaving-api",
}
_SOURCE = re.compile(r"^urn:nld:oin:(?P<oin>[0-9]{20}):systeem:(?P<service>[a-z0-9-]+)$")


def source_urn(oin: str, service: str) -> str:
    return f"urn:nld:oin:{oin}:systeem:{service}"


def owner_of(event_type: str) -> str | None:
    """The service that owns this event type (or NATS subject), or None for a type no service owns."""
    head, _, rest = event_type.partition(".")
    if f"{head}.{rest.partition('.')[0]}" != TYPE_PREFIX:
        return None
    prefix = event_type[len(TYPE_PREFIX) + 1 :].partition(".")[0]
    return EVENT_OWNERS.get(prefix)


def untrusted_because(event: CloudEvent, subject: str, oin: str | None = None) -> str | None:
    """Why this event, received on `subject`, must not be believed; None when it may be.

    NATS lets a service publish only on its own subjects, so the subject vouches for the sender; the envelope must
    then claim the same: its type is the subject, and its source is the owner of that subject (at `oin`, if given).
    """
    if subject != nats_subject(event.type):
        return f"type {event.type!r} does not match subject {subject!r}"
    owner = owner_of(event.type)
    if owner is None:
        return f"no service owns {event.type!r}"
    match = _SOURCE.match(event.source)
    if match is None or match["service"] != owner or (oin is not None and match["oin"] != oin):
        return f"source {event.source!r} is not {source_urn(oin or '<oin>', owner)}"
    return None


def make_event(
    data: EventData, *, source: str, subject: uuid.UUID, dataref: str | None, gemeentecode: str | None
) -> CloudEvent:
    return CloudEvent(
        id=str(uuid.uuid4()),
        source=source,
        type=data.full_type(),
        time=datetime.now(UTC),
        subject=str(subject),
        dataref=dataref,
        dataschema=f"/contracts/events/{data.full_type()}.json",
        gemeentecode=gemeentecode,
        data=data.model_dump(mode="json"),
    )


def nats_subject(event_type: str) -> str:
    """NATS subjects mirror the event type, so consumers filter with wildcards like `nl.inburgering.pip.>`."""
    return event_type


def event_json_schema(model: type[EventData]) -> dict[str, Any]:
    """The contract of one event type: the envelope with `data` narrowed to the type's own schema."""
    data_schema = model.model_json_schema(ref_template="#/$defs/{model}")
    defs = data_schema.pop("$defs", {})
    envelope = CloudEvent.model_json_schema(ref_template="#/$defs/{model}")
    envelope["title"] = model.full_type()
    envelope["description"] = model.description or (model.__doc__ or "").strip()
    envelope["properties"]["type"] = {"const": model.full_type(), "type": "string"}
    envelope["properties"]["data"] = data_schema
    envelope["required"] = sorted({*envelope.get("required", []), "data", "subject", "type", "id", "source", "time"})
    if defs:
        envelope["$defs"] = {**envelope.get("$defs", {}), **defs}
    envelope["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    envelope["$id"] = f"{model.full_type()}.json"
    return envelope


def asyncapi_document(service: str, version: str, models: list[type[EventData]]) -> dict[str, Any]:
    """AsyncAPI 3 document listing every event type a service publishes, with the schema by reference."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for model in sorted(models, key=lambda m: m.full_type()):
        name = model.event_type.replace(".", "_").replace("-", "_")
        messages[name] = {
            "name": model.full_type(),
            "title": model.full_type(),
            "summary": model.description or (model.__doc__ or "").strip(),
            "contentType": "application/cloudevents+json",
            "payload": {"$ref": f"./{model.full_type()}.json"},
        }
        channels[name] = {
            "address": nats_subject(model.full_type()),
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        operations[f"publiceer_{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{name}"},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": f"Events van {service}",
            "version": version,
            "description": "CloudEvents 1.0 (NL GOV profiel) op NATS JetStream; subject = type.",
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }
