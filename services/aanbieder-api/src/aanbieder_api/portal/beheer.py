"""The gemeente's management of portal accounts (scope `aanbieders:beheren`, like the API clients): an employee
of an aanbieder without a system of its own gets an account, and loses it when they leave.

The account's first password is generated here and returned once, in the answer to the request that made it; it
is stored only as a scrypt hash and has to be replaced by the employee at the first sign-in. For that reason this
operation does not replay answers for an `Idempotency-Key` (the answer would have to be stored with the password
in it): a repeated request is a 409, and the gemeente deactivates and re-creates the account if the answer was lost.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import Field

from aanbieder_api.api.deps import AanbiedersBeheren
from aanbieder_api.domain.aanbieder import DomeinModel, KorteTekst
from aanbieder_api.models import PortaalAccount
from aanbieder_api.portal import toegang
from inburgering_kit.types import EMAIL_PATTERN

router = APIRouter(prefix="/aanbieders/{aanbiederId:uuid}/portaal-accounts", tags=["Portaalaccounts"])

AanbiederId = Annotated[uuid.UUID, Path(alias="aanbiederId", description="Id van de aanbieder.")]
AccountId = Annotated[uuid.UUID, Path(alias="accountId", description="Id van het portaalaccount.")]
Email = Annotated[
    str,
    Field(
        # ASCII classes only: `\s` differs between Python and the ECMA regexes clients validate the contract with.
        pattern=EMAIL_PATTERN,
        max_length=254,
        description="Het e-mailadres waarmee de medewerker aanmeldt (hoofdletters tellen niet).",
    ),
]


class PortaalAccountCreate(DomeinModel):
    email: Email
    naam: KorteTekst


class PortaalAccountRead(DomeinModel):
    id: uuid.UUID
    aanbieder_id: uuid.UUID
    email: str
    naam: str
    actief: bool
    wachtwoord_wijzigen: bool = Field(
        description="De medewerker moet bij de volgende aanmelding een eigen wachtwoord kiezen."
    )
    geblokkeerd_tot: datetime | None = Field(description="Na vijf mislukte aanmeldpogingen een kwartier geblokkeerd.")
    laatst_aangemeld_op: datetime | None
    aangemaakt_op: datetime

    @classmethod
    def van(cls, a: PortaalAccount) -> PortaalAccountRead:
        return cls(
            id=a.id, aanbieder_id=a.aanbieder_id, email=a.email, naam=a.naam, actief=a.actief,
            wachtwoord_wijzigen=a.wachtwoord_wijzigen, geblokkeerd_tot=a.geblokkeerd_tot,
            laatst_aangemeld_op=a.laatst_aangemeld_at, aangemaakt_op=a.created_at,
        )  # fmt: skip


class PortaalAccountAangemaakt(PortaalAccountRead):
    initieel_wachtwoord: str = Field(
        description="Eenmalig getoond en nergens bewaard: geef het de medewerker langs een veilige weg; die kiest "
        "bij de eerste aanmelding een eigen wachtwoord."
    )


def pad(aanbieder_id: uuid.UUID, account_id: uuid.UUID) -> str:
    return f"/aanbieders/{aanbieder_id}/portaal-accounts/{account_id}"


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="portaal_account_create",
    summary="Een medewerker van de aanbieder een account voor het aanbiedersportaal geven",
    responses={201: {"headers": {"Location": {"description": "URL van het account.", "schema": {"type": "string"}}}}},
)
async def maak(
    aanbieder_id: AanbiederId, body: PortaalAccountCreate, ctx: AanbiedersBeheren, response: Response
) -> PortaalAccountAangemaakt:
    wachtwoord = toegang.initieel_wachtwoord()
    account = await toegang.maak_account(
        ctx.session, gemeente=ctx.gemeente, aanbieder_id=aanbieder_id, email=body.email, naam=body.naam,
        wachtwoord_=wachtwoord, moet_wijzigen=True,
    )  # fmt: skip
    await ctx.session.refresh(account)
    response.headers["Location"] = f"{ctx.api_prefix}{pad(aanbieder_id, account.id)}"
    return PortaalAccountAangemaakt(**PortaalAccountRead.van(account).model_dump(), initieel_wachtwoord=wachtwoord)


@router.get("", operation_id="portaal_account_list", summary="Portaalaccounts van de aanbieder")
async def lijst(aanbieder_id: AanbiederId, ctx: AanbiedersBeheren) -> list[PortaalAccountRead]:
    return [PortaalAccountRead.van(a) for a in await toegang.accounts(ctx.session, ctx.gemeente, aanbieder_id)]


@router.post(
    "/{accountId:uuid}/_deactiveren",
    operation_id="portaal_account_deactiveren",
    summary="Een portaalaccount deactiveren (aanmelden kan niet meer, lopende sessies eindigen direct)",
)
async def deactiveer(aanbieder_id: AanbiederId, account_id: AccountId, ctx: AanbiedersBeheren) -> PortaalAccountRead:
    return PortaalAccountRead.van(await toegang.deactiveer(ctx.session, ctx.gemeente, aanbieder_id, account_id))
