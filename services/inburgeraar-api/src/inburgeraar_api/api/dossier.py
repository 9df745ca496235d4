"""What hangs under one inburgeraar: plicht (DUO), klantprofiel (COA), warme overdracht, maatschappelijke
begeleiding and financieel ontzorgen. Each sub-process has its own scopes (need to know)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Response, status

from inburgeraar_api import scopes
from inburgeraar_api.api.deps import GeenMedischeGegevens
from inburgeraar_api.api.params import InburgeraarId
from inburgeraar_api.api.schemas import (
    BegeleidingOnderdeelCreate,
    BegeleidingOnderdeelRead,
    KlantprofielAanlevering,
    KlantprofielVersieRead,
    KlantprofielVersieSamenvatting,
    OntzorgenCreate,
    OntzorgenRead,
    OntzorgenVerlenging,
    PlichtMutatieRead,
    PlichtRead,
    VerlengingsverzoekRead,
    WarmeOverdrachtRead,
)
from inburgeraar_api.domain.klantprofiel import Wijziging
from inburgeraar_api.domain.overdracht import WarmeOverdracht
from inburgeraar_api.domain.plicht import PlichtMutatie
from inburgeraar_api.domain.verlenging import Verlengingsomstandigheden
from inburgeraar_api.models import BegeleidingOnderdeel, KlantprofielVersie, Ontzorgen, Verlengingsverzoek
from inburgeraar_api.models import WarmeOverdracht as WarmeOverdrachtRecord
from inburgeraar_api.services import begeleiding, klantprofiel, ontzorgen, overdracht, plicht, verlenging
from inburgering_kit.context import RequestContext, context
from inburgering_kit.idempotency import IdempotencyDep

router = APIRouter(prefix="/inburgeraars/{inburgeraarId:uuid}")


BegeleidingLezen = Annotated[RequestContext, Depends(context(scopes.BEGELEIDING_LEZEN), scope="function")]
BegeleidingSchrijven = Annotated[RequestContext, Depends(context(scopes.BEGELEIDING_SCHRIJVEN), scope="function")]
KlantprofielLezen = Annotated[RequestContext, Depends(context(scopes.KLANTPROFIEL_LEZEN), scope="function")]
KlantprofielSchrijven = Annotated[RequestContext, Depends(context(scopes.KLANTPROFIEL_SCHRIJVEN), scope="function")]
OntzorgenLezen = Annotated[RequestContext, Depends(context(scopes.ONTZORGEN_LEZEN), scope="function")]
OntzorgenSchrijven = Annotated[RequestContext, Depends(context(scopes.ONTZORGEN_SCHRIJVEN), scope="function")]
OverdrachtLezen = Annotated[RequestContext, Depends(context(scopes.OVERDRACHT_LEZEN), scope="function")]
OverdrachtSchrijven = Annotated[RequestContext, Depends(context(scopes.OVERDRACHT_SCHRIJVEN), scope="function")]
PlichtLezen = Annotated[RequestContext, Depends(context(scopes.PLICHT_LEZEN), scope="function")]
PlichtSchrijven = Annotated[RequestContext, Depends(context(scopes.PLICHT_SCHRIJVEN), scope="function")]
# The circumstances of a verlenging request are the gemeente's own record, not a DUO fact: DUO (plicht:schrijven)
# may not write them, and it hears of them in the report (item q).
VerlengingLezen = Annotated[RequestContext, Depends(context(scopes.INBURGERAAR_LEZEN), scope="function")]
VerlengingSchrijven = Annotated[RequestContext, Depends(context(scopes.INBURGERAAR_SCHRIJVEN), scope="function")]


def _plicht(stand: plicht.Plicht) -> PlichtRead:
    return PlichtRead(
        stand=stand.stand,
        mutaties=[
            PlichtMutatieRead(volgnummer=m.volgnummer, ontvangen_op=m.ontvangen_op, mutatie=m.mutatie)
            for m in stand.mutaties
        ],
    )


def _samenvatting(record: KlantprofielVersie) -> KlantprofielVersieSamenvatting:
    return KlantprofielVersieSamenvatting(
        versie=record.versie,
        bron=record.bron,
        ontvangen_op=record.ontvangen_at,
        wijzigingen=[Wijziging.model_validate(w) for w in record.wijzigingen],
    )


def _klantprofielversie(record: KlantprofielVersie) -> KlantprofielVersieRead:
    return KlantprofielVersieRead(
        versie=record.versie,
        bron=record.bron,
        ontvangen_op=record.ontvangen_at,
        wijzigingen=[Wijziging.model_validate(w) for w in record.wijzigingen],
        profiel=klantprofiel.profiel(record),
    )


def _overdracht(record: WarmeOverdrachtRecord) -> WarmeOverdrachtRead:
    return WarmeOverdrachtRead(
        id=record.id,
        vastgelegd_op=record.created_at,
        overdracht=WarmeOverdracht.model_validate(record.gegevens),
    )


def _onderdeel(record: BegeleidingOnderdeel) -> BegeleidingOnderdeelRead:
    return BegeleidingOnderdeelRead(id=record.id, **record.gegevens)


def _ontzorgen(record: Ontzorgen) -> OntzorgenRead:
    return OntzorgenRead(
        beschikking_referentie=record.beschikking_referentie,
        startdatum=record.startdatum,
        geplande_einddatum=record.geplande_einddatum,
        verlengd_tot=record.verlengd_tot,
    )


# ---- Plicht ----


@router.post(
    "/plicht-mutaties",
    status_code=status.HTTP_201_CREATED,
    tags=["Inburgeringsplicht"],
    operation_id="plicht_mutatie_create",
    summary="Een feit over de inburgeringsplicht van DUO vastleggen (plicht, vrijstelling, termijn, ...)",
)
async def plicht_mutatie(
    inburgeraar_id: InburgeraarId,
    mutatie: Annotated[PlichtMutatie, Body()],
    ctx: PlichtSchrijven,
    idem: IdempotencyDep,
) -> PlichtRead:
    async def ontvang() -> PlichtRead:
        return _plicht(await plicht.ontvang(ctx, inburgeraar_id, mutatie))

    return await idem.run(ctx, mutatie, 201, ontvang)  # type: ignore[return-value]


@router.get(
    "/plicht",
    tags=["Inburgeringsplicht"],
    operation_id="plicht_read",
    summary="De huidige plicht met alle mutaties, elk met datum en bron",
)
async def plicht_lees(inburgeraar_id: InburgeraarId, ctx: PlichtLezen) -> PlichtRead:
    return _plicht(await plicht.lees(ctx, inburgeraar_id))


# ---- Klantprofiel ----


@router.post(
    "/klantprofielen",
    status_code=status.HTTP_201_CREATED,
    tags=["Klantprofiel"],
    operation_id="klantprofiel_create",
    summary="Een (nieuwe versie van het) klantprofiel van het COA ontvangen",
    responses={
        200: {
            "description": "Ongewijzigd ten opzichte van de laatste versie; geen nieuwe versie.",
            "model": KlantprofielVersieRead,
        }
    },
)
async def klantprofiel_ontvang(
    inburgeraar_id: InburgeraarId,
    body: KlantprofielAanlevering,
    ctx: KlantprofielSchrijven,
    response: Response,
    _: GeenMedischeGegevens,
) -> KlantprofielVersieRead:
    versie, nieuw = await klantprofiel.ontvang(ctx, inburgeraar_id, body.profiel, body.bron)
    if not nieuw:
        response.status_code = status.HTTP_200_OK
    return _klantprofielversie(versie)


@router.get(
    "/klantprofielen",
    tags=["Klantprofiel"],
    operation_id="klantprofiel_list",
    summary="Alle versies van het klantprofiel, met wat er per versie veranderde",
)
async def klantprofiel_versies(
    inburgeraar_id: InburgeraarId, ctx: KlantprofielLezen
) -> list[KlantprofielVersieSamenvatting]:
    return [_samenvatting(r) for r in await klantprofiel.versies(ctx, inburgeraar_id)]


@router.get(
    "/klantprofielen/{versie}",
    tags=["Klantprofiel"],
    operation_id="klantprofiel_read",
    summary="Eén versie van het klantprofiel",
)
async def klantprofiel_versie(
    inburgeraar_id: InburgeraarId,
    versie: Annotated[int, Path(ge=1, le=100_000)],
    ctx: KlantprofielLezen,
) -> KlantprofielVersieRead:
    return _klantprofielversie(await klantprofiel.versie(ctx, inburgeraar_id, versie))


# ---- Warme overdracht ----


@router.post(
    "/warme-overdrachten",
    status_code=status.HTTP_201_CREATED,
    tags=["Warme overdracht"],
    operation_id="warme_overdracht_create",
    summary="De warme overdracht vastleggen",
)
async def warme_overdracht(
    inburgeraar_id: InburgeraarId,
    body: WarmeOverdracht,
    ctx: OverdrachtSchrijven,
    idem: IdempotencyDep,
    _: GeenMedischeGegevens,
) -> WarmeOverdrachtRead:
    async def leg_vast() -> WarmeOverdrachtRead:
        return _overdracht(await overdracht.leg_vast(ctx, inburgeraar_id, body))

    return await idem.run(ctx, body, 201, leg_vast)  # type: ignore[return-value]


@router.get(
    "/warme-overdrachten",
    tags=["Warme overdracht"],
    operation_id="warme_overdracht_list",
    summary="De vastgelegde warme overdrachten",
)
async def warme_overdrachten(inburgeraar_id: InburgeraarId, ctx: OverdrachtLezen) -> list[WarmeOverdrachtRead]:
    return [_overdracht(r) for r in await overdracht.lijst(ctx, inburgeraar_id)]


# ---- Maatschappelijke begeleiding ----


@router.post(
    "/maatschappelijke-begeleiding",
    status_code=status.HTTP_201_CREATED,
    tags=["Maatschappelijke begeleiding"],
    operation_id="begeleiding_create",
    summary="Een onderdeel van de maatschappelijke begeleiding vastleggen (asielmigranten)",
)
async def begeleiding_onderdeel(
    inburgeraar_id: InburgeraarId,
    body: BegeleidingOnderdeelCreate,
    ctx: BegeleidingSchrijven,
    idem: IdempotencyDep,
    _: GeenMedischeGegevens,
) -> BegeleidingOnderdeelRead:
    async def leg_vast() -> BegeleidingOnderdeelRead:
        record = await begeleiding.leg_vast(ctx, inburgeraar_id, body.startdatum, body.model_dump(mode="json"))
        return _onderdeel(record)

    return await idem.run(ctx, body, 201, leg_vast)  # type: ignore[return-value]


@router.get(
    "/maatschappelijke-begeleiding",
    tags=["Maatschappelijke begeleiding"],
    operation_id="begeleiding_list",
    summary="De onderdelen van de maatschappelijke begeleiding",
)
async def begeleiding_onderdelen(
    inburgeraar_id: InburgeraarId, ctx: BegeleidingLezen
) -> list[BegeleidingOnderdeelRead]:
    return [_onderdeel(r) for r in await begeleiding.lijst(ctx, inburgeraar_id)]


# ---- Financieel ontzorgen ----


@router.put(
    "/ontzorgen",
    tags=["Financieel ontzorgen"],
    operation_id="ontzorgen_put",
    summary="Financieel ontzorgen vastleggen; de geplande einddatum volgt uit de start (6 maanden)",
)
async def ontzorgen_vastleggen(
    inburgeraar_id: InburgeraarId, body: OntzorgenCreate, ctx: OntzorgenSchrijven
) -> OntzorgenRead:
    return _ontzorgen(await ontzorgen.leg_vast(ctx, inburgeraar_id, body.beschikking_referentie, body.startdatum))


@router.post(
    "/ontzorgen/_verlengen",
    tags=["Financieel ontzorgen"],
    operation_id="ontzorgen_verleng",
    summary="Financieel ontzorgen verlengen",
)
async def ontzorgen_verlengen(
    inburgeraar_id: InburgeraarId, body: OntzorgenVerlenging, ctx: OntzorgenSchrijven
) -> OntzorgenRead:
    return _ontzorgen(await ontzorgen.verleng(ctx, inburgeraar_id, body.verlengd_tot))


@router.get("/ontzorgen", tags=["Financieel ontzorgen"], operation_id="ontzorgen_read", summary="Financieel ontzorgen")
async def ontzorgen_lees(inburgeraar_id: InburgeraarId, ctx: OntzorgenLezen) -> OntzorgenRead:
    return _ontzorgen(await ontzorgen.lees(ctx, inburgeraar_id))


# ---- Verlenging: omstandigheden (de gemeente) ----


def _verlengingsverzoek(record: Verlengingsverzoek) -> VerlengingsverzoekRead:
    return VerlengingsverzoekRead(
        id=record.id,
        verzoekdatum=record.verzoek_datum,
        termijn=record.termijn,
        omstandigheden=record.omstandigheden,
        gevraagde_einddatum=record.gevraagde_eind_datum,
        toelichting=record.toelichting,
        vastgelegd_op=record.created_at,
    )


@router.post(
    "/verlengingsverzoeken",
    status_code=status.HTTP_201_CREATED,
    tags=["Inburgeringsplicht"],
    operation_id="verlengingsverzoek_create",
    summary="De omstandigheden achter een verzoek tot verlenging vastleggen (voor DUO, item q)",
)
async def verlengingsverzoek(
    inburgeraar_id: InburgeraarId, body: Verlengingsomstandigheden, ctx: VerlengingSchrijven
) -> VerlengingsverzoekRead:
    return _verlengingsverzoek(await verlenging.leg_vast(ctx, inburgeraar_id, body))


@router.get(
    "/verlengingsverzoeken",
    tags=["Inburgeringsplicht"],
    operation_id="verlengingsverzoek_list",
    summary="De vastgelegde omstandigheden achter verzoeken tot verlenging",
)
async def verlengingsverzoeken(inburgeraar_id: InburgeraarId, ctx: VerlengingLezen) -> list[VerlengingsverzoekRead]:
    return [_verlengingsverzoek(r) for r in await verlenging.lijst(ctx, inburgeraar_id)]
