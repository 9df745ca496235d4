"""The application factory every service uses: NL API Design Rules behaviour in one place.

- every route under `/api/v{major}`; `/openapi.json` without authentication;
- `API-Version` and the security headers on every response, `traceparent` continued;
- a trailing slash is a 404, never a redirect;
- errors as application/problem+json (see `problems`);
- liveness and readiness (database + NATS) at `/health/live` and `/health/ready`;
- the outbox relay running beside the API unless configured to run elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from nats.aio.client import Client as NatsClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inburgering_kit import tracing
from inburgering_kit.audit import Verwerkingslog, verwerkingen_router
from inburgering_kit.auth import TokenVerifier
from inburgering_kit.db import Database
from inburgering_kit.events import source_urn
from inburgering_kit.health import unhealthy_loops
from inburgering_kit.idempotency import REPLAY_HEADER
from inburgering_kit.logs import configure_logging
from inburgering_kit.outbox import EventPublisher, connect_nats, relay_database, service_relay
from inburgering_kit.problems import (
    NotAuthenticated,
    Problem,
    ProblemDetails,
    install_problem_handlers,
    invalid,
    problem_response,
    server_error_response,
)
from inburgering_kit.request_bounds import (
    BODY_LIMIT_EXTENSION,
    RequestBoundsMiddleware,
    reject_unacceptable_media_types,
)
from inburgering_kit.settings import ServiceSettings

logger = logging.getLogger(__name__)

SECURITY_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"referrer-policy", b"no-referrer"),
]


class NlApiMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): headers on every response, trace context, trailing slashes."""

    def __init__(self, app: ASGIApp, api_version: str) -> None:
        self.app = app
        self.headers = [(b"api-version", api_version.encode()), *SECURITY_HEADERS]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        traceparent = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"traceparent"), None)
        trace = tracing.new_span(traceparent)
        token = tracing.current_trace.set(trace)
        extra = [*self.headers, (b"traceparent", trace.traceparent.encode())]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            path: str = scope["path"]
            if len(path) > 1 and path.endswith("/"):
                response = problem_response(
                    ProblemDetails(
                        type="https://inburgering.example/problemen/niet-gevonden",
                        title="De gevraagde resource bestaat niet.",
                        status=404,
                        detail="Paden eindigen nooit op een slash.",
                        instance=path,
                        code="niet-gevonden",
                    )
                )
                await response(scope, receive, send_with_headers)
                return
            started = False

            async def tracking_send(message: Message) -> None:
                nonlocal started
                started = started or message["type"] == "http.response.start"
                await send_with_headers(message)

            try:
                await self.app(scope, receive, tracking_send)
            except Exception as exc:
                # Rendered here rather than by Starlette's outermost error middleware, so a 500 (or the 503 while
                # the database is away) carries the same headers as every other answer. Nothing can be sent once a
                # response has started.
                if started:
                    raise
                await server_error_response(scope["method"], path, exc)(scope, receive, send_with_headers)
        finally:
            tracing.current_trace.reset(token)


def _query_names(dependant: Any) -> set[str]:
    names = {f.alias for f in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


_KNOWN_QUERY: dict[int, frozenset[str]] = {}


async def reject_unknown_query_parameters(request: Request) -> None:
    """A misspelt filter (`?doelgroup=...`) must not silently return everything: unknown keys are a 400."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.query_params:
        return
    if {"access_token", "token"} & set(request.query_params):
        # RFC 6750 §5.3 / NL GOV OAuth: a token in a URL is refused as an authentication failure.
        raise NotAuthenticated("tokens in de query string worden niet geaccepteerd")
    known = _KNOWN_QUERY.get(id(route))
    if known is None:
        known = _KNOWN_QUERY[id(route)] = frozenset(_query_names(dependant))
    unknown = sorted({k for k in request.query_params if k not in known})
    if unknown:
        raise UnknownQueryParameter(
            f"Onbekende queryparameter(s): {', '.join(unknown) or '(leeg)'}",
            invalid_params=[
                invalid(k or "(leeg)", "deze parameter kent deze operatie niet", "onbekend") for k in unknown
            ],
        )


class UnknownQueryParameter(Problem):
    status = 400
    code = "onbekende-parameter"
    title = "Het verzoek bevat een onbekende queryparameter."


@dataclass(frozen=True)
class Link:
    """An OpenAPI link: the `status` answer of operation `source` gives the `parameters` of operation `target`
    (runtime expressions such as `$response.body#/id`). Clients and the stateful contract test follow them."""

    source: str  # operationId
    target: str  # operationId
    parameters: Mapping[str, str]
    status: str = "201"


@dataclass
class ServiceDefinition:
    """What a service hands to the factory."""

    name: str  # e.g. "inburgeraar-api": source of its events, OpenAPI title
    title: str
    description: str
    version: str  # full semantic version of the API; its major is in the path
    routers: Sequence[APIRouter]
    background: Sequence[Callable[[FastAPI, asyncio.Event], Coroutine[Any, Any, None]]] = field(default_factory=list)
    # Declared here, in one place per service, rather than on the routes: see `Link`.
    links: Sequence[Link] = ()

    @property
    def major(self) -> str:
        return self.version.split(".", 1)[0]

    @property
    def prefix(self) -> str:
        return f"/api/v{self.major}"


def create_app(definition: ServiceDefinition, settings: ServiceSettings) -> FastAPI:
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings.database_url, pool_size=settings.database_pool_size)
        app.state.database = database
        app.state.nats = None
        stop = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []
        relay_db: Database | None = None
        if settings.run_relay and settings.nats_url:
            relay_db = relay_database(settings.database_url)
            relay = service_relay(relay_db, settings)
            tasks.append(asyncio.create_task(relay.run(stop), name="outbox-relay"))
        tasks.extend(asyncio.create_task(job(app, stop)) for job in definition.background)
        # What exists now (routes, schemas and their validators, the ORM's metadata) lives as long as the process.
        # Frozen, it is out of the collector's way: a full collection scans only what requests leave behind.
        # Measured in pip-api at 500 req/s: without this a full collection every second, each a 50-85 ms pause.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            stop.set()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.wait_for(task, timeout=5)
            nc: NatsClient | None = app.state.nats
            if nc is not None and not nc.is_closed:
                with contextlib.suppress(Exception):
                    await nc.close()
            if relay_db is not None:
                await relay_db.dispose()
            await database.dispose()

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version=definition.version,
        openapi_url="/openapi.json",
        docs_url=f"{definition.prefix}/docs",
        redoc_url=None,
        lifespan=lifespan,
        separate_input_output_schemas=True,
        dependencies=[Depends(reject_unknown_query_parameters), Depends(reject_unacceptable_media_types)],
    )
    app.router.redirect_slashes = False
    app.state.settings = settings
    app.state.api_prefix = definition.prefix
    app.state.token_verifier = TokenVerifier(settings.auth)
    app.state.verwerkingslog = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode())
    app.state.publisher = EventPublisher(
        source=source_urn(settings.oin, definition.name), public_base_url=settings.public_base_url
    )
    install_problem_handlers(app)
    for router in [*definition.routers, verwerkingen_router()]:
        app.include_router(router, prefix=definition.prefix)
    _install_health(app)
    # Added before NlApiMiddleware, so inside it: whatever escapes it still gets the kit's headers.
    app.add_middleware(RequestBoundsMiddleware)
    app.add_middleware(NlApiMiddleware, api_version=definition.version)
    app.openapi = lambda: _openapi(app, definition)  # type: ignore[method-assign]
    return app


def _install_health(app: FastAPI) -> None:
    @app.get("/health/live", include_in_schema=False)
    async def live() -> JSONResponse:
        # The loops running beside the API (relay, consumers, jobs) are part of it: one that stopped turning or
        # gave up gets the process restarted.
        stuck = unhealthy_loops()
        if stuck:
            return JSONResponse({"status": "niet-gezond", "loops": stuck}, status_code=503)
        return JSONResponse({"status": "ok"})

    @app.get("/health/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(app.state.database.ping(), timeout=2)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = type(exc).__name__
        # A service without an event bus (empty `nats_url`) is ready without NATS.
        if app.state.settings.nats_url:
            checks["nats"] = await _nats_check(app)
        healthy = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if healthy else "niet-gereed", "checks": checks},
            status_code=200 if healthy else 503,
        )


async def _nats_check(app: FastAPI) -> str:
    try:
        nc: NatsClient | None = app.state.nats
        if nc is None or nc.is_closed:
            # A first connect to a NATS that is down retries for ever (reconnects are unlimited): bounded here,
            # so readiness answers 503 instead of hanging the probe.
            nc = await asyncio.wait_for(connect_nats(app.state.settings.nats_url, name="readiness"), timeout=2)
            app.state.nats = nc
        return "ok" if nc.is_connected else "verbinding-verbroken"
    except Exception as exc:
        return type(exc).__name__


# ---- OpenAPI, shaped to the NL API Design Rules (shared/standards/adr-ruleset.yaml) ----

_PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}
_API_VERSION_HEADER = {
    "API-Version": {
        "description": "De volledige versie van de API (semantic versioning).",
        "schema": {"type": "string", "example": "1.0.0"},
    }
}
_ERROR_TEXT = {
    "400": "Ongeldige invoer; `invalidParams` noemt elk ongeldig veld.",
    "401": "Geen of geen geldig bearer-token.",
    "403": "Het token mist de vereiste scope.",
    "404": "Bestaat niet, of hoort bij een andere gemeente.",
    "406": "Geen van de mediatypes in `Accept` kan worden geleverd.",
    "409": "Conflicteert met de huidige toestand.",
    "413": "De body is groter dan deze operatie aanneemt.",
    "422": "Inhoudelijk niet toegestaan; de fout noemt de regel en haar bron.",
    "500": "Onverwachte fout.",
    "503": "Tijdelijk niet beschikbaar (de database is even weg); probeer het na `Retry-After` seconden opnieuw.",
}
_RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Na hoeveel seconden een nieuwe poging zin heeft.",
        "schema": {"type": "integer", "example": 5},
    }
}
_REPLAY_HEADER = {
    REPLAY_HEADER: {
        "description": "`true` als dit het bewaarde antwoord is op een eerder verzoek met dezelfde `Idempotency-Key` "
        "en dezelfde inhoud: er is niets opnieuw uitgevoerd. Ontbreekt bij een verzoek dat nu is verwerkt.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
_KEY_EXPIRED_RETRY_AFTER = {
    "Retry-After": {
        "description": "Alleen bij `idempotency-key-verlopen`: het bewaarde antwoord is net verwijderd; stuur het "
        "verzoek na zoveel seconden opnieuw, het wordt dan als nieuw verzoek verwerkt.",
        "schema": {"type": "integer", "example": 1},
    }
}


def _openapi(app: FastAPI, definition: ServiceDefinition) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        separate_input_output_schemas=True,
    )
    schema["info"]["contact"] = {
        "name": "Beheerteam inburgering",
        "url": "https://inburgering.example/contact",
        "email": "beheer@inburgering.example",
    }
    schema["servers"] = [{"url": definition.prefix, "description": "Deze API, relatief aan de host."}]
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["ProblemDetails"] = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas["InvalidParam"] = schemas["ProblemDetails"].pop("$defs")["InvalidParam"]
    paths: dict[str, Any] = {}
    for path, item in schema.get("paths", {}).items():
        # Paths are relative to the server URL, which carries the major version.
        relative = path[len(definition.prefix) :] if path.startswith(definition.prefix) else path
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            _shape_operation(method, relative, operation)
        paths[relative or "/"] = item
    schema["paths"] = paths
    _add_links(paths, definition.links)
    schema = _pascal_case_generic_names(schema)
    _collapse_nullable(schema)
    app.openapi_schema = schema
    return schema


def _add_links(paths: dict[str, Any], links: Sequence[Link]) -> None:
    """A link whose operation, answer or parameter no longer exists fails the generation: a route refactored away
    must not leave a dangling link in the contract."""
    operations = {
        operation["operationId"]: operation
        for item in paths.values()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"} and "operationId" in operation
    }
    for link in links:
        source, target = operations.get(link.source), operations.get(link.target)
        if source is None or target is None:
            raise ValueError(f"link {link.source} -> {link.target}: unknown operationId")
        response = source["responses"].get(link.status)
        if response is None:
            raise ValueError(f"link {link.source} -> {link.target}: {link.source} has no {link.status} answer")
        known = {p["name"] for p in target.get("parameters", [])}
        if unknown := sorted(set(link.parameters) - known):
            raise ValueError(f"link {link.source} -> {link.target}: {link.target} has no parameter {unknown}")
        response.setdefault("links", {})[link.target] = {
            "operationId": link.target,
            "parameters": dict(link.parameters),
        }


def _collapse_nullable(node: Any) -> None:
    """`anyOf: [{type: string, format: date}, {type: null}]` becomes `type: [string, "null"], format: date`:
    the same in OpenAPI 3.1, simpler for client generators, and the format stays visible to linters."""
    if isinstance(node, list):
        for item in node:
            _collapse_nullable(item)
        return
    if not isinstance(node, dict):
        return
    options = node.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        other = next(o for o in options if o != {"type": "null"})
        if isinstance(other.get("type"), str) and "$ref" not in other:
            del node["anyOf"]
            node.update({**other, "type": [other["type"], "null"]})
    for value in node.values():
        _collapse_nullable(value)


def _pascal_case_generic_names(schema: dict[str, Any]) -> dict[str, Any]:
    """`Page_InburgeraarRead_` (pydantic's name for `Page[InburgeraarRead]`) becomes `InburgeraarReadPage`:
    schema names are PascalCase under the NL API Design Rules."""
    renames = {}
    for name in schema.get("components", {}).get("schemas", {}):
        match = re.fullmatch(r"([A-Za-z0-9]+)_([A-Za-z0-9]+)_", name)
        if match:
            renames[name] = match.group(2) + match.group(1)
    if not renames:
        return schema
    text = json.dumps(schema)
    for old, new in renames.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    renamed: dict[str, Any] = json.loads(text)
    schemas = renamed["components"]["schemas"]
    for old, new in renames.items():
        schemas[new] = schemas.pop(old)
        schemas[new]["title"] = new
    return renamed


def _shape_operation(method: str, path: str, operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        # An optional parameter is absent, never "null": a client cannot send null in a query or header.
        schema = parameter.get("schema", {})
        options = schema.get("anyOf")
        if isinstance(options, list) and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            del schema["anyOf"]
            if len(rest) == 1:
                schema.update(rest[0])
            else:
                schema["anyOf"] = rest
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)
    for status, response in responses.items():
        if status.startswith(("2", "3")):
            response.setdefault("headers", {}).update(_API_VERSION_HEADER)
    codes = ["400", "406", "500", "503"]
    operation.pop(BODY_LIMIT_EXTENSION, None)
    if "requestBody" in operation:
        codes.append("413")
    if operation.get("security"):
        codes += ["401", "403"]
    if "{" in path:
        codes.append("404")
    if method in {"post", "put", "patch", "delete"}:
        codes += ["409", "422"]
    codes += [c for c in operation.pop("x-problems", [])]
    for code in sorted(set(codes)):
        responses.setdefault(
            code,
            {
                "description": _ERROR_TEXT.get(code, "Fout."),
                "content": {"application/problem+json": {"schema": _PROBLEM_REF}},
            },
        )
    responses["503"].setdefault("headers", {}).update(_RETRY_AFTER_HEADER)
    _document_replays(operation)


def _document_replays(operation: dict[str, Any]) -> None:
    """Wherever a route takes an Idempotency-Key (the kit's dependency or a route's own), a retry may get the stored
    answer: each success says how it is marked, and the 409 of a key whose answer just expired when to retry."""
    if not any(
        p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key"
        for p in operation.get("parameters", [])
    ):
        return
    for status, response in operation["responses"].items():
        if status.startswith("2"):
            response.setdefault("headers", {}).update(_REPLAY_HEADER)
    if "409" in operation["responses"]:
        operation["responses"]["409"].setdefault("headers", {}).update(_KEY_EXPIRED_RETRY_AFTER)
