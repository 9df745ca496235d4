"""Termijn signals: the job that raises them and the klantregisseur's worklist that resolves them.

The job: one pass computes the termijnen of every vastgesteld PIP and raises each due signal once; in the same
pass, every inburgeraar in the projection without a vastgesteld PIP gets the signals of the PIP-vaststelling
termijn (10 weeks after the BRP inschrijving, Wet inburgering 2021 art. 16), keyed on the inburgeraar since
there is no PIP yet. Those lapse when the PIP is vastgesteld or the BRP date moves the deadline.

Exactly once per deadline, whatever runs it: the `signaal` row (unique on the natural key) and its outbox event
are written in one transaction, and only for rows this transaction inserted, so a second replica running at the
same moment, or the job after a restart, finds the key taken and writes nothing. A pass is set-based: keyset
batches of PIPs, one INSERT ... SELECT FROM unnest per batch, one bulk outbox insert, one UPDATE for lapsed
signals; the termijnen themselves come from the pure engine, the same as the API shows.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent, EventData
from inburgering_kit.outbox import EventPublisher, add_events
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import Conflict, NotFound
from inburgering_kit.worker import supervise
from pip_api import activiteiten
from pip_api.domain.enums import Doelgroep, Termijnsoort
from pip_api.domain.regels import REGELS
from pip_api.domain.signalen import (
    Aanloop,
    Gesprek,
    Signaalsoort,
    Signaalstatus,
    signalen,
    vaststellingssignaal,
)
from pip_api.domain.termijnen import Bronfeiten, bereken_termijnen
from pip_api.events import SignaalAfgehandeld, SignaalGesloten, SignaalVervallen, TermijnNadert, TermijnVerstreken
from pip_api.models import Signaal
from pip_api.repository import (
    ActievePip,
    InburgeraarZonderPip,
    Signaalfilter,
    SignaalJobRepository,
    SignaalRepository,
    SignaalRij,
)
from pip_api.services.voortgangsignalen import Normen, signaleer_voortgang
from pip_api.settings import Settings

logger = logging.getLogger(__name__)

# Deadlines are calendar days in the Netherlands: "today" is the Dutch date, not the UTC one.
TIJDZONE = ZoneInfo("Europe/Amsterdam")
# Where this service's API lives (the kit's `ServiceDefinition.prefix` of version 1.x; a test holds the two equal):
# the signal events' `dataref` is the signal's URL under it.
API_PREFIX = "/api/v1"
_BEGIN = uuid.UUID(int=0)


@dataclass
class Verslag:
    """What one pass did: for logs, the CLI and the bench."""

    pips: int = 0
    zonder_pip: int = 0
    nieuw: Counter[str] = field(default_factory=Counter)
    vervallen: int = 0
    # The new signals from provider progress and registration, per termijnsoort.
    voortgang: Counter[str] = field(default_factory=Counter)


def vandaag() -> date:
    return datetime.now(TIJDZONE).date()


def aanloop(settings: Settings) -> Aanloop:
    return Aanloop(settings.signalen_aanloop_dagen, dict(settings.signalen_aanloop_per_soort))


def normen(settings: Settings) -> Normen:
    return Normen(
        aanwezigheid=settings.aanwezigheidsnorm_procent,
        perioden=settings.aanwezigheid_onder_norm_perioden,
        meldnorm=replace(REGELS.meldnorm, waarde=settings.meldnorm_dagen),
    )


def _bronfeiten(pip: ActievePip) -> Bronfeiten:
    return Bronfeiten(
        doelgroep=Doelgroep(pip.doelgroep),
        brp_inschrijvingsdatum=pip.brp_inschrijving_datum,
        pip_datum=pip.vastgesteld_datum,
        duo_termijn_einddatum=pip.duo_termijn_eind_datum,
        duo_pvt_einddatum=pip.duo_pvt_eind_datum,
        duo_map_einddatum=pip.duo_map_eind_datum,
        ontzorgen_startdatum=pip.ontzorgen_startdatum,
        eerste_pip_datum=pip.eerste_pip_datum,
    )


def gesloten(event: type[SignaalGesloten], signaal: Signaal | SignaalRij) -> SignaalGesloten:
    """The event about a signal that was resolved or lapsed."""
    return event(
        signaal_id=signaal.id,
        pip_id=signaal.pip_id,
        inburgeraar_id=signaal.inburgeraar_id,
        soort=signaal.soort,
        termijnsoort=signaal.termijnsoort,
        einddatum=signaal.einddatum,
    )


def _event(signaal: SignaalRij) -> EventData:
    soort = TermijnNadert if signaal.soort == Signaalsoort.NADERT.value else TermijnVerstreken
    return soort(
        signaal_id=signaal.id,
        pip_id=signaal.pip_id,
        inburgeraar_id=signaal.inburgeraar_id,
        termijnsoort=signaal.termijnsoort,
        einddatum=signaal.einddatum,
        regel=signaal.regel,
    )


async def _batch(
    database: Database, publisher: EventPublisher, pips: list[ActievePip], dag: date, lood: Aanloop, verslag: Verslag
) -> None:
    rijen: list[dict[str, Any]] = []
    actueel: set[tuple[uuid.UUID, str, date]] = set()
    gesprekken: dict[uuid.UUID, list[Gesprek]] = defaultdict(list)
    async with database.sessionmaker() as session:
        for pip_id, gepland, gehouden in await SignaalJobRepository(session).gesprekken([p.id for p in pips]):
            gesprekken[pip_id].append(Gesprek(gepland, gehouden))
    for pip in pips:
        termijnen = bereken_termijnen(_bronfeiten(pip))
        gevonden = signalen(termijnen, dag, lood, gesprekken.get(pip.id, ()))
        for t in termijnen:
            # A voortgangsgesprekken norm that is met (or will be, as planned) no longer asks for anything: left
            # out of the current deadlines, its open signals lapse.
            if t.soort is not Termijnsoort.VOORTGANGSGESPREKKEN or any(s.termijnsoort is t.soort for s, _ in gevonden):
                actueel.add((pip.id, t.soort.value, t.einddatum))
        for sleutel, termijn in gevonden:
            rijen.append(
                {
                    "id": uuid.uuid4(),
                    "gemeente_code": pip.gemeente_code,
                    "pip_id": pip.id,
                    "inburgeraar_id": pip.inburgeraar_id,
                    "klantregisseur": pip.klantregisseur,
                    "soort": sleutel.soort.value,
                    "termijnsoort": sleutel.termijnsoort.value,
                    "einddatum": sleutel.einddatum,
                    "regel": termijn.regel,
                }
            )
    async with database.unit_of_work() as uow:
        repo = SignaalJobRepository(uow.session)
        nieuw = await repo.voeg_toe(rijen)
        await add_events(repo.session, [_outbox(publisher, s) for s in nieuw])
        await _laat_vervallen(repo, publisher, await repo.laat_vervallen([p.id for p in pips], actueel), verslag)
        await uow.commit()
    verslag.nieuw.update(s.soort for s in nieuw)


def _outbox(publisher: EventPublisher, s: SignaalRij, *, vervallen: bool = False) -> CloudEvent:
    data = gesloten(SignaalVervallen, s) if vervallen else _event(s)
    # The event is about the PIP (or, with no PIP yet, the inburgeraar); `dataref` is the signal itself, the one
    # resource every signal has, at its real URL under the API's prefix.
    return publisher.build(
        data,
        subject=s.pip_id or s.inburgeraar_id,
        resource_path=f"{API_PREFIX}{signaal_pad(s.id)}",
        gemeentecode=s.gemeente_code,
    )


async def _laat_vervallen(
    repo: SignaalJobRepository, publisher: EventPublisher, vervallen: list[SignaalRij], verslag: Verslag
) -> None:
    """The events of the signals this transaction closed: exactly once, like the signals themselves."""
    await add_events(repo.session, [_outbox(publisher, s, vervallen=True) for s in vervallen])
    verslag.vervallen += len(vervallen)


async def _batch_zonder_pip(
    database: Database,
    publisher: EventPublisher,
    feiten: list[InburgeraarZonderPip],
    dag: date,
    lood: Aanloop,
    verslag: Verslag,
) -> None:
    rijen: list[dict[str, Any]] = []
    actueel: set[tuple[uuid.UUID, str, date]] = set()
    for feit in feiten:
        if feit.brp_inschrijving_datum is None:
            continue
        gevonden = vaststellingssignaal(feit.brp_inschrijving_datum, dag, lood)
        if gevonden is None:
            # Not due yet; an open signal for another (older) deadline still lapses below.
            continue
        sleutel, termijn = gevonden
        actueel.add((feit.inburgeraar_id, sleutel.termijnsoort.value, sleutel.einddatum))
        rijen.append(
            {
                "id": uuid.uuid4(),
                "gemeente_code": feit.gemeente_code,
                "inburgeraar_id": feit.inburgeraar_id,
                "soort": sleutel.soort.value,
                "termijnsoort": sleutel.termijnsoort.value,
                "einddatum": sleutel.einddatum,
                "regel": termijn.regel,
            }
        )
    # Sorted by key, so two replicas take the unique-index locks in the same order.
    rijen.sort(key=lambda r: (r["inburgeraar_id"], r["termijnsoort"], r["einddatum"], r["soort"]))
    async with database.unit_of_work() as uow:
        repo = SignaalJobRepository(uow.session)
        nieuw = await repo.voeg_toe_zonder_pip(rijen)
        await add_events(repo.session, [_outbox(publisher, s) for s in nieuw])
        vervallen = await repo.laat_vervallen_zonder_pip([f.inburgeraar_id for f in feiten], actueel)
        await _laat_vervallen(repo, publisher, vervallen, verslag)
        await uow.commit()
    verslag.nieuw.update(s.soort for s in nieuw)


async def signaleer(
    database: Database, publisher: EventPublisher, settings: Settings, *, dag: date | None = None
) -> Verslag:
    """One full pass over every vastgesteld PIP. Safe to run concurrently with itself."""
    dag = dag or vandaag()
    lood = aanloop(settings)
    verslag = Verslag()
    na = _BEGIN
    while True:
        # Reading the batch outside the writing transaction keeps that transaction (and its locks) short.
        async with database.sessionmaker() as session:
            pips = await SignaalJobRepository(session).actieve_pips(na, settings.signalen_batch)
        if not pips:
            break
        await _batch(database, publisher, pips, dag, lood, verslag)
        verslag.pips += len(pips)
        na = pips[-1].id
    na = _BEGIN
    while True:
        async with database.sessionmaker() as session:
            feiten = await SignaalJobRepository(session).zonder_pip(na, settings.signalen_batch)
        if not feiten:
            break
        await _batch_zonder_pip(database, publisher, feiten, dag, lood, verslag)
        verslag.zonder_pip += len(feiten)
        na = feiten[-1].inburgeraar_id
    nieuw, vervallen = await signaleer_voortgang(
        database, publisher, API_PREFIX, dag, normen(settings), lood, settings.signalen_batch,
        lambda s: gesloten(SignaalVervallen, s),
    )  # fmt: skip
    verslag.nieuw.update(s.soort for s in nieuw)
    verslag.voortgang.update(s.termijnsoort for s in nieuw)
    verslag.vervallen += len(vervallen)
    async with database.unit_of_work() as uow:
        repo = SignaalJobRepository(uow.session)
        # A beëindigd PIP asks for nothing any more (Wet inburgering 2021 art. 17): its open signals lapse.
        await _laat_vervallen(repo, publisher, await repo.laat_vervallen_bij_einde(), verslag)
        # A vastgesteld PIP meets the PIP-vaststelling termijn: the open signals about it lapse.
        await _laat_vervallen(repo, publisher, await repo.laat_vervallen_bij_vaststelling(), verslag)
        await uow.commit()
    logger.info(
        "signalen: %d PIPs, %d inburgeraars zonder PIP, nieuw %s (voortgang en registratie: %s), vervallen %d",
        verslag.pips,
        verslag.zonder_pip,
        dict(verslag.nieuw),
        dict(verslag.voortgang),
        verslag.vervallen,
    )
    return verslag


async def bewaak(database: Database, publisher: EventPublisher, settings: Settings, stop: asyncio.Event) -> None:
    """A pass at start and then every `signalen_interval_seconden` until `stop`. Runs as its own process beside
    the API (`python -m pip_api signalen-job`), like the outbox relay: a pass over every PIP never takes the API's
    CPU, and any number of replicas may run it at once. Supervised by the kit: an outage is logged once and
    retried after a back-off; failing for too long ends the process non-zero, so it is started again."""
    await supervise(
        "signalen", lambda: signaleer(database, publisher, settings), stop, interval=settings.signalen_interval_seconden
    )


class SignaalNietOpen(Conflict):
    code = "signaal-niet-open"
    title = "Dit signaal is niet (meer) open."


def signaal_pad(signaal_id: uuid.UUID) -> str:
    return f"/signalen/{signaal_id}"


async def werklijst(ctx: RequestContext, paging: PageParams, filters: Signaalfilter) -> tuple[Sequence[Signaal], int]:
    rows, total = await SignaalRepository(ctx.session, ctx.gemeente).list(paging, filters)
    await ctx.verwerk_alle(
        activiteiten.SIGNALEN_BEWAKEN,
        Actie.ZOEKEN,
        object_type="pip",
        subjects=[(row.pip_id, None) for row in rows if row.pip_id is not None],
    )
    zonder_pip = [(row.inburgeraar_id, None) for row in rows if row.pip_id is None]
    if zonder_pip:
        await ctx.verwerk_alle(
            activiteiten.SIGNALEN_BEWAKEN, Actie.ZOEKEN, object_type="inburgeraar", subjects=zonder_pip
        )
    return rows, total


def _object(signaal: Signaal) -> tuple[str, uuid.UUID]:
    """What a signal is about in the processing log: its PIP, or the inburgeraar while there is no PIP yet."""
    if signaal.pip_id is None:
        return "inburgeraar", signaal.inburgeraar_id
    return "pip", signaal.pip_id


async def _signaal(ctx: RequestContext, signaal_id: uuid.UUID, *, for_update: bool = False) -> Signaal:
    signaal = await SignaalRepository(ctx.session, ctx.gemeente).get(signaal_id, for_update=for_update)
    if signaal is None:
        raise NotFound(f"Signaal {signaal_id} bestaat niet.")
    return signaal


async def raadpleeg(ctx: RequestContext, signaal_id: uuid.UUID) -> Signaal:
    signaal = await _signaal(ctx, signaal_id)
    object_type, object_id = _object(signaal)
    await ctx.verwerk(
        activiteiten.SIGNALEN_BEWAKEN,
        Actie.LEZEN,
        object_type=object_type,
        object_id=object_id,
        betrokkene=ctx.log.betrokkene_van(signaal.inburgeraar_id),
    )
    return signaal


async def handel_af(ctx: RequestContext, signaal_id: uuid.UUID, reden: str) -> Signaal:
    signaal = await _signaal(ctx, signaal_id, for_update=True)
    if signaal.status != Signaalstatus.OPEN.value:
        raise SignaalNietOpen(f"Het signaal is {signaal.status}; alleen een open signaal wordt afgehandeld")
    signaal.status = Signaalstatus.AFGEHANDELD.value
    signaal.afgehandeld_door = ctx.principal.user
    signaal.afgehandeld_door_client = ctx.principal.client_id
    signaal.afgehandeld_reden = reden
    signaal.afgehandeld_op = datetime.now(UTC)
    await ctx.session.flush()
    await ctx.emit(
        gesloten(SignaalAfgehandeld, signaal),
        subject=signaal.pip_id or signaal.inburgeraar_id,
        resource_path=signaal_pad(signaal.id),
    )
    object_type, object_id = _object(signaal)
    await ctx.verwerk(
        activiteiten.SIGNALEN_BEWAKEN,
        Actie.WIJZIGEN,
        object_type=object_type,
        object_id=object_id,
        betrokkene=ctx.log.betrokkene_van(signaal.inburgeraar_id),
    )
    return signaal
