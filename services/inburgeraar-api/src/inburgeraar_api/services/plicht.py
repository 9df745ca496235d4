"""Inburgeringsplicht facts from DUO: appended, never edited; the stand is derived."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from inburgeraar_api import activiteiten
from inburgeraar_api.domain.plicht import (
    PLICHT_MUTATIE,
    PlichtMutatie,
    PlichtStand,
    TermijnGewijzigd,
    TermijnVastgesteld,
    Verlenging,
    bepaal_plichtstand,
)
from inburgeraar_api.events import PlichtgegevensOntvangen
from inburgeraar_api.models import Inburgeraar
from inburgeraar_api.models import PlichtMutatie as PlichtMutatieRecord
from inburgeraar_api.repository import DossierRepository
from inburgeraar_api.services import retentie
from inburgeraar_api.services.registratie import pad, verwerk, vind
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext


@dataclass(frozen=True)
class OntvangenMutatie:
    volgnummer: int
    ontvangen_op: datetime
    mutatie: PlichtMutatie


@dataclass(frozen=True)
class Plicht:
    """The derived stand with every fact it was derived from, in the order received."""

    stand: PlichtStand
    mutaties: list[OntvangenMutatie]


def _plicht(records: list[PlichtMutatieRecord]) -> Plicht:
    mutaties = [PLICHT_MUTATIE.validate_python(r.gegevens) for r in records]
    return Plicht(
        stand=bepaal_plichtstand(mutaties),
        mutaties=[
            OntvangenMutatie(volgnummer=r.volgnummer, ontvangen_op=r.ontvangen_at, mutatie=m)
            for r, m in zip(records, mutaties, strict=True)
        ],
    )


async def ontvang(ctx: RequestContext, inburgeraar_id: uuid.UUID, mutatie: PlichtMutatie) -> Plicht:
    inburgeraar = await vind(ctx, inburgeraar_id, for_update=True)
    repo = DossierRepository(ctx.session)
    records = list(await repo.plicht_mutaties(inburgeraar.id))
    bestaande = [PLICHT_MUTATIE.validate_python(r.gegevens) for r in records]
    # The whole history is re-folded: a late fact with an earlier ingangsdatum must fit every later one too.
    bepaal_plichtstand([*bestaande, mutatie])
    record = await _voeg_toe(ctx, repo, inburgeraar, len(records) + 1, mutatie)
    await retentie.plicht_gewijzigd(ctx, inburgeraar, [*bestaande, mutatie])
    await verwerk(ctx, inburgeraar, activiteiten.PLICHTGEGEVENS, Actie.AANMAKEN, "plicht")
    return _plicht([*records, record])


async def _voeg_toe(
    ctx: RequestContext, repo: DossierRepository, inburgeraar: Inburgeraar, volgnummer: int, mutatie: PlichtMutatie
) -> PlichtMutatieRecord:
    record = PlichtMutatieRecord(
        id=uuid.uuid4(),
        inburgeraar_id=inburgeraar.id,
        volgnummer=volgnummer,
        soort=mutatie.soort.value,
        ingangsdatum=mutatie.ingangsdatum,
        bron=mutatie.bron,
        gegevens=mutatie.model_dump(mode="json"),
    )
    await repo.add(record)
    termijn = einddatum = None
    if isinstance(mutatie, TermijnVastgesteld):
        termijn, einddatum = mutatie.termijn.value, mutatie.einddatum
    elif isinstance(mutatie, TermijnGewijzigd | Verlenging):
        termijn, einddatum = mutatie.termijn.value, mutatie.nieuwe_einddatum
    await ctx.emit(
        PlichtgegevensOntvangen(
            inburgeraar_id=inburgeraar.id,
            soort=mutatie.soort.value,
            ingangsdatum=mutatie.ingangsdatum,
            termijn=termijn,
            einddatum=einddatum,
        ),
        subject=inburgeraar.id,
        resource_path=f"{pad(inburgeraar.id)}/plicht",
    )
    return record


async def lees(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Plicht:
    inburgeraar = await vind(ctx, inburgeraar_id)
    records = list(await DossierRepository(ctx.session).plicht_mutaties(inburgeraar.id))
    await verwerk(ctx, inburgeraar, activiteiten.PLICHTGEGEVENS, Actie.LEZEN, "plicht")
    return _plicht(records)


async def records(ctx: RequestContext, inburgeraar: Inburgeraar) -> Plicht:
    """The plicht of a person already found, without a processing record of its own (the caller logs its purpose)."""
    return _plicht(list(await DossierRepository(ctx.session).plicht_mutaties(inburgeraar.id)))


async def neem_over(ctx: RequestContext, inburgeraar: Inburgeraar, mutaties: Sequence[PlichtMutatie]) -> int:
    """DUO's facts as the previous gemeente received them become this person's plicht here, so the new gemeente acts
    on the same termijnen — unless DUO already told this gemeente about the plicht itself: its own facts stand, and
    the previous gemeente's stay in the imported history. Returns how many facts were taken over."""
    repo = DossierRepository(ctx.session)
    if not mutaties or await repo.plicht_mutaties(inburgeraar.id):
        return 0
    bepaal_plichtstand(list(mutaties))
    for volgnummer, mutatie in enumerate(mutaties, start=1):
        await _voeg_toe(ctx, repo, inburgeraar, volgnummer, mutatie)
    await retentie.plicht_gewijzigd(ctx, inburgeraar, list(mutaties))
    return len(mutaties)
