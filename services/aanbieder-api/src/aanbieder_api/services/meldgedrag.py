"""The gemeente's view of reporting: which opdrachten are behind on their reports, and per aanbieder what it
reported and how far behind it is. The norms come from the settings and the database applies them to every
running opdracht (see `MeldgedragRepository.meldachterstanden`): no opdracht is loaded here to be judged."""

from __future__ import annotations

import uuid
from datetime import date

from aanbieder_api import activiteiten
from aanbieder_api.domain.meldnorm import Meldnormen
from aanbieder_api.repository.meldgedrag import AanbiederMeldgedrag, MeldgedragRepository, OpdrachtAchterstand
from aanbieder_api.settings import Settings
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.pagination import PageParams


def _normen(settings: Settings) -> Meldnormen:
    return Meldnormen.met_dagen(
        start_dagen=settings.meldnorm_start_dagen, aanwezigheid_dagen=settings.meldnorm_aanwezigheid_dagen
    )


async def te_laat(
    ctx: RequestContext, settings: Settings, peildatum: date, aanbieder_id: uuid.UUID | None, paging: PageParams
) -> tuple[list[OpdrachtAchterstand], int]:
    """One page of the norms running opdrachten are behind on, most days late first, and how many there are."""
    gevonden = await MeldgedragRepository(ctx.session, ctx.gemeente).meldachterstanden(
        _normen(settings), peildatum, aanbieder_id, paging
    )
    # The search judged every opdracht it found behind, not only those on the page asked for.
    await ctx.verwerk_alle(
        activiteiten.VOORTGANG_RAADPLEGEN, Actie.ZOEKEN, object_type="opdracht",
        subjects=[(o, None) for o in gevonden.opdrachten],
    )  # fmt: skip
    return gevonden.pagina, gevonden.totaal


async def van_aanbieder(
    ctx: RequestContext, settings: Settings, peildatum: date, aanbieder_id: uuid.UUID
) -> AanbiederMeldgedrag:
    return await MeldgedragRepository(ctx.session, ctx.gemeente).meldgedrag(_normen(settings), peildatum, aanbieder_id)
