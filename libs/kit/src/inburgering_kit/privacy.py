"""One privacy view per person across the services (AVG art. 15 and the verantwoording of art. 5 lid 2).

How a person is followed without the BSN leaving the service that holds it: every service records the data subject
of a processing as `Verwerkingslog.betrokkene_van(inburgeraar_id)`, a keyed hash of the inburgeraar's id with a key
derived from the deployment secret. Every context already knows that id from the events, so the pseudonym needs no
BSN, no extra event and no call; nothing in it can be turned back into a BSN, it differs per gemeente (one
registration, one id) and it never goes onto an event or to a provider. A pseudonym on the events was rejected:
notificaties forwards events to webhook subscribers, providers among them, and a stable person key there is personal
data they have no ground for (AVG recital 26), which would also let anyone holding two gemeenten's events link them.

The privacy officer searches by BSN once, in inburgeraar-api (the one service that may turn a BSN into the person's
id): it derives the pseudonyms and asks every service with the officer's own token (`zoek_overal`), so each source
authorises the officer, scopes to the gemeente and logs the search itself. The inzageverzoek works the same way: each
service exports what it holds about one inburgeraar id (`inzage_router`), inburgeraar-api puts them together into one
document.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.audit import Actie, Verwerkingsactiviteit, VerwerkingslogDep
from inburgering_kit.auth import Principal, require_scopes, require_tenant
from inburgering_kit.db import Session

SCOPE_INZAGE = "inzage:lezen"
INZAGE = Verwerkingsactiviteit(
    naam="inzageverzoek",
    grondslag="AVG art. 15 (recht van inzage van de betrokkene); AVG art. 12 lid 3 (termijn van een maand)",
)

# What a service hands over: its data of one inburgeraar in the caller's gemeente, per kind, as plain JSON values.
Verzamelaar = Callable[[AsyncSession, str, uuid.UUID], Awaitable[Mapping[str, Sequence[Mapping[str, Any]]]]]


class InzageVraag(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inburgeraarId: uuid.UUID  # noqa: N815


class InzageOnderdeel(BaseModel):
    soort: str = Field(description="De soort gegevens, bijvoorbeeld `pip-versie`.")
    gegevens: list[dict[str, Any]]


class InzageRead(BaseModel):
    service: str
    onderdelen: list[InzageOnderdeel]


Inzager = Annotated[Principal, Depends(require_scopes(SCOPE_INZAGE))]


def inzage_router(service: str, verzamel: Verzamelaar) -> APIRouter:
    """`POST /inzage/_export`: everything this service holds about one inburgeraar, for an inzageverzoek."""
    router = APIRouter(prefix="/inzage", tags=["Inzage"])

    @router.post(
        "/_export",
        operation_id="inzage_export",
        summary="Alle gegevens over één inburgeraar in deze dienst, voor een inzageverzoek (AVG art. 15)",
    )
    async def inzage_export(
        body: InzageVraag, principal: Inzager, session: Session, log: VerwerkingslogDep
    ) -> InzageRead:
        gegevens = await verzamel(session, require_tenant(principal), body.inburgeraarId)
        await log.record(
            session,
            principal,
            INZAGE,
            Actie.LEZEN,
            object_type="inburgeraar",
            object_id=body.inburgeraarId,
            betrokkene=log.betrokkene_van(body.inburgeraarId),
        )
        return InzageRead(
            service=service,
            onderdelen=[InzageOnderdeel(soort=k, gegevens=[dict(r) for r in v]) for k, v in gegevens.items()],
        )

    return router


# --- The fan-out, used by the service that holds the BSN ------------------------------------------------------------


class BronNietBereikbaar(Exception):  # noqa: N818 - names the situation
    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service


async def _alle_paginas(
    client: httpx.AsyncClient, service: str, url: str, token: str, body: Mapping[str, Any]
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    page = 1
    while True:
        response = await client.post(
            url, params={"page": page, "pageSize": 100}, json=body, headers={"Authorization": f"Bearer {token}"}
        )
        if response.status_code != 200:
            raise BronNietBereikbaar(service, f"status {response.status_code}")
        data = response.json()
        results.extend({**r, "service": service} for r in data["resultaten"])
        if page >= data["totalPages"]:
            return results
        page += 1


async def _of_niet_bereikt(service: str, work: Awaitable[Any]) -> Any:
    try:
        return await work
    except (httpx.HTTPError, BronNietBereikbaar, ValueError, KeyError) as exc:
        # One service away must not hide what the others hold: the answer names it instead.
        raise BronNietBereikbaar(service, type(exc).__name__) from exc


async def zoek_overal(
    bronnen: Mapping[str, str],
    token: str,
    betrokkenen: Sequence[str],
    *,
    client: httpx.AsyncClient | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Every processing record about `betrokkenen` in every service of `bronnen` (name → API base URL, with its
    `/api/v1`), each with the service it came from, and the services that could not be asked. Asked with the
    officer's `token`, so each service authorises and logs the search itself."""
    async with _client(client) as c:
        parts = await asyncio.gather(
            *(
                _of_niet_bereikt(
                    name,
                    _alle_paginas(c, name, f"{base}/verwerkingen/_zoek", token, {"betrokkenen": list(betrokkenen)}),
                )
                for name, base in bronnen.items()
            ),
            return_exceptions=True,
        )
    records = [r for part in parts if isinstance(part, list) for r in part]
    missing = [p.service for p in parts if isinstance(p, BronNietBereikbaar)]
    for part in parts:
        if isinstance(part, BaseException) and not isinstance(part, BronNietBereikbaar):
            raise part
    return records, missing


def in_tijdsvolgorde(records: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    def key(r: Mapping[str, Any]) -> tuple[datetime, str, str]:
        tijdstip = r["tijdstip"]
        moment = tijdstip if isinstance(tijdstip, datetime) else datetime.fromisoformat(str(tijdstip))
        return moment, str(r["service"]), str(r["id"])

    return sorted(records, key=key)


async def verzamel_overal(
    bronnen: Mapping[str, str], token: str, inburgeraar_id: uuid.UUID, *, client: httpx.AsyncClient | None = None
) -> list[dict[str, Any]]:
    """Each service's `inzage/_export` of one inburgeraar, in the order of `bronnen`; a service that cannot be asked
    fails the whole export (an inzage must be complete)."""

    async def een(c: httpx.AsyncClient, name: str, base: str) -> dict[str, Any]:
        response = await c.post(
            f"{base}/inzage/_export",
            json={"inburgeraarId": str(inburgeraar_id)},
            headers={"Authorization": f"Bearer {token}"},
        )
        if response.status_code != 200:
            raise BronNietBereikbaar(name, f"status {response.status_code}")
        result: dict[str, Any] = response.json()
        return result

    async with _client(client) as c:
        return list(
            await asyncio.gather(*(_of_niet_bereikt(name, een(c, name, base)) for name, base in bronnen.items()))
        )


def als_json(record: object, *, zonder: Sequence[str] = ()) -> dict[str, Any]:
    """An ORM row's columns as JSON values, for an inzage export."""
    table = record.__table__  # type: ignore[attr-defined]
    result: dict[str, Any] = {}
    for column in table.columns:
        if column.key in zonder:
            continue
        value = getattr(record, column.key)
        result[column.key] = value if value is None or isinstance(value, bool | int | str | dict | list) else str(value)
    return result


class _client:  # noqa: N801 - used as a context manager
    def __init__(self, given: httpx.AsyncClient | None) -> None:
        self.given = given
        self.own: httpx.AsyncClient | None = None

    async def __aenter__(self) -> httpx.AsyncClient:
        if self.given is not None:
            return self.given
        self.own = httpx.AsyncClient(timeout=30.0)
        return self.own

    async def __aexit__(self, *exc: object) -> None:
        if self.own is not None:
            await self.own.aclose()
