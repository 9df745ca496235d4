"""Retention by Besluit inburgering 2021 art. 9.9 in the person context: this service knows the end of the plicht
first hand (DUO's facts), records it, tells the other contexts by `einde-plicht-gewijzigd`, and deletes its own data
when they fall due (see `domain.retentie`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from inburgeraar_api.domain.plicht import PlichtMutatie
from inburgeraar_api.domain.retentie import KERN_JAREN, OVERIGE_JAREN, einde_plicht
from inburgeraar_api.events import EindePlichtGewijzigd
from inburgeraar_api.models import Inburgeraar
from inburgeraar_api.repository.retentie import RetentieRepository
from inburgeraar_api.settings import Settings
from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.context import RequestContext
from inburgering_kit.retentie import Opruimer, grens, verwijder_verwerkingen


async def plicht_gewijzigd(ctx: RequestContext, inburgeraar: Inburgeraar, mutaties: Sequence[PlichtMutatie]) -> None:
    """After a new plicht fact: record where the retention clock starts, and tell the others when it moved."""
    einde = einde_plicht(mutaties)
    oud = await RetentieRepository(ctx.session).zet_einde(inburgeraar.id, einde)
    if oud != einde:
        await ctx.emit(
            EindePlichtGewijzigd(inburgeraar_id=inburgeraar.id, einddatum=einde),
            subject=inburgeraar.id,
            resource_path=f"/inburgeraars/{inburgeraar.id}/plicht",
        )


def opruimer(settings: Settings) -> Opruimer:
    log = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode())

    async def opruimen(session: AsyncSession, peildatum: date) -> dict[str, int]:
        repo = RetentieRepository(session)
        overige = await repo.overige_verlopen(grens(peildatum, OVERIGE_JAREN))
        aantallen = await repo.verwijder_overige([v.inburgeraar_id for v in overige])
        # The log's records about these persons go with their other data (`inburgering_kit.retentie`): those kept
        # under the id's pseudonym and, from before the registration had an id, under the BSN's.
        betrokkenen = [(v.gemeente_code, str(log.betrokkene_van(v.inburgeraar_id))) for v in overige]
        betrokkenen += [(v.gemeente_code, v.bsn_pseudoniem) for v in overige if v.bsn_pseudoniem is not None]
        aantallen["verwerking"] = await verwijder_verwerkingen(session, betrokkenen)
        kern = await repo.kern_verlopen(grens(peildatum, KERN_JAREN))
        aantallen["inburgeraar"] = await repo.verwijder_inburgeraars([v.inburgeraar_id for v in kern])
        return aantallen

    return opruimen
