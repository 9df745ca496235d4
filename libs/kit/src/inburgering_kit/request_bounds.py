"""Bounds on what a request may make a service do before its route runs.

- A route that needs a bearer token refuses a request without a valid one before a byte of its body is read:
  FastAPI reads (and parses) the body before it resolves the route's dependencies, so without this an anonymous
  200 MB JSON costs its full size in memory before the 401.
- Every body is capped per route, counted as it arrives (a declared `Content-Length` above the cap is refused at
  once, a chunked body when it passes the cap); nothing above the cap is ever buffered. 413 problem+json.
- An `Accept` that excludes JSON, problem+json and every type the route declares is a 406, not JSON regardless
  (an app dependency: it needs the route, which only the router knows).

A route raises its cap with `openapi_extra={"x-body-limit": ...}`: a number of bytes, or the name of a setting of
the service that holds it (the extension is left out of the OpenAPI document).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import anyio.to_thread
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inburgering_kit.auth import REQUIRES_TOKEN, bearer_token, get_verifier
from inburgering_kit.problems import NotAuthenticated

__all__ = [
    "BODY_LIMIT_EXTENSION",
    "DEFAULT_MAX_BODY_BYTES",
    "BodyTooLarge",
    "RequestBoundsMiddleware",
    "reject_unacceptable_media_types",
]

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
BODY_LIMIT_EXTENSION = "x-body-limit"

# Always acceptable: a JSON answer, and the problem+json every route may answer with.
_ALWAYS = ("application/json", "application/problem+json")


@dataclass(frozen=True)
class _RouteBounds:
    requires_token: bool
    max_body_bytes: int


class BodyTooLarge(StarletteHTTPException):
    """Raised from `receive`: an HTTPException, so FastAPI's body parsing lets it through to the 413 handler."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Hoogstens {limit} bytes per verzoek.")


def _requires_token(dependant: Dependant) -> bool:
    return getattr(dependant.call, REQUIRES_TOKEN, False) or any(_requires_token(d) for d in dependant.dependencies)


def _reads_accept(dependant: Dependant) -> bool:
    return any(p.alias.lower() == "accept" for p in dependant.header_params) or any(
        _reads_accept(d) for d in dependant.dependencies
    )


def _media_types(route: APIRoute) -> frozenset[str]:
    types = {t.split(";", 1)[0].strip().lower() for t in _ALWAYS}
    declared = getattr(route.response_class, "media_type", None)
    if isinstance(declared, str):
        types.add(declared.lower())
    for response in (route.responses or {}).values():
        types.update(str(t).lower() for t in (response.get("content") or {}))
    return frozenset(types)


@lru_cache(maxsize=512)
def _accept_ranges(accept: str) -> tuple[str, ...] | None:
    """The media ranges the client accepts (q > 0); None when it accepts JSON anyway, the common case."""
    ranges: list[str] = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append(media.lower())
    if not ranges:
        # `Accept:` with nothing acceptable in it is read like a missing header (RFC 9110 §12.5.1 allows either).
        return None
    if any(_matches(r, t) for r in ranges for t in _ALWAYS):
        return None
    return tuple(ranges)


def _matches(media_range: str, media_type: str) -> bool:
    if media_range in {"*/*", media_type}:
        return True
    kind, _, sub = media_range.partition("/")
    return sub == "*" and media_type.startswith(f"{kind}/")


class RequestBoundsMiddleware:
    """Pure ASGI, inside `NlApiMiddleware` so its answers carry the same headers as every other.

    The checks run when the app first asks for the body, not before: by then the router has put the route in the
    scope (FastAPI's routing is not something to repeat here), and nothing of the body has been read yet. What they
    refuse they raise as an HTTPException, which FastAPI's body parsing passes on to the problem handlers.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self._bounds: dict[int, _RouteBounds] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit: int | None = None
        received = 0

        async def bounded_receive() -> Message:
            nonlocal limit, received
            if limit is None:
                limit = await self._admit(scope)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, bounded_receive, send)

    async def _admit(self, scope: Scope) -> int:
        """The body cap of this request's route, once its token (if it needs one) and declared length pass."""
        bounds = self._route_bounds(scope)
        if bounds.requires_token:
            request = Request(scope)
            try:
                token = bearer_token(request)
                verifier = get_verifier(request)
                if verifier.cached(token) is None:
                    await anyio.to_thread.run_sync(verifier.verify, token)
            except NotAuthenticated as exc:
                # Rendered by the HTTPException handler as the same niet-geauthenticeerd problem.
                raise StarletteHTTPException(401, exc.detail, headers=exc.headers) from None
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > bounds.max_body_bytes:
                    raise BodyTooLarge(bounds.max_body_bytes)
        return bounds.max_body_bytes

    def _route_bounds(self, scope: Scope) -> _RouteBounds:
        route = scope.get("route")
        if not isinstance(route, APIRoute):
            return _RouteBounds(requires_token=False, max_body_bytes=self.max_body_bytes)
        bounds = self._bounds.get(id(route))
        if bounds is None:
            limit: Any = (route.openapi_extra or {}).get(BODY_LIMIT_EXTENSION, self.max_body_bytes)
            if isinstance(limit, str):
                limit = getattr(scope["app"].state.settings, limit)
            bounds = self._bounds[id(route)] = _RouteBounds(_requires_token(route.dependant), int(limit))
        return bounds


def reject_unacceptable_media_types(request: Request) -> None:
    """App dependency: an `Accept` that excludes JSON, problem+json and every type the route declares is a 406."""
    accept = request.headers.get("accept")
    if not accept:
        return
    ranges = _accept_ranges(accept)
    route = request.scope.get("route")
    # The versioned API only: the portal's pages, the docs and /openapi.json are not negotiated.
    if ranges is None or not isinstance(route, APIRoute) or not route.include_in_schema:
        return
    if _reads_accept(route.dependant):
        # The route takes Accept as a parameter of its own (the beschikking: PDF or HTML): it negotiates itself.
        return
    types = _media_types(route)
    if not any(_matches(r, t) for r in ranges for t in types):
        raise StarletteHTTPException(406, f"Deze operatie levert: {', '.join(sorted(types))}.")
