"""What the gemeente's chain exchange may read here: the BSN of one person, for a report to DUO, nothing else."""

from __future__ import annotations

import uuid

from inburgeraar_api import activiteiten
from inburgeraar_api.models import Inburgeraar
from inburgeraar_api.services.registratie import verwerk, vind
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext


async def bsn_voor_duo(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Inburgeraar:
    inburgeraar = await vind(ctx, inburgeraar_id)
    await verwerk(ctx, inburgeraar, activiteiten.BSN_LEVERING_DUO, Actie.LEZEN, "inburgeraar")
    return inburgeraar
