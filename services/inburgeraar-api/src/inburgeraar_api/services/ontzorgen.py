"""Financieel ontzorgen (Participatiewet art. 56a): six months from the day bijstand starts, extendable."""

from __future__ import annotations

import uuid
from datetime import date

from inburgeraar_api import activiteiten
from inburgeraar_api.domain.ontzorgen import controleer_verlenging, geplande_einddatum
from inburgeraar_api.events import OntzorgenVastgelegd
from inburgeraar_api.models import Inburgeraar, Ontzorgen
from inburgeraar_api.repository import DossierRepository
from inburgeraar_api.services.begeleiding import controleer_asielmigrant
from inburgeraar_api.services.registratie import pad, verwerk, vind, vind_actief
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.problems import NotFound

_BRON = "Participatiewet art. 56a; DOMAIN §2 stap 5"


async def _gewijzigd(ctx: RequestContext, inburgeraar: Inburgeraar, record: Ontzorgen, actie: Actie) -> Ontzorgen:
    await ctx.session.flush()
    await ctx.emit(
        OntzorgenVastgelegd(
            inburgeraar_id=inburgeraar.id,
            startdatum=record.startdatum,
            geplande_einddatum=record.geplande_einddatum,
            verlengd_tot=record.verlengd_tot,
        ),
        subject=inburgeraar.id,
        resource_path=f"{pad(inburgeraar.id)}/ontzorgen",
    )
    await verwerk(ctx, inburgeraar, activiteiten.ONTZORGEN, actie, "ontzorgen", record.id)
    return record


async def leg_vast(
    ctx: RequestContext, inburgeraar_id: uuid.UUID, beschikking_referentie: str, startdatum: date
) -> Ontzorgen:
    inburgeraar = await vind_actief(ctx, inburgeraar_id, for_update=True)
    controleer_asielmigrant(inburgeraar, "Financieel ontzorgen", _BRON)
    repo = DossierRepository(ctx.session)
    record = await repo.ontzorgen(inburgeraar.id, for_update=True)
    eind = geplande_einddatum(startdatum)
    if record is None:
        record = Ontzorgen(id=uuid.uuid4(), inburgeraar_id=inburgeraar.id)
        ctx.session.add(record)
        actie = Actie.AANMAKEN
    else:
        actie = Actie.WIJZIGEN
    record.beschikking_referentie = beschikking_referentie
    record.startdatum = startdatum
    record.geplande_einddatum = eind
    if record.verlengd_tot is not None and record.verlengd_tot <= eind:
        record.verlengd_tot = None
    return await _gewijzigd(ctx, inburgeraar, record, actie)


async def verleng(ctx: RequestContext, inburgeraar_id: uuid.UUID, verlengd_tot: date) -> Ontzorgen:
    inburgeraar = await vind_actief(ctx, inburgeraar_id, for_update=True)
    record = await DossierRepository(ctx.session).ontzorgen(inburgeraar.id, for_update=True)
    if record is None:
        raise NotFound("Er is nog geen ontzorgen vastgelegd voor deze inburgeraar.")
    controleer_verlenging(record.startdatum, record.geplande_einddatum, verlengd_tot)
    record.verlengd_tot = verlengd_tot
    return await _gewijzigd(ctx, inburgeraar, record, Actie.WIJZIGEN)


async def lees(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Ontzorgen:
    inburgeraar = await vind(ctx, inburgeraar_id)
    record = await DossierRepository(ctx.session).ontzorgen(inburgeraar.id)
    if record is None:
        raise NotFound("Er is nog geen ontzorgen vastgelegd voor deze inburgeraar.")
    await verwerk(ctx, inburgeraar, activiteiten.ONTZORGEN, Actie.LEZEN, "ontzorgen", record.id)
    return record
