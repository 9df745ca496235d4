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
from pip_api.events import VoortgangsgesprekGehouden, VoortgangsgesprekGemist, VoortgangsgesprekGepland
from pip_api.models import Pip, Voortgangsgesprek
from pip_api.repository import PipRepository, VoortgangsgesprekRepository
from pip_api.services.signalen import vandaag


class GesprekAlGehouden(Conflict):
    code = "gesprek-al-gehouden"
    title = "Dit voortgangsgesprek is al vastgelegd als gehouden."


class GesprekAlsNietVerschenenVastgelegd(Conflict):
    code = "gesprek-niet-verschenen"
    title = "Bij dit voortgangsgesprek is al vastgelegd dat de inburgeraar niet verscheen."


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
    if gesprek.niet_verschenen_op is not None:
        raise GesprekAlsNietVerschenenVastgelegd(
            f"Op {gesprek.niet_verschenen_op.isoformat()} is vastgelegd dat de inburgeraar niet verscheen; plan een "
            "nieuw gesprek"
        )
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


async def niet_verschenen(
    ctx: RequestContext, pip_id: uuid.UUID, gesprek_id: uuid.UUID, *, reden: str | None
) -> Voortgangsgesprek:
    """Record that the inburgeraar did not appear at a planned conversation, once: for enforcement a possible breach
    of the inspanningsverplichting (Wet inburgering 2021 art. 23), told as `voortgangsgesprek-gemist`. The same
    request again answers the same and tells nothing twice; another reason afterwards is a conflict, since what was
    told to enforcement is not silently changed."""
    pip = await _pip(ctx, pip_id)
    repo = VoortgangsgesprekRepository(ctx.session)
    gesprek = await repo.get(pip.id, gesprek_id)
    if gesprek is None:
        raise NotFound(f"PIP {pip_id} heeft geen voortgangsgesprek {gesprek_id}.")
    if gesprek.gehouden_datum is not None:
        raise GesprekAlGehouden(f"Het gesprek is gehouden op {gesprek.gehouden_datum.isoformat()}")
    if gesprek.niet_verschenen_op is not None:
        if gesprek.niet_verschenen_reden != reden:
            raise GesprekAlsNietVerschenenVastgelegd(
                f"Op {gesprek.niet_verschenen_op.isoformat()} vastgelegd, met een andere reden"
            )
        await _verwerk(ctx, pip, Actie.LEZEN)
        return gesprek
    dag = vandaag()
    if gesprek.gepland_datum > dag:
        raise GesprekInDeToekomst(
            "Het gesprek is gepland na vandaag: wie niet verschijnt, blijkt pas op de dag zelf",
            invalid_params=[invalid("gesprekId", "gepland in de toekomst", "in-de-toekomst")],
        )
    gesprek.niet_verschenen_op = dag
    gesprek.niet_verschenen_reden = reden
    await ctx.session.flush()
    await ctx.emit(
        VoortgangsgesprekGemist(
            gesprek_id=gesprek.id,
            pip_id=pip.id,
            inburgeraar_id=pip.inburgeraar_id,
            gepland_datum=gesprek.gepland_datum,
            vastgelegd_op=dag,
            reden=reden,
        ),
        subject=pip.id,
        resource_path=pad(pip.id, gesprek.id),
    )
    await _verwerk(ctx, pip, Actie.WIJZIGEN)
    return gesprek
