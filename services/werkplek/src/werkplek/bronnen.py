"""The APIs the werkplek composes, called with the signed-in user's own token.

A page asks for several facts at once: the calls run in parallel (`samen`), each bounded by the settings' timeout,
and a call that fails, times out or finds the service away comes back as an `Antwoord` that says so instead of an
exception, so the page shows that part as "niet beschikbaar" and renders the rest. The W3C `traceparent` of the
page request goes along, so each service's processing log ties its records to the page that caused them.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import uuid
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from inburgering_kit import tracing

logger = logging.getLogger(__name__)

Bron = Literal["inburgeraar", "pip", "aanbieder", "handhaving", "ketenuitwisseling"]
BRONNAMEN: dict[str, str] = {
    "inburgeraar": "inburgeraar-api",
    "pip": "pip-api",
    "aanbieder": "aanbieder-api",
    "handhaving": "handhaving-api",
    "ketenuitwisseling": "ketenuitwisseling",
}


@dataclass(frozen=True)
class Antwoord:
    """What one call gave: the JSON on success; otherwise why not, in terms a page can show."""

    bron: str
    status: int | None  # None: no answer at all (time-out, connection refused)
    data: Any = None
    probleem: Mapping[str, Any] = field(default_factory=dict)
    tekst: str | None = None  # a non-JSON body (the beschikking's HTML)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def onbeschikbaar(self) -> bool:
        return self.status is None or self.status >= 500

    @property
    def geen_toegang(self) -> bool:
        return self.status in (401, 403)

    @property
    def niet_gevonden(self) -> bool:
        return self.status == 404

    @property
    def invalid_params(self) -> list[dict[str, str]]:
        params = self.probleem.get("invalidParams") or []
        return [p for p in params if isinstance(p, dict)]

    @property
    def melding(self) -> str:
        """One line for a person: the service's own explanation, or what went wrong."""
        if self.status is None or self.status >= 500:
            return f"{BRONNAMEN.get(self.bron, self.bron)} is nu niet beschikbaar."
        if self.geen_toegang:
            return "U hebt voor dit onderdeel geen toegang."
        detail = self.probleem.get("detail") or self.probleem.get("title")
        return str(detail) if detail else f"Geweigerd door {BRONNAMEN.get(self.bron, self.bron)} ({self.status})."


class Bronnen:
    """One HTTP client (connection pool) per API, for the lifetime of the app."""

    def __init__(
        self,
        basis: Mapping[str, str],
        timeout: float,
        transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
        tls: Mapping[str, ssl.SSLContext] | None = None,
    ) -> None:
        self.timeout = timeout
        self._clients = {
            naam: httpx.AsyncClient(
                base_url=url.rstrip("/"),
                timeout=httpx.Timeout(timeout),
                transport=(transports or {}).get(naam),
                verify=(tls or {}).get(naam, True),
                # No redirects: an API answers, it never sends the user's token somewhere else.
                follow_redirects=False,
                limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
            )
            for naam, url in basis.items()
        }
        # Calls a page stopped waiting for, running on to httpx's own timeouts (see `vraag`).
        self._achtergrond: set[asyncio.Future[httpx.Response]] = set()

    async def sluit(self) -> None:
        for verzoek in self._achtergrond:
            verzoek.cancel()
        await asyncio.gather(*self._achtergrond, return_exceptions=True)
        await asyncio.gather(*(c.aclose() for c in self._clients.values()))

    def _klaar(self, verzoek: asyncio.Future[httpx.Response]) -> None:
        self._achtergrond.discard(verzoek)
        if not verzoek.cancelled():
            verzoek.exception()  # retrieved: a late failure is expected, not an unhandled error

    async def vraag(
        self,
        bron: str,
        methode: str,
        pad: str,
        token: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        accept: str = "application/json",
        idempotent: bool = False,
    ) -> Antwoord:
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": accept,
            "traceparent": tracing.current().traceparent,
        }
        if idempotent:
            # A fresh key per submit: a retry of this very request inside httpx replays, a new submit is new.
            headers["Idempotency-Key"] = str(uuid.uuid4())
        verzoek = asyncio.ensure_future(
            self._clients[bron].request(
                methode,
                pad,
                params={k: v for k, v in (params or {}).items() if v not in (None, "")},
                json=json,
                headers=headers,
            )
        )
        self._achtergrond.add(verzoek)
        verzoek.add_done_callback(self._klaar)
        try:
            # The page waits at most the timeout, but the call itself is never cancelled: cancelled while
            # connecting, httpcore 1.0 leaves the connection in its pool as CONNECTING for good, and after one
            # overload every slot was such a ghost and each later call waited out its timeout. Unwaited for, the
            # call ends by httpx's own timeouts and gives its connection back.
            response = await asyncio.wait_for(asyncio.shield(verzoek), self.timeout)
        except (TimeoutError, httpx.HTTPError) as exc:
            logger.warning("%s %s %s: %s", bron, methode, pad.split("/")[1] if "/" in pad else pad, type(exc).__name__)
            return Antwoord(bron, None)
        soort = response.headers.get("content-type", "").split(";")[0].strip()
        if 200 <= response.status_code < 300:
            if soort == "application/json":
                return Antwoord(bron, response.status_code, data=response.json())
            return Antwoord(bron, response.status_code, tekst=response.text)
        probleem: dict[str, Any] = {}
        if soort in ("application/problem+json", "application/json"):
            try:
                body = response.json()
                probleem = body if isinstance(body, dict) else {}
            except ValueError:
                probleem = {}
        return Antwoord(bron, response.status_code, probleem=probleem)

    async def get(self, bron: str, pad: str, token: str, **params: Any) -> Antwoord:
        return await self.vraag(bron, "GET", pad, token, params=params)

    async def alle(self, bron: str, pad: str, token: str, *, max_paginas: int = 10, **params: Any) -> Antwoord:
        """Every page of a collection (100 per page, at most `max_paginas`), the later pages at once: one answer
        whose `resultaten` are all of them, and `volledig` false when there were more pages than that."""
        eerste = await self.get(bron, pad, token, page=1, pageSize=100, **params)
        if not eerste.ok or not isinstance(eerste.data, dict):
            return eerste
        totaal = int(eerste.data.get("totalPages", 1))
        verder = await asyncio.gather(
            *(
                self.get(bron, pad, token, page=n, pageSize=100, **params)
                for n in range(2, min(totaal, max_paginas) + 1)
            )
        )
        mislukt = next((a for a in verder if not a.ok), None)
        if mislukt is not None:
            return mislukt
        resultaten = [r for a in (eerste, *verder) for r in a.data["resultaten"]]
        data = {**eerste.data, "resultaten": resultaten, "volledig": totaal <= max_paginas}
        return Antwoord(bron, eerste.status, data=data)


async def samen(**aanvragen: Awaitable[Antwoord]) -> dict[str, Antwoord]:
    """The calls at once; each is already bounded and never raises (see `Bronnen.vraag`)."""
    namen = list(aanvragen)
    uitkomsten = await asyncio.gather(*aanvragen.values())
    return dict(zip(namen, uitkomsten, strict=True))
