"""'Melden': a partner announces a fact; stored once, answered 202, fetched by the worker."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from inburgering_kit.context import RequestContext
from inburgering_kit.keten import peer_oin
from inburgering_kit.problems import Forbidden, Unprocessable, invalid
from ketenuitwisseling.api.deps import Coa, Duo
from ketenuitwisseling.api.schemas import MeldingStatus, Notificatie, NotificatieOntvangen
from ketenuitwisseling.services import beheer

router = APIRouter(prefix="/notificaties", tags=["Notificaties van ketenpartners"])

_ANTWOORD = "Ontvangen (ook als deze notificatie er al was); het feit wordt opgehaald."


def _controleer_oin(request: Request, bron: str) -> None:
    """Served over mTLS, the certificate must be the partner's own (its OIN), not just any the CA issued: a token of
    `duo` from a connection with COA's certificate is refused."""
    settings = request.app.state.settings
    verwacht = settings.oin_duo if bron == "duo" else settings.oin_coa
    if settings.mtls is None or verwacht is None:
        return
    if peer_oin(request.scope) != verwacht:
        raise Forbidden(f"Het certificaat van deze verbinding is niet dat van {bron.upper()} (OIN).")


async def _ontvang(ctx: RequestContext, bron: str, body: Notificatie) -> NotificatieOntvangen:
    if body.bron.value != bron:
        raise Unprocessable(
            "De bron in de notificatie is niet die van het pad.",
            invalid_params=[invalid("bron", f"moet {bron} zijn", "andere-bron")],
        )
    melding = await beheer.ontvang_melding(
        ctx,
        bron=bron, feit_id=body.id, soort=body.soort, gemeente=body.gemeentecode, volgnummer=body.volgnummer,
        tijdstip=body.tijdstip,
    )  # fmt: skip
    return NotificatieOntvangen(
        id=melding.feit_id, status=MeldingStatus(melding.status), ontvangen_op=melding.ontvangen_at
    )


@router.post(
    "/duo",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="notificatie_duo_create",
    summary="DUO meldt dat er een feit is (id en soort, niets persoonlijks)",
    responses={202: {"description": _ANTWOORD}},
)
async def notificatie_duo(body: Notificatie, ctx: Duo, request: Request) -> NotificatieOntvangen:
    _controleer_oin(request, "duo")
    return await _ontvang(ctx, "duo", body)


@router.post(
    "/coa",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="notificatie_coa_create",
    summary="Het COA meldt dat er een feit is (id en soort, niets persoonlijks)",
    responses={202: {"description": _ANTWOORD}},
)
async def notificatie_coa(body: Notificatie, ctx: Coa, request: Request) -> NotificatieOntvangen:
    _controleer_oin(request, "coa")
    return await _ontvang(ctx, "coa", body)
