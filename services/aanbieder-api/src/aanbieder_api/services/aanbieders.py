"""Use cases of the gemeente's register of aanbieders: registration, contracts and API clients."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from aanbieder_api.domain.aanbieder import AanbiederInhoud, ContractInhoud
from aanbieder_api.models import Aanbieder, ApiClient, Contract
from aanbieder_api.repository.aanbieders import AanbiederRepository
from inburgering_kit.context import RequestContext
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import Conflict, NotFound


class KvkAlGeregistreerd(Conflict):
    code = "aanbieder-bestaat-al"
    title = "Een aanbieder met dit KvK-nummer is al geregistreerd bij deze gemeente."


class ClientAlGeregistreerd(Conflict):
    code = "client-bestaat-al"
    title = "Deze client id is bij deze gemeente al geregistreerd."


def pad(aanbieder_id: uuid.UUID) -> str:
    return f"/aanbieders/{aanbieder_id}"


async def _aanbieder(repo: AanbiederRepository, aanbieder_id: uuid.UUID, *, for_update: bool = False) -> Aanbieder:
    aanbieder = await repo.get(aanbieder_id, for_update=for_update)
    if aanbieder is None:
        raise NotFound(f"Aanbieder {aanbieder_id} bestaat niet.")
    return aanbieder


def _velden(inhoud: AanbiederInhoud) -> dict[str, Any]:
    data = inhoud.model_dump(mode="json", by_alias=False)
    return {
        "naam": data["naam"],
        "kvk_nummer": data["kvk_nummer"],
        "diensten": data["diensten"],
        "keurmerk": inhoud.keurmerk.model_dump(mode="json") if inhoud.keurmerk else None,
        "contactpersonen": [c.model_dump(mode="json") for c in inhoud.contactpersonen],
    }


async def registreer(ctx: RequestContext, inhoud: AanbiederInhoud) -> Aanbieder:
    repo = AanbiederRepository(ctx.session, ctx.gemeente)
    aanbieder = Aanbieder(id=uuid.uuid4(), gemeente_code=ctx.gemeente, **_velden(inhoud))
    if not await repo.add(aanbieder):
        bestaand = await repo.by_kvk(inhoud.kvk_nummer)
        raise KvkAlGeregistreerd(
            f"KvK-nummer {inhoud.kvk_nummer} is al geregistreerd",
            extra={"bestaandeResource": f"{ctx.api_prefix}{pad(bestaand.id)}"} if bestaand else None,
        )
    return aanbieder


def inhoud_van(aanbieder: Aanbieder) -> AanbiederInhoud:
    return AanbiederInhoud.model_validate(
        {
            "naam": aanbieder.naam,
            "kvkNummer": aanbieder.kvk_nummer,
            "diensten": aanbieder.diensten,
            "keurmerk": aanbieder.keurmerk,
            "contactpersonen": aanbieder.contactpersonen,
        }
    )


async def wijzig(ctx: RequestContext, aanbieder_id: uuid.UUID, wijzigingen: dict[str, Any]) -> Aanbieder:
    repo = AanbiederRepository(ctx.session, ctx.gemeente)
    aanbieder = await _aanbieder(repo, aanbieder_id, for_update=True)
    nieuw = AanbiederInhoud.model_validate({**inhoud_van(aanbieder).model_dump(by_alias=False), **wijzigingen})
    for name, value in _velden(nieuw).items():
        setattr(aanbieder, name, value)
    try:
        async with ctx.session.begin_nested():
            await ctx.session.flush()
    except IntegrityError as exc:  # the unique KvK index
        raise KvkAlGeregistreerd(f"KvK-nummer {nieuw.kvk_nummer} is al geregistreerd") from exc
    return aanbieder


async def raadpleeg(ctx: RequestContext, aanbieder_id: uuid.UUID) -> Aanbieder:
    return await _aanbieder(AanbiederRepository(ctx.session, ctx.gemeente), aanbieder_id)


async def lijst(
    ctx: RequestContext, paging: PageParams, *, dienst: str | None, kvk_nummer: str | None
) -> tuple[Sequence[Aanbieder], int]:
    return await AanbiederRepository(ctx.session, ctx.gemeente).list(paging, dienst=dienst, kvk_nummer=kvk_nummer)


async def sluit_contract(ctx: RequestContext, aanbieder_id: uuid.UUID, inhoud: ContractInhoud) -> Contract:
    repo = AanbiederRepository(ctx.session, ctx.gemeente)
    await _aanbieder(repo, aanbieder_id)
    contract = Contract(
        id=uuid.uuid4(), gemeente_code=ctx.gemeente, aanbieder_id=aanbieder_id, inhoud=inhoud.model_dump(mode="json")
    )
    await repo.add(contract)
    return contract


async def contracten(ctx: RequestContext, aanbieder_id: uuid.UUID) -> Sequence[Contract]:
    repo = AanbiederRepository(ctx.session, ctx.gemeente)
    await _aanbieder(repo, aanbieder_id)
    return await repo.contracten(aanbieder_id)


async def registreer_client(
    ctx: RequestContext, aanbieder_id: uuid.UUID, client_id: str, omschrijving: str
) -> ApiClient:
    repo = AanbiederRepository(ctx.session, ctx.gemeente)
    await _aanbieder(repo, aanbieder_id)
    client = ApiClient(
        gemeente_code=ctx.gemeente, client_id=client_id, aanbieder_id=aanbieder_id, omschrijving=omschrijving,
        created_at=datetime.now(UTC),
    )  # fmt: skip
    if not await repo.add(client):
        raise ClientAlGeregistreerd(
            f"Client id {client_id} is al geregistreerd (eenmaal per gemeente, voor één aanbieder)"
        )
    return client


async def clients(ctx: RequestContext, aanbieder_id: uuid.UUID) -> Sequence[ApiClient]:
    repo = AanbiederRepository(ctx.session, ctx.gemeente)
    await _aanbieder(repo, aanbieder_id)
    return await repo.clients(aanbieder_id)


async def trek_client_in(ctx: RequestContext, aanbieder_id: uuid.UUID, client_id: str) -> ApiClient:
    repo = AanbiederRepository(ctx.session, ctx.gemeente)
    client = await repo.client(client_id, for_update=True)
    if client is None or client.aanbieder_id != aanbieder_id:
        raise NotFound(f"Client {client_id} is niet geregistreerd voor aanbieder {aanbieder_id}.")
    if client.ingetrokken_at is None:
        client.ingetrokken_at = datetime.now(UTC)
        await ctx.session.flush()
    return client
