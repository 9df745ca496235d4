"""The dossier transfer on a move (Besluit inburgering 2021 art. 9.4 lid 4; DOMAIN §6), the enforcement part.

The old gemeente hands over the person's whole enforcement history: every overtreding with its procedure, the
warnings, the boetes with their bezwaar and beroep, DUO's boetes as received, the Participatiewet maatregelen, and
what it took over itself from a gemeente before it.
The new gemeente keeps it as read-only history of its own person (`overgenomen_handhaving`), apart from its own
enforcement: it reported nothing of it and counts none of it. Only a warning given there is read again: the step to
a voornemen here needs one (seed 002 tabel stap 3), and the person was warned.

When inburgeraar-api says the person moved (`inburgeraar.verhuisd`), the old gemeente ends what it still ran: open
candidates and procedures without a besluit stop with reason `verhuisd`; imposed boetes stay as they are.

A person who moves back to a gemeente they left: its own history of the first stay is still there, so what the other
gemeente had taken over from it is not kept a second time; inburgeraar-api's new `inburgeraar-geregistreerd` ends the
move-out in the projection (`projectie`), so candidates follow for the person here again.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from handhaving_api import activiteiten
from handhaving_api.domain import procedure
from handhaving_api.domain.enums import Handeling, Procedurestatus
from handhaving_api.models import (
    Boete,
    DuoBoete,
    OvergenomenHandhaving,
    Overtreding,
    ParticipatiewetMaatregel,
    Procedurestap,
    Rechtsmiddelzaak,
)
from handhaving_api.repository import OverdrachtRepository, ProjectieRepository
from handhaving_api.services.gemeenschappelijk import verwerk
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.overdracht import OVERDRAGEN, OVERNEMEN, REDEN_VERHUISD, vingerafdruk, zonder_eigen_geschiedenis
from inburgering_kit.problems import Conflict, NotFound, Unprocessable, invalid


class OverdrachtConflict(Conflict):
    code = "overdracht-conflict"
    title = "Onder deze overdracht is al een ander dossierdeel overgenomen."


class EigenGemeente(Unprocessable):
    code = "eigen-gemeente"
    title = "Een dossier wordt overgenomen van een andere gemeente."


@dataclass(frozen=True, slots=True)
class Dossierdelen:
    """Everything of the enforcement context on one person of the old gemeente, as it hands it over."""

    inburgeraar_id: uuid.UUID
    overtredingen: Sequence[Overtreding]
    stappen: Mapping[uuid.UUID, Sequence[Procedurestap]]
    boetes: Sequence[Boete]
    rechtsmiddelen: Mapping[uuid.UUID, Sequence[Rechtsmiddelzaak]]
    duo_boetes: Sequence[DuoBoete]
    maatregelen: Sequence[ParticipatiewetMaatregel] = field(default_factory=list)
    # What this gemeente took over itself on an earlier move: it travels on, so no history is lost on a second move.
    overgenomen: Sequence[OvergenomenHandhaving] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Overname:
    """A part as the new gemeente's exchange delivers it; `dossier` already checked against the export's model
    and in its canonical JSON form."""

    inburgeraar_id: uuid.UUID
    van_gemeente: str
    verhuisdatum: date | None
    dossier: dict[str, Any]
    body: dict[str, Any]


async def _van_deze_gemeente(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> None:
    # The projection is not the register of persons (inburgeraar-api is): a person it does not know yet is this
    # gemeente's as far as this context can tell, one it knows in another gemeente is not found, like any row.
    gemeente = await OverdrachtRepository(ctx.session, ctx.gemeente).gemeente_van(inburgeraar_id)
    if gemeente is not None and gemeente != ctx.gemeente:
        raise NotFound(f"Inburgeraar {inburgeraar_id} bestaat niet.")


async def exporteer(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Dossierdelen:
    await _van_deze_gemeente(ctx, inburgeraar_id)
    repo = OverdrachtRepository(ctx.session, ctx.gemeente)
    overtredingen = await repo.overtredingen(inburgeraar_id)
    stappen: dict[uuid.UUID, list[Procedurestap]] = defaultdict(list)
    for stap in await repo.stappen([o.id for o in overtredingen]) if overtredingen else []:
        stappen[stap.overtreding_id].append(stap)
    boetes = await repo.boetes(inburgeraar_id)
    zaken: dict[uuid.UUID, list[Rechtsmiddelzaak]] = defaultdict(list)
    for zaak in await repo.rechtsmiddelen([b.id for b in boetes]) if boetes else []:
        zaken[zaak.boete_id].append(zaak)
    delen = Dossierdelen(
        inburgeraar_id=inburgeraar_id,
        overtredingen=overtredingen,
        stappen=stappen,
        boetes=boetes,
        rechtsmiddelen=zaken,
        duo_boetes=await repo.duo_boetes(inburgeraar_id),
        maatregelen=await repo.maatregelen(inburgeraar_id),
        overgenomen=await repo.overgenomen_van(inburgeraar_id),
    )
    await verwerk(ctx, OVERDRAGEN, Actie.LEZEN, "handhavingsdossier", inburgeraar_id, inburgeraar_id)
    return delen


async def neem_over(
    ctx: RequestContext, overdracht_id: uuid.UUID, deel: Overname
) -> tuple[OvergenomenHandhaving, bool]:
    """Store the part under the transfer's id: (the stored part, whether this call stored it). The same body again
    is answered as the first time; another body under that id is refused."""
    if deel.van_gemeente == ctx.gemeente:
        raise EigenGemeente(
            "vanGemeente is de eigen gemeente", invalid_params=[invalid("vanGemeente", "is de eigen gemeente")]
        )
    await _van_deze_gemeente(ctx, deel.inburgeraar_id)
    repo = OverdrachtRepository(ctx.session, ctx.gemeente)
    hash_ = vingerafdruk(deel.body)
    nieuw = await repo.neem_op(
        {
            "id": overdracht_id,
            "gemeente_code": ctx.gemeente,
            "inburgeraar_id": deel.inburgeraar_id,
            "van_gemeente": deel.van_gemeente,
            "verhuisdatum": deel.verhuisdatum,
            # Without what the previous gemeente had taken over from this one: this gemeente's own, still here.
            "dossier": zonder_eigen_geschiedenis(deel.dossier, ctx.gemeente, "eerdereGemeenten"),
            "body_sha256": hash_,
        }
    )
    opgeslagen = await repo.overgenomen(overdracht_id)
    if opgeslagen is None or opgeslagen.gemeente_code != ctx.gemeente or opgeslagen.body_sha256 != hash_:
        raise OverdrachtConflict(f"Onder overdracht {overdracht_id} is al een ander dossierdeel overgenomen.")
    if nieuw:
        await verwerk(ctx, OVERNEMEN, Actie.AANMAKEN, "overgenomen-handhaving", overdracht_id, deel.inburgeraar_id)
    return opgeslagen, nieuw


async def overgenomen(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Sequence[OvergenomenHandhaving]:
    """The history taken over from previous gemeenten, oldest transfer first."""
    rows = await OverdrachtRepository(ctx.session, ctx.gemeente).overgenomen_van(inburgeraar_id)
    await verwerk(
        ctx, activiteiten.HANDHAVING_RAADPLEGEN, Actie.LEZEN, "overgenomen-handhaving", inburgeraar_id, inburgeraar_id
    )
    return rows


async def beeindig_na_verhuizing(ctx: RequestContext, inburgeraar_id: uuid.UUID, datum: date) -> int:
    """End what the old gemeente still ran for the person who moved: each open candidate or procedure without a
    besluit gets the step `beeindigen` with reason `verhuisd` (no longer in a work list, no signal raised on it);
    imposed boetes, with their bezwaar or beroep, stay as they are. No event: nothing of it is for DUO or CBS, and
    the new gemeente gets the history in the transfer. Returns how many were ended; a second run finds none."""
    await ProjectieRepository(ctx.session).upsert(inburgeraar_id, ctx.gemeente, verhuisd_datum=datum)
    repo = OverdrachtRepository(ctx.session, ctx.gemeente)
    open_ = [s.value for s in procedure.OPEN]
    beeindigd = 0
    for overtreding in await repo.open_overtredingen(inburgeraar_id, open_):
        status = procedure.beeindig(Procedurestatus(overtreding.status))
        if status is None:
            continue
        overtreding.status = status.value
        ctx.session.add(
            Procedurestap(
                id=uuid.uuid4(),
                overtreding_id=overtreding.id,
                handeling=Handeling.BEEINDIGEN.value,
                status=status.value,
                datum=datum,
                door=None,
                door_client=ctx.principal.client_id,
                reden=REDEN_VERHUISD,
            )
        )
        await verwerk(ctx, activiteiten.HANDHAVEN, Actie.WIJZIGEN, "overtreding", overtreding.id, inburgeraar_id)
        beeindigd += 1
    await ctx.session.flush()
    return beeindigd
