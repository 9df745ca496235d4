"""The exchange's calls out: to the partners (DUO, COA) and to the owning contexts (inburgeraar-api, handhaving-api),
each with a token of the exchange's own, for one gemeente and one purpose (need to know: the token towards
inburgeraar-api for DUO facts cannot register persons, the one for COA facts cannot touch the plicht)."""

from __future__ import annotations

import asyncio
import email.utils
import importlib.util
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

import httpx

from inburgering_kit.keten import TokenSource

# httpcore asks for `sniffio` on every request; this environment's anyio no longer brings it, and a failed import is
# not cached, so every request searched the whole of sys.path for it: 1.4 ms of CPU per call, the worker's largest
# cost in the bench. Marked absent, the import fails at once and httpcore assumes asyncio, which is what runs here.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]


class Doel(StrEnum):
    DUO = "duo"
    COA = "coa"
    INBURGERAAR_DUO = "inburgeraar-duo"
    INBURGERAAR_COA = "inburgeraar-coa"
    HANDHAVING = "handhaving"
    # A move's dossier transfer: the four contexts (export, import, the move) and another deployment's exchange.
    OVERDRACHT = "overdracht"
    PEER = "peer"


class Tokens(Protocol):
    """Bearer tokens of the exchange per purpose and gemeente (development: minted locally; production: the
    identity provider's client credentials)."""

    async def token(self, doel: Doel, gemeente: str) -> str: ...


class PerDoel:
    """`Tokens` from one `TokenSource` per (purpose, gemeente), made on first use by `maak`."""

    def __init__(self, maak: Any) -> None:
        self._maak = maak
        self._bronnen: dict[tuple[Doel, str], TokenSource] = {}

    async def token(self, doel: Doel, gemeente: str) -> str:
        bron = self._bronnen.get((doel, gemeente))
        if bron is None:
            bron = self._bronnen[(doel, gemeente)] = self._maak(doel, gemeente)
        return await bron.token()


@dataclass
class Verbindingen:
    """One HTTP client per counterpart (each with its own base URL, and the partners' with mutual TLS)."""

    duo: httpx.AsyncClient
    coa: httpx.AsyncClient
    inburgeraar: httpx.AsyncClient
    handhaving: httpx.AsyncClient
    tokens: Tokens
    # Only the dossier transfer reads from pip-api and aanbieder-api, and calls other deployments' exchanges (mTLS).
    pip: httpx.AsyncClient | None = None
    aanbieder: httpx.AsyncClient | None = None
    peers: dict[str, httpx.AsyncClient] = field(default_factory=dict)

    def context(self, deel: str) -> httpx.AsyncClient:
        client = {
            "inburgeraar": self.inburgeraar, "pip": self.pip, "aanbieder": self.aanbieder,
            "handhaving": self.handhaving,
        }[deel]  # fmt: skip
        if client is None:
            raise Onbereikbaar(f"geen verbinding met {deel}-api ingesteld")
        return client

    async def bij_context(
        self, deel: str, gemeente: str, method: str, path: str, *, json: Any = None, idempotency_key: str | None = None
    ) -> httpx.Response:
        """A call for a move's transfer to one of the four contexts, as `gemeente` (O to export, N to import)."""
        headers = {"Authorization": f"Bearer {await self.tokens.token(Doel.OVERDRACHT, gemeente)}"}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return await self.context(deel).request(method, path.lstrip("/"), json=json, headers=headers)

    async def bij_peer(self, naar: str, als: str, method: str, path: str, *, json: Any = None) -> httpx.Response:
        """A call to the exchange of gemeente `naar` (another deployment), as gemeente `als` of this one."""
        client = self.peers.get(naar)
        if client is None:
            raise GeenPeer(naar)
        headers = {"Authorization": f"Bearer {await self.tokens.token(Doel.PEER, als)}"}
        return await client.request(method, path.lstrip("/"), json=json, headers=headers)

    def client(self, doel: Doel) -> httpx.AsyncClient:
        return {
            Doel.DUO: self.duo,
            Doel.COA: self.coa,
            Doel.INBURGERAAR_DUO: self.inburgeraar,
            Doel.INBURGERAAR_COA: self.inburgeraar,
            Doel.HANDHAVING: self.handhaving,
            Doel.OVERDRACHT: self.inburgeraar,
        }[doel]

    async def call(
        self,
        doel: Doel,
        gemeente: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {await self.tokens.token(doel, gemeente)}"}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        client = self.client(doel)
        return await client.request(method, path.lstrip("/"), json=json, headers=headers)

    async def aclose(self) -> None:
        alle = (self.duo, self.coa, self.inburgeraar, self.handhaving, self.pip, self.aanbieder, *self.peers.values())
        await asyncio.gather(*(c.aclose() for c in {id(c): c for c in alle if c is not None}.values()))


class Onbereikbaar(Exception):  # noqa: N818 - a state of the counterpart, retried later
    """The counterpart did not answer usefully (down, 5xx, timeout): try again later, nothing is lost."""

    def __init__(self, reden: str, retry_after: float | None = None) -> None:
        super().__init__(reden)
        self.retry_after = retry_after


class GeenPeer(Exception):  # noqa: N818 - a gap in the configuration, shown on the work list
    """No exchange is configured for this gemeente (`gemeente_peers`): nothing to send the transfer to."""

    def __init__(self, gemeente: str) -> None:
        super().__init__(f"geen uitwisseling van gemeente {gemeente} bekend (gemeente_peers)")
        self.gemeente = gemeente


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if value.isdigit():
        return float(value)
    parsed = email.utils.parsedate_to_datetime(value)
    return max(0.0, (parsed - datetime.now(UTC)).total_seconds())


def controleer_bereikbaar(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 500 or response.status_code in {408, 429}:
        raise Onbereikbaar(f"{response.status_code} van {response.request.url.host}", retry_after(response))
    return response


def probleem(response: httpx.Response) -> tuple[str, list[dict[str, Any]]]:
    """The owner's or partner's refusal, shortened for the record: its title and detail, and its invalidParams."""
    try:
        body: Mapping[str, Any] = response.json()
    except ValueError:
        return f"{response.status_code}", []
    titel = " — ".join(str(body[k]) for k in ("title", "detail") if body.get(k))
    params = body.get("invalidParams") or []
    return f"{response.status_code} {titel}"[:2000], [dict(p) for p in params if isinstance(p, dict)]


def wachttijd(pogingen: int, maximum: float, retry_after_s: float | None = None) -> float:
    """Exponential back-off (1 s, 2 s, 4 s, ...) up to `maximum`, never shorter than the counterpart asked."""
    # The exponent capped: after a long outage the attempts run into the thousands, and 2**1024 is no float.
    back_off = min(float(2 ** min(max(0, pogingen - 1), 30)), maximum)
    return max(back_off, min(retry_after_s or 0.0, maximum))
