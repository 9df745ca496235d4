"""The privacy view of one person across the services, asked here because only this context may turn a BSN into
the person (see `inburgering_kit.privacy`): the processing records in time order, and the inzageverzoek."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inburgeraar_api.models import (
    BegeleidingOnderdeel,
    Bewaartermijn,
    BredeIntake,
    Inburgeraar,
    Intakegesprek,
    KlantprofielVersie,
    Ontzorgen,
    Oproep,
    OvergenomenDossier,
    PlichtMutatie,
    Verhuizing,
    Verlengingsverzoek,
    WarmeOverdracht,
)
from inburgeraar_api.repository.retentie import RetentieRepository
from inburgering_kit.audit import INZIEN_LOG, Actie, Verwerkingslog, verwerkingen_van
from inburgering_kit.bsn import Bsn
from inburgering_kit.context import RequestContext
from inburgering_kit.privacy import INZAGE, als_json, in_tijdsvolgorde, verzamel_overal, zoek_overal

SERVICE = "inburgeraar-api"


@dataclass(frozen=True)
class Privacyzoekresultaat:
    verwerkingen: list[Mapping[str, Any]]
    niet_bereikt: list[str]


@dataclass(frozen=True)
class Inzage:
    inburgeraar_ids: list[uuid.UUID]
    diensten: list[Mapping[str, Any]]
    verwerkingen: list[Mapping[str, Any]]


def ids_van_bsn(log: Verwerkingslog) -> Callable[[AsyncSession, str, Bsn], Awaitable[Sequence[uuid.UUID]]]:
    """The registrations of a BSN in a gemeente, for the kit's search of the log by BSN (`Verwerkingslog`)."""

    async def ids(session: AsyncSession, gemeente: str, bsn: Bsn) -> Sequence[uuid.UUID]:
        return await RetentieRepository(session).ids_van_pseudoniem(gemeente, str(log.betrokkene(bsn)))

    return ids


async def _betrokkenen(ctx: RequestContext, bsn: Bsn) -> tuple[list[uuid.UUID], list[str]]:
    pseudoniem = str(ctx.log.betrokkene(bsn))
    ids = await RetentieRepository(ctx.session).ids_van_pseudoniem(ctx.gemeente, pseudoniem)
    return ids, [pseudoniem, *(str(ctx.log.betrokkene_van(i)) for i in ids)]


async def zoek(
    ctx: RequestContext, bsn: Bsn, token: str, bronnen: Mapping[str, str], client: httpx.AsyncClient | None = None
) -> Privacyzoekresultaat:
    ids, betrokkenen = await _betrokkenen(ctx, bsn)
    eigen = [
        {**r.model_dump(mode="json"), "service": SERVICE}
        for r in await verwerkingen_van(ctx.session, ctx.gemeente, betrokkenen)
    ]
    # The others never held a BSN: they are asked by the id's pseudonym only.
    anderen, niet_bereikt = await zoek_overal(bronnen, token, betrokkenen[1:], client=client) if ids else ([], [])
    await ctx.verwerk_alle(INZIEN_LOG, Actie.ZOEKEN, object_type="verwerking", subjects=[(None, betrokkenen[-1])])
    return Privacyzoekresultaat(in_tijdsvolgorde([*eigen, *anderen]), niet_bereikt)


async def eigen_gegevens(
    session: AsyncSession, gemeente: str, inburgeraar_id: uuid.UUID
) -> dict[str, list[dict[str, Any]]]:
    """Everything this context holds about one registration (`inzage_router`'s collector, and part of the inzage)."""
    inburgeraar = (
        await session.execute(
            select(Inburgeraar).where(Inburgeraar.id == inburgeraar_id, Inburgeraar.gemeente_code == gemeente)
        )
    ).scalar_one_or_none()
    if inburgeraar is None:
        return {}
    result: dict[str, list[dict[str, Any]]] = {"inburgeraar": [als_json(inburgeraar, zonder=("bsn_pseudoniem",))]}
    for soort, model in (
        ("plicht-mutatie", PlichtMutatie),
        ("klantprofiel-versie", KlantprofielVersie),
        ("warme-overdracht", WarmeOverdracht),
        ("brede-intake", BredeIntake),
        ("oproep", Oproep),
        ("intakegesprek", Intakegesprek),
        ("begeleiding-onderdeel", BegeleidingOnderdeel),
        ("ontzorgen", Ontzorgen),
        ("verlengingsverzoek", Verlengingsverzoek),
        ("bewaartermijn", Bewaartermijn),
        ("verhuizing", Verhuizing),
        ("overgenomen-dossier", OvergenomenDossier),
    ):
        rows = (await session.execute(select(model).where(model.inburgeraar_id == inburgeraar_id))).scalars().all()
        if rows:
            result[soort] = [als_json(r) for r in rows]
    return result


async def inzage(
    ctx: RequestContext, bsn: Bsn, token: str, bronnen: Mapping[str, str], client: httpx.AsyncClient | None = None
) -> Inzage | None:
    """Everything the gemeente holds about the person with this BSN, across the services; None if unknown here."""
    ids, _ = await _betrokkenen(ctx, bsn)
    if not ids:
        return None
    diensten: list[Mapping[str, Any]] = []
    for inburgeraar_id in ids:
        eigen = await eigen_gegevens(ctx.session, ctx.gemeente, inburgeraar_id)
        diensten.append({"service": SERVICE, "onderdelen": [{"soort": k, "gegevens": v} for k, v in eigen.items()]})
        diensten.extend(await verzamel_overal(bronnen, token, inburgeraar_id, client=client))
    gevonden = await zoek(ctx, bsn, token, bronnen, client=client)
    await ctx.verwerk_alle(
        INZAGE, Actie.LEZEN, object_type="inburgeraar", subjects=[(i, ctx.log.betrokkene_van(i)) for i in ids]
    )
    return Inzage(ids, diensten, gevonden.verwerkingen)
