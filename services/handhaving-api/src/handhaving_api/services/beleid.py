"""What others register for enforcement: the gemeente's verordening versions, the inkomen specialist's
Participatiewet maatregelen (Wi art. 27) and DUO's boetes (until the DUO stand-in delivers them as chain facts)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from handhaving_api import activiteiten
from handhaving_api.domain import bedragen
from handhaving_api.domain.bedragen import Ladder
from handhaving_api.models import DuoBoete, ParticipatiewetMaatregel, Verordening
from handhaving_api.repository import DuoBoeteRepository, MaatregelRepository, VerordeningRepository
from handhaving_api.services.gemeenschappelijk import verwerk
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import Conflict, Unprocessable, invalid


class VersieBestaat(Conflict):
    code = "verordening-versie-bestaat"
    title = "De gemeente heeft al een versie met deze ingangsdatum; een versie wordt niet vervangen."


class PeriodeOngeldig(Unprocessable):
    code = "periode-ongeldig"
    title = "Het einde van de periode ligt vóór het begin."


async def leg_verordening_vast(
    ctx: RequestContext, ingangsdatum: date, brede_intake: Sequence[int], pip: Sequence[int]
) -> Verordening:
    bedragen.controleer_ladder(Ladder(ingangsdatum, tuple(brede_intake), tuple(pip)))
    versie = Verordening(
        id=uuid.uuid4(),
        gemeente_code=ctx.gemeente,
        ingangsdatum=ingangsdatum,
        brede_intake=list(brede_intake),
        pip=list(pip),
        vastgesteld_door=ctx.principal.user or ctx.principal.client_id,
    )
    repo = VerordeningRepository(ctx.session, ctx.gemeente)
    if not await repo.add_once(versie):
        raise VersieBestaat(f"Er is al een versie met ingangsdatum {ingangsdatum}")
    gevonden = await repo.get(ingangsdatum)
    assert gevonden is not None
    return gevonden


async def verordeningen(ctx: RequestContext) -> Sequence[Verordening]:
    return await VerordeningRepository(ctx.session, ctx.gemeente).all()


async def registreer_maatregel(
    ctx: RequestContext,
    *,
    inburgeraar_id: uuid.UUID,
    periode_van: date,
    periode_tot: date | None,
    gedraging_referentie: str,
    overtreding_id: uuid.UUID | None,
    besluit_datum: date,
) -> ParticipatiewetMaatregel:
    if periode_tot is not None and periode_tot < periode_van:
        raise PeriodeOngeldig(invalid_params=[invalid("periodeTot", "ligt vóór periodeVan")])
    maatregel = ParticipatiewetMaatregel(
        id=uuid.uuid4(),
        gemeente_code=ctx.gemeente,
        inburgeraar_id=inburgeraar_id,
        periode_van=periode_van,
        periode_tot=periode_tot,
        gedraging_referentie=gedraging_referentie,
        overtreding_id=overtreding_id,
        besluit_datum=besluit_datum,
    )
    await MaatregelRepository(ctx.session, ctx.gemeente).add(maatregel)
    await verwerk(
        ctx,
        activiteiten.MAATREGEL_REGISTREREN,
        Actie.AANMAKEN,
        "participatiewet-maatregel",
        maatregel.id,
        maatregel.inburgeraar_id,
    )
    return maatregel


async def maatregelen(
    ctx: RequestContext, paging: PageParams, inburgeraar_id: uuid.UUID | None
) -> tuple[Sequence[ParticipatiewetMaatregel], int]:
    rows, total = await MaatregelRepository(ctx.session, ctx.gemeente).list(paging, inburgeraar_id)
    await ctx.verwerk_alle(
        activiteiten.MAATREGEL_REGISTREREN,
        Actie.ZOEKEN,
        object_type="participatiewet-maatregel",
        subjects=[(r.id, None) for r in rows],
    )
    return rows, total


async def ontvang_duo_boete(
    ctx: RequestContext, *, inburgeraar_id: uuid.UUID, kenmerk: str, besluit_datum: date, bedrag: int, reden: str
) -> DuoBoete:
    boete = await DuoBoeteRepository(ctx.session, ctx.gemeente).add_once(
        DuoBoete(
            id=uuid.uuid4(),
            gemeente_code=ctx.gemeente,
            inburgeraar_id=inburgeraar_id,
            kenmerk=kenmerk,
            besluit_datum=besluit_datum,
            bedrag=bedrag,
            reden=reden,
        )
    )
    await verwerk(ctx, activiteiten.DUO_BOETES, Actie.AANMAKEN, "duo-boete", boete.id, boete.inburgeraar_id)
    return boete
