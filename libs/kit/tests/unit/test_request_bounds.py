import json
from collections.abc import AsyncIterator, MutableMapping
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, FastAPI, Header, Request, Security
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from inburgering_kit.auth import (
    AuthSettings,
    Principal,
    TokenVerifier,
    generate_dev_keypair,
    mint_token,
    require_scopes,
)
from inburgering_kit.problems import install_problem_handlers
from inburgering_kit.request_bounds import (
    DEFAULT_MAX_BODY_BYTES,
    RequestBoundsMiddleware,
    reject_unacceptable_media_types,
)

ISSUER = "https://idp.test"
AUDIENCE = "test-api"
PREFIX = "/api/v1"
CHUNK = 64 * 1024
UPLOAD_MAX = 4 * 1024 * 1024


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return generate_dev_keypair(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def token(keys: tuple[Path, Path]) -> str:
    return mint_token(
        keys[0].read_bytes(),
        issuer=ISSUER,
        audience=AUDIENCE,
        client_id="c",
        scopes=["schrijven"],
        gemeente_code="0363",
    )


class Invoer(BaseModel):
    naam: str


@pytest.fixture(scope="module")
def app(keys: tuple[Path, Path]) -> FastAPI:
    app = FastAPI(dependencies=[Depends(reject_unacceptable_media_types)])
    install_problem_handlers(app)
    app.state.token_verifier = TokenVerifier(AuthSettings(issuers=[ISSUER], audience=AUDIENCE, public_key_file=keys[1]))
    app.state.settings = SimpleNamespace(upload_max_bytes=UPLOAD_MAX)
    router = APIRouter()
    Schrijven = Annotated[Principal, Security(require_scopes("schrijven"))]  # noqa: N806 - a type alias

    @router.post("/dingen")
    async def maak(invoer: Invoer, _: Schrijven) -> dict[str, str]:
        return {"naam": invoer.naam}

    @router.post("/openbaar")
    async def openbaar(invoer: Invoer) -> dict[str, str]:
        return {"naam": invoer.naam}

    @router.post("/bestanden", openapi_extra={"x-body-limit": "upload_max_bytes"})
    async def upload(request: Request, _: Schrijven) -> dict[str, int]:
        grootte = 0
        async for chunk in request.stream():
            grootte += len(chunk)
        return {"grootte": grootte}

    @router.get("/ding")
    async def lees() -> dict[str, str]:
        return {"naam": "x"}

    @router.get(
        "/document",
        response_class=HTMLResponse,
        responses={200: {"content": {"text/html": {}, "application/pdf": {}}}},
    )
    async def document() -> HTMLResponse:
        return HTMLResponse("<p>ok</p>")

    @router.get("/eigen-keuze")
    async def eigen_keuze(accept: Annotated[str | None, Header()] = None) -> dict[str, str | None]:
        return {"accept": accept}

    app.include_router(router, prefix=PREFIX)

    @app.get("/portaal", response_class=HTMLResponse, include_in_schema=False)
    async def portaal() -> HTMLResponse:
        return HTMLResponse("<p>portaal</p>")

    app.add_middleware(RequestBoundsMiddleware)
    return app


class Call:
    """Drives the ASGI app by hand, so the test sees exactly how many body bytes the app pulled."""

    def __init__(self, size: int, *, chunked: bool = False, body: bytes | None = None) -> None:
        self.body = body
        self.size = len(body) if body is not None else size
        self.chunked = chunked
        self.pulled = 0
        self.messages: list[dict[str, Any]] = []

    async def _chunks(self) -> AsyncIterator[bytes]:
        if self.body is not None:
            yield self.body
            return
        sent = 0
        while sent < self.size:
            n = min(CHUNK, self.size - sent)
            sent += n
            yield b"x" * n

    async def run(self, app: FastAPI, path: str, headers: dict[str, str], method: str = "POST") -> tuple[int, Any]:
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        raw.append((b"transfer-encoding", b"chunked") if self.chunked else (b"content-length", str(self.size).encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": raw,
            "client": ("127.0.0.1", 1),
            "server": ("test", 80),
        }
        chunks = self._chunks()
        done = False

        async def receive() -> dict[str, Any]:
            nonlocal done
            if done:
                return {"type": "http.disconnect"}
            try:
                chunk = await anext(chunks)
            except StopAsyncIteration:
                done = True
                return {"type": "http.request", "body": b"", "more_body": False}
            self.pulled += len(chunk)
            return {"type": "http.request", "body": chunk, "more_body": True}

        async def send(message: MutableMapping[str, Any]) -> None:
            self.messages.append(dict(message))

        await app(scope, receive, send)
        start = next(m for m in self.messages if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in self.messages if m["type"] == "http.response.body")
        self.headers = {k.decode(): v.decode() for k, v in start["headers"]}
        return start["status"], json.loads(body) if body.startswith(b"{") else body


HUGE = 200 * 1024 * 1024


@pytest.mark.parametrize("chunked", [False, True])
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nep.nep.nep"}, {"Authorization": "Basic eDp5"}],
    ids=["geen", "ongeldig", "basic"],
)
async def test_huge_body_without_valid_token_is_401_unread(
    app: FastAPI, chunked: bool, headers: dict[str, str]
) -> None:
    call = Call(HUGE, chunked=chunked)
    status, body = await call.run(app, f"{PREFIX}/dingen", {"Content-Type": "application/json", **headers})
    assert status == 401
    assert body["code"] == "niet-geauthenticeerd"
    assert call.headers["content-type"] == "application/problem+json"
    assert "www-authenticate" in call.headers
    assert call.pulled == 0


async def test_oversize_declared_body_with_token_is_413_unread(app: FastAPI, token: str) -> None:
    call = Call(DEFAULT_MAX_BODY_BYTES + 1)
    status, body = await call.run(
        app, f"{PREFIX}/dingen", {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    )
    assert status == 413
    assert body["code"] == "te-groot"
    assert call.headers["content-type"] == "application/problem+json"
    assert call.pulled == 0


async def test_oversize_chunked_body_with_token_is_413_read_no_further_than_the_cap(app: FastAPI, token: str) -> None:
    call = Call(HUGE, chunked=True)
    status, body = await call.run(
        app, f"{PREFIX}/dingen", {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    )
    assert status == 413
    assert body["code"] == "te-groot"
    assert call.headers["content-type"] == "application/problem+json"
    assert call.pulled <= DEFAULT_MAX_BODY_BYTES + CHUNK


async def test_oversize_body_on_a_public_route_is_413(app: FastAPI) -> None:
    call = Call(HUGE, chunked=True)
    status, _ = await call.run(app, f"{PREFIX}/openbaar", {"Content-Type": "application/json"})
    assert status == 413
    assert call.pulled <= DEFAULT_MAX_BODY_BYTES + CHUNK


@pytest.mark.parametrize("chunked", [False, True])
async def test_body_within_the_cap_passes(app: FastAPI, token: str, chunked: bool) -> None:
    naam = "a" * (DEFAULT_MAX_BODY_BYTES - 100)
    call = Call(0, chunked=chunked, body=json.dumps({"naam": naam}).encode())
    status, body = await call.run(
        app, f"{PREFIX}/dingen", {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    )
    assert status == 200
    assert body == {"naam": naam}


@pytest.mark.parametrize("chunked", [False, True])
async def test_upload_route_has_its_own_cap_from_settings(app: FastAPI, token: str, chunked: bool) -> None:
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    call = Call(UPLOAD_MAX, chunked=chunked)
    status, body = await call.run(app, f"{PREFIX}/bestanden", auth)
    assert (status, body) == (200, {"grootte": UPLOAD_MAX})
    call = Call(HUGE, chunked=chunked)
    status, body = await call.run(app, f"{PREFIX}/bestanden", auth)
    assert status == 413
    assert body["code"] == "te-groot"
    assert call.pulled <= UPLOAD_MAX + CHUNK
    call = Call(HUGE, chunked=chunked)
    status, _ = await call.run(app, f"{PREFIX}/bestanden", {"Content-Type": "text/csv"})
    assert status == 401
    assert call.pulled == 0


# --- Accept ---


async def get(app: FastAPI, path: str, accept: str | None) -> tuple[int, Any, dict[str, str]]:
    call = Call(0, body=b"")
    headers = {} if accept is None else {"Accept": accept}
    status, body = await call.run(app, path, headers, method="GET")
    return status, body, call.headers


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/problem+json",
        "application/*",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "application/xml, application/json;q=0.1",
        "",
    ],
)
async def test_acceptable(app: FastAPI, accept: str | None) -> None:
    status, body, _ = await get(app, f"{PREFIX}/ding", accept)
    assert (status, body) == (200, {"naam": "x"})


@pytest.mark.parametrize(
    "accept", ["application/xml", "text/html", "application/xml, application/json;q=0", "text/*", "image/png;q=1"]
)
async def test_not_acceptable_is_406(app: FastAPI, accept: str) -> None:
    status, body, headers = await get(app, f"{PREFIX}/ding", accept)
    assert status == 406
    assert headers["content-type"] == "application/problem+json"
    assert body["code"] == "niet-acceptabel"
    assert "application/json" in body["detail"]


@pytest.mark.parametrize("accept", ["application/pdf", "text/html", "text/*", "application/json"])
async def test_routes_declaring_other_types_keep_them(app: FastAPI, accept: str) -> None:
    status, _, _ = await get(app, f"{PREFIX}/document", accept)
    assert status == 200


async def test_declared_types_are_still_negotiated(app: FastAPI) -> None:
    status, _, _ = await get(app, f"{PREFIX}/document", "application/xml")
    assert status == 406


async def test_routes_outside_the_api_are_not_negotiated(app: FastAPI) -> None:
    assert (await get(app, "/portaal", "application/xml"))[0] == 200
    assert (await get(app, "/openapi.json", "application/xml"))[0] == 200


async def test_unknown_path_stays_404(app: FastAPI) -> None:
    assert (await get(app, f"{PREFIX}/bestaat-niet", "application/xml"))[0] == 404


async def test_a_route_that_takes_accept_as_a_parameter_negotiates_itself(app: FastAPI) -> None:
    status, body, _ = await get(app, f"{PREFIX}/eigen-keuze", "Cl57lCIK")
    assert (status, body) == (200, {"accept": "Cl57lCIK"})
