"""The gemeente's judgement on a MAP or PVT part not achieved (domain.uitkomst): recorded under a vastgesteld PIP
and announced for the report to DUO."""

from __future__ import annotations

import uuid

from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.problems import NotFound
from pip_api import activiteiten
from pip_api.domain.pip import PipStatus, vereis_status
from pip_api.domain.uitkomst import NietBehaaldBeoordeling, controleer
from pip_api.events import OnderdeelNietBehaaldBeoordeeld
from pip_api.models import OnderdeelUitkomst, Pip
from pip_api.repository import OnderdeelUitkomstRepository, PipRepository


def pad(pip_id: uuid.UUID, uitkomst_id: uuid.UUID) -> str:
    return f"/pips/{pip_id}/uitkomsten/{uitkomst_id}"


async def _pip(ctx: RequestContext, pip_id: uuid.UUID) -> Pip:
    pip = await PipRepository(ctx.session, ctx.gemeente).get(pip_id)
    if pip is None:
        raise NotFound(f"PIP {pip_id} bestaat niet.")
    return pip


async def _verwerk(ctx: RequestContext, pip: Pip, actie: Actie) -> None:
    betrokkene = ctx.log.betrokkene_van(pip.inburgeraar_id)
    await ctx.verwerk(
        activiteiten.UITKOMST_BEOORDELEN, actie, object_type="pip", object_id=pip.id, betrokkene=betrokkene
    )


async def beoordeel(ctx: RequestContext, pip_id: uuid.UUID, beoordeling: NietBehaaldBeoordeling) -> OnderdeelUitkomst:
    pip = await _pip(ctx, pip_id)
    vereis_status(
        PipStatus(pip.status),
        PipStatus.VASTGESTELD,
        PipStatus.BEEINDIGD,
        handeling="Een niet behaald onderdeel beoordelen",
    )
    controleer(beoordeling, pip.inhoud)
    uitkomst = OnderdeelUitkomst(
        id=uuid.uuid4(),
        pip_id=pip.id,
        onderdeel=beoordeling.onderdeel,
        datum=beoordeling.datum,
        redenen=[r.value for r in beoordeling.redenen],
        verwijtbaar=beoordeling.verwijtbaar,
        toelichting=beoordeling.toelichting,
    )
    await OnderdeelUitkomstRepository(ctx.session).add(uitkomst)
    await ctx.emit(
        OnderdeelNietBehaaldBeoordeeld(
            uitkomst_id=uitkomst.id,
            pip_id=pip.id,
            inburgeraar_id=pip.inburgeraar_id,
            onderdeel=uitkomst.onderdeel,
            datum=uitkomst.datum,
            redenen=list(uitkomst.redenen),
            verwijtbaar=uitkomst.verwijtbaar,
        ),
        subject=pip.id,
        resource_path=pad(pip.id, uitkomst.id),
    )
    await _verwerk(ctx, pip, Actie.AANMAKEN)
    return uitkomst


async def lijst(ctx: RequestContext, pip_id: uuid.UUID) -> list[OnderdeelUitkomst]:
    pip = await _pip(ctx, pip_id)
    await _verwerk(ctx, pip, Actie.LEZEN)
    return list(await OnderdeelUitkomstRepository(ctx.session).list(pip.id))
