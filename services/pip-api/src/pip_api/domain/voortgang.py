"""Provider progress as the regie uses it: the hours that count for a route decision, attendance against the norm,
and the signals progress and registration call for. Pure: the projection passes the facts, the day to judge on and
the rule values, so each rule is tested at its boundaries without a database.

Every signal here is keyed like the termijn signals (`domain.signalen`): (subject, soort signal, date, soort), so
the job raises it once, whatever runs it and how often.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from inburgering_kit.problems import invalid
from pip_api.domain.enums import Doelgroep, Leerroute, Termijnsoort
from pip_api.domain.leerroutes import AfschalenGeweigerd, ZRouteOnvolledig
from pip_api.domain.regels import REGELS, Regel, Regelset

# aanbieder-api's `Dienst` values of the language parts: their hours are taalonderwijs (DOMAIN §2 step 8).
TAALONDERDELEN = frozenset({"b1-route", "onderwijsroute"})
Z_ROUTE = "z-route"


@dataclass(frozen=True, slots=True)
class Uren:
    """An opdracht's realised hours as its aanbieder reported them (aanbieder-api `uren-bijgewerkt`)."""

    onderdeel: str
    aanwezig: Decimal = Decimal(0)
    taal: Decimal = Decimal(0)
    participatie: Decimal = Decimal(0)


def gemelde_taaluren(opdrachten: Iterable[Uren]) -> Decimal:
    """Hours of language teaching the providers reported under one PIP: present in a language route, and the
    language part of a Z-route."""
    totaal = Decimal(0)
    for o in opdrachten:
        if o.onderdeel in TAALONDERDELEN:
            totaal += o.aanwezig
        elif o.onderdeel == Z_ROUTE:
            totaal += o.taal
    return totaal


@dataclass(frozen=True, slots=True)
class UrenOverride:
    """Hours the gemeente types itself, instead of the providers' reports: only with its reason, which is kept."""

    taaluren: int
    reden: str


@dataclass(frozen=True, slots=True)
class AfschalenUren:
    uren: int
    bron: str  # "aanbieder" or "gemeente"
    reden: str | None = None


def afschalen_uren(gemeld: Decimal, override: UrenOverride | None, regels: Regelset = REGELS) -> AfschalenUren:
    """The hours an afschaling B1 → A2 rests on, once they reach the minimum (600 hours of language teaching,
    gemeentelijk-beleidsplan-inburgering.txt, B1-route; `regels.afschalen_min_taaluren`).

    The hours are the ones the providers **reported** (the gemeente does not retype facts others own, seed
    vng-uitvoeringstoets-informatiekundige-impact.txt §4.2.2). Where the reports fall short but the gemeente knows
    better (hours before the system, a provider outside the system), it may state the hours itself: a documented
    override, with its reason kept in the PIP version. Whole hours count: 599.75 reported is not 600.
    """
    regel = regels.afschalen_min_taaluren
    if override is not None:
        if not override.reden.strip():
            raise AfschalenGeweigerd.van(
                regel, "Een eigen opgave van uren vraagt een reden", [invalid("urenOverride.reden", "ontbreekt")]
            )
        if override.taaluren < regel.waarde:
            raise AfschalenGeweigerd.van(
                regel,
                f"Afschalen kan pas na {regel.waarde} uur taalonderwijs; opgegeven: {override.taaluren}",
                [invalid("urenOverride.taaluren", f"minder dan {regel.waarde}", "te-weinig-uren")],
            )
        return AfschalenUren(override.taaluren, "gemeente", override.reden)
    uren = int(gemeld)
    if uren < regel.waarde:
        raise AfschalenGeweigerd.van(
            regel,
            f"Afschalen kan pas na {regel.waarde} uur taalonderwijs; gemeld door de aanbieders: {gemeld}",
            [invalid("afschaling.gerealiseerdeTaaluren", f"minder dan {regel.waarde} gemeld", "te-weinig-uren")],
        )
    return AfschalenUren(uren, "aanbieder")


def controleer_z_route_gerealiseerd(
    opdrachten: Iterable[Uren], leerroute: Leerroute, regels: Regelset = REGELS
) -> None:
    """A Z-route is done only when 800 hours of language and 800 of participation are **realised** as the providers
    reported them (gemeentelijk-beleidsplan-inburgering.txt, Z-route; `regels.z_route_*`), not merely planned."""
    if leerroute is not Leerroute.Z_ROUTE:
        return
    z = [o for o in opdrachten if o.onderdeel == Z_ROUTE]
    taal = sum((o.taal for o in z), Decimal(0))
    participatie = sum((o.participatie for o in z), Decimal(0))
    fouten = []
    if taal < regels.z_route_taaluren.waarde:
        fouten.append(invalid("zRoute.gerealiseerdeTaaluren", f"{taal} gemeld, minder dan 800", "te-weinig-uren"))
    if participatie < regels.z_route_participatieuren.waarde:
        fouten.append(
            invalid("zRoute.gerealiseerdeParticipatieuren", f"{participatie} gemeld, minder dan 800", "te-weinig-uren")
        )
    if fouten:
        raise ZRouteOnvolledig.van(
            regels.z_route_taaluren,
            f"De Z-route is pas afgerond na 800 uur taal en 800 uur participatie, gerealiseerd: {taal} en "
            f"{participatie}",
            fouten,
        )


# --- attendance -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Periode:
    """One reported period of attendance; without dates when the report named no absence (aanbieder-api sends the
    period only with unauthorised absence)."""

    van: date | None
    tot: date | None
    aanwezig: Decimal
    ongeoorloofd: Decimal = Decimal(0)


def percentage(aanwezig: Decimal, ongeoorloofd: Decimal) -> int:
    """Hours present out of hours that should have been present, rounded down: excused absence (illness, an
    appointment) is no lack of effort (Wet inburgering 2021 art. 23), so it is left out. No lessons: 100."""
    totaal = aanwezig + ongeoorloofd
    if totaal <= 0:
        return 100
    return int((aanwezig * 100) // totaal)


def onder_norm(periode: Periode, norm: int) -> bool:
    totaal = periode.aanwezig + periode.ongeoorloofd
    return periode.van is not None and totaal > 0 and periode.aanwezig * 100 < norm * totaal


@dataclass(frozen=True, slots=True)
class Reeks:
    """A run of consecutive periods below the norm, long enough to signal. `sleuteldatum` is the end of the period
    that made it long enough: it names the run, so a run that grows afterwards stays the same signal."""

    van: date
    tot: date
    sleuteldatum: date
    aantal: int
    percentage: int


def reeksen_onder_norm(perioden: Sequence[Periode], norm: int, aantal: int) -> list[Reeks]:
    """Every run of at least `aantal` consecutive reported periods below `norm`, in report order. A period at or
    above the norm, or a report without absence, ends a run."""
    uit: list[Reeks] = []
    reeks: list[Periode] = []

    def sluit() -> None:
        if len(reeks) >= aantal:
            aanwezig = sum((p.aanwezig for p in reeks), Decimal(0))
            ongeoorloofd = sum((p.ongeoorloofd for p in reeks), Decimal(0))
            eerste, laatste, sleutel = reeks[0], reeks[-1], reeks[aantal - 1]
            assert eerste.van is not None and laatste.tot is not None and sleutel.tot is not None
            uit.append(Reeks(eerste.van, laatste.tot, sleutel.tot, len(reeks), percentage(aanwezig, ongeoorloofd)))
        reeks.clear()

    for periode in perioden:
        if onder_norm(periode, norm):
            reeks.append(periode)
        else:
            sluit()
    sluit()
    return uit


# --- signals from provider progress and registration --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Voortgangsignaal:
    termijnsoort: Termijnsoort
    einddatum: date
    regel: str


def _verstreken(einddatum: date, vandaag: date, soort: Termijnsoort, regel: Regel) -> Voortgangsignaal | None:
    # The einddatum is still inside the term (like `domain.signalen`): overdue only from the day after.
    return Voortgangsignaal(soort, einddatum, regel.naam) if vandaag > einddatum else None


def startsignaal(
    status: str, geplande_startdatum: date | None, start_gemeld: date | None, vandaag: date, regels: Regelset = REGELS
) -> Voortgangsignaal | None:
    """No start reported by the planned start date: the aanbieder reports the realised start (aanbieder-api
    `start`; any report makes the opdracht `gestart`). Only while the opdracht still waits for its start."""
    if status != "verstrekt" or start_gemeld is not None or geplande_startdatum is None:
        return None
    regel = regels.start_opdracht
    return _verstreken(regel.na(geplande_startdatum), vandaag, Termijnsoort.START_OPDRACHT, regel)


def meldsignaal(
    status: str, laatste_melding: date | None, vandaag: date, norm: Regel = REGELS.meldnorm
) -> Voortgangsignaal | None:
    """No report for longer than the reporting norm, on a running (`gestart`) opdracht. The deadline moves with every
    report, so each silence is its own signal and the previous one lapses."""
    if status != "gestart" or laatste_melding is None:
        return None
    return _verstreken(norm.na(laatste_melding), vandaag, Termijnsoort.VOORTGANGSMELDING, norm)


def huisvestingssignaal(
    doelgroep: Doelgroep,
    koppeling: date | None,
    brp_inschrijving: date | None,
    vandaag: date,
    dagen_aanloop: int,
    regels: Regelset = REGELS,
) -> tuple[Voortgangsignaal, bool] | None:
    """The 12 weeks after koppeling in which the gemeente houses a statushouder (Huisvestingswet 2014 art. 28).
    Housed shows as the BRP inschrijving in the gemeente; until then the term is signalled before (`True`: nadert)
    and after it passes (`False`: verstreken), like a termijn of the PIP."""
    if doelgroep is not Doelgroep.ASIELMIGRANT or koppeling is None or brp_inschrijving is not None:
        return None
    regel = regels.huisvesting_termijn
    einde = regel.na(koppeling)
    signaal = Voortgangsignaal(Termijnsoort.HUISVESTING, einde, regel.naam)
    if vandaag > einde:
        return signaal, False
    if vandaag >= einde - timedelta(days=dagen_aanloop):
        return signaal, True
    return None


def oproepsignaal(
    afspraak: date | None, uitkomst: str | None, vandaag: date, regels: Regelset = REGELS
) -> Voortgangsignaal | None:
    """An oproep for the brede intake whose appointment passed a week ago without an outcome recorded (Wet
    inburgering 2021 art. 14; a no-show is enforced, so it must be recorded)."""
    if afspraak is None or uitkomst is not None:
        return None
    regel = regels.oproep_zonder_uitkomst
    return _verstreken(regel.na(afspraak), vandaag, Termijnsoort.BREDE_INTAKE_OPROEP, regel)


def bsnsignaal(sinds: date | None, vandaag: date, regels: Regelset = REGELS) -> Voortgangsignaal | None:
    """A person registered without BSN for longer than four weeks: without it no exchange with DUO (seed
    vng-uitvoeringstoets-informatiekundige-impact.txt §4.2.2)."""
    if sinds is None:
        return None
    regel = regels.bsn_ontbreekt
    return _verstreken(regel.na(sinds), vandaag, Termijnsoort.BSN_ONTBREEKT, regel)
