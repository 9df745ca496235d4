"""The werkplek's app factory. Not the kit's `create_app`: that one is for an API with a database, a NATS
connection and a contract; the werkplek has none of the three (see `settings`). It shares the kit's security
headers, trace context and HTML pieces."""

from __future__ import annotations

import logging
import ssl
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from functools import cache
from importlib import resources

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inburgering_kit import tracing
from inburgering_kit.app import SECURITY_HEADERS
from inburgering_kit.auth import TokenVerifier
from inburgering_kit.html import stylesheet
from inburgering_kit.logs import configure_logging
from werkplek import aanmelden, acties, monitoring, paginas, verhuizing
from werkplek.bronnen import Bronnen
from werkplek.oidc import Provider
from werkplek.sessie import Kluis
from werkplek.settings import Settings
from werkplek.toegang import CSP
from werkplek.weergave import PREFIX, foutpagina

logger = logging.getLogger(__name__)


class Beveiliging:
    """Pure ASGI: the kit's security headers and trace context on every answer, and an error that escapes a page
    as a page (never a stack trace)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        traceparent = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"traceparent"), None)
        token = tracing.current_trace.set(tracing.new_span(traceparent))
        started = False

        async def send_met_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                bestaand = {k for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((k, v) for k, v in SECURITY_HEADERS if k not in bestaand),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_met_headers)
        except Exception:
            if started:
                raise
            logger.exception("page failed")
            tekst = "Er ging iets mis bij het tonen van deze pagina. Probeer het later opnieuw."
            response = Response(
                foutpagina(500, "Er ging iets mis", tekst, None),
                500,
                media_type="text/html",
                headers={"Content-Security-Policy": CSP},
            )
            await response(scope, receive, send_met_headers)
        finally:
            tracing.current_trace.reset(token)


def create_app(
    settings: Settings | None = None, transports: Mapping[str, httpx.AsyncBaseTransport] | None = None
) -> FastAPI:
    """`transports`: per API (and `oidc`), for tests that stand in for a service without a network."""
    settings = settings or Settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.bronnen = Bronnen(
            settings.bronnen.model_dump(), settings.bron_timeout_seconden, transports, _tls(settings)
        )
        app.state.oidc = Provider(settings.oidc, (transports or {}).get("oidc")) if settings.oidc else None
        try:
            yield
        finally:
            await app.state.bronnen.sluit()
            if app.state.oidc is not None:
                await app.state.oidc.sluit()

    app = FastAPI(title="Werkplek inburgering", openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan)
    app.router.redirect_slashes = False
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier(settings.auth)
    app.state.kluis = Kluis(
        settings.sessie_sleutel.get_secret_value(),
        inactief_seconden=settings.sessie_inactief_minuten * 60,
        max_seconden=settings.sessie_max_uren * 3600,
    )

    @app.get("/", include_in_schema=False)
    async def wortel() -> RedirectResponse:
        return RedirectResponse(PREFIX, status_code=303)

    @app.get(f"{PREFIX}/static/werkplek.css", include_in_schema=False)
    async def stylesheet() -> Response:
        return Response(_css(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    @app.get("/health/live", include_in_schema=False)
    async def live() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/health/ready", include_in_schema=False)
    async def ready(request: Request) -> JSONResponse:
        # Nothing of its own to wait for (no database, no NATS); an API that is down is shown per page part, so
        # it must not take the werkplek out of the load balancer.
        return JSONResponse({"status": "ok", "checks": {}})

    for router in (aanmelden.router, paginas.router, acties.router, verhuizing.router, monitoring.router):
        app.include_router(router)

    @app.exception_handler(StarletteHTTPException)
    async def als_pagina(request: Request, exc: StarletteHTTPException) -> Response:
        # An address no page has (or a method it does not take): a page that says so, not the framework's JSON.
        titel, tekst = (
            ("Pagina niet gevonden", "Deze pagina bestaat niet.")
            if exc.status_code == 404
            else ("Niet mogelijk", "Deze handeling kan op deze pagina niet.")
        )
        return Response(
            foutpagina(exc.status_code, titel, tekst, None),
            exc.status_code,
            media_type="text/html",
            headers={"Content-Security-Policy": CSP},
        )

    app.add_middleware(Beveiliging)
    return app


def _tls(settings: Settings) -> dict[str, ssl.SSLContext]:
    """A client context per API under mutual TLS: our certificate, and trust in that API's CA only."""
    contexten = {}
    for naam, mtls in settings.bronnen_mtls.items():
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(mtls.ca_file))
        context.load_cert_chain(str(mtls.cert_file), str(mtls.key_file))
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        contexten[naam] = context
    return contexten


@cache
def _css() -> bytes:
    return stylesheet(resources.files("werkplek").joinpath("static/werkplek.css").read_text(encoding="utf-8"))
