"""The COA klantprofiel: every delivery that changes something is a new version, with what changed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from inburgeraar_api import activiteiten
from inburgeraar_api.domain.klantprofiel import Klantprofiel, controleer_toestemming, verschillen
from inburgeraar_api.events import KlantprofielOntvangen
from inburgeraar_api.models import KlantprofielVersie
from inburgeraar_api.repository import DossierRepository
from inburgeraar_api.services.registratie import pad, verwerk, vind
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.problems import NotFound


def profiel(record: KlantprofielVersie) -> Klantprofiel:
    """The profile of a stored version; its soft information is kept in a column of its own."""
    return Klantprofiel.model_validate({**record.profiel, "zachteInformatie": record.zachte_informatie})


async def ontvang(
    ctx: RequestContext, inburgeraar_id: uuid.UUID, nieuw_profiel: Klantprofiel, bron: str
) -> tuple[KlantprofielVersie, bool]:
    """Returns the version and whether it is new (an unchanged profile sent again makes no new version)."""
    controleer_toestemming(nieuw_profiel)
    inburgeraar = await vind(ctx, inburgeraar_id, for_update=True)
    repo = DossierRepository(ctx.session)
    versies = list(await repo.klantprofielen(inburgeraar.id))
    vorige = profiel(versies[-1]) if versies else None
    wijzigingen = verschillen(vorige, nieuw_profiel)
    if versies and not wijzigingen:
        return versies[-1], False
    data = nieuw_profiel.model_dump(mode="json")
    zacht = data.pop("zachteInformatie", None)
    record = KlantprofielVersie(
        id=uuid.uuid4(),
        inburgeraar_id=inburgeraar.id,
        versie=len(versies) + 1,
        bron=bron,
        profiel=data,
        zachte_informatie=zacht,
        toestemming_datum=nieuw_profiel.toestemming_datum,
        wijzigingen=[w.model_dump(mode="json") for w in wijzigingen],
    )
    await repo.add(record)
    await ctx.emit(
        KlantprofielOntvangen(
            inburgeraar_id=inburgeraar.id,
            versie=record.versie,
            gewijzigde_velden=sorted({w.pad for w in wijzigingen}),
        ),
        subject=inburgeraar.id,
        resource_path=f"{pad(inburgeraar.id)}/klantprofielen/{record.versie}",
    )
    await verwerk(ctx, inburgeraar, activiteiten.KLANTPROFIEL, Actie.AANMAKEN, "klantprofiel", record.id)
    return record, True


async def versies(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Sequence[KlantprofielVersie]:
    inburgeraar = await vind(ctx, inburgeraar_id)
    records = await DossierRepository(ctx.session).klantprofielen(inburgeraar.id)
    await verwerk(ctx, inburgeraar, activiteiten.KLANTPROFIEL, Actie.LEZEN, "klantprofiel")
    return records


async def versie(ctx: RequestContext, inburgeraar_id: uuid.UUID, nummer: int) -> KlantprofielVersie:
    inburgeraar = await vind(ctx, inburgeraar_id)
    record = await DossierRepository(ctx.session).klantprofiel(inburgeraar.id, nummer)
    if record is None:
        raise NotFound("Deze versie van het klantprofiel bestaat niet.")
    await verwerk(ctx, inburgeraar, activiteiten.KLANTPROFIEL, Actie.LEZEN, "klantprofiel", record.id)
    return record
