"""This context's part of the CBS delivery (Wi art. 35 lid 4): warnings and fines in the period with count, reason
and amount, streamed for the gemeente's chain exchange."""

from __future__ import annotations

from functools import partial

from handhaving_api.repository import cbs
from inburgering_kit import export
from inburgering_kit.context import RequestContext
from inburgering_kit.export import Exportperiode


async def exporteer(ctx: RequestContext, periode: Exportperiode) -> tuple[int, export.Batch]:
    g, van, tot = periode.gemeente, periode.van, periode.tot
    totaal = await export.aantal(ctx.own_connection, partial(cbs.cbs_aantal, gemeente=g, van=van, tot=tot))
    return totaal, partial(cbs.cbs_batch, gemeente=g, van=van, tot=tot)
