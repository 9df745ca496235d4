"""This context's part of the CBS delivery (Wi art. 35 lid 4): the persons with the BSN (CBS may have it), the
doelgroep, maatschappelijke begeleiding, ontzorgen, the brede intake with the leerbaarheidstoets, the opleidingsniveau
and (an)alfabetisme, streamed for the gemeente's chain exchange."""

from __future__ import annotations

from functools import partial

from inburgeraar_api.repository import cbs
from inburgering_kit import export
from inburgering_kit.context import RequestContext
from inburgering_kit.export import Exportperiode


async def exporteer(ctx: RequestContext, periode: Exportperiode) -> tuple[int, export.Batch]:
    totaal = await export.aantal(
        ctx.own_connection, partial(cbs.cbs_aantal, gemeente=periode.gemeente, tot=periode.tot)
    )
    batch = partial(cbs.cbs_batch, gemeente=periode.gemeente, van=periode.van, tot=periode.tot)
    return totaal, batch
