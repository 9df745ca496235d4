"""Use cases of the CBS delivery behind the API: plan one (or find the one planned before), follow it, fetch it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.export import CBS_LEVERING
from inburgering_kit.problems import Conflict, NotFound, Problem, Unprocessable, invalid
from ketenuitwisseling.domain.cbs import Leveringstatus, periode
from ketenuitwisseling.models import CbsLevering
from ketenuitwisseling.repository.cbs import CbsLeveringRepository

# After the first download the copy is kept this many days for a re-fetch (see `CbsLevering`).
NA_DOWNLOAD_DAGEN = 7


class NogNietGereed(Conflict):
    code = "levering-niet-gereed"
    title = "De levering is nog niet gereed of is mislukt."


class InhoudVerwijderd(Problem):
    status = 410
    code = "levering-verwijderd"
    title = "De inhoud van de levering is na de bewaartermijn verwijderd; vraag de periode opnieuw aan."


async def vraag_aan(ctx: RequestContext, gemeente: str, periode_code: str) -> tuple[CbsLevering, bool]:
    """The delivery of the token's gemeente for the period: planned now, or the one planned before (idempotent)."""
    if gemeente != ctx.gemeente:
        raise Unprocessable(
            "Een levering wordt alleen voor de gemeente van het token aangevraagd",
            invalid_params=[invalid("gemeentecode", "niet de gemeente van het token", "andere-gemeente")],
        )
    p = periode(periode_code)
    levering, nieuw = await CbsLeveringRepository(ctx.session).plan(
        gemeente=gemeente, periode=p.code, van=p.van, tot=p.tot, door=ctx.principal.user or ctx.principal.client_id
    )
    if nieuw:
        await ctx.verwerk(
            CBS_LEVERING, Actie.AANMAKEN, object_type="cbs-levering", object_id=levering.id, betrokkene=None
        )
    return levering, nieuw


async def levering(ctx: RequestContext, levering_id: uuid.UUID) -> CbsLevering:
    gevonden = await CbsLeveringRepository(ctx.session).get(levering_id, ctx.gemeente)
    if gevonden is None:
        raise NotFound("Geen CBS-levering met dit id")
    return gevonden


async def bestand(ctx: RequestContext, levering_id: uuid.UUID) -> tuple[CbsLevering, AsyncIterator[bytes]]:
    """The content as one gzip file (its chunks in order), read chunk by chunk; the download is logged."""
    gevonden = await levering(ctx, levering_id)
    if gevonden.status != Leveringstatus.GEREED:
        raise NogNietGereed(f"De levering is {gevonden.status}")
    if gevonden.inhoud_verwijderd_at is not None:
        raise InhoudVerwijderd()
    repo = CbsLeveringRepository(ctx.session)
    await repo.gedownload(levering_id, NA_DOWNLOAD_DAGEN)
    await ctx.verwerk(CBS_LEVERING, Actie.LEZEN, object_type="cbs-levering", object_id=levering_id, betrokkene=None)
    return gevonden, _delen(ctx, levering_id, gevonden.aantal_delen or 0)


async def _delen(ctx: RequestContext, levering_id: uuid.UUID, aantal: int) -> AsyncIterator[bytes]:
    # One chunk at a time, each in a short session of its own: the request's session is closed once the body streams.
    engine = ctx.session.bind
    for volgnummer in range(1, aantal + 1):
        async with AsyncSession(engine) as session:
            inhoud = await CbsLeveringRepository(session).deel(levering_id, volgnummer)
        if inhoud is None:
            raise InhoudVerwijderd()
        yield inhoud
