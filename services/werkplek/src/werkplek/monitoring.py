"""The monitoring page (issue 15 §2): the gemeente's aggregates from the four contexts for a period, each table as a
bar chart in inline SVG (no script) and as a table with the same figures, with CSV and JSON export per context.

Every figure is what the context's `/monitoring` answered, small cells already suppressed there (the kit's one rule,
`inburgering_kit.monitoring`); the werkplek computes nothing that could undo it and shows a suppressed cell as "<5".
A context that does not answer shows its part as "niet beschikbaar"; the rest of the page stands.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Query, Request, Response

from inburgering_kit.html import e, tabel
from inburgering_kit.monitoring import ONDERDRUKT, SCOPE_MONITORING, Cel, Tabel, periode
from inburgering_kit.problems import Problem
from werkplek.bronnen import Antwoord, samen
from werkplek.toegang import Aangemeld, bronnen, html, nieuwe_router
from werkplek.weergave import PREFIX, foutpagina, niet_beschikbaar, pagina

router = nieuwe_router()
TITEL = "Monitoring"
Bron = Literal["inburgeraar", "pip", "aanbieder", "handhaving"]
# In the order a policy reader follows the trajectory: who came in, which route, how providers did, enforcement.
ONDERDELEN: list[tuple[Bron, str]] = [
    ("inburgeraar", "Instroom, uitstroom en examens"),
    ("pip", "Leerroutes, uitstroom en termijnsignalen"),
    ("aanbieder", "Aanbieders"),
    ("handhaving", "Handhaving"),
]


def _getal(c: Cel | None) -> str:
    if c is None or c.waarde is None:
        return ONDERDRUKT if c is not None and c.onderdrukt else "–"
    w = float(c.waarde)
    return f"{int(w):d}" if w.is_integer() else f"{w:.1f}".replace(".", ",")


def _procent(p: float | None) -> str:
    return "–" if p is None else f"{p:.1f} %".replace(".", ",")


def _staven(t: Tabel) -> tuple[list[tuple[str, float | None]], str, dict[str, float]]:
    """What the chart shows per row: a share when the table has one, else the row's total (or its only value)."""
    verwacht = {r.label: r.verwacht_percentage for r in t.rijen if r.verwacht_percentage is not None}
    if t.aandeel != "geen":
        return [(r.label, r.percentage) for r in t.rijen], "%", verwacht
    waarden = []
    for r in t.rijen:
        c = r.totaal if r.totaal is not None else (r.cellen[0] if r.cellen else None)
        waarden.append((r.label, None if c is None or c.waarde is None else float(c.waarde)))
    return waarden, "", verwacht


def grafiek(grafiek_id: str, t: Tabel) -> str:
    """Horizontal bars, one per row, the value written beside each; a suppressed value has no bar and says "<5".
    An expectation (the route mix) is a dashed mark on its row. The same figures are in the table below it."""
    waarden, eenheid, verwacht = _staven(t)
    if not waarden:
        return ""
    label_breedte, staaf_breedte, rij_hoogte, marge = 170, 260, 22, 6
    breedte = label_breedte + staaf_breedte + 70
    hoogte = marge * 2 + rij_hoogte * len(waarden)
    hoogste = 100.0 if eenheid == "%" else max([w for _, w in waarden if w is not None] + [1.0])
    delen = [f'<line x1="{label_breedte}" x2="{label_breedte}" y1="{marge}" y2="{hoogte - marge}" class="as"/>']
    beschrijving = []
    for i, (label, waarde) in enumerate(waarden):
        y = marge + i * rij_hoogte
        tekst = ONDERDRUKT if waarde is None else (_procent(waarde) if eenheid == "%" else _getal(Cel(waarde=waarde)))
        delen.append(
            f'<text x="{label_breedte - 6}" y="{y + 15}" text-anchor="end" font-size="12">{e(label[:26])}</text>'
        )
        x_tekst: float = label_breedte + 4
        if waarde is not None:
            lengte = staaf_breedte * waarde / hoogste
            delen.append(
                f'<rect x="{label_breedte}" y="{y + 4}" width="{lengte:.1f}" height="{rij_hoogte - 8}" '
                f'class="staaf-aanwezig"><title>{e(label)}: {e(tekst)}</title></rect>'
            )
            x_tekst += lengte
        delen.append(f'<text x="{x_tekst:.1f}" y="{y + 15}" font-size="12">{e(tekst)}</text>')
        if label in verwacht:
            x = label_breedte + staaf_breedte * verwacht[label] / 100
            delen.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 1}" y2="{y + rij_hoogte - 1}" class="normlijn"/>')
        beschrijving.append(
            f"{label}: {tekst}" + (f" (verwacht {_procent(verwacht[label])})" if label in verwacht else "")
        )
    return (
        f'<svg role="img" aria-labelledby="{e(grafiek_id)}-t" viewBox="0 0 {breedte} {hoogte}" width="{breedte}" '
        f'height="{hoogte}" class="grafiek"><title id="{e(grafiek_id)}-t">{e(t.titel)}: {e("; ".join(beschrijving))}'
        f"</title>{''.join(delen)}</svg>"
    )


def tabel_html(t: Tabel) -> str:
    met_totaal = any(r.totaal is not None for r in t.rijen)
    met_verwacht = any(r.verwacht_percentage is not None for r in t.rijen)
    kop = [t.rijkop, *t.kolommen]
    if met_totaal:
        kop.append("totaal")
    if t.aandeel != "geen":
        kop.append("aandeel behaald" if t.aandeel == "rij" else "aandeel")
    if met_verwacht:
        kop.append("verwacht")
    rijen: list[list[str]] = []
    for r in t.rijen:
        rij = [e(r.label), *(e(_getal(c)) for c in r.cellen)]
        if met_totaal:
            rij.append(e(_getal(r.totaal)))
        if t.aandeel != "geen":
            rij.append(e(_procent(r.percentage)))
        if met_verwacht:
            rij.append(e(_procent(r.verwacht_percentage)))
        rijen.append(rij)
    if t.kolomtotalen is not None:
        rij = ["totaal", *(e(_getal(c)) for c in t.kolomtotalen)]
        if met_totaal:
            rij.append(e(_getal(t.totaal)))
        rij += [""] * (len(kop) - len(rij))
        rijen.append(rij)
    return tabel(kop, rijen, t.titel)


def _onderdeel(bron: Bron, kop: str, a: Antwoord, query: dict[str, str]) -> str:
    export = " ".join(
        f'<a href="{PREFIX}/monitoring/export?{e(urlencode({**query, "bron": bron, "formaat": f}))}" '
        f"download>{e(kop)} als {f.upper()}</a>"
        for f in ("csv", "json")
    )
    titel = f'<h2 id="m-{bron}">{e(kop)}</h2>'
    if not a.ok or not isinstance(a.data, dict):
        return f'<section aria-labelledby="m-{bron}">{titel}{niet_beschikbaar(kop, a.melding)}</section>'
    delen = [titel, f'<p class="export">Exporteren: {export}</p>']
    for i, ruw in enumerate(a.data.get("tabellen", [])):
        t = Tabel.model_validate(ruw)
        delen.append(f'<h3 id="m-{bron}-{i}">{e(t.titel)}</h3>')
        if t.toelichting:
            delen.append(f"<p>{e(t.toelichting)}</p>")
        delen.append(grafiek(f"g-{bron}-{i}", t))
        delen.append(tabel_html(t))
    return f'<section aria-labelledby="m-{bron}">{"".join(delen)}</section>'


def _periodeformulier(van: str, tot: str) -> str:
    return (
        f'<form method="get" action="{PREFIX}/monitoring" class="filters" aria-label="Periode">'
        f'<div class="veld"><label for="f-van">Van</label><input type="date" id="f-van" name="van" value="{e(van)}">'
        "</div>"
        f'<div class="veld"><label for="f-tot">Tot en met</label>'
        f'<input type="date" id="f-tot" name="tot" value="{e(tot)}"></div>'
        '<button type="submit" class="knop">Toon</button></form>'
    )


def _periode(van: str, tot: str) -> tuple[date, date] | str:
    """The period asked for, by the kit's rule (the APIs apply the same); a refusal as one sentence."""
    try:
        p = periode(date.fromisoformat(van) if van else None, date.fromisoformat(tot) if tot else None)
    except ValueError:
        return "Vul de datums in als jjjj-mm-dd."
    except Problem as fout:
        return " ".join(i.reason for i in fout.invalid_params or []) or fout.title
    return p.van, p.tot


def _geen_toegang(request: Request, ingelogd: Any) -> Response:
    tekst = "Monitoring is er voor de rol die de cijfers van de gemeente mag zien (beleidsmedewerker)."
    return html(request, foutpagina(403, "Geen toegang", tekst, ingelogd.kop), 403)


@router.get("/monitoring")
async def monitoring(
    request: Request,
    ingelogd: Aangemeld,
    van: Annotated[str, Query(max_length=10)] = "",
    tot: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    if not ingelogd.kan(SCOPE_MONITORING):
        return _geen_toegang(request, ingelogd)
    gekozen = _periode(van, tot)
    if isinstance(gekozen, str):
        inhoud = (
            f"<h1>{TITEL}</h1>{_periodeformulier(van, tot)}"
            f'<div class="foutmelding" role="alert"><p>{e(gekozen)}</p></div>'
        )
        return html(request, pagina(TITEL, inhoud, kop=ingelogd.kop, fout=True, actief=TITEL), 400)
    query = {"van": gekozen[0].isoformat(), "tot": gekozen[1].isoformat()}
    b = bronnen(request)
    antwoorden = await samen(**{bron: b.get(bron, "/monitoring", ingelogd.token, **query) for bron, _ in ONDERDELEN})
    inhoud = (
        f"<h1>{TITEL}</h1>"
        f"<p>Cijfers van gemeente {e(ingelogd.gemeente)} van {e(query['van'])} tot en met {e(query['tot'])}. "
        "Een aantal van 1 tot 5 personen is weggelaten (kleine aantallen wijzen personen aan), en waar een totaal "
        "het zou verraden ook een tweede cel; elke weggelaten cel staat er als &lt;5.</p>"
        + _periodeformulier(query["van"], query["tot"])
        + "".join(_onderdeel(bron, kop, antwoorden[bron], query) for bron, kop in ONDERDELEN)
    )
    return html(request, pagina(TITEL, inhoud, kop=ingelogd.kop, actief=TITEL))


@router.get("/monitoring/export")
async def export(
    request: Request,
    ingelogd: Aangemeld,
    bron: Annotated[Bron, Query()],
    formaat: Annotated[Literal["csv", "json"], Query()],
    van: Annotated[str, Query(max_length=10)] = "",
    tot: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """The context's own export, passed through as a download: the werkplek adds and removes nothing."""
    if not ingelogd.kan(SCOPE_MONITORING):
        return _geen_toegang(request, ingelogd)
    gekozen = _periode(van, tot)
    if isinstance(gekozen, str):
        return html(request, foutpagina(400, "Ongeldige periode", gekozen, ingelogd.kop), 400)
    soort = "text/csv" if formaat == "csv" else "application/json"
    a = await bronnen(request).vraag(
        bron,
        "GET",
        "/monitoring",
        ingelogd.token,
        params={"van": gekozen[0].isoformat(), "tot": gekozen[1].isoformat()},
        accept=soort,
    )
    if not a.ok:
        return html(request, foutpagina(503, "Export niet beschikbaar", a.melding, ingelogd.kop), 503)
    naam = f"monitoring-{bron}-{ingelogd.gemeente}-{gekozen[0]}-{gekozen[1]}.{formaat}"
    inhoud = a.tekst if a.tekst is not None else _json(a.data)
    return Response(
        inhoud,
        media_type=f"{soort}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{naam}"', "Cache-Control": "no-store"},
    )


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
