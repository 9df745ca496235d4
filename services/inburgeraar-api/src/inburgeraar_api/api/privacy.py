"""The privacy officer's view of one person across the services: `POST /privacy/_zoek` (every processing, in time
order) and `POST /privacy/inzageverzoeken` (AVG art. 15: one readable document of everything held).

An endpoint here rather than a CLI: the officer works with the same token and the same authorisation as for every
other read, each service still checks and logs the officer itself (the token is passed on, not a service's own), and
the werkplek can show it; the BSN only ever travels in the body of this one request."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from inburgeraar_api.services import privacy
from inburgering_kit.audit import SCOPE_VERWERKINGEN_LEZEN
from inburgering_kit.auth import bearer_token
from inburgering_kit.bsn import BsnField
from inburgering_kit.context import RequestContext, context
from inburgering_kit.privacy import SCOPE_INZAGE, BronNietBereikbaar
from inburgering_kit.problems import NotFound, Problem

router = APIRouter(prefix="/privacy", tags=["Privacy"])


class BronOnbereikbaar(Problem):
    status = 503
    code = "bron-onbereikbaar"
    title = "Een dienst met gegevens over deze persoon is nu niet bereikbaar."

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": "30"})


ZoekCtx = Annotated[RequestContext, Depends(context(SCOPE_VERWERKINGEN_LEZEN), scope="function")]
InzageCtx = Annotated[RequestContext, Depends(context(SCOPE_INZAGE, SCOPE_VERWERKINGEN_LEZEN), scope="function")]


class PrivacyZoek(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bsn: BsnField


class VerwerkingOveral(BaseModel):
    service: str
    id: str
    tijdstip: str
    activiteit: str
    grondslag: str
    actie: str
    resultaat: str
    betrokkene: str | None
    objectType: str  # noqa: N815
    objectId: str | None  # noqa: N815
    actorClient: str  # noqa: N815
    actorUser: str | None  # noqa: N815
    traceId: str  # noqa: N815


class PrivacyZoekRead(BaseModel):
    verwerkingen: list[VerwerkingOveral] = Field(description="Alle verwerkingen in alle diensten, oudste eerst.")
    nietBereikt: list[str] = Field(description="Diensten die niet te vragen waren: het overzicht is onvolledig.")  # noqa: N815


def _bronnen(request: Request) -> Mapping[str, str]:
    bronnen: Mapping[str, str] = request.app.state.settings.privacy_bronnen
    return bronnen


def _client(request: Request) -> httpx.AsyncClient | None:
    return getattr(request.app.state, "privacy_client", None)


@router.post(
    "/_zoek",
    operation_id="privacy_zoek",
    summary="Alle verwerkingen over één persoon in alle diensten, op BSN, in tijdsvolgorde",
)
async def privacy_zoek(body: PrivacyZoek, ctx: ZoekCtx, request: Request) -> PrivacyZoekRead:
    gevonden = await privacy.zoek(ctx, body.bsn, bearer_token(request), _bronnen(request), _client(request))
    return PrivacyZoekRead(
        verwerkingen=[VerwerkingOveral.model_validate(_velden(r)) for r in gevonden.verwerkingen],
        nietBereikt=gevonden.niet_bereikt,
    )


def _velden(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: record.get(k) for k in VerwerkingOveral.model_fields}


@router.post(
    "/inzageverzoeken",
    operation_id="privacy_inzageverzoek",
    summary="Inzageverzoek (AVG art. 15): alles wat de gemeente over één persoon heeft, als leesbaar document",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {}}, "description": "Het inzagedocument."}},
    # 404: the gemeente holds nothing about this BSN.
    openapi_extra={"x-problems": ["404"]},
)
async def privacy_inzageverzoek(body: PrivacyZoek, ctx: InzageCtx, request: Request) -> HTMLResponse:
    try:
        gevonden = await privacy.inzage(ctx, body.bsn, bearer_token(request), _bronnen(request), _client(request))
    except BronNietBereikbaar as exc:
        raise BronOnbereikbaar(f"De dienst {exc.service} is niet bereikbaar; een inzage moet volledig zijn.") from exc
    if gevonden is None:
        raise NotFound("Over deze persoon zijn in deze gemeente geen gegevens.")
    return HTMLResponse(render(gevonden))


def _cel(value: object) -> str:
    if isinstance(value, dict):
        return "<br>".join(f"{html.escape(str(k))}: {_cel(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "<br>".join(_cel(v) for v in value)
    return html.escape("" if value is None else str(value))


def _tabel(rijen: list[Mapping[str, Any]]) -> str:
    kolommen = list(dict.fromkeys(k for r in rijen for k in r))
    kop = "".join(f"<th>{html.escape(k)}</th>" for k in kolommen)
    body = "".join("<tr>" + "".join(f"<td>{_cel(r.get(k))}</td>" for k in kolommen) + "</tr>" for r in rijen)
    return f"<table><thead><tr>{kop}</tr></thead><tbody>{body}</tbody></table>"


def render(inzage: privacy.Inzage) -> str:
    delen = [
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Inzage persoonsgegevens</title>',
        "<style>body{font-family:sans-serif}table{border-collapse:collapse;margin-bottom:1em}"
        "td,th{border:1px solid #999;padding:2px 6px;vertical-align:top;text-align:left}</style></head><body>",
        "<h1>Inzage in uw persoonsgegevens</h1>",
        "<p>Op grond van artikel 15 van de Algemene verordening gegevensbescherming: alle gegevens die de gemeente "
        "over u heeft voor de uitvoering van de Wet inburgering 2021, per dienst, en elke verwerking ervan met het "
        "doel, de grondslag en wie ze verrichtte. Bewaartermijnen: Besluit inburgering 2021 art. 9.9.</p>",
    ]
    for dienst in inzage.diensten:
        delen.append(f"<h2>{html.escape(str(dienst['service']))}</h2>")
        onderdelen = dienst.get("onderdelen") or []
        if not onderdelen:
            delen.append("<p>Geen gegevens.</p>")
        for onderdeel in onderdelen:
            delen.append(f"<h3>{html.escape(str(onderdeel['soort']))}</h3>{_tabel(onderdeel['gegevens'])}")
    delen.append("<h2>Verwerkingen</h2>")
    delen.append(
        _tabel(
            [
                {k: r.get(k) for k in ("tijdstip", "service", "activiteit", "grondslag", "actie", "actorClient")}
                for r in inzage.verwerkingen
            ]
        )
    )
    delen.append("</body></html>")
    return "".join(delen)
