"""The signals provider progress and registration call for, raised in the same pass and the same way as the termijn
signals (`services.signalen`): a `signaal` row unique on its natural key and its outbox event in one transaction,
only for rows this transaction inserted, so each is raised once whatever runs the job and how often.

Per opdracht (PIP part; its key carries the opdracht): no start reported by the planned start date, no report for
longer than the reporting norm, attendance below the norm for N reported periods on a run (with the event
`aanwezigheid-onder-norm` for enforcement), and a provider's route advice waiting for a decision. Per inburgeraar
(no PIP in the key): the 12 weeks after koppeling to house a statushouder, an oproep for the brede intake without an
outcome, and a person stuck on `bsn-ontbreekt`. A signal whose cause is gone (a start came, the advice was decided,
a correction ended the run, the person was housed) lapses, with `signaal-vervallen`, like a moved termijn.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent, EventData
from inburgering_kit.outbox import EventPublisher, add_events
from pip_api.domain.enums import Doelgroep, Termijnsoort
from pip_api.domain.regels import REGELS, Regel
from pip_api.domain.signalen import Aanloop, Signaalsoort
from pip_api.domain.voortgang import (
    Periode,
    Reeks,
    Voortgangsignaal,
    bsnsignaal,
    huisvestingssignaal,
    meldsignaal,
    oproepsignaal,
    reeksen_onder_norm,
    startsignaal,
)
from pip_api.events import AanwezigheidOnderNorm, RouteadviesGesignaleerd, TermijnNadert, TermijnVerstreken
from pip_api.repository import OpdrachtInPip, Registratie, SignaalRij, VoortgangsignaalRepository

_BEGIN = uuid.UUID(int=0)
REGISTRATIESOORTEN = (Termijnsoort.HUISVESTING, Termijnsoort.BREDE_INTAKE_OPROEP, Termijnsoort.BSN_ONTBREEKT)


@dataclass(frozen=True, slots=True)
class Normen:
    """The values of these rules as a deployment applies them (settings; defaults from `domain.regels`)."""

    aanwezigheid: int = REGELS.aanwezigheidsnorm.waarde
    perioden: int = REGELS.aanwezigheid_perioden.waarde
    meldnorm: Regel = REGELS.meldnorm


# What makes a signal the same signal, and what its event needs beyond the row.
Sleutel = tuple[uuid.UUID, str, date, str]
Maak = Callable[[SignaalRij], EventData]


def _termijnevent(s: SignaalRij) -> EventData:
    soort = TermijnNadert if s.soort == Signaalsoort.NADERT.value else TermijnVerstreken
    return soort(
        signaal_id=s.id, pip_id=s.pip_id, inburgeraar_id=s.inburgeraar_id, termijnsoort=s.termijnsoort,
        einddatum=s.einddatum, regel=s.regel,
    )  # fmt: skip


def _aanwezigheidsevent(o: OpdrachtInPip, reeks: Reeks, norm: int) -> Maak:
    def maak(s: SignaalRij) -> EventData:
        return AanwezigheidOnderNorm(
            pip_id=o.pip_id, inburgeraar_id=o.inburgeraar_id, opdracht_id=o.opdracht_id, onderdeel=o.onderdeel,
            periode_van=reeks.van, periode_tot=reeks.tot, aanwezigheidspercentage=reeks.percentage, norm=norm,
            aantal_perioden=reeks.aantal,
        )  # fmt: skip

    return maak


def _adviesevent(o: OpdrachtInPip, advies: str, ontvangen: date) -> Maak:
    def maak(s: SignaalRij) -> EventData:
        return RouteadviesGesignaleerd(
            signaal_id=s.id, pip_id=o.pip_id, inburgeraar_id=o.inburgeraar_id, opdracht_id=o.opdracht_id,
            advies=advies, ontvangen_datum=ontvangen,
        )  # fmt: skip

    return maak


@dataclass
class _Verzameling:
    rijen: list[dict[str, Any]]
    maak: dict[Sleutel, Maak]
    actueel: set[tuple[uuid.UUID, str, date]]

    @classmethod
    def leeg(cls) -> _Verzameling:
        return cls([], {}, set())

    def voeg_toe(self, sleutel: Sleutel, rij: dict[str, Any], regel: str, maak: Maak = _termijnevent) -> None:
        subject, termijnsoort, einddatum, soort = sleutel
        self.actueel.add((subject, termijnsoort, einddatum))
        if sleutel in self.maak:
            return
        self.maak[sleutel] = maak
        self.rijen.append(
            {**rij, "id": uuid.uuid4(), "soort": soort, "termijnsoort": termijnsoort, "einddatum": einddatum,
             "regel": regel}
        )  # fmt: skip


def _opdrachtrij(o: OpdrachtInPip) -> dict[str, Any]:
    return {
        "gemeente_code": o.gemeente_code, "pip_id": o.pip_id, "opdracht_id": o.opdracht_id,
        "inburgeraar_id": o.inburgeraar_id, "klantregisseur": o.klantregisseur,
    }  # fmt: skip


def opdrachtsignalen(
    opdrachten: list[OpdrachtInPip],
    perioden: dict[uuid.UUID, list[Periode]],
    adviezen: dict[uuid.UUID, list[tuple[str, date]]],
    dag: date,
    normen: Normen,
) -> _Verzameling:
    """Every signal these opdrachten call for today, with the maker of its event."""
    uit = _Verzameling.leeg()
    verstreken = Signaalsoort.VERSTREKEN.value
    gemeld = Signaalsoort.GEMELD.value
    for o in opdrachten:
        if o.status == "ingetrokken":
            continue
        rij = _opdrachtrij(o)
        gevonden: list[Voortgangsignaal | None] = [
            startsignaal(o.status, o.geplande_startdatum, o.start_gemeld_datum, dag),
            meldsignaal(o.status, o.laatste_melding_datum, dag, normen.meldnorm),
        ]
        for v in gevonden:
            if v is not None:
                uit.voeg_toe((o.opdracht_id, v.termijnsoort.value, v.einddatum, verstreken), rij, v.regel)
        for reeks in reeksen_onder_norm(perioden.get(o.opdracht_id, []), normen.aanwezigheid, normen.perioden):
            sleutel = (o.opdracht_id, Termijnsoort.AANWEZIGHEID.value, reeks.sleuteldatum, gemeld)
            uit.voeg_toe(
                sleutel, rij, REGELS.aanwezigheidsnorm.naam, _aanwezigheidsevent(o, reeks, normen.aanwezigheid)
            )
        for advies, ontvangen in adviezen.get(o.opdracht_id, []):
            sleutel = (o.opdracht_id, Termijnsoort.ROUTEADVIES.value, ontvangen, gemeld)
            uit.voeg_toe(sleutel, rij, f"routeadvies-{advies}", _adviesevent(o, advies, ontvangen))
    return uit


def registratiesignalen(
    registraties: list[Registratie],
    oproepen: dict[uuid.UUID, list[tuple[date | None, str | None]]],
    dag: date,
    aanloop: Aanloop,
) -> _Verzameling:
    uit = _Verzameling.leeg()
    for r in registraties:
        rij = {"gemeente_code": r.gemeente_code, "inburgeraar_id": r.inburgeraar_id}
        huisvesting = huisvestingssignaal(
            Doelgroep(r.doelgroep), r.koppeling_datum, r.brp_inschrijving_datum, dag,
            aanloop.dagen(Termijnsoort.HUISVESTING),
        )  # fmt: skip
        if huisvesting is not None:
            h, nadert = huisvesting
            soort = (Signaalsoort.NADERT if nadert else Signaalsoort.VERSTREKEN).value
            uit.voeg_toe((r.inburgeraar_id, h.termijnsoort.value, h.einddatum, soort), rij, h.regel)
        anders: list[Voortgangsignaal | None] = [bsnsignaal(r.bsn_ontbreekt_sinds, dag)]
        anders += [oproepsignaal(afspraak, uitkomst, dag) for afspraak, uitkomst in oproepen.get(r.inburgeraar_id, [])]
        for v in anders:
            if v is not None:
                sleutel = (r.inburgeraar_id, v.termijnsoort.value, v.einddatum, Signaalsoort.VERSTREKEN.value)
                uit.voeg_toe(sleutel, rij, v.regel)
    return uit


def _outbox(publisher: EventPublisher, api_prefix: str, s: SignaalRij, data: EventData) -> CloudEvent:
    # The signal is the resource the event points at: it exists for every signal, with or without a PIP.
    return publisher.build(
        data,
        subject=s.pip_id or s.inburgeraar_id,
        resource_path=f"{api_prefix}/signalen/{s.id}",
        gemeentecode=s.gemeente_code,
    )


def _sleutel(s: SignaalRij) -> Sleutel:
    return (s.opdracht_id or s.inburgeraar_id, s.termijnsoort, s.einddatum, s.soort)


async def _schrijf(
    database: Database,
    publisher: EventPublisher,
    api_prefix: str,
    gevonden: _Verzameling,
    subjecten: list[uuid.UUID],
    gesloten: Callable[[SignaalRij], EventData],
    *,
    per_opdracht: bool,
) -> tuple[list[SignaalRij], list[SignaalRij]]:
    # Sorted by key, so two replicas take the unique-index locks in the same order and never deadlock.
    gevonden.rijen.sort(
        key=lambda r: (r.get("opdracht_id") or r["inburgeraar_id"], r["termijnsoort"], r["einddatum"], r["soort"])
    )
    async with database.unit_of_work() as uow:
        repo = VoortgangsignaalRepository(uow.session)
        if per_opdracht:
            nieuw = await repo.voeg_opdrachtsignalen_toe(gevonden.rijen)
            vervallen = await repo.laat_opdrachtsignalen_vervallen(subjecten, gevonden.actueel)
        else:
            nieuw = await repo.voeg_toe_zonder_pip(gevonden.rijen)
            soorten = [soort.value for soort in REGISTRATIESOORTEN]
            vervallen = await repo.laat_registratiesignalen_vervallen(subjecten, soorten, gevonden.actueel)
        events = [_outbox(publisher, api_prefix, s, gevonden.maak[_sleutel(s)](s)) for s in nieuw]
        events += [_outbox(publisher, api_prefix, s, gesloten(s)) for s in vervallen]
        await add_events(uow.session, events)
        await uow.commit()
    return nieuw, vervallen


async def signaleer_voortgang(
    database: Database,
    publisher: EventPublisher,
    api_prefix: str,
    dag: date,
    normen: Normen,
    aanloop: Aanloop,
    batch: int,
    gesloten: Callable[[SignaalRij], EventData],
) -> tuple[list[SignaalRij], list[SignaalRij]]:
    """One pass over every opdracht under a vastgesteld PIP and every registered inburgeraar; the signals raised and
    lapsed. Safe to run concurrently with itself."""
    alle_nieuw: list[SignaalRij] = []
    alle_vervallen: list[SignaalRij] = []
    na = _BEGIN
    while True:
        # Reading the batch outside the writing transaction keeps that transaction (and its locks) short.
        async with database.sessionmaker() as session:
            repo = VoortgangsignaalRepository(session)
            opdrachten = await repo.opdrachten(na, batch)
            if not opdrachten:
                break
            ids = [o.opdracht_id for o in opdrachten]
            perioden: dict[uuid.UUID, list[Periode]] = defaultdict(list)
            for opdracht_id, van, tot, aanwezig, ongeoorloofd in await repo.perioden(ids):
                perioden[opdracht_id].append(Periode(van, tot, Decimal(aanwezig or 0), Decimal(ongeoorloofd or 0)))
            adviezen: dict[uuid.UUID, list[tuple[str, date]]] = defaultdict(list)
            for opdracht_id, advies, ontvangen in await repo.open_adviezen(ids):
                adviezen[opdracht_id].append((advies, ontvangen))
        gevonden = opdrachtsignalen(opdrachten, perioden, adviezen, dag, normen)
        nieuw, vervallen = await _schrijf(database, publisher, api_prefix, gevonden, ids, gesloten, per_opdracht=True)
        alle_nieuw += nieuw
        alle_vervallen += vervallen
        na = opdrachten[-1].opdracht_id
    na = _BEGIN
    while True:
        async with database.sessionmaker() as session:
            repo = VoortgangsignaalRepository(session)
            registraties = await repo.registraties(na, batch)
            if not registraties:
                break
            inburgeraars = [r.inburgeraar_id for r in registraties]
            oproepen: dict[uuid.UUID, list[tuple[date | None, str | None]]] = defaultdict(list)
            for inburgeraar_id, afspraak, uitkomst in await repo.oproepen(inburgeraars):
                oproepen[inburgeraar_id].append((afspraak, uitkomst))
        gevonden = registratiesignalen(registraties, oproepen, dag, aanloop)
        nieuw, vervallen = await _schrijf(
            database, publisher, api_prefix, gevonden, inburgeraars, gesloten, per_opdracht=False
        )
        alle_nieuw += nieuw
        alle_vervallen += vervallen
        na = registraties[-1].inburgeraar_id
    return alle_nieuw, alle_vervallen
