"""Signing in and out, and choosing one's own password: the pages around `toegang`'s use cases."""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from fastapi import Query, Request, Response

from aanbieder_api.portal import toegang
from aanbieder_api.portal.html import PREFIX, Fouten, Veld, formulier, melding_box, pagina
from aanbieder_api.portal.sessie import (
    AANMELD_CSRF,
    SESSIE,
    Aangemeld,
    Medewerker,
    begrenzer,
    client_adres,
    cookie,
    database,
    html,
    lees_formulier,
    naar,
    nieuwe_router,
    sessie_van,
    wis_cookie,
    zet_cookie,
)
from inburgering_kit.web import controleer_csrf, probleem_fouten

logger = logging.getLogger(__name__)

router = nieuwe_router()

GEWEIGERD = (
    "Aanmelden is niet gelukt. Controleer uw e-mailadres en wachtwoord. Na vijf mislukte pogingen kunt u een "
    "kwartier niet aanmelden."
)


def _aanmeldvelden(gemeenten: list[str]) -> tuple[Veld, ...]:
    # The gemeente is part of the account's name: an address has an account per gemeente that registered the
    # employee's aanbieder (one employee can work for two gemeenten), so the form asks for which one.
    return (
        Veld("gemeente", "Gemeente", "lijst", True, hint="De gemeente die u het account gaf.",
             opties=tuple((g, f"Gemeente {g}") for g in gemeenten)),
        Veld("email", "E-mailadres", "email", True, autocomplete="username"),
        Veld("wachtwoord", "Wachtwoord", "wachtwoord", True, autocomplete="current-password"),
    )  # fmt: skip


async def _aanmeldpagina(
    request: Request, csrf: str, waarden: dict[str, str], fouten: Fouten, bericht: str = ""
) -> str:
    async with database(request).unit_of_work() as uow:
        gemeenten = await toegang.gemeenten(uow.session)
    if not waarden.get("gemeente") and len(gemeenten) == 1:
        waarden = {**waarden, "gemeente": gemeenten[0]}
    velden = _aanmeldvelden(gemeenten)
    inhoud = (
        f"{bericht}<h1>Aanmelden</h1>"
        "<p>Meld u aan met het account dat de gemeente voor u heeft aangemaakt. U ziet daarna de opdrachten van uw "
        "organisatie en kunt voortgang doorgeven.</p>"
        + formulier(f"{PREFIX}/aanmelden", velden, waarden, fouten, csrf_token=csrf, knop="Aanmelden")
    )
    return pagina("Aanmelden", inhoud, fout=bool(fouten))


@router.get("/aanmelden")
async def aanmelden(
    request: Request,
    afgemeld: Annotated[bool, Query()] = False,
    gemeente: Annotated[str | None, Query(pattern=r"^[0-9]{4}$")] = None,
) -> Response:
    """`?gemeente=0363`: the link a gemeente hands out with the account chooses the gemeente in advance."""
    if await sessie_van(request) is not None:
        return naar(f"{PREFIX}/opdrachten")
    csrf = secrets.token_urlsafe(32)
    bericht = melding_box("U bent afgemeld.") if afgemeld else ""
    response = html(await _aanmeldpagina(request, csrf, {"gemeente": gemeente or ""}, Fouten(), bericht))
    zet_cookie(response, request, AANMELD_CSRF, csrf, 3600)
    return response


@router.post("/aanmelden")
async def aanmelden_verstuurd(request: Request) -> Response:
    waarden = await lees_formulier(request)
    csrf = request.cookies.get(cookie(request, AANMELD_CSRF))
    controleer_csrf(csrf, waarden.get("csrf"))
    assert csrf is not None
    gemeente = waarden.get("gemeente", "").strip()
    email, wachtwoord = waarden.get("email", "").strip(), waarden.get("wachtwoord", "")
    fouten = Fouten()
    if not gemeente:
        fouten.voeg_toe("gemeente", "Kies uw gemeente")
    if not email:
        fouten.voeg_toe("email", "Vul uw e-mailadres in")
    if not wachtwoord:
        fouten.voeg_toe("wachtwoord", "Vul uw wachtwoord in")
    adres = client_adres(request)
    rem = begrenzer(request)
    if not fouten and rem.geweigerd(adres):
        logger.warning("portaal: aanmelden vanaf %s tijdelijk geweigerd (te veel mislukte pogingen)", adres)
        fouten.voeg_toe(None, GEWEIGERD)
    if not fouten:
        async with database(request).unit_of_work() as uow:
            vorige = request.cookies.get(cookie(request, SESSIE))
            if vorige:
                # A new sign-in in this browser replaces the session it had: never two behind one cookie name.
                await toegang.meld_af(uow.session, vorige)
            aangemeld = await toegang.meld_aan(uow.session, gemeente, email, wachtwoord)
            # Committed either way: a refusal counts towards the lockout.
            await uow.commit()
        if aangemeld is not None:
            response = naar(f"{PREFIX}/opdrachten")
            zet_cookie(response, request, SESSIE, aangemeld.token, int(toegang.SESSIE_MAXIMAAL.total_seconds()))
            wis_cookie(response, request, AANMELD_CSRF)
            return response
        rem.mislukt(adres)
        fouten.voeg_toe(None, GEWEIGERD)
    pagina_ = await _aanmeldpagina(request, csrf, {"gemeente": gemeente, "email": email}, fouten)
    return html(pagina_, 401 if fouten.algemeen else 422)


_WACHTWOORDVELDEN = (
    Veld("huidig", "Huidig wachtwoord", "wachtwoord", True, autocomplete="current-password"),
    Veld(
        "nieuw",
        "Nieuw wachtwoord",
        "wachtwoord",
        True,
        hint="Minstens 12 tekens. Een zin van een paar woorden is sterk en goed te onthouden.",
        autocomplete="new-password",
    ),
    Veld("herhaling", "Nieuw wachtwoord nogmaals", "wachtwoord", True, autocomplete="new-password"),
)


def _wachtwoordpagina(wie: Medewerker, fouten: Fouten) -> str:
    uitleg = (
        "<p>U hebt een wachtwoord van de gemeente gekregen. Kies nu een eigen wachtwoord; daarna kunt u verder.</p>"
        if wie.actief.account.wachtwoord_wijzigen
        else "<p>Na het wijzigen wordt u op andere apparaten afgemeld.</p>"
    )
    inhoud = (
        "<h1>Wachtwoord wijzigen</h1>"
        + uitleg
        + formulier(
            f"{PREFIX}/wachtwoord", _WACHTWOORDVELDEN, {}, fouten, csrf_token=wie.gebruiker.csrf_token, knop="Opslaan"
        )
    )
    return pagina("Wachtwoord wijzigen", inhoud, gebruiker=wie.gebruiker, fout=bool(fouten))


@router.get("/wachtwoord")
async def wachtwoord_pagina(wie: Aangemeld) -> Response:
    return html(_wachtwoordpagina(wie, Fouten()))


@router.post("/wachtwoord")
async def wachtwoord_verstuurd(request: Request, wie: Aangemeld) -> Response:
    waarden = await lees_formulier(request)
    controleer_csrf(wie.gebruiker.csrf_token, waarden.get("csrf"))
    fouten = Fouten()
    for veld in _WACHTWOORDVELDEN:
        if not waarden.get(veld.naam):
            fouten.voeg_toe(veld.naam, f"Vul {veld.label.lower()} in")
    if not fouten and waarden["nieuw"] != waarden["herhaling"]:
        fouten.voeg_toe("herhaling", "Vul twee keer hetzelfde nieuwe wachtwoord in")
    if not fouten:
        geweigerd: toegang.WachtwoordGeweigerd | None = None
        async with database(request).unit_of_work() as uow:
            try:
                await toegang.wijzig_wachtwoord(uow.session, wie.actief, waarden["huidig"], waarden["nieuw"])
            except toegang.WachtwoordGeweigerd as exc:
                geweigerd = exc
            # Committed on a refusal too: a wrong current password counts towards the lockout.
            await uow.commit()
        if geweigerd is None:
            return naar(f"{PREFIX}/opdrachten?wachtwoord=true")
        fouten = probleem_fouten(geweigerd, _WACHTWOORDVELDEN)
    return html(_wachtwoordpagina(wie, fouten), 422)


@router.post("/afmelden")
async def afmelden(request: Request, wie: Aangemeld) -> Response:
    waarden = await lees_formulier(request)
    controleer_csrf(wie.gebruiker.csrf_token, waarden.get("csrf"))
    async with database(request).unit_of_work() as uow:
        await toegang.meld_af(uow.session, wie.token)
        await uow.commit()
    # Back to the sign-in for the same gemeente: signing in again needs no choice.
    response = naar(f"{PREFIX}/aanmelden?afgemeld=true&gemeente={wie.actief.account.gemeente_code}")
    wis_cookie(response, request, SESSIE)
    return response
