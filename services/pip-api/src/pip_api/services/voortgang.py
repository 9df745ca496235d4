"""Voortgangsgesprekken under a PIP: planned, then held with outcome and agreed actions.

They evaluate the agreements of a vastgesteld PIP (at least two in the first 10 months,
kamerbrief-tussenstand-veranderopgave.txt), so they exist only under a vastgesteld PIP; the signal job counts them.
"""

from __future__ import annotations

import uuid
from datetime import date

from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.problems import Conflict, NotFound, Unprocessable, invalid
from pip_api import activiteiten
from pip_api.domain.pip import PipStatus, vereis_status
from pip_api.events import VoortgangsgesprekGehouden, VoortgangsgesprekGepland
from pip_api.models import Pip, Voortgangsgesprek
from pip_api.repository import PipRepository, VoortgangsgesprekRepository
from pip_api.services.signalen import vandaag


class GesprekAlGehouden(Conflict):
    code = "gesprek-al-gehouden"
    title = "Dit voortgangsgesprek is al vastgelegd als gehouden."


class GesprekInDeToekomst(Unprocessable):
    code = "gesprek-in-de-toekomst"
    title = "Een gesprek dat nog moet komen, is niet gehouden."


def pad(pip_id: uuid.UUID, gesprek_id: uuid.UUID) -> str:
    return f"/pips/{pip_id}/voortgangsgesprekken/{gesprek_id}"


async def _pip(ctx: RequestContext, pip_id: uuid.UUID) -> Pip:
    pip = await PipRepository(ctx.session, ctx.gemeente).get(pip_id)
    if pip is None:
        raise NotFound(f"PIP {pip_id} bestaat niet.")
    return pip


def _controleer_gehouden(gehouden: date | None) -> None:
    if gehouden is not None and gehouden > vandaag():
        raise GesprekInDeToekomst(
            "De datum waarop het gesprek is gehouden ligt in de toekomst; plan het gesprek in plaats daarvan",
            invalid_params=[invalid("gehoudenDatum", "ligt in de toekomst", "in-de-toekomst")],
        )


async def _verwerk(ctx: RequestContext, pip: Pip, actie: Actie) -> None:
    betrokkene = ctx.log.betrokkene_van(pip.inburgeraar_id)
    await ctx.verwerk(
        activiteiten.VOORTGANG_VASTLEGGEN, actie, object_type="pip", object_id=pip.id, betrokkene=betrokkene
    )


async def plan(
    ctx: RequestContext,
    pip_id: uuid.UUID,
    *,
    gepland: date,
    gehouden: date | None,
    uitkomst: str | None,
    afspraken: list[str],
) -> Voortgangsgesprek:
    pip = await _pip(ctx, pip_id)
    vereis_status(PipStatus(pip.status), PipStatus.VASTGESTELD, handeling="Een voortgangsgesprek plannen")
    _controleer_gehouden(gehouden)
    gesprek = Voortgangsgesprek(
        id=uuid.uuid4(),
        pip_id=pip.id,
        gepland_datum=gepland,
        gehouden_datum=gehouden,
        uitkomst=uitkomst,
        afspraken=afspraken,
    )
    await VoortgangsgesprekRepository(ctx.session).add(gesprek)
    await ctx.emit(
        VoortgangsgesprekGepland(
            gesprek_id=gesprek.id,
            pip_id=pip.id,
            inburgeraar_id=pip.inburgeraar_id,
            gepland_datum=gepland,
            gehouden_datum=gehouden,
        ),
        subject=pip.id,
        resource_path=pad(pip.id, gesprek.id),
    )
    await _verwerk(ctx, pip, Actie.AANMAKEN)
    return gesprek


async def lijst(ctx: RequestContext, pip_id: uuid.UUID) -> list[Voortgangsgesprek]:
    pip = await _pip(ctx, pip_id)
    await _verwerk(ctx, pip, Actie.LEZEN)
    return list(await VoortgangsgesprekRepository(ctx.session).list(pip.id))


async def leg_vast(
    ctx: RequestContext,
    pip_id: uuid.UUID,
    gesprek_id: uuid.UUID,
    *,
    gehouden: date,
    uitkomst: str,
    afspraken: list[str],
) -> Voortgangsgesprek:
    """Record a planned conversation as held: once, since its outcome is part of the file."""
    pip = await _pip(ctx, pip_id)
    gesprek = await VoortgangsgesprekRepository(ctx.session).get(pip.id, gesprek_id)
    if gesprek is None:
        raise NotFound(f"PIP {pip_id} heeft geen voortgangsgesprek {gesprek_id}.")
    if gesprek.gehouden_datum is not None:
        raise GesprekAlGehouden(f"Het gesprek is gehouden op {gesprek.gehouden_datum.isoformat()}")
    _controleer_gehouden(gehouden)
    gesprek.gehouden_datum = gehouden
    gesprek.uitkomst = uitkomst
    gesprek.afspraken = afspraken
    await ctx.session.flush()
    await ctx.emit(
        VoortgangsgesprekGehouden(
            gesprek_id=gesprek.id,
            pip_id=pip.id,
            inburgeraar_id=pip.inburgeraar_id,
            gepland_datum=gesprek.gepland_datum,
            gehouden_datum=gehouden,
        ),
        subject=pip.id,
        resource_path=pad(pip.id, gesprek.id),
    )
    await _verwerk(ctx, pip, Actie.WIJZIGEN)
    return gesprek
