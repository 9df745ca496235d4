"""The enforcement part of the dossier transfer on a move (Besluit inburgering 2021 art. 9.4 lid 4), for the
gemeente's chain exchange, and the history taken over as the new gemeente's klantregisseur reads it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import ValidationError

from handhaving_api.api.deps import InburgeraarId, Lezen
from handhaving_api.api.schemas import Overdrachtsdossier, OvergenomenHandhavingRead
from handhaving_api.services import overdracht as use_cases
from inburgering_kit.overdracht import DossierExporteur, DossierImporteur, Overdrachtsdeel, dossierfouten
from inburgering_kit.problems import Unprocessable

router = APIRouter(tags=["Overdracht bij verhuizing"])

OverdrachtId = Annotated[uuid.UUID, Path(alias="overdrachtId", description="Id van de overdracht (van de keten).")]


class DossierOngeldig(Unprocessable):
    code = "dossier-ongeldig"
    title = "Het dossierdeel voldoet niet aan het model van het overdrachtsdossier."


def _dossier(body: Overdrachtsdeel) -> Overdrachtsdossier:
    """The part as the old gemeente's `GET /overdrachtsdossiers` gave it, or a 422 naming every invalid field."""
    try:
        return Overdrachtsdossier.model_validate(body.dossier)
    except ValidationError as exc:
        # Only the message, never the input (it is a person's dossier).
        params = dossierfouten(exc, body.dossier)
        raise DossierOngeldig(f"{len(params)} veld(en) van het dossier ongeldig", invalid_params=params) from None


@router.get(
    "/overdrachtsdossiers/{inburgeraarId:uuid}",
    operation_id="overdrachtsdossier_read",
    summary="Het handhavingsdeel van het dossier van een persoon, voor de nieuwe gemeente na een verhuizing",
    description="Alle kandidaten en overtredingen met hun procedure (voornemens, zienswijzen, besluiten), de "
    "waarschuwingen, de boetes van de gemeente met bedrag, reden, data en de stand in bezwaar en beroep, de boetes van "
    "DUO en de Participatiewet-maatregelen. Lege lijsten als er niets is; 404 voor een persoon van een andere "
    "gemeente. Vastgelegd als verstrekking aan de nieuwe gemeente (Besluit art. 9.4 lid 4).",
)
async def exporteer(inburgeraar_id: InburgeraarId, ctx: DossierExporteur) -> Overdrachtsdossier:
    return Overdrachtsdossier.van(await use_cases.exporteer(ctx, inburgeraar_id))


@router.put(
    "/overdrachten/{overdrachtId:uuid}",
    status_code=status.HTTP_201_CREATED,
    operation_id="overdracht_overnemen",
    summary="Het handhavingsdeel van het dossier van de vorige gemeente overnemen, als geschiedenis",
    description="`dossier` is precies wat `GET /overdrachtsdossiers/{inburgeraarId}` bij de vorige gemeente gaf "
    "(schema `Overdrachtsdossier`) en wordt daartegen gecontroleerd: 422 noemt elk ongeldig veld "
    "(`dossier.boetes.0.bedrag`). Het "
    "wordt alleen-lezen geschiedenis van de persoon (`geimporteerd`, `vanGemeente`): niet in de werklijsten, de "
    "monitoring, de CBS-levering of de meldingen aan DUO. Een waarschuwing daar telt hier voor de stap naar een "
    "voornemen. 201 de eerste keer, 200 met hetzelfde antwoord voor dezelfde body, 409 voor een andere body onder "
    "hetzelfde `overdrachtId`.",
    responses={
        200: {"description": "Deze body was al overgenomen; hetzelfde antwoord.", "model": OvergenomenHandhavingRead}
    },
)
async def neem_over(
    overdracht_id: OverdrachtId, body: Overdrachtsdeel, ctx: DossierImporteur, response: Response
) -> OvergenomenHandhavingRead:
    dossier = _dossier(body)
    canoniek = {**body.model_dump(mode="json", by_alias=True), "dossier": dossier.model_dump(mode="json")}
    opgeslagen, nieuw = await use_cases.neem_over(
        ctx,
        overdracht_id,
        use_cases.Overname(
            inburgeraar_id=body.inburgeraar_id,
            van_gemeente=body.van_gemeente,
            verhuisdatum=body.verhuisdatum,
            dossier=canoniek["dossier"],
            body=canoniek,
        ),
    )
    if not nieuw:
        response.status_code = status.HTTP_200_OK
    return OvergenomenHandhavingRead.van(opgeslagen)


@router.get(
    "/inburgeraars/{inburgeraarId:uuid}/overgenomen-handhaving",
    operation_id="overgenomen_handhaving_list",
    summary="De handhavingsgeschiedenis die van vorige gemeenten is overgenomen",
    description="Alleen-lezen, per overdracht, gemarkeerd als `geimporteerd` met `vanGemeente`; lege lijst als er "
    "niets is overgenomen.",
)
async def overgenomen(inburgeraar_id: InburgeraarId, ctx: Lezen) -> list[OvergenomenHandhavingRead]:
    return [OvergenomenHandhavingRead.van(o) for o in await use_cases.overgenomen(ctx, inburgeraar_id)]
