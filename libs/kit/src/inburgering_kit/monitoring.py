"""Local monitoring (issue 15 §2; seed gemeentelijk-beleidsplan ch. 6, uitvoeringstoets §3.2.7): aggregate tables that
leave a context, with small-cell suppression in this one place so every context and the werkplek apply one rule.

The rule (written down here because it is the only place it is applied):

1. *Primary*: a count of 1 to 4 (fewer than `DREMPEL` persons, but not none) is suppressed: 49 % of gemeenten receive
   20 or fewer inburgeraars a year, so a small cell can point at one person. A 0 is shown: it names no-one.
2. *Secondary*: a table is published with its row totals, column totals and grand total. Every row and every
   column (the totals row and column included) is a sum: its parts add up to its total. Whenever such a line
   has exactly one suppressed part and its total is shown, the total minus the other parts would give the suppressed
   one back; so the smallest other part that is not 0 is suppressed too (a 0 if none is left, the total if the line
   has no other part). When a total is suppressed and none of its parts is, the parts would give it back; so its
   smallest non-zero part is suppressed too. This is repeated until no line changes (suppression only grows, so it
   ends).
3. A percentage is never shown beside a suppressed number it is computed from.
4. A kengetal (an average or a share of hours, not a count of persons) is shown only when it rests on at least
   `DREMPEL` persons; a share of persons (`Aandeel`) also only when neither the part nor the rest is a small count.

Suppressed cells are `null` with `onderdrukt: true` in JSON and `<5` in CSV and on screen, the secondary ones too:
marking which cell is the small one would narrow the other down to within 4 of its value.

Freshness: the figures are month-level aggregates for policy staff, and a dashboard of such figures normally shows
them up to a minute old. So each process keeps the rendered answer of a (gemeente, period, format) for at most the
setting `monitoring_max_leeftijd_s` (default 60 s; 0 computes every request anew), concurrent requests for the
same answer share one computation, and every answer says when its figures were computed: `peilmoment` in JSON,
`Last-Modified` for JSON and CSV alike. Suppression does not depend on this: a cached answer is one that was
suppressed when it was computed.

A request does not wait for a computation that a dashboard in use would make again and again: an answer past the max
age but within twice it is still given at once, while the figures are computed anew in the background on a session
of their own (refresh ahead). So an answer is at most twice the max age old (default 2 minutes), and a request waits
only for the first computation of a key in a process, or after the key went unasked for twice the max age.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import time
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ConfigDict, Field

from inburgering_kit.context import RequestContext, context
from inburgering_kit.db import get_database
from inburgering_kit.problems import Unprocessable, invalid
from inburgering_kit.schemas import ApiModel

# The scope of the role that reads monitoring (`beleidsmedewerker`): aggregates only, never a person.
SCOPE_MONITORING = "monitoring:lezen"
DREMPEL = 5
ONDERDRUKT = "<5"
TOTAAL = "totaal"
CSV_MEDIA_TYPE = "text/csv"
# The longest period one request may ask for: monitoring looks back years, not decades, and a bound keeps a query
# over every month of a large gemeente within its time budget.
MAX_MAANDEN = 120
# How long a process reuses computed figures when its settings do not say (`monitoring_max_leeftijd_s`).
MAX_LEEFTIJD_S = 60.0


# --- Input: what a context counted --------------------------------------------------------------------------------


@dataclass
class Telling:
    """Counts of persons (or cases) per row and column, as a context's query gives them. Missing cells are 0."""

    naam: str
    titel: str
    rijkop: str
    rijen: Sequence[str]
    kolommen: Sequence[str]
    cellen: Mapping[tuple[str, str], int]
    # "rij": each row's share of `aandeel_kolom` in its row total (a pass rate); "totaal": each row's share of the
    # grand total (a mix), next to `verwacht` where there is an expectation.
    aandeel: Literal["geen", "rij", "totaal"] = "geen"
    aandeel_kolom: str | None = None
    verwacht: Mapping[str, float] = field(default_factory=dict)
    toelichting: str | None = None
    # Off where the rows are no parts of one whole (exam and PVT attempts do not add up to anything): a column total
    # would only add a line that forces more cells to be hidden.
    kolomtotalen: bool = True


@dataclass(frozen=True)
class Aandeel:
    """A share of persons (`teller` of `noemer`), shown as a percentage only when it gives no small count away."""

    teller: int
    noemer: int


@dataclass
class Kengetallen:
    """Values that are no counts (a share of hours, a mean), each row resting on `basis` persons."""

    naam: str
    titel: str
    rijkop: str
    kolommen: Sequence[str]
    rijen: Sequence[tuple[str, int, Mapping[str, float | Aandeel | None]]]
    toelichting: str | None = None


# --- Output: what leaves the context ------------------------------------------------------------------------------


class Cel(ApiModel):
    waarde: int | float | None = Field(description="Leeg als de cel is onderdrukt.")
    onderdrukt: bool = False


class Rij(ApiModel):
    label: str
    cellen: list[Cel]
    totaal: Cel | None = Field(default=None, description="Rijtotaal (bij tellingen met meer dan één kolom).")
    percentage: float | None = Field(default=None, description="Aandeel (zie `aandeel` van de tabel), in procenten.")
    verwacht_percentage: float | None = None


class Tabel(ApiModel):
    naam: str = Field(description="Vaste naam van de maat, bijvoorbeeld `instroom`.")
    titel: str
    soort: Literal["telling", "kengetal"]
    rijkop: str
    kolommen: list[str]
    rijen: list[Rij]
    kolomtotalen: list[Cel] | None = None
    totaal: Cel | None = None
    aandeel: Literal["geen", "rij", "totaal"] = "geen"
    toelichting: str | None = None


def _nu() -> datetime:
    # Whole seconds, rounded down: the `Last-Modified` header has no finer unit, JSON and header name the same
    # moment, and the figures are never older than the moment named.
    return datetime.now(UTC).replace(microsecond=0)


class Monitoring(ApiModel):
    """The aggregates of one context for one gemeente and period: counts only, small cells suppressed."""

    # `peilmoment` has a default for the use cases that build this; every answer carries it, so a generated client
    # sees it as required.
    model_config = ApiModel.model_config | ConfigDict(json_schema_serialization_defaults_required=True)

    gemeentecode: str
    van: date
    tot: date = Field(description="Tot en met.")
    drempel: int = Field(DREMPEL, description="Een telling van 1 tot deze drempel is onderdrukt.")
    peilmoment: datetime = Field(
        default_factory=_nu,
        description="Wanneer de cijfers zijn berekend (UTC). Een antwoord kan tot twee keer "
        "`monitoring_max_leeftijd_s` (standaard 60 seconden) oud zijn: na de maximale leeftijd wordt het nog gegeven "
        "terwijl de cijfers op de achtergrond opnieuw worden berekend. De header `Last-Modified` noemt hetzelfde "
        "moment.",
    )
    tabellen: list[Tabel]


# --- Suppression --------------------------------------------------------------------------------------------------


def _klein(n: int) -> bool:
    return 0 < n < DREMPEL


def onderdruk(telling: Telling) -> Tabel:
    rijen = list(telling.rijen)
    kolommen = list(telling.kolommen)
    n: dict[tuple[str, str], int] = {(r, k): int(telling.cellen.get((r, k), 0)) for r in rijen for k in kolommen}
    met_rijtotaal = len(kolommen) > 1
    alle_r = [*rijen, TOTAAL]
    alle_k = [*kolommen, TOTAAL] if met_rijtotaal else kolommen
    for r in rijen:
        n[r, TOTAAL] = sum(n[r, k] for k in kolommen)
    for k in alle_k:
        n[TOTAAL, k] = sum(n[r, k] for r in rijen)
    weg = {sleutel for sleutel, waarde in n.items() if _klein(waarde)}
    # Every line of the table with its totals: (parts, the total they add up to).
    lijnen = [([(r, k) for k in kolommen], (r, TOTAAL)) for r in alle_r if met_rijtotaal]
    if telling.kolomtotalen:
        lijnen += [([(r, k) for r in rijen], (TOTAAL, k)) for k in alle_k]
    else:
        weg -= {(TOTAAL, k) for k in alle_k}
    veranderd = True
    while veranderd:
        veranderd = False
        for delen, som in lijnen:
            onderdrukte = [d for d in delen if d in weg]
            if som not in weg and len(onderdrukte) == 1:
                veranderd |= _onderdruk_nog_een(delen, som, weg, n)
            elif som in weg and not onderdrukte and n[som] > 0:
                kandidaten = sorted((d for d in delen if n[d] > 0), key=lambda d: (n[d], alle_r.index(d[0])))
                if kandidaten:
                    weg.add(kandidaten[0])
                    veranderd = True

    def cel(sleutel: tuple[str, str]) -> Cel:
        return Cel(waarde=None, onderdrukt=True) if sleutel in weg else Cel(waarde=n[sleutel])

    uit: list[Rij] = []
    for r in rijen:
        rij = Rij(label=r, cellen=[cel((r, k)) for k in kolommen], totaal=cel((r, TOTAAL)) if met_rijtotaal else None)
        _aandeel(telling, rij, n, weg, [(r, k) for k in alle_k])
        uit.append(rij)
    return Tabel(
        naam=telling.naam,
        titel=telling.titel,
        soort="telling",
        rijkop=telling.rijkop,
        kolommen=kolommen,
        rijen=uit,
        kolomtotalen=[cel((TOTAAL, k)) for k in kolommen] if telling.kolomtotalen else None,
        totaal=cel((TOTAAL, TOTAAL if met_rijtotaal else kolommen[0])) if telling.kolomtotalen else None,
        aandeel=telling.aandeel,
        toelichting=telling.toelichting,
    )


def _aandeel(
    telling: Telling,
    rij: Rij,
    n: dict[tuple[str, str], int],
    weg: set[tuple[str, str]],
    delen: list[tuple[str, str]],
) -> None:
    r = rij.label
    # The row's own total: its last part when there is a total column, else its only cell.
    mijn = delen[-1]
    if telling.aandeel == "rij" and telling.aandeel_kolom is not None:
        if n[mijn] > 0 and not any(d in weg for d in delen):
            rij.percentage = _procent(n[r, telling.aandeel_kolom], n[mijn])
    elif telling.aandeel == "totaal":
        som = (TOTAAL, mijn[1])
        if n[som] > 0 and mijn not in weg and som not in weg:
            rij.percentage = _procent(n[mijn], n[som])
        if r in telling.verwacht:
            rij.verwacht_percentage = telling.verwacht[r]


def _onderdruk_nog_een(
    delen: list[tuple[str, str]], som: tuple[str, str], weg: set[tuple[str, str]], n: dict[tuple[str, str], int]
) -> bool:
    over = [d for d in delen if d not in weg]
    if not over:
        weg.add(som)
        return True
    # The smallest non-zero part hides the least; a 0 only when nothing else is left to hide behind.
    keuze = min(over, key=lambda d: (n[d] == 0, n[d]))
    weg.add(keuze)
    return True


def _procent(teller: int, noemer: int) -> float:
    return round(100 * teller / noemer, 1)


def _kengetal(basis: int, waarde: float | Aandeel | None) -> Cel:
    if basis < DREMPEL:
        return Cel(waarde=None, onderdrukt=True)
    if isinstance(waarde, Aandeel):
        if _klein(waarde.teller) or _klein(waarde.noemer - waarde.teller) or _klein(waarde.noemer):
            return Cel(waarde=None, onderdrukt=True)
        return Cel(waarde=None if waarde.noemer == 0 else _procent(waarde.teller, waarde.noemer))
    return Cel(waarde=None if waarde is None else round(float(waarde), 1))


def kengetallen(tabel: Kengetallen) -> Tabel:
    rijen = []
    for label, basis, waarden in tabel.rijen:
        rijen.append(Rij(label=label, cellen=[_kengetal(basis, waarden.get(k)) for k in tabel.kolommen]))
    return Tabel(
        naam=tabel.naam,
        titel=tabel.titel,
        soort="kengetal",
        rijkop=tabel.rijkop,
        kolommen=list(tabel.kolommen),
        rijen=rijen,
        toelichting=tabel.toelichting,
    )


# --- Period --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Periode:
    van: date
    tot: date  # inclusive


class OngeldigePeriode(Unprocessable):
    """Two well-formed dates that make no period (or too long a one): the content is refused, not the syntax."""

    code = "ongeldige-periode"
    title = "De periode is ongeldig."


def periode(
    van: Annotated[date | None, Query(description="Eerste dag (standaard: 1 januari, elf maanden terug).")] = None,
    tot: Annotated[date | None, Query(description="Laatste dag, tot en met (standaard: vandaag).")] = None,
) -> Periode:
    """Dependency: the period asked for; by default the current month and the eleven before it."""
    eind = tot or date.today()
    begin = van or _maand_terug(eind.replace(day=1), 11)
    fouten = []
    if begin > eind:
        fouten.append(invalid("van", "`van` ligt na `tot`.", "van-na-tot"))
    elif (eind.year - begin.year) * 12 + eind.month - begin.month >= MAX_MAANDEN:
        fouten.append(invalid("tot", f"Hooguit {MAX_MAANDEN} maanden per vraag.", "periode-te-lang"))
    if fouten:
        raise OngeldigePeriode(invalid_params=fouten)
    return Periode(begin, eind)


def _maand_terug(dag: date, maanden: int) -> date:
    index = dag.year * 12 + dag.month - 1 - maanden
    return date(index // 12, index % 12 + 1, 1)


def maanden(p: Periode) -> list[str]:
    """The months of the period as `YYYY-MM`, in order: every month is a row, also one without inflow."""
    uit = []
    jaar, maand = p.van.year, p.van.month
    while (jaar, maand) <= (p.tot.year, p.tot.month):
        uit.append(f"{jaar:04d}-{maand:02d}")
        jaar, maand = (jaar + 1, 1) if maand == 12 else (jaar, maand + 1)
    return uit


# --- Rendering -----------------------------------------------------------------------------------------------------


def _tekst(c: Cel | None) -> str:
    if c is None:
        return ""
    if c.onderdrukt:
        return ONDERDRUKT
    if c.waarde is None:
        return ""
    return str(int(c.waarde)) if float(c.waarde).is_integer() else f"{c.waarde:.1f}"


def als_csv(monitoring: Monitoring) -> str:
    """One line per cell (long format), so tables of different shapes fit one file a spreadsheet can pivot."""
    uit = io.StringIO()
    schrijver = csv.writer(uit, lineterminator="\r\n")
    schrijver.writerow(["gemeentecode", "van", "tot", "tabel", "rij", "kolom", "waarde"])
    vast = [monitoring.gemeentecode, monitoring.van.isoformat(), monitoring.tot.isoformat()]
    for tabel in monitoring.tabellen:
        for rij in tabel.rijen:
            for kolom, c in zip(tabel.kolommen, rij.cellen, strict=True):
                schrijver.writerow([*vast, tabel.naam, rij.label, kolom, _tekst(c)])
            if rij.totaal is not None:
                schrijver.writerow([*vast, tabel.naam, rij.label, TOTAAL, _tekst(rij.totaal)])
            if rij.percentage is not None:
                schrijver.writerow([*vast, tabel.naam, rij.label, "percentage", f"{rij.percentage:.1f}"])
            if rij.verwacht_percentage is not None:
                schrijver.writerow(
                    [*vast, tabel.naam, rij.label, "verwacht-percentage", f"{rij.verwacht_percentage:.1f}"]
                )
        for kolom, c in zip(tabel.kolommen, tabel.kolomtotalen or [], strict=False):
            schrijver.writerow([*vast, tabel.naam, TOTAAL, kolom, _tekst(c)])
        if tabel.totaal is not None and len(tabel.kolommen) > 1:
            schrijver.writerow([*vast, tabel.naam, TOTAAL, TOTAAL, _tekst(tabel.totaal)])
    return uit.getvalue()


def wil_csv(request: Request) -> bool:
    """CSV only when asked for and preferred over JSON; the kit answers 406 to an Accept that allows neither."""
    accept = request.headers.get("accept", "")
    beste: dict[str, float] = {}
    for deel in accept.split(","):
        stukken = [s.strip() for s in deel.split(";")]
        soort = stukken[0].lower()
        q = 1.0
        for s in stukken[1:]:
            if s.startswith("q="):
                try:
                    q = float(s[2:])
                except ValueError:
                    q = 0.0
        beste[soort] = max(q, beste.get(soort, 0.0))
    csv_q = beste.get(CSV_MEDIA_TYPE, 0.0)
    json_q = max(beste.get("application/json", 0.0), beste.get("application/*", 0.0), beste.get("*/*", 0.0))
    return csv_q > 0 and csv_q >= json_q


def antwoord(request: Request, monitoring: Monitoring, bestandsnaam: str) -> Response:
    return _response(_render(monitoring, wil_csv(request), bestandsnaam))


@dataclass(frozen=True)
class Gerenderd:
    """One answer as it leaves: the body in its format and the moment its figures were computed."""

    body: bytes
    media_type: str
    peilmoment: datetime
    bestandsnaam: str | None = None


def _render(monitoring: Monitoring, csv_gevraagd: bool, bestandsnaam: str) -> Gerenderd:
    if csv_gevraagd:
        return Gerenderd(als_csv(monitoring).encode(), "text/csv; charset=utf-8", monitoring.peilmoment, bestandsnaam)
    body = JSONResponse(monitoring.model_dump(mode="json")).body
    return Gerenderd(bytes(body), "application/json", monitoring.peilmoment)


def _response(g: Gerenderd) -> Response:
    headers = {
        "Vary": "Accept",
        "Last-Modified": format_datetime(g.peilmoment, usegmt=True),
        # Aggregates of one gemeente for its own staff: no shared cache keeps them, and a browser asks anew rather
        # than guessing a freshness from `Last-Modified`.
        "Cache-Control": "private, no-cache",
    }
    if g.bestandsnaam is not None:
        headers["Content-Disposition"] = f'attachment; filename="{g.bestandsnaam}.csv"'
    return Response(g.body, media_type=g.media_type, headers=headers)


# --- Reuse within the max age ---------------------------------------------------------------------------------------

T = TypeVar("T")


logger = logging.getLogger(__name__)
# An answer past the max age is still given, while a new one is computed, up to this many times the max age.
VERVERS_FACTOR = 2


class Resultaatcache(Generic[T]):
    """Per process: a value per key, reused while younger than `max_leeftijd_s` (0: never reused), computed once for
    all concurrent requests of one key (single-flight). A computation that fails is not kept; the requests waiting
    for it get its error. The age runs from the moment the computation started, so a reused answer is never older
    than its `peilmoment` says. At most `max_sleutels` keys are kept (the periods a caller may ask for are many):
    the oldest goes first."""

    def __init__(
        self, max_leeftijd_s: float, *, max_sleutels: int = 256, klok: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_leeftijd_s = max_leeftijd_s
        self.max_sleutels = max_sleutels
        self._klok = klok
        self._waarden: dict[Hashable, tuple[float, T]] = {}
        self._bezig: dict[Hashable, asyncio.Future[T]] = {}
        self._verversend: dict[Hashable, asyncio.Task[None]] = {}

    async def haal(
        self,
        sleutel: Hashable,
        bereken: Callable[[], Awaitable[T]],
        ververs: Callable[[], Awaitable[T]] | None = None,
    ) -> T:
        """The value of `sleutel`: kept, or computed by `bereken`. With `ververs` (a computation that does not need
        the asking request, which may be gone when it runs) a value past the max age but within `VERVERS_FACTOR`
        times it is returned at once while `ververs` computes the next one in the background."""
        while True:
            bewaard = self._waarden.get(sleutel)
            if bewaard is not None:
                leeftijd = self._klok() - bewaard[0]
                if leeftijd < self.max_leeftijd_s:
                    return bewaard[1]
                if ververs is not None and leeftijd < VERVERS_FACTOR * self.max_leeftijd_s:
                    self._ververs(sleutel, ververs)
                    return bewaard[1]
            lopend = self._bezig.get(sleutel)
            if lopend is None:
                return await self._bereken(sleutel, bereken)
            try:
                return await asyncio.shield(lopend)
            except asyncio.CancelledError:
                # The request that computed it went away (a client that hung up): one of the waiters takes over.
                # A waiter that is itself cancelled stops here.
                if not lopend.cancelled():
                    raise

    def _ververs(self, sleutel: Hashable, ververs: Callable[[], Awaitable[T]]) -> None:
        if sleutel in self._bezig or sleutel in self._verversend:
            return
        self._verversend[sleutel] = asyncio.create_task(self._op_de_achtergrond(sleutel, ververs))

    async def _op_de_achtergrond(self, sleutel: Hashable, ververs: Callable[[], Awaitable[T]]) -> None:
        try:
            await self._bereken(sleutel, ververs)
        except Exception:
            # The kept answer stays until it is too old; then a request computes it and meets the error itself.
            logger.warning("monitoring: vooraf berekenen mislukt", exc_info=True)
        finally:
            del self._verversend[sleutel]

    async def _bereken(self, sleutel: Hashable, bereken: Callable[[], Awaitable[T]]) -> T:
        lopend: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._bezig[sleutel] = lopend
        begin = self._klok()
        try:
            waarde = await bereken()
        except Exception as fout:
            lopend.set_exception(fout)
            # Retrieved here so an error nobody waited for is not reported as never retrieved.
            lopend.exception()
            raise
        except BaseException:
            # Cancelled (or the process stops): not an answer, so a waiting request computes it itself.
            lopend.cancel()
            raise
        else:
            lopend.set_result(waarde)
            if self.max_leeftijd_s > 0:
                self._bewaar(sleutel, begin, waarde)
            return waarde
        finally:
            del self._bezig[sleutel]

    def _bewaar(self, sleutel: Hashable, begin: float, waarde: T) -> None:
        nu = self._klok()
        for k in [k for k, (t, _) in self._waarden.items() if nu - t >= VERVERS_FACTOR * self.max_leeftijd_s]:
            del self._waarden[k]
        self._waarden.pop(sleutel, None)
        while len(self._waarden) >= self.max_sleutels:
            del self._waarden[next(iter(self._waarden))]
        self._waarden[sleutel] = (begin, waarde)


async def uit_cache(
    cache: Resultaatcache[Gerenderd],
    gemeente: str,
    p: Periode,
    csv_gevraagd: bool,
    bereken: Callable[[], Awaitable[Monitoring]],
    bestandsnaam: str,
    ververs: Callable[[], Awaitable[Monitoring]] | None = None,
) -> Gerenderd:
    """The answer for (gemeente, period, format): reused from `cache` while young enough, else computed and
    rendered once for every request that asks meanwhile (`ververs`: the same computation outside the request, for
    a refresh ahead)."""

    def gerenderd(doe: Callable[[], Awaitable[Monitoring]]) -> Callable[[], Awaitable[Gerenderd]]:
        async def maak() -> Gerenderd:
            # Taken before the first query, so the figures are at least as new as the moment the answer names.
            peilmoment = _nu()
            uitkomst = await doe()
            uitkomst.peilmoment = peilmoment
            return _render(uitkomst, csv_gevraagd, bestandsnaam)

        return maak

    return await cache.haal(
        (gemeente, p.van, p.tot, csv_gevraagd),
        gerenderd(bereken),
        gerenderd(ververs) if ververs is not None else None,
    )


def _cache(request: Request, naam: str) -> Resultaatcache[Gerenderd]:
    """The app's cache of this router: per app, so two deployments in one process (tests) never share figures."""
    caches: dict[str, Resultaatcache[Gerenderd]] | None = getattr(request.app.state, "monitoring_caches", None)
    if caches is None:
        caches = request.app.state.monitoring_caches = {}
    if naam not in caches:
        settings = getattr(request.app.state, "settings", None)
        caches[naam] = Resultaatcache(float(getattr(settings, "monitoring_max_leeftijd_s", MAX_LEEFTIJD_S)))
    return caches[naam]


_CSV_UITLEG = (
    "Eén regel per cel: gemeentecode, van, tot, tabel, rij, kolom, waarde; een onderdrukte cel is `<5`. "
    "Gevraagd met `Accept: text/csv`."
)


# A period that is no period is refused as content (422), beside the kit's usual problems.
OPENAPI_EXTRA: dict[str, Any] = {"x-problems": ["422"]}


_LAST_MODIFIED = {
    "description": "Wanneer de cijfers zijn berekend (gelijk aan `peilmoment` in JSON). Een proces hergebruikt "
    "berekende cijfers tot `monitoring_max_leeftijd_s` (standaard 60 seconden) oud, en tot twee keer die leeftijd "
    "terwijl het ze op de achtergrond opnieuw berekent.",
    "schema": {"type": "string"},
}


def openapi_antwoorden() -> dict[int | str, dict[str, Any]]:
    """The CSV beside the JSON of a monitoring route's 200 (the JSON comes from its `response_model`)."""
    return {
        200: {
            "description": "De tellingen van de gemeente van het token over de periode; kleine cellen onderdrukt.",
            "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string", "description": _CSV_UITLEG}}},
            "headers": {
                "Last-Modified": _LAST_MODIFIED,
                "Cache-Control": {
                    "description": "`private, no-cache`: geen gedeelde cache bewaart de cijfers van een gemeente.",
                    "schema": {"type": "string"},
                },
            },
        }
    }


_Lezer = Annotated[RequestContext, Depends(context(SCOPE_MONITORING), scope="function")]
Bereken = Callable[[RequestContext, Periode, Request], Awaitable[Monitoring]]


def monitoring_router(naam: str, summary: str, bereken: Bereken) -> APIRouter:
    """`GET /monitoring`: a context's aggregates for the gemeente of the token, as JSON or CSV (`bereken` is the
    context's use case; `naam` names the CSV file). Answers are reused within `monitoring_max_leeftijd_s` of the
    app's settings and name their `peilmoment` (see the module's docstring)."""
    router = APIRouter(prefix="/monitoring", tags=["Monitoring"])

    @router.get(
        "",
        operation_id="monitoring_read",
        summary=summary,
        response_model=Monitoring,
        responses=openapi_antwoorden(),
        openapi_extra=OPENAPI_EXTRA,
    )
    async def lees(request: Request, ctx: _Lezer, p: Annotated[Periode, Depends(periode)]) -> Response:
        async def buiten_het_verzoek() -> Monitoring:
            # The request's session ends with its answer; a refresh ahead reads on a session of its own.
            async with get_database(request).sessionmaker() as session:
                return await bereken(replace(ctx, session=session), p, request)

        gerenderd = await uit_cache(
            _cache(request, naam),
            ctx.gemeente,
            p,
            wil_csv(request),
            lambda: bereken(ctx, p, request),
            f"monitoring-{naam}-{ctx.gemeente}-{p.van}-{p.tot}",
            ververs=buiten_het_verzoek,
        )
        return _response(gerenderd)

    return router
