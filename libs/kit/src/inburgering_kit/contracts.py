"""The committed contracts of a service, generated from its code: OpenAPI, one JSON Schema per event
type, and an AsyncAPI document listing the events. `contracts/generate.py` writes them; a test fails
when the committed files differ from what the code generates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from inburgering_kit.auth import AuthSettings
from inburgering_kit.events import EventData, asyncapi_document, event_json_schema
from inburgering_kit.registry import ServiceEntry


def _dump(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def contract_settings() -> dict[str, Any]:
    """Settings values that let an app be built (never started) just to read its OpenAPI."""
    return {
        "database_url": "postgresql://contract@localhost/contract",
        "nats_url": "nats://localhost:4222",
        "auth": AuthSettings(issuers=["urn:contract"], audience="contract", public_key_file=Path("/dev/null")),
    }


def service_contracts(service: ServiceEntry) -> dict[str, str]:
    """Path (relative to `contracts/`) → file content, for every contract file of one service."""
    main = service.module("main")
    settings_module = service.module("settings")
    app = main.create_app(settings_module.Settings(**contract_settings()))
    events: list[type[EventData]] = service.module("events").EVENTS
    files = {f"{service.name}/openapi.json": _dump(app.openapi())}
    for model in events:
        files[f"events/{model.full_type()}.json"] = _dump(event_json_schema(model))
    files[f"events/{service.name}.asyncapi.json"] = _dump(asyncapi_document(service.name, app.version, events))
    # A service may publish more generated contracts, e.g. the JSON Schema of a file format's row.
    for relative, document in getattr(main, "extra_contracts", dict)().items():
        files[f"{service.name}/{relative}"] = _dump(document)
    return files
