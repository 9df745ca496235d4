"""RFC 9457 problem details, the one error shape of every service (NL API Design Rules, API-46).

Business rules raise a `Problem` subclass that carries its own status; one handler renders it.
Nothing else ever reaches the client: validation errors list every invalid field, and unexpected
errors say only that something went wrong, never a stack trace or SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from inburgering_kit.db import availability, database_unavailable

PROBLEM_JSON = "application/problem+json"

logger = logging.getLogger(__name__)


class InvalidParam(BaseModel):
    name: str = Field(description="Pad naar het ongeldige veld, bijvoorbeeld `contact.email`.")
    code: str = Field(description="Machineleesbare code van de fout.")
    reason: str = Field(description="Uitleg voor mensen.")


def _zonder_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class ProblemDetails(BaseModel):
    """The response body of every error (application/problem+json)."""

    # Extension members (RFC 9457 §3.2) a service adds through `Problem(extra=...)`: the ones the services send are
    # declared below, so the contract names them and a generated client can read them. Each is left out when it
    # does not apply, never sent as null: the contract shows the plain type, with no default.
    model_config = ConfigDict(extra="allow")

    type: str = Field(default="about:blank", description="URI die het soort fout aanduidt.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str | None = Field(default=None, description="Machineleesbare code van de fout.")
    invalidParams: list[InvalidParam] | None = None  # noqa: N815 - NL API field name
    bestaandeResource: Annotated[  # noqa: N815 - NL API field name
        str | None,
        WithJsonSchema(
            {
                "type": "string",
                "format": "uri-reference",
                "description": "Bij een 409 op een dubbele registratie: het pad van de resource die er al is.",
                "examples": ["/api/v1/inburgeraars/5b0c1a52-7c36-4b8e-9d0e-2f3c4a5b6c7d"],
            }
        ),
    ] = Field(default=None, json_schema_extra=_zonder_default)
    foutcode: Annotated[
        str | None,
        WithJsonSchema(
            {
                "type": "string",
                "description": "Bij een geweigerd bestand: machineleesbare reden waarom het bestand als geheel is "
                "geweigerd, bijvoorbeeld `bestand-leeg` of `te-veel-afgewezen`.",
                "examples": ["bestand-leeg"],
            }
        ),
    ] = Field(default=None, json_schema_extra=_zonder_default)
    regelsVersie: Annotated[  # noqa: N815 - NL API field name
        str | None,
        WithJsonSchema(
            {
                "type": "string",
                "description": "Bij een 422 op een regel: de versie van de regelset waaraan het verzoek is getoetst.",
            }
        ),
    ] = Field(default=None, json_schema_extra=_zonder_default)


class Problem(Exception):  # noqa: N818 - it is a problem, rendered as one
    """A business error. Subclasses set `status`, `code` and `title`."""

    status: int = 400
    code: str = "bad-request"
    title: str = "Ongeldig verzoek."

    def __init__(
        self,
        detail: str | None = None,
        *,
        invalid_params: Iterable[InvalidParam] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.invalid_params = list(invalid_params) if invalid_params is not None else None
        self.extra = extra or {}
        self.headers = headers or {}

    def to_details(self, instance: str | None = None) -> ProblemDetails:
        return ProblemDetails(
            type=f"https://inburgering.example/problemen/{self.code}",
            title=self.title,
            status=self.status,
            detail=self.detail,
            instance=instance,
            code=self.code,
            invalidParams=self.invalid_params,
            **self.extra,
        )


class NotAuthenticated(Problem):
    status = 401
    code = "niet-geauthenticeerd"
    title = "Geen geldige authenticatie."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


class Forbidden(Problem):
    status = 403
    code = "geen-toegang"
    title = "Onvoldoende rechten voor deze handeling."


class NotFound(Problem):
    status = 404
    code = "niet-gevonden"
    title = "De gevraagde resource bestaat niet."


class Conflict(Problem):
    status = 409
    code = "conflict"
    title = "Het verzoek conflicteert met de huidige toestand."


class Unprocessable(Problem):
    status = 422
    code = "onverwerkbaar"
    title = "Het verzoek is inhoudelijk niet te verwerken."


def invalid(name: str, reason: str, code: str = "invalid") -> InvalidParam:
    return InvalidParam(name=name, code=code, reason=reason)


def problem_response(details: ProblemDetails, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        details.model_dump(exclude_none=True),
        status_code=details.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _field_name(loc: tuple[int | str, ...], body: Any) -> str:
    """The path of the invalid field as the client wrote it.

    The first element of `loc` says where the value came from (body, query, header, path). Pydantic adds the
    tag of a discriminated union to the path (`plicht-vastgesteld.redenPlicht`); such a step does not exist
    in the request, so it is left out by walking the request body along the path.
    """
    if not loc:
        return "body"
    if loc[0] not in {"body", "query", "header", "path"}:
        return ".".join(str(p) for p in loc)
    parts: list[str] = []
    current = body if loc[0] == "body" else None
    steps = loc[1:]
    for index, step in enumerate(steps):
        last = index == len(steps) - 1
        if isinstance(current, dict) and isinstance(step, str) and step not in current and not last:
            continue  # a union tag
        parts.append(str(step))
        if isinstance(current, dict) and isinstance(step, str):
            current = current.get(step)
        elif isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current):
            current = current[step]
        else:
            current = None
    return ".".join(parts) or ("body" if loc[0] == "body" else str(loc[0]))


def _validation_params(exc: RequestValidationError) -> list[InvalidParam]:
    params: list[InvalidParam] = []
    for err in exc.errors():
        name = _field_name(tuple(err.get("loc", ())), exc.body)
        if str(err.get("type", "")).startswith("union_tag_"):
            # An unknown or missing discriminator: name the discriminator field itself.
            discriminator = str((err.get("ctx") or {}).get("discriminator", "")).strip("'\"")
            if discriminator:
                name = f"{name}.{discriminator}" if name != "body" else discriminator
        # Pydantic echoes the rejected input in its messages for some error kinds: the input may hold a BSN,
        # so only the message (which never repeats the input) is kept.
        params.append(
            InvalidParam(name=name, code=str(err.get("type", "invalid")), reason=str(err.get("msg", "ongeldig")))
        )
    return params


# Validation errors raised by our own validators (cross-field rules, the BSN 11-proef), not by the schema.
RULE_ERROR_TYPES = frozenset({"value_error", "assertion_error", "bsn_invalid"})

_STATUS_TITLES = {
    400: ("ongeldig-verzoek", "Ongeldig verzoek."),
    401: ("niet-geauthenticeerd", "Geen geldige authenticatie."),
    403: ("geen-toegang", "Onvoldoende rechten voor deze handeling."),
    404: ("niet-gevonden", "De gevraagde resource bestaat niet."),
    405: ("methode-niet-toegestaan", "Deze methode is voor deze resource niet toegestaan."),
    406: ("niet-acceptabel", "Het gevraagde formaat wordt niet ondersteund."),
    409: ("conflict", "Het verzoek conflicteert met de huidige toestand."),
    413: ("te-groot", "Het verzoek is te groot."),
    415: ("mediatype-niet-ondersteund", "Het mediatype van het verzoek wordt niet ondersteund."),
    422: ("onverwerkbaar", "Het verzoek is inhoudelijk niet te verwerken."),
    429: ("te-veel-verzoeken", "Te veel verzoeken."),
}


def _sqlstate(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    for candidate in (orig, getattr(orig, "__cause__", None)):
        state = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(state, str):
            return state
    return ""


def _allowed_methods(request: Request) -> list[str]:
    """Every method of every route on this path: Starlette's own 405 names only the first route's."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(request.scope)[0] != Match.NONE:
            methods.update(route_methods)
    return sorted(methods)


def unexpected_error_response(method: str, path: str) -> JSONResponse:
    """The 500 answer: the error is logged (with its traceback, BSN-masked), the client learns nothing of it."""
    logger.exception("onverwachte fout bij %s %s", method, path)
    return problem_response(
        ProblemDetails(
            type="https://inburgering.example/problemen/interne-fout",
            title="Er ging onverwacht iets mis.",
            status=500,
            detail="De fout is gelogd; probeer het later opnieuw.",
            instance=path,
            code="interne-fout",
        )
    )


# Seconds a client waits before trying again while the database is away: a restart takes a few.
RETRY_AFTER_S = 5


def unavailable_response(path: str) -> JSONResponse:
    """The 503 while the database is away: no traceback (the outage is logged once, see `db.Availability`)."""
    return problem_response(
        ProblemDetails(
            type="https://inburgering.example/problemen/tijdelijk-niet-beschikbaar",
            title="De dienst is tijdelijk niet beschikbaar.",
            status=503,
            detail=f"De database is niet bereikbaar; probeer het over {RETRY_AFTER_S} seconden opnieuw.",
            instance=path,
            code="tijdelijk-niet-beschikbaar",
        ),
        {"Retry-After": str(RETRY_AFTER_S)},
    )


def server_error_response(method: str, path: str, exc: BaseException) -> JSONResponse:
    """The answer to an exception no handler claimed: 503 when the database is away, else the 500."""
    if database_unavailable(exc):
        availability.lost(exc)
        return unavailable_response(path)
    return unexpected_error_response(method, path)


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc.to_details(request.url.path), exc.headers)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        params = _validation_params(exc)
        # 400: the request does not match the contract. 422: it matches the contract but breaks a rule the
        # schema cannot express (a check digit, a combination of fields), named in `invalidParams`.
        semantic = all(p.code in RULE_ERROR_TYPES for p in params)
        details = ProblemDetails(
            type="https://inburgering.example/problemen/ongeldige-invoer",
            title="Een of meer velden zijn ongeldig.",
            status=422 if semantic else 400,
            detail=f"{len(params)} ongeldig(e) veld(en): " + ", ".join(p.name for p in params),
            instance=request.url.path,
            code="ongeldige-invoer",
            invalidParams=params,
        )
        return problem_response(details)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code, title = _STATUS_TITLES.get(exc.status_code, ("fout", "Het verzoek kon niet worden verwerkt."))
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
        headers = dict(exc.headers) if exc.headers else {}
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return problem_response(
            ProblemDetails(
                type=f"https://inburgering.example/problemen/{code}",
                title=title,
                status=exc.status_code,
                detail=detail,
                instance=request.url.path,
                code=code,
            ),
            headers or None,
        )

    async def on_data_error(request: Request, exc: Exception) -> JSONResponse:
        # SQLSTATE class 22 (data exception): a value the database cannot hold, such as a NUL character.
        # The contract should have refused it already; if it slipped through it is still the client's input.
        if _sqlstate(exc).startswith("22"):
            logger.warning("waarde geweigerd door de database bij %s %s", request.method, request.url.path)
            return problem_response(
                ProblemDetails(
                    type="https://inburgering.example/problemen/ongeldige-invoer",
                    title="Een of meer velden zijn ongeldig.",
                    status=400,
                    detail="Een waarde bevat tekens die niet kunnen worden opgeslagen.",
                    instance=request.url.path,
                    code="ongeldige-invoer",
                )
            )
        return await on_unexpected(request, exc)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        return server_error_response(request.method, request.url.path, exc)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(DBAPIError, on_data_error)
