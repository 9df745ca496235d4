"""The report form: one per kind of report (see `formulieren`), applied by `voortgang.meld` like a report from
the API or a file. A form submitted twice (a double click, a reload) is applied once."""

from __future__ import annotations

import uuid

from fastapi import Request, Response
from pydantic import ValidationError

from aanbieder_api.domain.enums import Kanaal, Meldingsoort
from aanbieder_api.models import Opdracht
from aanbieder_api.portal import formulieren, weergave
from aanbieder_api.portal.html import PREFIX, Fouten, e, formulier, pagina
from aanbieder_api.portal.sessie import (
    Aangemeld,
    Medewerker,
    html,
    lees_formulier,
    naar,
    nieuwe_router,
)
from aanbieder_api.services import opdrachten, voortgang
from aanbieder_api.services.toegang import werkcontext
from inburgering_kit.context import RequestContext
from inburgering_kit.idempotency import Idempotency, IdempotencyKeyReused
from inburgering_kit.problems import NotFound, Problem
from inburgering_kit.web import FormulierGeweigerd, controleer_csrf, probleem_fouten

router = nieuwe_router()


def _meldformulier(soort: str) -> formulieren.Meldformulier:
    try:
        return formulieren.FORMULIEREN[Meldingsoort(soort)]
    except ValueError:
        raise NotFound(f"Onbekende soort melding {soort}") from None


def _meldpagina(
    opdracht: Opdracht,
    f: formulieren.Meldformulier,
    wie: Medewerker,
    waarden: dict[str, str],
    fouten: Fouten,
    formulier_id: str,
) -> str:
    actie = f"{PREFIX}/opdrachten/{opdracht.id}/meldingen/{f.soort.value}"
    inhoud = (
        f"<h1>{e(f.titel)}</h1>"
        f"<p>Opdracht {weergave.deelnemer(opdracht)}, {e(weergave.dienst(opdracht.onderdeel))}.</p><p>{e(f.uitleg)}</p>"
        + formulier(
            actie,
            f.velden,
            waarden,
            fouten,
            csrf_token=wie.gebruiker.csrf_token,
            knop=f.knop,
            verborgen={"formulier": formulier_id},
        )
    )
    return pagina(
        f.titel,
        inhoud,
        gebruiker=wie.gebruiker,
        fout=bool(fouten),
        kruimelpad=[
            ("Opdrachten", f"{PREFIX}/opdrachten"),
            (f"Opdracht {opdracht.deelnemer_referentie}", f"{PREFIX}/opdrachten/{opdracht.id}"),
        ],
    )


async def _eigen_opdracht(ctx: RequestContext, wie: Medewerker, opdracht_id: uuid.UUID) -> Opdracht:
    return await opdrachten.voor_aanbieder(ctx, wie.wie, opdracht_id)


@router.get("/opdrachten/{opdracht_id}/meldingen/{soort}")
async def meldformulier(request: Request, opdracht_id: uuid.UUID, soort: str, wie: Aangemeld) -> Response:
    f = _meldformulier(soort)
    async with werkcontext(request.app, wie.principal) as ctx:
        opdracht = await _eigen_opdracht(ctx, wie, opdracht_id)
    # A fresh key per rendered form: submitting this form twice (a double click, a reload) applies it once.
    return html(_meldpagina(opdracht, f, wie, {}, Fouten(), str(uuid.uuid4())))


@router.post("/opdrachten/{opdracht_id}/meldingen/{soort}")
async def meld(request: Request, opdracht_id: uuid.UUID, soort: str, wie: Aangemeld) -> Response:
    f = _meldformulier(soort)
    waarden = await lees_formulier(request)
    controleer_csrf(wie.gebruiker.csrf_token, waarden.get("csrf"))
    formulier_id = waarden.get("formulier", "")
    try:
        formulier_uuid = uuid.UUID(formulier_id)
    except ValueError:
        raise FormulierGeweigerd("Formulier zonder geldig kenmerk.") from None
    fouten = Fouten()
    try:
        melding = f.model.model_validate(formulieren.invoer(f, waarden))
    except ValidationError as exc:
        melding, fouten = None, formulieren.fouten_uit(f, exc)
    if melding is not None:
        try:
            async with werkcontext(request.app, wie.principal) as ctx:
                idem = Idempotency(f"portaal:{wie.account_id}:{formulier_uuid}", request)
                herhaald = await idem.replay(ctx, melding) is not None
                if not herhaald:
                    try:
                        resultaat = await voortgang.meld(ctx, wie.wie, opdracht_id, melding, Kanaal.PORTAAL)
                    except NotFound:
                        raise
                    except Problem as exc:
                        # Raised out of the block, so the transaction rolls back: nothing of a refusal is kept.
                        raise _Afgewezen(probleem_fouten(exc, f.velden, lambda t: formulieren.leesbaar(t, f))) from exc
                    herhaald = not resultaat.nieuw
                    await idem.store(ctx, 201, {"meldingId": str(resultaat.melding_id)})
        except _Afgewezen as afgewezen:
            fouten = afgewezen.fouten
        except IdempotencyKeyReused:
            fouten.voeg_toe(None, "Dit formulier is al verstuurd. Open het formulier opnieuw voor een nieuwe melding.")
            formulier_id = str(uuid.uuid4())
        else:
            return naar(
                f"{PREFIX}/opdrachten/{opdracht_id}?gemeld={f.soort.value}" + ("&herhaald=true" if herhaald else "")
            )
    # Refused: the same form again, with what was entered and a message per field.
    async with werkcontext(request.app, wie.principal) as ctx:
        opdracht = await _eigen_opdracht(ctx, wie, opdracht_id)
    return html(_meldpagina(opdracht, f, wie, waarden, fouten, formulier_id), 422)


class _Afgewezen(Exception):  # noqa: N818 - carries the refusal out of the transaction, which then rolls back
    def __init__(self, fouten: Fouten) -> None:
        self.fouten = fouten
