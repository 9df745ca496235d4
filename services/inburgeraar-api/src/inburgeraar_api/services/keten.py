"""What the gemeente's chain exchange may read here: the BSN of a person, for a report to DUO, nothing else."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from inburgeraar_api import activiteiten
from inburgeraar_api.models import Inburgeraar
from inburgeraar_api.repository import InburgeraarRepository
from inburgeraar_api.services.registratie import verwerk, vind, zichtbaar
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext


async def bsn_voor_duo(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Inburgeraar:
    inburgeraar = await vind(ctx, inburgeraar_id)
    await verwerk(ctx, inburgeraar, activiteiten.BSN_LEVERING_DUO, Actie.LEZEN, "inburgeraar")
    return inburgeraar


async def bsns_voor_duo(ctx: RequestContext, ids: Sequence[uuid.UUID]) -> list[Inburgeraar]:
    """As `bsn_voor_duo` for many at once: only those the caller may know (of its gemeente), each read recorded with
    its legal ground exactly as the single lookup records it; an unknown id is left out, not an error, so one
    person removed meanwhile does not hold up the others' reports."""
    gevonden = await InburgeraarRepository(ctx.session, ctx.gemeente).get_many(ids)
    zichtbare = [i for i in gevonden if zichtbaar(ctx, i) is not None]
    await ctx.verwerk_alle(
        activiteiten.BSN_LEVERING_DUO,
        Actie.LEZEN,
        object_type="inburgeraar",
        subjects=[(i.id, ctx.log.betrokkene_van(i.id)) for i in zichtbare],
    )
    return zichtbare
