"""Maatschappelijke begeleiding (Wet art. 13; Besluit art. 5.1): asielmigranten only."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from inburgeraar_api import activiteiten
from inburgeraar_api.domain.enums import Doelgroep
from inburgeraar_api.events import MaatschappelijkeBegeleidingVastgelegd
from inburgeraar_api.models import BegeleidingOnderdeel, Inburgeraar
from inburgeraar_api.repository import DossierRepository
from inburgeraar_api.services.registratie import pad, verwerk, vind, vind_actief
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.problems import Unprocessable, invalid


class AlleenVoorAsielmigranten(Unprocessable):
    code = "alleen-asielmigranten"
    title = "Dit onderdeel geldt alleen voor asielmigranten."


def controleer_asielmigrant(inburgeraar: Inburgeraar, wat: str, bron: str) -> None:
    if inburgeraar.doelgroep != Doelgroep.ASIELMIGRANT.value:
        raise AlleenVoorAsielmigranten(
            f"{wat} is er alleen voor asielmigranten ({bron}); deze inburgeraar is {inburgeraar.doelgroep}.",
            invalid_params=[invalid("doelgroep", "moet asielmigrant zijn", "doelgroep")],
        )


async def leg_vast(
    ctx: RequestContext, inburgeraar_id: uuid.UUID, startdatum: date, gegevens: Mapping[str, Any]
) -> BegeleidingOnderdeel:
    """`gegevens`: the onderdeel as stored (JSON), `startdatum` among them."""
    inburgeraar = await vind_actief(ctx, inburgeraar_id)
    controleer_asielmigrant(
        inburgeraar, "Maatschappelijke begeleiding", "Wet inburgering 2021 art. 13; DOMAIN §2 stap 4"
    )
    record = BegeleidingOnderdeel(
        id=uuid.uuid4(),
        inburgeraar_id=inburgeraar.id,
        startdatum=startdatum,
        gegevens=dict(gegevens),
    )
    await DossierRepository(ctx.session).add(record)
    await ctx.emit(
        MaatschappelijkeBegeleidingVastgelegd(
            inburgeraar_id=inburgeraar.id, onderdeel_id=record.id, startdatum=startdatum
        ),
        subject=inburgeraar.id,
        resource_path=f"{pad(inburgeraar.id)}/maatschappelijke-begeleiding",
    )
    await verwerk(
        ctx, inburgeraar, activiteiten.MAATSCHAPPELIJKE_BEGELEIDING, Actie.AANMAKEN, "begeleiding-onderdeel", record.id
    )
    return record


async def lijst(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Sequence[BegeleidingOnderdeel]:
    inburgeraar = await vind(ctx, inburgeraar_id)
    records = await DossierRepository(ctx.session).begeleiding(inburgeraar.id)
    await verwerk(ctx, inburgeraar, activiteiten.MAATSCHAPPELIJKE_BEGELEIDING, Actie.LEZEN, "begeleiding-onderdeel")
    return records
