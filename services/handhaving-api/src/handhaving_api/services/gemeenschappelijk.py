"""What the use cases share: today's date (one seam for tests and for the signal job), the actor of a step, the
projected facts of a person and the processing record."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from handhaving_api.domain.enums import Doelgroep
from handhaving_api.domain.toelaatbaarheid import Persoonsfeiten
from handhaving_api.repository import ProjectieRepository
from inburgering_kit.audit import Actie, Verwerkingsactiviteit
from inburgering_kit.context import RequestContext
from inburgering_kit.problems import Unprocessable, invalid


class DatumInDeToekomst(Unprocessable):
    code = "datum-in-de-toekomst"
    title = "Een stap die nog moet komen, is niet gezet."


def vandaag() -> date:
    return datetime.now(UTC).date()


def niet_in_de_toekomst(datum: date, veld: str) -> None:
    if datum > vandaag():
        raise DatumInDeToekomst(
            f"{veld} ({datum}) ligt in de toekomst", invalid_params=[invalid(veld, "ligt in de toekomst", "toekomst")]
        )


async def persoonsfeiten(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Persoonsfeiten:
    feit = await ProjectieRepository(ctx.session).get(inburgeraar_id, ctx.gemeente)
    if feit is None:
        return Persoonsfeiten()
    doelgroep = Doelgroep(feit.doelgroep) if feit.doelgroep in {d.value for d in Doelgroep} else None
    return Persoonsfeiten(
        doelgroep=doelgroep,
        pip_vastgesteld=feit.pip_vastgesteld_datum,
        pip_beeindigd=feit.pip_beeindigd_datum,
        plicht_einde=feit.plicht_einde_datum,
    )


async def verwerk(
    ctx: RequestContext,
    activiteit: Verwerkingsactiviteit,
    actie: Actie,
    object_type: str,
    object_id: uuid.UUID,
    inburgeraar_id: uuid.UUID | None = None,
) -> None:
    # The person is known here by id only (no BSN in this context): the record carries the pseudonym of the
    # inburgeraar id that every service records alike (`inburgering_kit.privacy`).
    betrokkene = ctx.log.betrokkene_van(inburgeraar_id)
    await ctx.verwerk(activiteit, actie, object_type=object_type, object_id=object_id, betrokkene=betrokkene)
