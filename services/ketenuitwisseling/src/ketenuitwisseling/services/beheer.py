"""Use cases behind the API: a partner's notification, the report work list with its resend, and the overviews."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import Conflict, NotFound, Unprocessable, invalid
from ketenuitwisseling import activiteiten
from ketenuitwisseling.models import Melding, Rapportage
from ketenuitwisseling.repository import MeldingRepository, RapportageRepository


class AndereGemeente(Unprocessable):
    code = "andere-gemeente"
    title = "De melding gaat over een andere gemeente dan die van het token."


class NietAfgewezen(Conflict):
    code = "rapportage-niet-afgewezen"
    title = "Alleen een afgewezen rapportage wordt opnieuw verzonden, en maar één keer."


async def ontvang_melding(
    ctx: RequestContext,
    *,
    bron: str,
    feit_id: uuid.UUID,
    soort: str,
    gemeente: str,
    volgnummer: int,
    tijdstip: datetime,
) -> Melding:
    """Store the notification once; a repeat (the partner retries, or notifies twice) is answered alike."""
    if gemeente != ctx.gemeente:
        raise AndereGemeente(
            "Een partner meldt alleen feiten voor de gemeente waarvoor zijn token geldt.",
            invalid_params=[invalid("gemeentecode", "niet de gemeente van het token", "andere-gemeente")],
        )
    repo = MeldingRepository(ctx.session)
    await repo.voeg_toe(
        bron=bron, feit_id=feit_id, soort=soort, gemeente=gemeente, volgnummer=volgnummer, gemeld_at=tijdstip
    )
    melding = await repo.get(bron, feit_id, gemeente)
    if melding is None:  # the same id from the same partner for another gemeente: never merged, never shown
        raise AndereGemeente(
            "Dit feit-id is al gemeld voor een andere gemeente.",
            invalid_params=[invalid("id", "al gemeld voor een andere gemeente", "andere-gemeente")],
        )
    return melding


async def rapportages(ctx: RequestContext, paging: PageParams, **filters: Any) -> tuple[Sequence[Rapportage], int]:
    rows, total = await RapportageRepository(ctx.session).lijst(ctx.gemeente, paging, **filters)
    await ctx.verwerk_alle(
        activiteiten.RAADPLEGEN,
        Actie.ZOEKEN,
        object_type="rapportage",
        subjects=[(r.inburgeraar_id, None) for r in rows],
    )
    return rows, total


async def rapportage(ctx: RequestContext, rapport_id: uuid.UUID) -> Rapportage:
    found = await RapportageRepository(ctx.session).get(rapport_id, ctx.gemeente)
    if found is None:
        raise NotFound("Er is geen rapportage met dit id in uw gemeente.")
    await ctx.verwerk(
        activiteiten.RAADPLEGEN, Actie.LEZEN, object_type="rapportage", object_id=found.inburgeraar_id, betrokkene=None
    )
    return found


async def opnieuw_verzenden(ctx: RequestContext, rapport_id: uuid.UUID, gegevens: dict[str, Any]) -> Rapportage:
    """A corrected report in place of one DUO rejected: a new report id (DUO keeps the rejected one as it was), the
    old one marked `vervangen` so it leaves the work list. Once: the row lock makes a double click a 409."""
    repo = RapportageRepository(ctx.session)
    oud = await repo.get(rapport_id, ctx.gemeente, for_update=True)
    if oud is None:
        raise NotFound("Er is geen rapportage met dit id in uw gemeente.")
    if oud.status != "afgewezen":
        raise NietAfgewezen(f"Deze rapportage heeft status {oud.status}.")
    nieuw_id = uuid.uuid4()
    await repo.voeg_toe(
        [
            {
                "id": nieuw_id,
                "gemeente_code": oud.gemeente_code,
                "inburgeraar_id": oud.inburgeraar_id,
                "item": oud.item,
                "gegevens": gegevens,
                # Unique per (event, item): the correction is its own source, with the rejected report as its cause.
                "bron_event_id": f"correctie:{oud.id}",
                "bron_event_type": oud.bron_event_type,
                "vervangt_id": oud.id,
            }
        ]
    )
    await repo.leg_vast(oud.id, status="vervangen", vervangen_door_id=nieuw_id)
    await ctx.verwerk(
        activiteiten.RAPPORTEREN_DUO, Actie.WIJZIGEN, object_type="rapportage", object_id=oud.inburgeraar_id,
        betrokkene=None,
    )  # fmt: skip
    nieuw = await repo.get(nieuw_id, ctx.gemeente)
    assert nieuw is not None
    return nieuw


async def meldingen(ctx: RequestContext, paging: PageParams, **filters: Any) -> tuple[Sequence[Melding], int]:
    rows, total = await MeldingRepository(ctx.session).lijst(ctx.gemeente, paging, **filters)
    await ctx.verwerk_alle(
        activiteiten.RAADPLEGEN,
        Actie.ZOEKEN,
        object_type="melding",
        subjects=[(r.inburgeraar_id, None) for r in rows if r.inburgeraar_id is not None],
    )
    return rows, total


@dataclass(frozen=True)
class Uitwisselingen:
    ontvangen: Sequence[Melding]
    gerapporteerd: Sequence[Rapportage]


async def uitwisselingen(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Uitwisselingen:
    alles = PageParams(page=1, page_size=100_000)
    ontvangen, _ = await MeldingRepository(ctx.session).lijst(ctx.gemeente, alles, inburgeraar_id=inburgeraar_id)
    gerapporteerd, _ = await RapportageRepository(ctx.session).lijst(ctx.gemeente, alles, inburgeraar_id=inburgeraar_id)
    await ctx.verwerk(
        activiteiten.RAADPLEGEN, Actie.LEZEN, object_type="uitwisselingen", object_id=inburgeraar_id, betrokkene=None
    )
    return Uitwisselingen(ontvangen, gerapporteerd)


@dataclass(frozen=True)
class Overzicht:
    rapportages: dict[str, int]
    oudste_wachtend: datetime | None
    meldingen: dict[str, int]


async def overzicht(ctx: RequestContext) -> Overzicht:
    rapportages_, oudste = await RapportageRepository(ctx.session).tellingen(ctx.gemeente)
    return Overzicht(rapportages_, oudste, await MeldingRepository(ctx.session).tellingen(ctx.gemeente))
