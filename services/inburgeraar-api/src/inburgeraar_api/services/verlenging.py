"""Circumstances behind a request for verlenging (domain.verlenging): the gemeente's record, announced for the report
to DUO (item q)."""

from __future__ import annotations

import uuid

from inburgeraar_api import activiteiten
from inburgeraar_api.domain.verlenging import Verlengingsomstandigheden, controleer
from inburgeraar_api.events import VerlengingsomstandighedenVastgelegd
from inburgeraar_api.models import Verlengingsverzoek
from inburgeraar_api.repository import DossierRepository
from inburgeraar_api.services.registratie import pad, verwerk, vind
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext


async def leg_vast(
    ctx: RequestContext, inburgeraar_id: uuid.UUID, omstandigheden: Verlengingsomstandigheden
) -> Verlengingsverzoek:
    inburgeraar = await vind(ctx, inburgeraar_id, for_update=True)
    controleer(omstandigheden)
    record = Verlengingsverzoek(
        id=uuid.uuid4(),
        inburgeraar_id=inburgeraar.id,
        verzoek_datum=omstandigheden.verzoekdatum,
        termijn=omstandigheden.termijn.value,
        omstandigheden=[o.value for o in omstandigheden.omstandigheden],
        gevraagde_eind_datum=omstandigheden.gevraagde_einddatum,
        toelichting=omstandigheden.toelichting,
    )
    await DossierRepository(ctx.session).add(record)
    await ctx.emit(
        VerlengingsomstandighedenVastgelegd(
            verzoek_id=record.id,
            inburgeraar_id=inburgeraar.id,
            verzoekdatum=record.verzoek_datum,
            termijn=record.termijn,
            omstandigheden=list(record.omstandigheden),
            gevraagde_einddatum=record.gevraagde_eind_datum,
        ),
        subject=inburgeraar.id,
        resource_path=f"{pad(inburgeraar.id)}/verlengingsverzoeken",
    )
    await verwerk(
        ctx, inburgeraar, activiteiten.VERLENGING_OMSTANDIGHEDEN, Actie.AANMAKEN, "verlengingsverzoek", record.id
    )
    return record


async def lijst(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> list[Verlengingsverzoek]:
    inburgeraar = await vind(ctx, inburgeraar_id)
    await verwerk(ctx, inburgeraar, activiteiten.VERLENGING_OMSTANDIGHEDEN, Actie.LEZEN, "verlengingsverzoek")
    return list(await DossierRepository(ctx.session).verlengingsverzoeken(inburgeraar.id))
