"""The gemeente's side: subscribe, fetch a fact it was notified of, catch up through the feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from duo_standin.api.deps import FeitId, Keten, Storingen
from duo_standin.api.schemas import AbonnementIn, AbonnementRead, Feed, FeitRead, Gemeentecode, Melding, PersoonRead
from duo_standin.services import beheer
from duo_standin.services import feiten as use_cases
from duo_standin.services.feiten import BRON, FeitMetPersoon
from inburgering_kit.problems import Forbidden

router = APIRouter(tags=["Keten"], dependencies=[Storingen])


def feit_read(gevonden: FeitMetPersoon) -> FeitRead:
    feit = gevonden.feit
    return FeitRead(
        id=feit.id,
        soort=feit.soort,
        bron=BRON,
        gemeentecode=feit.gemeente_code,
        volgnummer=feit.volgnummer,
        persoon=PersoonRead(bsn=gevonden.bsn, duo_id=gevonden.extern_id),
        registratiedatum=feit.registratie_datum,
        gegevens=feit.gegevens,
    )


def _eigen(gemeentecode: str, token_gemeente: str) -> None:
    if gemeentecode != token_gemeente:
        raise Forbidden("Alleen voor de eigen gemeente van het token.")


@router.put(
    "/abonnementen/{gemeentecode}",
    operation_id="abonnement_update",
    summary="Waar DUO de gemeente meldt dat er een nieuw feit is",
)
async def abonneer(
    gemeentecode: Annotated[str, Path(pattern=r"^[0-9]{4}$", description="De eigen gemeentecode.")],
    body: AbonnementIn,
    ctx: Keten,
) -> AbonnementRead:
    _eigen(gemeentecode, ctx.gemeente)
    await beheer.abonneer(ctx.session, gemeentecode, body.callback_url)
    return AbonnementRead(gemeentecode=gemeentecode, callback_url=body.callback_url)


@router.get("/feiten/{feitId}", operation_id="feit_read", summary="Eén feit, opgehaald na een melding")
async def lees(feit_id: FeitId, ctx: Keten) -> FeitRead:
    return feit_read(await use_cases.haal_op(ctx.session, feit_id, ctx.gemeente))


@router.get(
    "/feiten",
    operation_id="feit_feed",
    summary="De meldingen van de gemeente vanaf een volgnummer, om na uitval bij te werken",
    description="`volgnummer` loopt op over alle feiten van DUO (dus ook per persoon); de lijst bevat meldingen, "
    "zonder persoonsgegevens: haal elk feit op met `GET /feiten/{feitId}`.",
)
async def feed(
    ctx: Keten,
    gemeentecode: Annotated[Gemeentecode, Query(description="De eigen gemeentecode.")],
    vanaf_volgnummer: Annotated[int, Query(alias="vanafVolgnummer", ge=0, le=2**62)] = 0,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=1000)] = 100,
) -> Feed:
    _eigen(gemeentecode, ctx.gemeente)
    feiten = await use_cases.feed(ctx.session, gemeentecode, vanaf_volgnummer, page_size + 1)
    meer = len(feiten) > page_size
    feiten = feiten[:page_size]
    return Feed(
        meldingen=[
            Melding(
                id=f.id,
                soort=f.soort,
                bron=BRON,
                gemeentecode=f.gemeente_code,
                volgnummer=f.volgnummer,
                tijdstip=f.created_at,
            )
            for f in feiten
        ],
        volgende_volgnummer=feiten[-1].volgnummer + 1 if meer else None,
    )
