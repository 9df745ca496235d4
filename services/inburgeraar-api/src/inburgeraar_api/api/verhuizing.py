"""A move to another gemeente and the transfer of the dossier (Besluit inburgering 2021 art. 9.4 lid 4): the moves
of one inburgeraar, and the two routes of the chain exchange — the dossier of a person of the calling gemeente
(export, at the gemeente left) and the dossier of another gemeente taken over (import, at the new gemeente)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, Security, status
from pydantic import ValidationError

from inburgeraar_api import scopes
from inburgeraar_api.api.dossier import (
    _klantprofielversie,
    _onderdeel,
    _ontzorgen,
    _overdracht,
    _plicht,
    _verlengingsverzoek,
)
from inburgeraar_api.api.intake import _brede_intake
from inburgeraar_api.api.params import InburgeraarId
from inburgeraar_api.api.schemas import (
    Contactgegevens,
    EerderDossier,
    Herkomst,
    OverdrachtCreate,
    OverdrachtRead,
    Overdrachtsdossier,
    OvergenomenDossierRead,
    VerhuizingCreate,
    VerhuizingRead,
)
from inburgeraar_api.domain.enums import Doelgroep, InburgeraarStatus
from inburgeraar_api.models import OvergenomenDossier, Verhuizing
from inburgeraar_api.services import verhuizing
from inburgering_kit.auth import require_any_scope
from inburgering_kit.context import RequestContext, context
from inburgering_kit.overdracht import DossierExporteur, DossierImporteur, dossierfouten, vingerafdruk
from inburgering_kit.problems import Unprocessable, invalid

router = APIRouter()

Ctx = Annotated[RequestContext, Depends(context(), scope="function")]
Registreren = Annotated[RequestContext, Depends(context(scopes.VERHUIZING_REGISTREREN), scope="function")]
Overdragen = Annotated[RequestContext, Depends(context(scopes.VERHUIZING_OVERDRAGEN), scope="function")]
Lezen = Annotated[RequestContext, Depends(context(scopes.INBURGERAAR_LEZEN), scope="function")]
_LIJST = [Security(require_any_scope(scopes.INBURGERAAR_LEZEN, scopes.VERHUIZING_REGISTREREN))]
VerhuizingId = Annotated[uuid.UUID, Path(alias="verhuizingId", description="Id van de verhuizing.")]
OverdrachtId = Annotated[
    uuid.UUID,
    Path(alias="overdrachtId", description="Id van de overdracht, door de ketenuitwisseling gekozen (idempotent)."),
]
_LOCATION = {"Location": {"description": "URL van de verhuizing.", "schema": {"type": "string"}}}


class DossierOngeldig(Unprocessable):
    code = "dossier-ongeldig"
    title = "Het overgedragen dossier is ongeldig."


def _verhuizing(record: Verhuizing) -> VerhuizingRead:
    return VerhuizingRead(
        id=record.id,
        inburgeraar_id=record.inburgeraar_id,
        van_gemeente=record.van_gemeente,
        naar_gemeente=record.naar_gemeente,
        verhuisdatum=record.verhuisdatum,
        bron=record.bron,
        status=record.status,
        aangemeld_op=record.aangemeld_at,
        overgedragen_op=record.overgedragen_at,
    )


def _dossier(dossier: verhuizing.Dossier) -> Overdrachtsdossier:
    i = dossier.inburgeraar
    return Overdrachtsdossier(
        inburgeraar_id=i.id,
        gemeente_code=i.gemeente_code,
        bsn=i.bsn,
        status=InburgeraarStatus(i.status),
        doelgroep=Doelgroep(i.doelgroep),
        nareiziger=i.nareiziger,
        datum_koppeling=i.datum_koppeling,
        datum_inschrijving_brp=i.datum_inschrijving_brp,
        contact=Contactgegevens.model_validate(i.contact or {}),
        klantregisseur=i.klantregisseur,
        herkomst=Herkomst.model_validate(i.herkomst) if i.herkomst else None,
        plichtmutaties=_plicht(dossier.plicht).mutaties,
        klantprofielen=[_klantprofielversie(r) for r in dossier.klantprofielen],
        warme_overdrachten=[_overdracht(r) for r in dossier.warme_overdrachten],
        brede_intake=_brede_intake(dossier.brede_intake) if dossier.brede_intake else None,
        maatschappelijke_begeleiding=[_onderdeel(r) for r in dossier.begeleiding],
        ontzorgen=_ontzorgen(dossier.ontzorgen) if dossier.ontzorgen else None,
        verlengingsverzoeken=[_verlengingsverzoek(r) for r in dossier.verlengingsverzoeken],
        eerdere_dossiers=[
            EerderDossier(
                van_gemeente=r.van_gemeente, verhuisdatum=r.verhuisdatum, overgenomen_op=r.created_at, dossier=r.dossier
            )
            for r in dossier.eerdere_dossiers
        ],
    )


def _overname(body: OverdrachtCreate, gemeente: str) -> verhuizing.Overname:
    fouten = []
    if body.van_gemeente == gemeente:
        fouten.append(invalid("vanGemeente", "mag niet de eigen gemeente zijn", "eigen-gemeente"))
    try:
        dossier = Overdrachtsdossier.model_validate(body.dossier)
    except ValidationError as exc:
        # Only pydantic's message: its `input` may hold the BSN.
        fouten += dossierfouten(exc, body.dossier)
    else:
        if dossier.gemeente_code != body.van_gemeente:
            fouten.append(invalid("vanGemeente", "verschilt van `dossier.gemeenteCode`", "andere-gemeente"))
    if fouten:
        raise DossierOngeldig(invalid_params=fouten)
    document = dossier.model_dump(mode="json")
    return verhuizing.Overname(
        van_gemeente=body.van_gemeente,
        verhuisdatum=body.verhuisdatum,
        bsn=dossier.bsn,
        doelgroep=dossier.doelgroep,
        nareiziger=dossier.nareiziger,
        contact=dossier.contact.model_dump(mode="json", exclude_none=True),
        plichtmutaties=[m.mutatie for m in dossier.plichtmutaties],
        dossier=document,
        body_hash=vingerafdruk(
            {"vanGemeente": body.van_gemeente, "verhuisdatum": body.verhuisdatum, "dossier": document}
        ),
    )


def _overdracht_read(record: OvergenomenDossier) -> OverdrachtRead:
    return OverdrachtRead(
        overdracht_id=record.id,
        inburgeraar_id=record.inburgeraar_id,
        van_gemeente=record.van_gemeente,
        verhuisdatum=record.verhuisdatum,
        overgenomen_op=record.created_at,
    )


# ---- Verhuizingen (de gemeente die de inburgeraar verlaat) ----


@router.post(
    "/inburgeraars/{inburgeraarId:uuid}/verhuizingen",
    status_code=status.HTTP_201_CREATED,
    tags=["Verhuizing"],
    operation_id="verhuizing_create",
    summary="Een verhuizing naar een andere gemeente registreren (klantregisseur, of de ketenuitwisseling op de "
    "melding van DUO)",
    description="Loopt er al een verhuizing naar dezelfde gemeente, dan 200 met die verhuizing: de melding van DUO na "
    "die van de klantregisseur is geen tweede overdracht. Een lopende verhuizing naar een andere gemeente geeft 409. "
    "Publiceert `nl.inburgering.inburgeraar.verhuizing-aangemeld`.",
    responses={
        201: {"headers": _LOCATION},
        200: {"description": "Deze verhuizing liep al.", "model": VerhuizingRead},
    },
)
async def meld_aan(
    inburgeraar_id: InburgeraarId, body: VerhuizingCreate, ctx: Registreren, response: Response
) -> VerhuizingRead:
    record, nieuw = await verhuizing.meld_aan(ctx, inburgeraar_id, body.naar_gemeente, body.verhuisdatum, body.bron)
    if not nieuw:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"{ctx.api_prefix}{verhuizing.verhuizing_pad(record.inburgeraar_id, record.id)}"
    return _verhuizing(record)


@router.get(
    "/inburgeraars/{inburgeraarId:uuid}/verhuizingen",
    tags=["Verhuizing"],
    operation_id="verhuizing_list",
    summary="De verhuizingen van de inburgeraar",
    dependencies=_LIJST,
)
async def lijst(inburgeraar_id: InburgeraarId, ctx: Ctx) -> list[VerhuizingRead]:
    return [_verhuizing(r) for r in await verhuizing.lijst(ctx, inburgeraar_id)]


@router.post(
    "/inburgeraars/{inburgeraarId:uuid}/verhuizingen/{verhuizingId:uuid}/overgedragen",
    tags=["Verhuizing"],
    operation_id="verhuizing_overgedragen",
    summary="Het dossier is overgedragen: de regie van deze gemeente eindigt (alleen de ketenuitwisseling)",
    description="De inburgeraar staat daarna op `verhuisd`; publiceert `nl.inburgering.inburgeraar.verhuisd`. "
    "Nogmaals: 200 met dezelfde verhuizing, geen tweede event.",
)
async def overgedragen(inburgeraar_id: InburgeraarId, verhuizing_id: VerhuizingId, ctx: Overdragen) -> VerhuizingRead:
    return _verhuizing(await verhuizing.overgedragen(ctx, inburgeraar_id, verhuizing_id))


# ---- Overdracht van het dossier (de ketenuitwisseling) ----


@router.get(
    "/overdrachtsdossiers/{inburgeraarId:uuid}",
    tags=["Verhuizing"],
    operation_id="overdrachtsdossier_read",
    summary="Het dossier van een inburgeraar van uw gemeente, voor de nieuwe gemeente (alleen de ketenuitwisseling)",
    description="Besluit inburgering 2021 art. 9.4 lid 4: met BSN en NAW, want de overdracht gaat van gemeente naar "
    "gemeente. Gelogd als verstrekking aan de nieuwe gemeente.",
)
async def exporteer(inburgeraar_id: InburgeraarId, ctx: DossierExporteur) -> Overdrachtsdossier:
    return _dossier(await verhuizing.exporteer(ctx, inburgeraar_id))


@router.put(
    "/overdrachten/{overdrachtId:uuid}",
    status_code=status.HTTP_201_CREATED,
    tags=["Verhuizing"],
    operation_id="overdracht_put",
    summary="Het dossier van de vorige gemeente overnemen (alleen de ketenuitwisseling)",
    description="Vindt de inburgeraar van uw gemeente op het BSN van het dossier (bijvoorbeeld geregistreerd op de "
    "melding van DUO) of registreert hem (herkomst `verhuizing`, BRP-inschrijving op de verhuisdatum). Het dossier "
    "wordt als overgenomen geschiedenis bewaard; NAW (waar uw registratie die nog niet had) en de plichtgegevens van "
    "DUO (als uw gemeente er nog geen had) worden de eigen registratie. Hetzelfde verzoek nogmaals: 200 met hetzelfde "
    "antwoord; een ander dossier onder hetzelfde overdrachtId: 409. Het antwoord geeft het `inburgeraarId` waaronder "
    "de andere contexten hun deel overnemen.",
    responses={200: {"description": "Deze overdracht was al overgenomen.", "model": OverdrachtRead}},
)
async def neem_over(
    overdracht_id: OverdrachtId, body: OverdrachtCreate, ctx: DossierImporteur, response: Response
) -> OverdrachtRead:
    record, nieuw = await verhuizing.neem_over(ctx, overdracht_id, _overname(body, ctx.gemeente))
    if not nieuw:
        response.status_code = status.HTTP_200_OK
    return _overdracht_read(record)


@router.get(
    "/inburgeraars/{inburgeraarId:uuid}/overgenomen-dossiers",
    tags=["Verhuizing"],
    operation_id="overgenomen_dossier_list",
    summary="De dossiers die van een vorige gemeente zijn overgenomen (alleen te lezen)",
)
async def overgenomen(inburgeraar_id: InburgeraarId, ctx: Lezen) -> list[OvergenomenDossierRead]:
    return [
        OvergenomenDossierRead(**_overdracht_read(r).model_dump(), dossier=Overdrachtsdossier.model_validate(r.dossier))
        for r in await verhuizing.overgenomen(ctx, inburgeraar_id)
    ]
