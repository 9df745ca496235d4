"""The gemeente's reports a–s (Wi art. 35 lid 3): validated against DUO's contract per item, de-duplicated on id."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from duo_standin.api.deps import Keten, Storingen, valideer
from duo_standin.api.items import ITEMS
from duo_standin.api.schemas import RapportageIn, RapportageOntvangen
from duo_standin.services import rapportages as use_cases
from inburgering_kit.bsn import INVALID_BSN_MESSAGE, is_valid_bsn
from inburgering_kit.problems import Forbidden, InvalidParam, Unprocessable, invalid

router = APIRouter(prefix="/rapportages", tags=["Keten"], dependencies=[Storingen])

_BESCHRIJVING = "Items (gegevens per item, velden in lowerCamelCase):\n\n" + "\n".join(
    f"- `{letter}`: {(model.__doc__ or '').strip()} Velden: "
    + ", ".join(
        f"`{field.alias or name}`{'' if field.is_required() else ' (optioneel)'}"
        for name, field in model.model_fields.items()
    )
    for letter, model in ITEMS.items()
)


@router.put(
    "/{rapportId}",
    operation_id="rapportage_update",
    summary="Een rapportage a–s van de gemeente aan DUO; opnieuw sturen met hetzelfde id is veilig",
    description="201 de eerste keer, 200 bij dezelfde inhoud opnieuw, 409 bij een andere inhoud onder hetzelfde id, "
    "422 als de inhoud niet aan DUO's contract voldoet (`invalidParams` noemt elk veld).\n\n" + _BESCHRIJVING,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": RapportageOntvangen, "description": "Dezelfde rapportage was er al."}},
    openapi_extra={"x-problems": ["409", "422"]},
)
async def ontvang(
    rapport_id: Annotated[uuid.UUID, Path(alias="rapportId", description="Het id van de rapportage, van de gemeente.")],
    body: RapportageIn,
    ctx: Keten,
    response: Response,
) -> RapportageOntvangen:
    if body.gemeentecode != ctx.gemeente:
        raise Forbidden("Een gemeente rapporteert alleen voor zichzelf.")
    params: list[InvalidParam] = []
    if not is_valid_bsn(body.bsn):
        params.append(invalid("bsn", INVALID_BSN_MESSAGE, "bsn"))
    gegevens = body.gegevens
    try:
        gegevens = valideer(ITEMS[body.item], body.gegevens, "gegevens")
    except Unprocessable as exc:
        params.extend(exc.invalid_params or [])
    if params:
        raise Unprocessable(f"Rapportage {body.item} voldoet niet aan DUO's contract.", invalid_params=params)
    rapportage, nieuw = await use_cases.ontvang(
        ctx.session, rapport_id, item=body.item, gemeente_code=body.gemeentecode, bsn=body.bsn, gegevens=gegevens
    )
    if not nieuw:
        response.status_code = status.HTTP_200_OK
    return RapportageOntvangen(
        rapport_id=rapportage.rapport_id, status="ontvangen", ontvangen_op=rapportage.ontvangen_at
    )
