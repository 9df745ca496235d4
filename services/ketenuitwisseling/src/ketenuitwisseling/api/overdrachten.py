"""The dossier transfer on a move (Besluit inburgering 2021 art. 9.4 lid 4) between gemeenten: what another
deployment's exchange sends here (a request to register a move, a delivered dossier) and what the klantregisseur reads
of it (state and steps, never the dossier)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import Field

from inburgering_kit.bsn import BsnField
from inburgering_kit.context import RequestContext, context
from inburgering_kit.keten import peer_oin
from inburgering_kit.problems import Forbidden
from inburgering_kit.schemas import ApiModel
from inburgering_kit.strict import Datum, Tijdstip
from ketenuitwisseling import scopes
from ketenuitwisseling.api.deps import Lezen
from ketenuitwisseling.domain.overdracht import STAPPEN, Dossierbundel, Richting
from ketenuitwisseling.models import Overdracht
from ketenuitwisseling.services import overdracht

router = APIRouter(tags=["Overdracht bij verhuizing"])

Verzoeken = Annotated[RequestContext, Depends(context(scopes.OVERDRACHT_VERZOEKEN), scope="function")]
Afleveren = Annotated[RequestContext, Depends(context(scopes.OVERDRACHT_AFLEVEREN), scope="function")]
OverdrachtId = Annotated[uuid.UUID, Path(alias="overdrachtId", description="Id van de overdracht (= verhuizingId).")]
Gemeentecode = Annotated[str, Field(pattern=r"^[0-9]{4}$")]


class OverdrachtStatus(StrEnum):
    BEZIG = "bezig"
    AFGEROND = "afgerond"
    MISLUKT = "mislukt"


class Overdrachtsverzoek(ApiModel):
    """De nieuwe gemeente (die van het token) hoorde van DUO dat een persoon uit deze gemeente verhuisde."""

    bsn: BsnField
    van_gemeente: Gemeentecode = Field(description="De vorige gemeente, die deze uitwisseling bedient.")
    naar_gemeente: Gemeentecode = Field(description="De nieuwe gemeente: die van het token.")
    verhuisdatum: Datum | None = None


class OverdrachtOntvangen(ApiModel):
    id: uuid.UUID
    status: OverdrachtStatus
    ontvangen_op: Tijdstip


class Stap(ApiModel):
    stap: str
    gedaan_op: Tijdstip | None


class OverdrachtRead(ApiModel):
    """De stand van een overdracht: nooit de inhoud van het dossier of het BSN."""

    id: uuid.UUID
    richting: Richting
    van_gemeente: str
    naar_gemeente: str
    verhuisdatum: date | None
    inburgeraar_id: uuid.UUID | None = Field(
        description="De inburgeraar in deze gemeente (bij inkomend: zodra bekend)."
    )
    status: OverdrachtStatus
    stappen: list[Stap]
    pogingen: int
    laatste_fout: str | None = Field(description="Waarom de laatste poging niet lukte.")
    aangemaakt_op: Tijdstip
    bijgewerkt_op: Tijdstip
    afgerond_op: Tijdstip | None
    inhoud_verwijderd: bool = Field(description="De bundel (met BSN) is hier niet meer aanwezig.")

    @classmethod
    def van(cls, o: Overdracht) -> OverdrachtRead:
        richting = Richting(o.richting)
        return cls(
            id=o.id, richting=richting, van_gemeente=o.van_gemeente, naar_gemeente=o.naar_gemeente,
            verhuisdatum=o.verhuisdatum, inburgeraar_id=o.inburgeraar_id, status=OverdrachtStatus(o.status),
            stappen=[Stap(stap=s, gedaan_op=(o.stappen or {}).get(s)) for s in STAPPEN[richting]],
            pogingen=o.pogingen, laatste_fout=o.laatste_fout, aangemaakt_op=o.created_at, bijgewerkt_op=o.updated_at,
            afgerond_op=o.afgerond_at, inhoud_verwijderd=o.inhoud is None,
        )  # fmt: skip


class Overdrachten(ApiModel):
    resultaten: list[OverdrachtRead]


def _controleer_peer(request: Request, gemeente: str) -> None:
    """Served over mTLS, the caller's certificate must be that of the exchange configured for the gemeente it speaks
    for (`gemeente_peers`), not just any the CA issued."""
    settings = request.app.state.settings
    if settings.mtls is None:
        return
    peer = settings.gemeente_peers.get(gemeente)
    if peer is None or peer_oin(request.scope) != peer.oin:
        raise Forbidden(f"Het certificaat van deze verbinding is niet dat van de uitwisseling van gemeente {gemeente}.")


def _ontvangen(row: Overdracht) -> OverdrachtOntvangen:
    return OverdrachtOntvangen(id=row.id, status=OverdrachtStatus(row.status), ontvangen_op=row.created_at)


@router.post(
    "/overdrachtsverzoeken",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="overdrachtsverzoek_create",
    summary="De uitwisseling van de nieuwe gemeente vraagt om de overdracht van het dossier na een verhuizing",
    description="Alleen over mTLS met het certificaat van de uitwisseling van `naarGemeente` (`gemeente_peers`). "
    "Hetzelfde verzoek nog eens geeft hetzelfde antwoord. De verhuizing wordt daarna geregistreerd bij de "
    "vorige gemeente, die het dossier aflevert met `PUT /overdrachten/{overdrachtId}` bij de nieuwe.",
    responses={202: {"description": "Ontvangen (ook als dit verzoek er al was)."}},
)
async def verzoek(body: Overdrachtsverzoek, ctx: Verzoeken, request: Request) -> OverdrachtOntvangen:
    _controleer_peer(request, body.naar_gemeente)
    row, _ = await overdracht.ontvang_verzoek(
        ctx, request.app.state.settings, bsn=str(body.bsn), van=body.van_gemeente, naar=body.naar_gemeente,
        verhuisdatum=body.verhuisdatum,
    )  # fmt: skip
    return _ontvangen(row)


@router.put(
    "/overdrachten/{overdrachtId}",
    status_code=status.HTTP_201_CREATED,
    operation_id="overdracht_afleveren",
    summary="De uitwisseling van de vorige gemeente levert het dossier af (201; dezelfde bundel nog eens: 200)",
    description="Alleen over mTLS met het certificaat van de uitwisseling van `vanGemeente` (`gemeente_peers`). De "
    "bundel volgt `contracts/ketenuitwisseling/overdracht/dossier.schema.json`; een andere bundel onder hetzelfde id "
    "is een conflict (409).",
    openapi_extra={"x-problems": ["409"]},
    responses={200: {"description": "Deze bundel was al ontvangen: hetzelfde antwoord.", "model": OverdrachtOntvangen}},
)
async def afleveren(
    overdracht_id: OverdrachtId, body: Dossierbundel, ctx: Afleveren, request: Request, response: Response
) -> OverdrachtOntvangen:
    _controleer_peer(request, body.van_gemeente)
    bundel: dict[str, Any] = body.model_dump(mode="json", by_alias=True)
    row, nieuw = await overdracht.ontvang_overdracht(ctx, request.app.state.settings, overdracht_id, bundel)
    if not nieuw:
        response.status_code = status.HTTP_200_OK
    return _ontvangen(row)


@router.get(
    "/overdrachten",
    operation_id="overdracht_list",
    summary="De overdrachten van dossiers bij verhuizing van deze gemeente (de laatste 100), zonder inhoud",
)
async def lijst(
    ctx: Lezen,
    inburgeraar_id: Annotated[uuid.UUID | None, Query(alias="inburgeraarId")] = None,
    richting: Annotated[Richting | None, Query()] = None,
) -> Overdrachten:
    rows = await overdracht.overdrachten(ctx, inburgeraar_id=inburgeraar_id, richting=richting)
    return Overdrachten(resultaten=[OverdrachtRead.van(r) for r in rows])


@router.get(
    "/overdrachten/{overdrachtId}",
    operation_id="overdracht_read",
    summary="De stand van één overdracht: richting, stappen, tijdstippen, de laatste fout",
    openapi_extra={"x-problems": ["404"]},
)
async def lees(overdracht_id: OverdrachtId, ctx: Lezen) -> OverdrachtRead:
    return OverdrachtRead.van(await overdracht.lees(ctx, overdracht_id))
