"""The dossier transfer on a move (Besluit inburgering 2021 art. 9.4 lid 4): the providers' part for the gemeente's
chain exchange (export at the old gemeente, import at the new one), and the imported history for the klantregisseur."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import ValidationError

from aanbieder_api.api.deps import OvergenomenVoortgangLezen
from aanbieder_api.api.schemas import OvergenomenVoortgangRead
from aanbieder_api.domain.overdracht import Overdrachtsdossier
from aanbieder_api.services import overdracht as use_cases
from inburgering_kit.overdracht import DossierExporteur, DossierImporteur, Overdrachtsdeel, dossierfouten
from inburgering_kit.pagination import Page, Paging
from inburgering_kit.problems import Unprocessable

router = APIRouter(tags=["Overdracht bij verhuizing"])

InburgeraarId = Annotated[uuid.UUID, Path(alias="inburgeraarId", description="Id van de inburgeraar.")]
OverdrachtId = Annotated[
    uuid.UUID, Path(alias="overdrachtId", description="Id van de overdracht, gekozen door de ketenuitwisseling.")
]
_LOCATION = {"Location": {"description": "De overgenomen voortgang van de inburgeraar.", "schema": {"type": "string"}}}
# A long course reported monthly over several years: more than the kit's 1 MiB default for a body.
MAX_DOSSIER_BYTES = 8 * 1024 * 1024


def _pad(inburgeraar_id: uuid.UUID) -> str:
    return f"/inburgeraars/{inburgeraar_id}/overgenomen-voortgang"


def _dossier(body: Overdrachtsdeel) -> Overdrachtsdossier:
    """The body's `dossier` (any object, by the kit's contract) against this context's export model: what the old
    gemeente's aanbieder-api gave, or a 422 naming every field that is not."""
    try:
        return Overdrachtsdossier.model_validate(body.dossier)
    except ValidationError as exc:
        # Only pydantic's message, never the rejected input: that may be anything the sender put in a dossier.
        fouten = dossierfouten(exc, body.dossier)
        raise Unprocessable(
            f"Het dossier is niet wat GET /overdrachtsdossiers van aanbieder-api geeft: {len(fouten)} ongeldig(e) "
            "veld(en)",
            invalid_params=fouten,
        ) from None


@router.get(
    "/overdrachtsdossiers/{inburgeraarId:uuid}",
    operation_id="overdrachtsdossier_read",
    summary="Het deel van het dossier voor de nieuwe gemeente na een verhuizing: de opdrachten aan aanbieders en alle "
    "gemelde voortgang (Besluit art. 9.4 lid 4)",
    description="Voor de ketenuitwisseling van de vorige gemeente. Lege lijsten voor een inburgeraar zonder opdrachten "
    "hier: of de inburgeraar bestaat, zegt inburgeraar-api. Vastgelegd in het verwerkingenlog met de grondslag.",
)
async def exporteer(inburgeraar_id: InburgeraarId, ctx: DossierExporteur) -> Overdrachtsdossier:
    return await use_cases.exporteer(ctx, inburgeraar_id)


@router.put(
    "/overdrachten/{overdrachtId:uuid}",
    status_code=status.HTTP_201_CREATED,
    operation_id="overdracht_overnemen",
    summary="Het deel van het dossier van de vorige gemeente overnemen als alleen-lezen geschiedenis",
    description="`dossier` is precies het `Overdrachtsdossier` dat `GET /overdrachtsdossiers/{inburgeraarId}` bij de "
    "vorige gemeente gaf; een dossier dat daar niet aan voldoet is een 422 die elk ongeldig veld noemt. "
    "Idempotent per `overdrachtId`: dezelfde inhoud opnieuw geeft 200 met hetzelfde antwoord, een andere "
    "inhoud onder hetzelfde id 409. Maakt geen opdrachten: de aanbieders van de vorige gemeente zijn niet die van "
    "deze; aanbieders zien de overgenomen voortgang niet en geen telling van deze gemeente neemt haar mee.",
    openapi_extra={"x-body-limit": MAX_DOSSIER_BYTES},
    responses={
        200: {
            "description": "Deze overdracht was al overgenomen: hetzelfde antwoord, er verandert niets.",
            "model": OvergenomenVoortgangRead,
            "headers": _LOCATION,
        },
        201: {"description": "Overgenomen.", "headers": _LOCATION},
    },
)
async def neem_over(
    overdracht_id: OverdrachtId, body: Overdrachtsdeel, ctx: DossierImporteur, response: Response
) -> OvergenomenVoortgangRead:
    rij, nieuw = await use_cases.neem_over(
        ctx, overdracht_id, inburgeraar_id=body.inburgeraar_id, van_gemeente=body.van_gemeente,
        verhuisdatum=body.verhuisdatum, dossier=_dossier(body),
    )  # fmt: skip
    response.status_code = status.HTTP_201_CREATED if nieuw else status.HTTP_200_OK
    response.headers["Location"] = f"{ctx.api_prefix}{_pad(rij.inburgeraar_id)}"
    return OvergenomenVoortgangRead.van(rij)


@router.get(
    "/inburgeraars/{inburgeraarId:uuid}/overgenomen-voortgang",
    operation_id="overgenomen_voortgang_list",
    summary="Voortgang bij aanbieders, overgenomen van vorige gemeenten bij een verhuizing (alleen-lezen geschiedenis)",
    description="Met scope `overgenomen-voortgang:lezen` (de klantregisseur), niet met `opdrachten:lezen`: de "
    "ketenuitwisseling, die `opdrachten:lezen` heeft voor rapport f, neemt de voortgang alleen over "
    "(`PUT /overdrachten/{overdrachtId}`) en leest de geschiedenis van een persoon nooit terug.",
)
async def overgenomen(
    inburgeraar_id: InburgeraarId, ctx: OvergenomenVoortgangLezen, paging: Paging
) -> Page[OvergenomenVoortgangRead]:
    rows, total = await use_cases.overgenomen(ctx, inburgeraar_id, paging)
    return Page[OvergenomenVoortgangRead].of([OvergenomenVoortgangRead.van(r) for r in rows], total, paging)
