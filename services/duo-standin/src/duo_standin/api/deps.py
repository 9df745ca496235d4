"""Scope aliases of the routes, and the fault switches as the gemeente's calls meet them."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from pydantic import ValidationError

from duo_standin import scopes
from duo_standin.services import beheer
from duo_standin.settings import Settings
from inburgering_kit.auth import Principal, require_scopes
from inburgering_kit.context import RequestContext, context
from inburgering_kit.db import Session, get_database
from inburgering_kit.problems import InvalidParam, Problem, Unprocessable, invalid
from inburgering_kit.schemas import ApiModel

Keten = Annotated[RequestContext, Depends(context(scopes.KETEN), scope="function")]
BeheerToegang = Annotated[Principal, Depends(require_scopes(scopes.BEHEER))]
BeheerSessie = Session

FeitId = Annotated[uuid.UUID, Path(alias="feitId", description="Id van het feit, uit de melding.")]


class Plat(Problem):
    status = 503
    code = "tijdelijk-niet-beschikbaar"
    title = "DUO is tijdelijk niet beschikbaar."


class Storingsfout(Problem):
    status = 500
    code = "storing"
    title = "Onverwachte fout bij DUO."


async def storingen(request: Request) -> None:
    """The scenario's fault switches, on every call the gemeente makes: down (503 with Retry-After), errors (500),
    slow (an answer after `traag_seconden`)."""
    async with get_database(request).sessionmaker() as session:
        storing = await beheer.storing(session)
    if storing.modus == "plat":
        raise Plat("Storing: DUO is plat.", headers={"Retry-After": "5"})
    if storing.modus == "fout":
        raise Storingsfout("Storing: DUO geeft een fout.")
    if storing.modus == "traag":
        settings: Settings = request.app.state.settings
        await asyncio.sleep(settings.traag_seconden)


Storingen = Depends(storingen)


def valideer(model: type[ApiModel], data: Any, veld: str) -> dict[str, Any]:
    """`data` checked against `model`, as JSON with the contract's names; otherwise a 422 naming every invalid field."""
    try:
        return model.model_validate(data).model_dump(mode="json", by_alias=True, exclude_none=True)
    except ValidationError as exc:
        params: list[InvalidParam] = []
        for error in exc.errors():
            naam = ".".join([veld, *(str(part) for part in error["loc"])])
            params.append(invalid(naam, error["msg"], error["type"]))
        raise Unprocessable(f"De inhoud van `{veld}` voldoet niet aan DUO's contract.", invalid_params=params) from exc
