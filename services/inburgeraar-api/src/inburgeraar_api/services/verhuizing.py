"""A move to another gemeente and the transfer of this context's part of the dossier (Besluit inburgering 2021
art. 9.4 lid 4; DOMAIN §6).

At the gemeente left (O): the move is registered (klantregisseur, or the chain exchange on DUO's notice), the
exchange fetches the dossier (`exporteer`), delivers it, and marks the move `overgedragen`: the person is then
`verhuisd` here and every context ends what it still ran for them on `verhuisd`. At the new gemeente (N): the
exchange hands the dossier in (`neem_over`), which finds or registers the person by BSN; the dossier is kept whole as
read-only imported history, and only what N needs to act on — the NAW and DUO's plicht facts — becomes N's own
registration. A person who moves back to a gemeente they left before is found there by BSN and taken up again
(`registratie.keer_terug`); what that gemeente handed over itself comes back inside the other's history and is not kept
a second time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from inburgeraar_api import activiteiten
from inburgeraar_api.domain.enums import Doelgroep, InburgeraarStatus
from inburgeraar_api.domain.plicht import PlichtMutatie
from inburgeraar_api.events import InburgeraarGewijzigd, Verhuisd, VerhuizingAangemeld
from inburgeraar_api.models import (
    BegeleidingOnderdeel,
    Inburgeraar,
    KlantprofielVersie,
    Ontzorgen,
    OvergenomenDossier,
    Verhuizing,
    Verlengingsverzoek,
    WarmeOverdracht,
)
from inburgeraar_api.repository import DossierRepository, VerhuizingRepository
from inburgeraar_api.services import intake, plicht
from inburgeraar_api.services.registratie import (
    NieuweInburgeraar,
    pad,
    registreer,
    registreer_bij_verhuizing,
    verwerk,
    vind,
    vind_actief,
)
from inburgering_kit.audit import Actie
from inburgering_kit.bsn import Bsn
from inburgering_kit.context import RequestContext
from inburgering_kit.overdracht import OVERDRAGEN, OVERNEMEN, zonder_eigen_geschiedenis
from inburgering_kit.problems import Conflict, NotFound, Unprocessable, invalid

AANGEMELD = "aangemeld"
OVERGEDRAGEN = "overgedragen"


class VerhuizingNaarEigenGemeente(Unprocessable):
    code = "verhuizing-naar-eigen-gemeente"
    title = "Een verhuizing gaat naar een andere gemeente."


class AndereVerhuizingLoopt(Conflict):
    code = "andere-verhuizing-loopt"
    title = "Er loopt al een verhuizing van deze inburgeraar naar een andere gemeente."


class OverdrachtAnders(Conflict):
    code = "overdracht-anders"
    title = "Onder dit overdrachtId is al een ander dossier overgenomen."


def verhuizing_pad(inburgeraar_id: uuid.UUID, verhuizing_id: uuid.UUID | None = None) -> str:
    return f"{pad(inburgeraar_id)}/verhuizingen" + (f"/{verhuizing_id}" if verhuizing_id else "")


# ---- The gemeente left (O) ----


async def meld_aan(
    ctx: RequestContext, inburgeraar_id: uuid.UUID, naar_gemeente: str, verhuisdatum: date | None, bron: str
) -> tuple[Verhuizing, bool]:
    """Register a move; an open one to the same gemeente is the answer (`False`: not new): DUO's notice after the
    klantregisseur's registration is the same move, not a second transfer."""
    if naar_gemeente == ctx.gemeente:
        raise VerhuizingNaarEigenGemeente(
            invalid_params=[invalid("naarGemeente", "mag niet de eigen gemeente zijn", "eigen-gemeente")]
        )
    inburgeraar = await vind_actief(ctx, inburgeraar_id, for_update=True)
    repo = VerhuizingRepository(ctx.session)
    for bestaand in await repo.van(inburgeraar.id):
        if bestaand.status != AANGEMELD:
            continue
        if bestaand.naar_gemeente == naar_gemeente:
            await verwerk(ctx, inburgeraar, activiteiten.VERHUIZING, Actie.LEZEN, "verhuizing", bestaand.id)
            return bestaand, False
        raise AndereVerhuizingLoopt(
            f"Aangemeld naar gemeente {bestaand.naar_gemeente}; die wordt eerst overgedragen.",
            extra={"bestaandeResource": f"{ctx.api_prefix}{verhuizing_pad(inburgeraar.id, bestaand.id)}"},
        )
    record = Verhuizing(
        id=uuid.uuid4(),
        inburgeraar_id=inburgeraar.id,
        van_gemeente=ctx.gemeente,
        naar_gemeente=naar_gemeente,
        verhuisdatum=verhuisdatum,
        bron=bron,
        status=AANGEMELD,
        aangemeld_at=datetime.now(UTC),
        overgedragen_at=None,
    )
    await repo.add(record)
    await ctx.emit(
        VerhuizingAangemeld(
            inburgeraar_id=inburgeraar.id,
            verhuizing_id=record.id,
            naar_gemeente=naar_gemeente,
            verhuisdatum=verhuisdatum,
        ),
        subject=inburgeraar.id,
        resource_path=verhuizing_pad(inburgeraar.id, record.id),
    )
    await verwerk(ctx, inburgeraar, activiteiten.VERHUIZING, Actie.AANMAKEN, "verhuizing", record.id)
    return record, True


async def lijst(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Sequence[Verhuizing]:
    inburgeraar = await vind(ctx, inburgeraar_id)
    records = await VerhuizingRepository(ctx.session).van(inburgeraar.id)
    await verwerk(ctx, inburgeraar, activiteiten.VERHUIZING, Actie.LEZEN, "verhuizing")
    return records


async def overgedragen(ctx: RequestContext, inburgeraar_id: uuid.UUID, verhuizing_id: uuid.UUID) -> Verhuizing:
    """The exchange delivered the dossier: the regie here ends. Again for the same move: the same answer, no event."""
    inburgeraar = await vind(ctx, inburgeraar_id, for_update=True)
    record = await VerhuizingRepository(ctx.session).get(inburgeraar.id, verhuizing_id, for_update=True)
    if record is None:
        raise NotFound("Er is geen verhuizing met dit id bij deze inburgeraar.")
    if record.status == OVERGEDRAGEN:
        return record
    record.status = OVERGEDRAGEN
    record.overgedragen_at = datetime.now(UTC)
    inburgeraar.status = InburgeraarStatus.VERHUISD.value
    inburgeraar.versie += 1
    await ctx.session.flush()
    await ctx.emit(
        Verhuisd(
            inburgeraar_id=inburgeraar.id,
            verhuizing_id=record.id,
            naar_gemeente=record.naar_gemeente,
            verhuisdatum=record.verhuisdatum,
        ),
        subject=inburgeraar.id,
        resource_path=pad(inburgeraar.id),
    )
    await verwerk(ctx, inburgeraar, activiteiten.VERHUIZING, Actie.WIJZIGEN, "verhuizing", record.id)
    return record


@dataclass(frozen=True)
class Dossier:
    """Everything this context holds on one person, for the new gemeente."""

    inburgeraar: Inburgeraar
    plicht: plicht.Plicht
    klantprofielen: Sequence[KlantprofielVersie]
    warme_overdrachten: Sequence[WarmeOverdracht]
    brede_intake: intake.Stand | None
    begeleiding: Sequence[BegeleidingOnderdeel]
    ontzorgen: Ontzorgen | None
    verlengingsverzoeken: Sequence[Verlengingsverzoek]
    eerdere_dossiers: Sequence[OvergenomenDossier]


async def exporteer(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Dossier:
    inburgeraar = await vind(ctx, inburgeraar_id)
    repo = DossierRepository(ctx.session)
    dossier = Dossier(
        inburgeraar=inburgeraar,
        plicht=await plicht.records(ctx, inburgeraar),
        klantprofielen=await repo.klantprofielen(inburgeraar.id),
        warme_overdrachten=await repo.warme_overdrachten(inburgeraar.id),
        brede_intake=await intake.stand(ctx, inburgeraar),
        begeleiding=await repo.begeleiding(inburgeraar.id),
        ontzorgen=await repo.ontzorgen(inburgeraar.id),
        verlengingsverzoeken=await repo.verlengingsverzoeken(inburgeraar.id),
        eerdere_dossiers=await VerhuizingRepository(ctx.session).overgenomen_van(inburgeraar.id),
    )
    await verwerk(ctx, inburgeraar, OVERDRAGEN, Actie.LEZEN, "overdrachtsdossier")
    return dossier


# ---- The new gemeente (N) ----


@dataclass(frozen=True)
class Overname:
    """A validated dossier of the previous gemeente, with what N takes from it for its own registration."""

    van_gemeente: str
    verhuisdatum: date | None
    bsn: Bsn | None
    doelgroep: Doelgroep
    nareiziger: bool
    contact: dict[str, Any]
    plichtmutaties: Sequence[PlichtMutatie]
    dossier: dict[str, Any]
    body_hash: str


def _nieuw(overname: Overname) -> NieuweInburgeraar:
    return NieuweInburgeraar(
        bsn=overname.bsn,
        doelgroep=overname.doelgroep,
        nareiziger=overname.nareiziger,
        # The regie here starts at the inschrijving in this gemeente's BRP, on the day of the move; the koppeling
        # was the previous gemeente's and stays in the imported history.
        datum_koppeling=None,
        datum_inschrijving_brp=overname.verhuisdatum or datetime.now(UTC).date(),
        contact=overname.contact,
        klantregisseur=None,
        herkomst={"soort": "verhuizing", "vanGemeente": overname.van_gemeente},
    )


async def _persoon(ctx: RequestContext, overname: Overname) -> Inburgeraar:
    if overname.bsn is None:
        return await registreer(ctx, _nieuw(overname))
    inburgeraar, nieuw = await registreer_bij_verhuizing(ctx, _nieuw(overname))
    if nieuw:
        return inburgeraar
    # Registered before (on DUO's notice): the previous gemeente's NAW fill what this registration lacks.
    inburgeraar = await vind(ctx, inburgeraar.id, for_update=True)
    gewijzigd = []
    if not inburgeraar.contact and overname.contact:
        inburgeraar.contact = overname.contact
        gewijzigd.append("contact")
    if inburgeraar.herkomst is None:
        inburgeraar.herkomst = {"soort": "verhuizing", "vanGemeente": overname.van_gemeente}
        gewijzigd.append("herkomst")
    if gewijzigd:
        inburgeraar.versie += 1
        await ctx.session.flush()
        await ctx.emit(
            InburgeraarGewijzigd(
                inburgeraar_id=inburgeraar.id,
                gewijzigde_velden=gewijzigd,
                doelgroep=inburgeraar.doelgroep,
                datum_koppeling=inburgeraar.datum_koppeling,
                datum_inschrijving_brp=inburgeraar.datum_inschrijving_brp,
            ),
            subject=inburgeraar.id,
            resource_path=pad(inburgeraar.id),
        )
    return inburgeraar


async def neem_over(
    ctx: RequestContext, overdracht_id: uuid.UUID, overname: Overname
) -> tuple[OvergenomenDossier, bool]:
    """Take the previous gemeente's dossier in, once per transfer: the same body again is the first answer
    (`False`: not new), another body under the same id a conflict."""
    repo = VerhuizingRepository(ctx.session)
    await repo.vergrendel_overdracht(overdracht_id)
    bestaand = await repo.overgenomen(overdracht_id)
    if bestaand is not None:
        if bestaand.gemeente_code != ctx.gemeente or bestaand.body_hash != overname.body_hash:
            raise OverdrachtAnders("Een overdracht wordt één keer overgenomen; gebruik een nieuw overdrachtId.")
        return bestaand, False
    inburgeraar = await _persoon(ctx, overname)
    await plicht.neem_over(ctx, inburgeraar, overname.plichtmutaties)
    record = OvergenomenDossier(
        id=overdracht_id,
        inburgeraar_id=inburgeraar.id,
        gemeente_code=ctx.gemeente,
        van_gemeente=overname.van_gemeente,
        verhuisdatum=overname.verhuisdatum,
        # Kept without what the previous gemeente had taken over from this one: that is this gemeente's own.
        dossier=zonder_eigen_geschiedenis(overname.dossier, ctx.gemeente, "eerdereDossiers"),
        body_hash=overname.body_hash,
        created_at=datetime.now(UTC),
    )
    await repo.add(record)
    await verwerk(ctx, inburgeraar, OVERNEMEN, Actie.AANMAKEN, "overgenomen-dossier", record.id)
    return record, True


async def overgenomen(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Sequence[OvergenomenDossier]:
    inburgeraar = await vind(ctx, inburgeraar_id)
    records = await VerhuizingRepository(ctx.session).overgenomen_van(inburgeraar.id)
    await verwerk(ctx, inburgeraar, OVERNEMEN, Actie.LEZEN, "overgenomen-dossier")
    return records
