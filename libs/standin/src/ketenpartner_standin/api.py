"""The routes every stand-in has, made per partner: the gemeente's side (subscribe, fetch a fact it was notified of,
catch up through the feed), the fault switches as the gemeente's calls meet them, and the management routes of the
switches and the delivery. A stand-in adds its own fact routes and schemas around them.

No `from __future__ import annotations` here: FastAPI reads the routes' annotations, and the partner's own response
models reach them as objects, through `response_model`.
"""

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ValidationError

from inburgering_kit.audit import Actie, Verwerkingsactiviteit
from inburgering_kit.auth import Principal, require_scopes
from inburgering_kit.bsn import Bsn
from inburgering_kit.context import RequestContext, context
from inburgering_kit.db import Session, get_database
from inburgering_kit.problems import Forbidden, InvalidParam, Problem, Unprocessable, invalid
from inburgering_kit.schemas import ApiModel
from ketenpartner_standin import scopes, services
from ketenpartner_standin.repository import Opslag
from ketenpartner_standin.schemas import (
    AbonnementIn,
    AbonnementRead,
    Gemeentecode,
    MeldingStand,
    StoringIn,
    StoringRead,
)
from ketenpartner_standin.services import FeitMetPersoon

Keten = Annotated[RequestContext, Depends(context(scopes.KETEN), scope="function")]
BeheerToegang = Annotated[Principal, Depends(require_scopes(scopes.BEHEER))]
BeheerSessie = Session

FeitId = Annotated[uuid.UUID, Path(alias="feitId", description="Id van het feit, uit de melding.")]


@dataclass(frozen=True)
class Partner:
    """Who a stand-in plays: its name in texts (`DUO`), its `bron` in notifications (`duo`), its tables, and the
    processing activity a fetch of a fact is logged as."""

    naam: str
    bron: str
    opslag: Opslag
    leveren: Verwerkingsactiviteit


class Plat(Problem):
    status = 503
    code = "tijdelijk-niet-beschikbaar"
    title = "De ketenpartner is tijdelijk niet beschikbaar."


class Storingsfout(Problem):
    status = 500
    code = "storing"
    title = "Onverwachte fout bij de ketenpartner."


def storingen(partner: Partner) -> Any:
    """The scenario's fault switches, on every call the gemeente makes: down (503 with Retry-After), errors (500),
    slow (an answer after `traag_seconden`)."""

    async def storingen(request: Request) -> None:
        async with get_database(request).sessionmaker() as session:
            storing = await services.storing(partner.opslag, session)
        if storing.modus == "plat":
            plat = Plat(f"Storing: {partner.naam} is plat.", headers={"Retry-After": "5"})
            plat.title = f"{partner.naam} is tijdelijk niet beschikbaar."
            raise plat
        if storing.modus == "fout":
            fout = Storingsfout(f"Storing: {partner.naam} geeft een fout.")
            fout.title = f"Onverwachte fout bij {partner.naam}."
            raise fout
        if storing.modus == "traag":
            await asyncio.sleep(request.app.state.settings.traag_seconden)

    return Depends(storingen)


def valideer(model: type[ApiModel], data: Any, veld: str, partner_naam: str) -> dict[str, Any]:
    """`data` checked against `model`, as JSON with the contract's names; otherwise a 422 naming every invalid field."""
    try:
        return model.model_validate(data).model_dump(mode="json", by_alias=True, exclude_none=True)
    except ValidationError as exc:
        params: list[InvalidParam] = []
        for error in exc.errors():
            naam = ".".join([veld, *(str(part) for part in error["loc"])])
            params.append(invalid(naam, error["msg"], error["type"]))
        raise Unprocessable(
            f"De inhoud van `{veld}` voldoet niet aan {partner_naam}'s contract.", invalid_params=params
        ) from exc


def _eigen(gemeentecode: str, token_gemeente: str) -> None:
    if gemeentecode != token_gemeente:
        raise Forbidden("Alleen voor de eigen gemeente van het token.")


def keten_router(
    partner: Partner,
    *,
    feit_read: Callable[[FeitMetPersoon], BaseModel],
    feit_model: type[BaseModel],
    melding_model: type[BaseModel],
    feed_model: type[BaseModel],
) -> APIRouter:
    """The gemeente's side: subscribe, fetch a fact it was notified of, catch up through the feed. `feit_read` turns a
    fact into the partner's `feit_model`; the feed lists `melding_model`s in a `feed_model`."""
    router = APIRouter(tags=["Keten"], dependencies=[storingen(partner)])

    @router.put(
        "/abonnementen/{gemeentecode}",
        operation_id="abonnement_update",
        summary=f"Waar {partner.naam} de gemeente meldt dat er een nieuw feit is",
    )
    async def abonneer(
        gemeentecode: Annotated[str, Path(pattern=r"^[0-9]{4}$", description="De eigen gemeentecode.")],
        body: AbonnementIn,
        ctx: Keten,
    ) -> AbonnementRead:
        _eigen(gemeentecode, ctx.gemeente)
        await services.abonneer(partner.opslag, ctx.session, gemeentecode, body.callback_url)
        return AbonnementRead(gemeentecode=gemeentecode, callback_url=body.callback_url)

    @router.get(
        "/feiten/{feitId}",
        operation_id="feit_read",
        summary="Eén feit, opgehaald na een melding",
        response_model=feit_model,
    )
    async def lees(feit_id: FeitId, ctx: Keten) -> Any:
        gevonden = await services.haal_op(partner.opslag, ctx.session, feit_id, ctx.gemeente)
        await ctx.verwerk(
            partner.leveren,
            Actie.LEZEN,
            object_type="feit",
            object_id=feit_id,
            betrokkene=ctx.log.betrokkene(Bsn(gevonden.bsn) if gevonden.bsn else None),
        )
        return feit_read(gevonden)

    @router.get(
        "/feiten",
        operation_id="feit_feed",
        summary="De meldingen van de gemeente vanaf een volgnummer, om na uitval bij te werken",
        description=f"`volgnummer` loopt op over alle feiten van {partner.naam} (dus ook per persoon); de lijst bevat "
        "meldingen, zonder persoonsgegevens: haal elk feit op met `GET /feiten/{feitId}`.",
        response_model=feed_model,
    )
    async def feed(
        ctx: Keten,
        gemeentecode: Annotated[Gemeentecode, Query(description="De eigen gemeentecode.")],
        vanaf_volgnummer: Annotated[int, Query(alias="vanafVolgnummer", ge=0, le=2**62)] = 0,
        page_size: Annotated[int, Query(alias="pageSize", ge=1, le=1000)] = 100,
    ) -> Any:
        _eigen(gemeentecode, ctx.gemeente)
        feiten = await services.feed(partner.opslag, ctx.session, gemeentecode, vanaf_volgnummer, page_size + 1)
        meer = len(feiten) > page_size
        feiten = feiten[:page_size]
        return feed_model(
            meldingen=[
                melding_model(
                    id=f.id,
                    soort=f.soort,
                    bron=partner.bron,
                    gemeentecode=f.gemeente_code,
                    volgnummer=f.volgnummer,
                    tijdstip=f.created_at,
                )
                for f in feiten
            ],
            volgende_volgnummer=feiten[-1].volgnummer + 1 if meer else None,
        )

    return router


def storing_routes(router: APIRouter, partner: Partner) -> None:
    """`GET` and `PUT /storingen` on a stand-in's management router."""

    @router.get("/storingen", operation_id="beheer_storing_read", summary="De storingsschakelaars")
    async def lees_storing(_: BeheerToegang, session: BeheerSessie) -> StoringRead:
        storing = await services.storing(partner.opslag, session)
        return StoringRead.model_validate(storing)

    @router.put("/storingen", operation_id="beheer_storing_update", summary="Storingen aan- of uitzetten")
    async def zet_storing(body: StoringIn, _: BeheerToegang, session: BeheerSessie) -> StoringRead:
        storing = await services.zet_storing(
            partner.opslag, session, body.modus, body.dubbele_meldingen, body.omgekeerde_volgorde
        )
        return StoringRead.model_validate(storing)


def meldingen_route(router: APIRouter, partner: Partner) -> None:
    """`GET /meldingen` on a stand-in's management router: how far the delivery is."""

    @router.get("/meldingen", operation_id="beheer_melding_list", summary="Hoe ver de bezorging van de meldingen is")
    async def meldingen(
        _: BeheerToegang, session: BeheerSessie, gemeentecode: Annotated[Gemeentecode | None, Query()] = None
    ) -> list[MeldingStand]:
        return [
            MeldingStand(feit_id=f, volgnummer=v, pogingen=p, afgeleverd=a, laatste_fout=e)
            for f, v, p, a, e in await services.meldingen(partner.opslag, session, gemeentecode)
        ]


def soorten_beschrijving(soorten: dict[str, type[ApiModel]]) -> str:
    """The `gegevens` of each soort, as the description of the route that records a fact."""
    return "Soorten (gegevens per soort):\n\n" + "\n".join(
        f"- `{soort}`: "
        + ", ".join(
            f"`{field.alias or name}`{'' if field.is_required() else ' (optioneel)'}"
            for name, field in model.model_fields.items()
        )
        for soort, model in soorten.items()
    )
