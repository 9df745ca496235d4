"""This context's part of the CBS delivery (Wi art. 35 lid 4): the courses with provider name, kind and
participation (PVT and MAP among them) as they stood at the period's end, streamed for the gemeente's chain exchange.
No BSN is held here."""

from __future__ import annotations

from functools import partial

from aanbieder_api.repository import cbs
from inburgering_kit import export
from inburgering_kit.context import RequestContext
from inburgering_kit.export import Exportperiode


async def exporteer(ctx: RequestContext, periode: Exportperiode) -> tuple[int, export.Batch]:
    totaal = await export.aantal(
        ctx.own_connection, partial(cbs.cbs_aantal, gemeente=periode.gemeente, tot=periode.tot)
    )
    return totaal, partial(cbs.cbs_batch, gemeente=periode.gemeente, tot=periode.tot)
