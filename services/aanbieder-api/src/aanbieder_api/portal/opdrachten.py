"""The opdrachten of the employee's aanbieder: the list (with what changed since the last look) and one opdracht
with its content, its stand and its latest reports. Read through the same use cases as the provider API."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response
from fastapi.responses import RedirectResponse

from aanbieder_api.domain.enums import Dienst, Meldingsoort, OpdrachtStatus
from aanbieder_api.domain.opdracht import OpdrachtInhoud
from aanbieder_api.domain.stand import Stand
from aanbieder_api.models import Opdracht, OpdrachtVersie
from aanbieder_api.portal import formulieren, weergave
from aanbieder_api.portal.html import (
    PREFIX,
    datum,
    e,
    gegevenslijst,
    melding_box,
    pagina,
    tabel,
    tijdstip,
    uren,
)
from aanbieder_api.portal.repository import PortaalRepository
from aanbieder_api.portal.sessie import Aangemeld, html, naar, nieuwe_router
from aanbieder_api.services import opdrachten, voortgang
from aanbieder_api.services.toegang import werkcontext
from inburgering_kit.pagination import PageParams

router = nieuwe_router()

PAGINAGROOTTE = 25


@router.get("")
async def start() -> RedirectResponse:
    return naar(f"{PREFIX}/opdrachten")


def _status_label(opdracht: Opdracht, gezien: int | None) -> str:
    if gezien is None:
        return ' <span class="label">Nieuw</span>'
    if opdracht.versie > gezien:
        return ' <span class="label">Gewijzigd</span>'
    return ""


def _statusfilter(gekozen: OpdrachtStatus | None) -> str:
    """A GET form (no CSRF needed: it changes nothing) that narrows the list to one status."""
    opties = '<option value="">Alle</option>' + "".join(
        f'<option value="{s.value}"{" selected" if s is gekozen else ""}>{e(label)}</option>'
        for s, label in weergave.STATUSSEN.items()
    )
    return (
        f'<form method="get" action="{PREFIX}/opdrachten" class="filter"><div class="veld">'
        f'<label for="filter-status">Status</label><select id="filter-status" name="status">{opties}</select></div>'
        '<button type="submit" class="knop knop-secundair">Toon</button></form>'
    )


@router.get("/opdrachten")
async def opdrachten_lijst(
    request: Request,
    wie: Aangemeld,
    pagina_: Annotated[int, Query(alias="pagina", ge=1, le=10_000)] = 1,
    status_: Annotated[OpdrachtStatus | Literal[""] | None, Query(alias="status")] = None,
    wachtwoord: Annotated[bool, Query()] = False,
) -> Response:
    status = status_ or None
    paging = PageParams(page=pagina_, page_size=PAGINAGROOTTE)
    async with werkcontext(request.app, wie.principal) as ctx:
        rows, total = await opdrachten.lijst_voor_aanbieder(
            ctx, wie.wie, paging, status=status.value if status else None
        )
        gezien = await PortaalRepository(ctx.session).gezien(wie.account_id, [r.id for r in rows])
    rijen = []
    for o in rows:
        inhoud = o.inhoud
        rijen.append(
            [
                f'<a href="{PREFIX}/opdrachten/{o.id}">{weergave.deelnemer(o)}</a>{_status_label(o, gezien.get(o.id))}',
                e(weergave.dienst(o.onderdeel)),
                e(weergave.status_van(o)),
                e(datum(inhoud.get("geplandeStartdatum"))),
                e(datum(inhoud.get("geplandeEinddatum"))),
            ]
        )
    if rijen:
        lijst = tabel(
            ["Deelnemer", "Onderdeel", "Status", "Geplande start", "Geplande einde"],
            rijen,
            f"Opdrachten, pagina {pagina_} van {max(1, math.ceil(total / PAGINAGROOTTE))} ({total} in totaal)",
        )
    elif status is not None:
        lijst = f"<p>Er zijn geen opdrachten met status {e(weergave.STATUSSEN[status].lower())}.</p>"
    else:
        lijst = "<p>Er zijn (nog) geen opdrachten voor uw organisatie.</p>"
    filter_ = f"&status={status.value}" if status else ""
    navigatie = []
    if pagina_ > 1:
        navigatie.append(f'<a href="{PREFIX}/opdrachten?pagina={pagina_ - 1}{filter_}" rel="prev">Vorige pagina</a>')
    if pagina_ * PAGINAGROOTTE < total:
        navigatie.append(f'<a href="{PREFIX}/opdrachten?pagina={pagina_ + 1}{filter_}" rel="next">Volgende pagina</a>')
    nav = (
        f'<nav aria-label="Paginering"><ul class="acties">{"".join(f"<li>{n}</li>" for n in navigatie)}</ul></nav>'
        if navigatie
        else ""
    )
    bericht = melding_box("Uw nieuwe wachtwoord is opgeslagen.") if wachtwoord else ""
    body = bericht + (
        "<h1>Opdrachten</h1><p>De opdrachten die de gemeente aan uw organisatie heeft verstrekt. Deelnemers staan "
        'onder hun referentie bij uw organisatie. <span class="label">Gewijzigd</span> betekent dat de gemeente '
        "de opdracht heeft gewijzigd sinds u haar het laatst bekeek.</p>" + _statusfilter(status) + lijst + nav
    )
    return html(pagina("Opdrachten", body, gebruiker=wie.gebruiker))


def _waarde(naam: str, waarde: Any) -> str:
    if waarde is None or waarde in ((), []):
        return "—"
    if naam == "deelnemer" and isinstance(waarde, dict):
        delen = [" ".join(str(waarde.get(k, "")) for k in ("roepnaam", "achternaam")).strip()]
        delen += [f"{label}: {waarde[k]}" for k, label in (("telefoon", "telefoon"), ("email", "e-mail"),
                  ("voorkeurstaal", "voorkeurstaal")) if waarde.get(k)]  # fmt: skip
        return "<br>".join(e(d) for d in delen if d)
    if isinstance(waarde, list | tuple):
        return "<ul>" + "".join(f"<li>{e(w)}</li>" for w in waarde) + "</ul>"
    weergave = _WEERGAVE.get(naam)
    return e(weergave(str(waarde)) if weergave else waarde)


# How a value of the opdracht's content reads on the page, by its wire name.
_WEERGAVE: dict[str, Callable[[str], str]] = {
    "geplandeStartdatum": datum,
    "geplandeEinddatum": datum,
    "wettelijkeTermijn": datum,
    "status": weergave.status,
    "leerroute": lambda code: dict(formulieren.LEERROUTES).get(code, code),
}


def _wijzigingen(versies: list[OpdrachtVersie], gezien: int | None) -> str:
    if gezien is None:
        return ""
    nieuw = [v for v in versies if v.versie > gezien]
    if not nieuw:
        return "<h2>Wijzigingen</h2><p>Niets gewijzigd sinds u deze opdracht het laatst bekeek.</p>"
    vorige = {v.versie: v for v in versies}
    blokken = []
    for v in nieuw:
        oud = vorige.get(v.versie - 1)
        rijen = []
        for veld in v.gewijzigde_velden:
            voor = (oud.inhoud.get(veld) if oud else None) if veld != "status" else None
            na = v.inhoud.get(veld) if veld != "status" else "ingetrokken"
            rijen.append([e(weergave.INHOUD_VELDEN.get(veld, veld)), _waarde(veld, voor), _waarde(veld, na)])
        reden = f"<p>Reden: {e(v.reden)}</p>" if v.reden else ""
        blokken.append(
            f"<h3>Versie {v.versie}, {e(tijdstip(v.created_at))}</h3>{reden}"
            + tabel(["Gegeven", "Was", "Is nu"], rijen, f"Wijzigingen in versie {v.versie}")
        )
    return '<h2 id="wijzigingen">Gewijzigd sinds uw laatste bezoek</h2>' + "".join(blokken)


def _stand(opdracht: Opdracht) -> str:
    stand = Stand.model_validate(opdracht.stand)
    rijen = [
        ("Gerealiseerde start", e(datum(stand.gerealiseerde_startdatum))),
        ("Aangepaste einddatum", e(datum(stand.aangepaste_einddatum))),
        ("Uren aanwezig", e(uren(stand.uren_aanwezig))),
        ("Uren afwezig met geldige reden", e(uren(stand.uren_afwezig_geoorloofd))),
        ("Uren afwezig zonder geldige reden", e(uren(stand.uren_afwezig_ongeoorloofd))),
        ("Gemeld tot en met", e(datum(stand.laatste_periode_tot))),
    ]
    if opdracht.onderdeel == Dienst.Z_ROUTE.value:
        rijen += [("Uren taal", e(uren(stand.uren_taal))), ("Uren participatie", e(uren(stand.uren_participatie)))]
    if stand.eindresultaat is not None:
        rijen.append(("Eindresultaat", e(dict(formulieren.UITSLAGEN).get(stand.eindresultaat.value, ""))))
        rijen.append(("Afgerond op", e(datum(stand.einddatum))))
    if stand.niveau_bereikt is not None:
        rijen.append(("Bereikt niveau", e(stand.niveau_bereikt.value)))
    if stand.leerbaarheidstoets_datum is not None:
        rijen.append(
            ("Leerbaarheidstoets", e(f"{datum(stand.leerbaarheidstoets_datum)}: {stand.leerbaarheidstoets_resultaat}"))
        )
    return gegevenslijst(rijen)


@router.get("/opdrachten/{opdracht_id}")
async def opdracht_pagina(
    request: Request,
    opdracht_id: uuid.UUID,
    wie: Aangemeld,
    gemeld: Annotated[Meldingsoort | None, Query()] = None,
    herhaald: Annotated[bool, Query()] = False,
) -> Response:
    async with werkcontext(request.app, wie.principal) as ctx:
        opdracht = await opdrachten.voor_aanbieder(ctx, wie.wie, opdracht_id)
        versies = list(await opdrachten.versies_voor_aanbieder(ctx, wie.wie, opdracht_id))
        meldingen, _ = await voortgang.meldingen_voor_aanbieder(
            ctx, wie.wie, opdracht_id, PageParams(page=1, page_size=10)
        )
        repo = PortaalRepository(ctx.session)
        gezien = (await repo.gezien(wie.account_id, [opdracht.id])).get(opdracht.id)
        await repo.markeer_gezien(wie.account_id, opdracht.id, opdracht.versie)
    inhoud = OpdrachtInhoud.model_validate(opdracht.inhoud).model_dump(mode="json", by_alias=True)
    bericht = ""
    if gemeld is not None:
        titel = formulieren.FORMULIEREN[gemeld].titel.removesuffix(" doorgeven").removesuffix(" geven")
        bericht = melding_box(
            f"{titel}: deze melding was al ontvangen, er is niets dubbel opgeslagen."
            if herhaald
            else f"{titel}: uw melding is opgeslagen."
        )
    gegevens = gegevenslijst(
        [("Deelnemer", weergave.deelnemer(opdracht)), ("Onderdeel", e(weergave.dienst(opdracht.onderdeel))),
         ("Status", e(weergave.status_van(opdracht))), ("Versie", e(opdracht.versie))]
        + [(label, _waarde(naam, inhoud.get(naam))) for naam, label in weergave.INHOUD_VELDEN.items()
           if naam != "status" and inhoud.get(naam) not in (None, [], ())]
    )  # fmt: skip
    acties = ""
    if opdracht.status != OpdrachtStatus.INGETROKKEN.value:
        links = "".join(
            f'<li><a href="{PREFIX}/opdrachten/{opdracht.id}/meldingen/{f.soort.value}">{e(f.titel)}</a></li>'
            for f in formulieren.formulieren_voor(Dienst(opdracht.onderdeel))
        )
        acties = f'<h2>Voortgang doorgeven</h2><ul class="acties">{links}</ul>'
    historie = (
        tabel(
            ["Gemeld op", "Soort", "Via"],
            [
                [
                    e(tijdstip(m.gemeld_at)),
                    e(weergave.soort_titel(m.soort)),
                    e(weergave.KANALEN.get(m.kanaal, m.kanaal)),
                ]
                for m in meldingen
            ],
            "Laatste meldingen",
        )
        if meldingen
        else "<p>Er is nog niets gemeld.</p>"
    )
    body = (
        f"{bericht}<h1>Opdracht {weergave.deelnemer(opdracht)}</h1>"
        f"{_wijzigingen(versies, gezien)}"
        f"<h2>Gegevens van de opdracht</h2>{gegevens}"
        f"<h2>Stand</h2>{_stand(opdracht)}"
        f"{acties}<h2>Meldingen</h2>{historie}"
    )
    return html(
        pagina(
            f"Opdracht {opdracht.deelnemer_referentie}",
            body,
            gebruiker=wie.gebruiker,
            kruimelpad=[("Opdrachten", f"{PREFIX}/opdrachten")],
        )
    )
