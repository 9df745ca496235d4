"""The COA klantprofiel: every delivery that changes something is a new version, with what changed."""

from __future__ import annotations

import uuid

from inburgeraar_api import activiteiten
from inburgeraar_api.api.schemas import KlantprofielVersieRead, KlantprofielVersieSamenvatting
from inburgeraar_api.domain.klantprofiel import Klantprofiel, Wijziging, controleer_toestemming, verschillen
from inburgeraar_api.events import KlantprofielOntvangen
from inburgeraar_api.models import KlantprofielVersie
from inburgeraar_api.repository import DossierRepository
from inburgeraar_api.services.registratie import pad, verwerk, vind
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.problems import NotFound


def _profiel(record: KlantprofielVersie) -> Klantprofiel:
    return Klantprofiel.model_validate({**record.profiel, "zachteInformatie": record.zachte_informatie})


def _read(record: KlantprofielVersie) -> KlantprofielVersieRead:
    return KlantprofielVersieRead(
        versie=record.versie,
        bron=record.bron,
        ontvangen_op=record.ontvangen_at,
        wijzigingen=[Wijziging.model_validate(w) for w in record.wijzigingen],
        profiel=_profiel(record),
    )


async def ontvang(
    ctx: RequestContext, inburgeraar_id: uuid.UUID, profiel: Klantprofiel, bron: str
) -> tuple[KlantprofielVersieRead, bool]:
    """Returns the version and whether it is new (an unchanged profile sent again makes no new version)."""
    controleer_toestemming(profiel)
    inburgeraar = await vind(ctx, inburgeraar_id, for_update=True)
    repo = DossierRepository(ctx.session)
    versies = list(await repo.klantprofielen(inburgeraar.id))
    vorige = _profiel(versies[-1]) if versies else None
    wijzigingen = verschillen(vorige, profiel)
    if versies and not wijzigingen:
        return _read(versies[-1]), False
    data = profiel.model_dump(mode="json")
    zacht = data.pop("zachteInformatie", None)
    record = KlantprofielVersie(
        id=uuid.uuid4(),
        inburgeraar_id=inburgeraar.id,
        versie=len(versies) + 1,
        bron=bron,
        profiel=data,
        zachte_informatie=zacht,
        toestemming_datum=profiel.toestemming_datum,
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
    return _read(record), True


async def versies(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> list[KlantprofielVersieSamenvatting]:
    inburgeraar = await vind(ctx, inburgeraar_id)
    records = await DossierRepository(ctx.session).klantprofielen(inburgeraar.id)
    await verwerk(ctx, inburgeraar, activiteiten.KLANTPROFIEL, Actie.LEZEN, "klantprofiel")
    return [
        KlantprofielVersieSamenvatting(
            versie=r.versie,
            bron=r.bron,
            ontvangen_op=r.ontvangen_at,
            wijzigingen=[Wijziging.model_validate(w) for w in r.wijzigingen],
        )
        for r in records
    ]


async def versie(ctx: RequestContext, inburgeraar_id: uuid.UUID, nummer: int) -> KlantprofielVersieRead:
    inburgeraar = await vind(ctx, inburgeraar_id)
    record = await DossierRepository(ctx.session).klantprofiel(inburgeraar.id, nummer)
    if record is None:
        raise NotFound("Deze versie van het klantprofiel bestaat niet.")
    await verwerk(ctx, inburgeraar, activiteiten.KLANTPROFIEL, Actie.LEZEN, "klantprofiel", record.id)
    return _read(record)
