"""For the gemeente's chain exchange: who a person (one, or a batch) is for DUO — the BSN and, for report item a, the
NAW — which it puts on a report at the moment it sends (Wi art. 35 lid 3; Bi art. 9.3 lid 2) and never keeps. A scope
of its own: the exchange sees no other contact details and nothing of the dossier."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field

from inburgeraar_api import scopes
from inburgeraar_api.api.params import InburgeraarId
from inburgeraar_api.domain.enums import InburgeraarStatus
from inburgeraar_api.services import keten
from inburgering_kit.context import RequestContext, context
from inburgering_kit.schemas import ApiModel

router = APIRouter(prefix="/inburgeraars", tags=["Ketenuitwisseling"])

BsnLezen = Annotated[RequestContext, Depends(context(scopes.INBURGERAAR_BSN_LEZEN), scope="function")]


# The exchange's worker claims its queue in batches of up to 1000 reports: one lookup per batch, not per report.
MAX_IDS = 1000


class DuoIdentificatieRead(ApiModel):
    bsn: str | None = Field(description="Leeg zolang de inburgeraar op `bsn-ontbreekt` staat.")
    status: InburgeraarStatus
    voornamen: str | None = None
    achternaam: str | None = None
    straat: str | None = None
    huisnummer: str | None = Field(default=None, description="Met een eventuele toevoeging.")
    postcode: str | None = None
    woonplaats: str | None = None


class DuoIdentificatiesVraag(ApiModel):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_IDS, description="Ids van inburgeraars.")


class DuoIdentificatieItem(DuoIdentificatieRead):
    id: uuid.UUID


class DuoIdentificaties(ApiModel):
    items: list[DuoIdentificatieItem] = Field(
        description="Eén per gevonden inburgeraar; een id dat in uw gemeente niet bestaat ontbreekt."
    )


def _naw(contact: dict[str, Any]) -> dict[str, Any]:
    adres = contact.get("adres") or {}
    huisnummer = adres.get("huisnummer")
    toevoeging = adres.get("huisnummertoevoeging")
    return {
        "voornamen": contact.get("voornamen"),
        "achternaam": contact.get("achternaam"),
        "straat": adres.get("straat"),
        "huisnummer": f"{huisnummer}{toevoeging or ''}" if huisnummer is not None else None,
        "postcode": adres.get("postcode"),
        "woonplaats": adres.get("woonplaats"),
    }


@router.get(
    "/{inburgeraarId:uuid}/duo-identificatie",
    operation_id="inburgeraar_duo_identificatie_read",
    summary="BSN en NAW van één inburgeraar, voor de gegevenslevering aan DUO (alleen de ketenuitwisseling)",
)
async def duo_identificatie(inburgeraar_id: InburgeraarId, ctx: BsnLezen) -> DuoIdentificatieRead:
    inburgeraar = await keten.bsn_voor_duo(ctx, inburgeraar_id)
    return DuoIdentificatieRead(
        bsn=inburgeraar.bsn, status=InburgeraarStatus(inburgeraar.status), **_naw(inburgeraar.contact or {})
    )


@router.post(
    "/duo-identificaties/_zoek",
    operation_id="inburgeraar_duo_identificaties",
    summary="BSN en NAW van een reeks inburgeraars in één keer, voor de gegevenslevering aan DUO "
    "(alleen de ketenuitwisseling)",
    description=f"Hetzelfde als `duo-identificatie` voor ten hoogste {MAX_IDS} ids, met één verwerking per gevonden "
    "inburgeraar in het verwerkingenlog. De ids gaan in de body: de lijst hoort niet in een URL of toegangslog.",
)
async def duo_identificaties(body: DuoIdentificatiesVraag, ctx: BsnLezen) -> DuoIdentificaties:
    gevonden = await keten.bsns_voor_duo(ctx, body.ids)
    return DuoIdentificaties(
        items=[
            DuoIdentificatieItem(id=i.id, bsn=i.bsn, status=InburgeraarStatus(i.status), **_naw(i.contact or {}))
            for i in gevonden
        ]
    )
