"""The file channel: an aanbieder uploads reports in the national format (CSV or JSON, contracts/aanbieder-api)
and follows their processing. The answer lists every rejected row with each field and reason."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Header, Path, Request, Response, status

from aanbieder_api.api.deps import SettingsDep, VereisteIdempotency, VoortgangMelden
from aanbieder_api.api.schemas import AanleveringRead, AfwijzingRead
from aanbieder_api.domain.aanbieder import DomeinModel
from aanbieder_api.domain.enums import Bestandsformaat
from aanbieder_api.services import aanleveringen as use_cases
from aanbieder_api.services.toegang import Aanbiederidentiteit, controleer_client
from inburgering_kit.pagination import Page, Paging
from inburgering_kit.problems import Problem

router = APIRouter(prefix="/aanleveringen", tags=["Voor aanbieders"])

AanleveringId = Annotated[uuid.UUID, Path(alias="aanleveringId", description="Id van de aanlevering.")]

_MEDIATYPES = {"text/csv": Bestandsformaat.CSV, "application/json": Bestandsformaat.JSON}
_CSV = (
    "CSV (RFC 4180) in UTF-8, scheidingsteken komma of puntkomma. De eerste regel is de kopregel met de "
    "kolomnamen van de velden van `Voortgangsregel` (o.a. `opdrachtId`, `soort`, `datum`, `periodeVan`, `periodeTot`, "
    "`urenAanwezig`); elke volgende regel is één melding, een lege cel is een weggelaten veld. Zie "
    "contracts/aanbieder-api/README.md en voorbeelden/voortgang.csv."
)
_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "Een bestand in het landelijke formaat (versie 1): CSV met kopregel, of een JSON-array van "
        "regels (`Voortgangsregel`). Hetzelfde bestand opnieuw is dezelfde aanlevering (200).",
        "content": {
            # A string body, not `format: binary`: a generated client then sends the text it is given as is.
            "text/csv": {"schema": {"type": "string", "minLength": 1, "description": _CSV}},
            "application/json": {
                "schema": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"$ref": "#/components/schemas/Voortgangsregel"},
                }
            },
        },
    }
}
_LOCATION = {"Location": {"description": "URL om de voortgang te volgen.", "schema": {"type": "string"}}}


class MediatypeNietOndersteund(Problem):
    status = 415
    code = "mediatype-niet-ondersteund"
    title = "Het mediatype van het bestand wordt niet ondersteund."


class Bestandsvingerafdruk(DomeinModel):
    """What an Idempotency-Key is bound to for an upload: the file's content, not a parsed body."""

    sha256: str
    formaat: Bestandsformaat


def _formaat(content_type: str | None) -> Bestandsformaat:
    mediatype, _, parameters = (content_type or "").partition(";")
    formaat = _MEDIATYPES.get(mediatype.strip().lower())
    charset = next(
        (p.split("=", 1)[1].strip().strip('"').lower() for p in parameters.split(";") if "charset=" in p), "utf-8"
    )
    if formaat is None or charset not in {"utf-8", "utf8"}:
        raise MediatypeNietOndersteund(
            "Stuur het bestand als text/csv of application/json, in UTF-8 (ontvangen: "
            f"{(content_type or 'geen Content-Type')[:100]})"
        )
    return formaat


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="aanlevering_create",
    summary="Een bestand met meldingen aanleveren; het wordt op de achtergrond verwerkt",
    # The kit caps every body at 1 MiB unless the route names its own cap: a file may be as large as the setting says.
    openapi_extra={**_UPLOAD_BODY, "x-problems": ["413", "415"], "x-body-limit": "upload_max_bytes"},
    responses={
        # The answer of a repeat carries the aanlevering, like the first: a client that retries (or sends a file
        # again) follows the same aanlevering without a second call, and a generated client gets it typed.
        200: {
            "description": "Dit bestand is al eerder aangeleverd: dezelfde aanlevering, er verandert niets.",
            "model": AanleveringRead,
            "headers": _LOCATION,
        },
        202: {"description": "Ontvangen; de aanlevering wordt verwerkt.", "headers": _LOCATION},
    },
)
async def lever_aan(
    request: Request,
    ctx: VoortgangMelden,
    idem: VereisteIdempotency,
    settings: SettingsDep,
    response: Response,
    background: BackgroundTasks,
    bestandsnaam: Annotated[
        str | None,
        Header(alias="X-Bestandsnaam", pattern=r"^[A-Za-z0-9 \-_.()]{1,200}$", description="Naam van het bestand."),
    ] = None,
) -> AanleveringRead:
    wie = Aanbiederidentiteit.uit_token(ctx.principal)
    formaat = _formaat(request.headers.get("content-type"))
    # Before a byte is stored: a client the gemeente did not register may not fill the disk.
    await controleer_client(ctx, wie)
    bestand = await use_cases.ontvang(request.stream(), formaat, settings)
    try:
        replay = await idem.replay(ctx, Bestandsvingerafdruk(sha256=bestand.sha256, formaat=formaat))
    except BaseException:
        bestand.pad.unlink(missing_ok=True)
        raise
    if replay is not None:
        bestand.pad.unlink(missing_ok=True)
        return replay  # type: ignore[return-value]
    aanlevering, nieuw = await use_cases.registreer(ctx, wie, bestand, settings, bestandsnaam)
    result = AanleveringRead.van(aanlevering)
    code = status.HTTP_202_ACCEPTED if nieuw else status.HTTP_200_OK
    response.status_code = code
    response.headers["Location"] = f"{ctx.api_prefix}/aanleveringen/{aanlevering.id}"
    await idem.store(ctx, code, result)
    # Runs after the response, so after the commit: the worker finds the new aanlevering at once.
    background.add_task(use_cases.wek, request.app)
    return result


@router.get("", operation_id="aanlevering_list", summary="Mijn aanleveringen, nieuwste eerst")
async def lijst(ctx: VoortgangMelden, paging: Paging) -> Page[AanleveringRead]:
    wie = Aanbiederidentiteit.uit_token(ctx.principal)
    rows, total = await use_cases.lijst(ctx, wie, paging)
    return Page[AanleveringRead].of([AanleveringRead.van(r) for r in rows], total, paging)


@router.get(
    "/{aanleveringId:uuid}",
    operation_id="aanlevering_read",
    summary="De voortgang van een aanlevering: status en aantallen verwerkt, geaccepteerd, afgewezen, overgeslagen",
)
async def lees(aanlevering_id: AanleveringId, ctx: VoortgangMelden) -> AanleveringRead:
    wie = Aanbiederidentiteit.uit_token(ctx.principal)
    return AanleveringRead.van(await use_cases.raadpleeg(ctx, wie, aanlevering_id))


@router.get(
    "/{aanleveringId:uuid}/afwijzingen",
    operation_id="aanlevering_afwijzing_list",
    summary="De afgewezen regels, elk met ieder ongeldig veld en de reden",
)
async def afwijzingen(
    aanlevering_id: AanleveringId,
    ctx: VoortgangMelden,
    paging: Paging,
) -> Page[AfwijzingRead]:
    wie = Aanbiederidentiteit.uit_token(ctx.principal)
    rows, total = await use_cases.afwijzingen(ctx, wie, aanlevering_id, paging)
    return Page[AfwijzingRead].of([AfwijzingRead.van(r) for r in rows], total, paging)
