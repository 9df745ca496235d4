"""Warme overdracht."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from inburgeraar_api import activiteiten
from inburgeraar_api.domain.overdracht import WarmeOverdracht
from inburgeraar_api.events import WarmeOverdrachtVastgelegd
from inburgeraar_api.models import WarmeOverdracht as WarmeOverdrachtRecord
from inburgeraar_api.repository import DossierRepository
from inburgeraar_api.services.registratie import pad, verwerk, vind
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext


async def leg_vast(
    ctx: RequestContext, inburgeraar_id: uuid.UUID, overdracht: WarmeOverdracht
) -> WarmeOverdrachtRecord:
    inburgeraar = await vind(ctx, inburgeraar_id)
    record = WarmeOverdrachtRecord(
        id=uuid.uuid4(),
        inburgeraar_id=inburgeraar.id,
        datum=overdracht.datum,
        gegevens=overdracht.model_dump(mode="json"),
    )
    await DossierRepository(ctx.session).add(record)
    await ctx.emit(
        WarmeOverdrachtVastgelegd(
            inburgeraar_id=inburgeraar.id,
            warme_overdracht_id=record.id,
            datum=overdracht.datum,
            vorm=overdracht.vorm.value,
        ),
        subject=inburgeraar.id,
        resource_path=f"{pad(inburgeraar.id)}/warme-overdrachten",
    )
    await verwerk(ctx, inburgeraar, activiteiten.WARME_OVERDRACHT, Actie.AANMAKEN, "warme-overdracht", record.id)
    return record


async def lijst(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Sequence[WarmeOverdrachtRecord]:
    inburgeraar = await vind(ctx, inburgeraar_id)
    records = await DossierRepository(ctx.session).warme_overdrachten(inburgeraar.id)
    await verwerk(ctx, inburgeraar, activiteiten.WARME_OVERDRACHT, Actie.LEZEN, "warme-overdracht")
    return records
