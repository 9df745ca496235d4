"""Every query of the delivery context. API queries are scoped to the caller's gemeente: another gemeente's
subscription is not found, exactly like one that does not exist. The worker's queries span all gemeenten."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.events import CloudEvent
from inburgering_kit.pagination import PageParams, paginate
from notificaties.models import Abonnement, Aflevering

WACHTEND = "wachtend"
AFGELEVERD = "afgeleverd"
DEAD_LETTER = "dead-letter"
ACTIEF = "actief"
GEPAUZEERD = "gepauzeerd"


class AbonnementRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def add(self, abonnement: Abonnement) -> None:
        self.session.add(abonnement)
        await self.session.flush()

    async def get(self, abonnement_id: uuid.UUID, *, for_update: bool = False) -> Abonnement | None:
        query = select(Abonnement).where(Abonnement.id == abonnement_id, Abonnement.gemeente_code == self.gemeente)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def page(self, paging: PageParams, *, status: str | None) -> tuple[Sequence[Abonnement], int]:
        query = select(Abonnement).where(Abonnement.gemeente_code == self.gemeente)
        if status is not None:
            query = query.where(Abonnement.status == status)
        return await paginate(self.session, query, paging, Abonnement.created_at, Abonnement.id)

    async def delete(self, abonnement: Abonnement) -> None:
        await self.session.delete(abonnement)
        await self.session.flush()

    async def afleverstand(self, abonnement_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        """Per subscription: number of deliveries per status and the last successful delivery."""
        if not abonnement_ids:
            return {}
        rows = await self.session.execute(
            select(
                Aflevering.abonnement_id,
                Aflevering.status,
                func.count(),
                func.max(Aflevering.afgeleverd_at),
            )
            .where(Aflevering.abonnement_id.in_(abonnement_ids))
            .group_by(Aflevering.abonnement_id, Aflevering.status)
        )
        result: dict[uuid.UUID, dict[str, Any]] = {}
        for abonnement_id, status, count, last in rows.all():
            stand = result.setdefault(abonnement_id, {"laatst": None})
            stand[status] = count
            if last is not None:
                stand["laatst"] = last
        return result

    async def afleveringen(
        self, abonnement_id: uuid.UUID, paging: PageParams, *, status: str | None
    ) -> tuple[Sequence[Aflevering], int]:
        query = select(Aflevering).where(Aflevering.abonnement_id == abonnement_id)
        if status is not None:
            query = query.where(Aflevering.status == status)
        return await paginate(self.session, query, paging, Aflevering.volgnummer.desc())

    async def aflevering(self, abonnement_id: uuid.UUID, aflevering_id: uuid.UUID) -> Aflevering | None:
        query = select(Aflevering).where(Aflevering.abonnement_id == abonnement_id, Aflevering.id == aflevering_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def opnieuw(
        self,
        abonnement_id: uuid.UUID,
        *,
        aflevering_id: uuid.UUID | None = None,
        vanaf: datetime | None = None,
        tot: datetime | None = None,
    ) -> int:
        """Re-queue delivered or dead-lettered deliveries at the end of the subscription's queue, with a fresh
        attempt budget; one still waiting is in the queue already. The caller holds the subscription's row lock,
        which orders this with the consumer's inserts (`volgnummer` grows in commit order)."""
        statement = (
            update(Aflevering)
            .where(Aflevering.abonnement_id == abonnement_id)
            .where(Aflevering.status != WACHTEND)
            .values(
                status=WACHTEND,
                pogingen=0,
                next_attempt_at=func.now(),
                afgeleverd_at=None,
                volgnummer=text("nextval(pg_get_serial_sequence('aflevering', 'volgnummer'))"),
            )
            .execution_options(synchronize_session=False)
        )
        if aflevering_id is not None:
            statement = statement.where(Aflevering.id == aflevering_id)
        if vanaf is not None:
            statement = statement.where(Aflevering.event_time >= vanaf)
        if tot is not None:
            statement = statement.where(Aflevering.event_time < tot)
        result = await self.session.execute(statement)
        count = int(result.rowcount)  # type: ignore[attr-defined]
        if count:
            # The queue is no longer only what a lease holder has in hand; due now unless its head waits.
            await self.session.execute(
                update(Abonnement)
                .where(Abonnement.id == abonnement_id)
                .values(next_attempt_at=func.coalesce(Abonnement.next_attempt_at, func.now()), lease_holds_queue=False)
            )
            await notify(self.session, [str(abonnement_id)])
        return count


# ---- the consumer and the worker ----

# Wakes the workers when deliveries were queued that the lease holder does not have in hand (another replica's
# consumer queued them, or a redelivery): the payload lists the subscriptions. The polling claim is the
# fallback for a missed notification.
NOTIFY_CHANNEL = "aflevering"
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")
# pg_notify refuses payloads of 8,000 bytes or more; beyond this many ids an empty payload says "look".
_NOTIFY_MAX_IDS = 150


@dataclass(frozen=True)
class Bestemming:
    """Where and how one subscription's deliveries go."""

    abonnement_id: uuid.UUID
    callback_url: str
    geheim_versleuteld: str
    autorisatie_versleuteld: str | None
    formaat: str


@dataclass(frozen=True)
class Klus:
    """One delivery to attempt. `event` is the stored CloudEvent as JSON text: the body as signed and sent."""

    aflevering_id: uuid.UUID
    abonnement_id: uuid.UUID
    volgnummer: int
    pogingen: int
    event_id: str
    event: str
    subject: str | None


@dataclass(frozen=True)
class Toewijzing:
    """What the consumer's transaction handed to this worker (valid once it committed): deliveries that go
    straight out, per subscription, either to a new lease (`nieuw`) or to a lease this worker already holds."""

    bestemming: Bestemming
    klussen: list[Klus]
    nieuw: bool


@dataclass(frozen=True)
class Beleid:
    """The worker's answer to "may new deliveries go straight to you?", as the consumer asks it per batch."""

    owner: uuid.UUID
    accepting: frozenset[uuid.UUID]  # subscriptions whose lease this worker holds and whose lane has room
    new_lanes: int  # how many more subscriptions this worker may take on


# The subscriptions an event batch goes to, locked in id order (every transaction that locks several takes
# them in this order, so they cannot deadlock), with their lease state. The lock serialises queueing per
# subscription between consumers of several replicas: `volgnummer` then grows in commit order.
# `left(...) = prefix` rather than LIKE, so `_` and `%` in a prefix are literal characters.
_MATCH = text(
    """
    SELECT a.id, e.n, a.callback_url, a.geheim_versleuteld, a.autorisatie_versleuteld, a.formaat,
           coalesce(a.lease_until > now(), false) AS leased,
           coalesce(a.lease_owner = CAST(:owner AS uuid), false) AS mine,
           a.lease_holds_queue AS holds, a.next_attempt_at IS NULL AS empty,
           coalesce(a.next_attempt_at <= now(), true) AS due
    FROM unnest(CAST(:gemeenten AS text[]), CAST(:types AS text[]), CAST(:sources AS text[]),
                CAST(:subjects AS text[])) WITH ORDINALITY AS e(gemeente, type, source, subject, n)
    JOIN abonnement a ON a.gemeente_code = e.gemeente AND a.status = 'actief'
        AND (a.type_prefix IS NULL OR left(e.type, length(a.type_prefix)) = a.type_prefix)
        AND (a.source IS NULL OR a.source = e.source)
        AND (a.subject IS NULL OR a.subject = e.subject)
    ORDER BY a.id, e.n
    FOR NO KEY UPDATE OF a
    """
)

# The event once, then a delivery per subscription: the body is not written again for every subscriber.
_INSERT_BERICHT = text(
    "INSERT INTO bericht (event_id, event) SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:events AS jsonb[])) "
    "ON CONFLICT DO NOTHING"
)
_INSERT = text(
    """
    INSERT INTO aflevering (id, abonnement_id, event_id, event_type, event_time, status, pogingen)
    SELECT gen_random_uuid(), p.abonnement_id, e.id, e.type, e.time, 'wachtend', 0
    FROM unnest(CAST(:abonnementen AS uuid[]), CAST(:ns AS bigint[])) WITH ORDINALITY AS p(abonnement_id, n, k)
    JOIN unnest(CAST(:ids AS text[]), CAST(:types AS text[]), CAST(:times AS timestamptz[]))
         WITH ORDINALITY AS e(id, type, time, n) ON e.n = p.n
    ORDER BY p.k
    ON CONFLICT ON CONSTRAINT uq_aflevering_event_abonnement DO NOTHING
    RETURNING id, abonnement_id, volgnummer, event_id
    """
)

# A subscription taken over by this worker gets the lease; one queued behind others is due from now on
# (unless its head waits for a retry) and no longer fully in its lease holder's hands.
_AFTER_QUEUE = text(
    """
    UPDATE abonnement a SET
        lease_owner = CASE WHEN u.direct THEN CAST(:owner AS uuid) ELSE a.lease_owner END,
        lease_until = CASE WHEN u.direct THEN now() + make_interval(secs => :lease) ELSE a.lease_until END,
        lease_holds_queue = u.direct,
        next_attempt_at = coalesce(a.next_attempt_at, now())
    FROM unnest(CAST(:ids AS uuid[]), CAST(:direct AS bool[])) AS u(id, direct)
    WHERE a.id = u.id
    """
)


@dataclass
class Wachtrij:
    """The outcome of queueing a batch: what goes straight out, and which of this worker's own lanes must now
    read the queue (new deliveries were queued behind them)."""

    toewijzingen: list[Toewijzing]
    eigen_achterstand: set[uuid.UUID]


async def queue_events(
    session: AsyncSession, events: Sequence[CloudEvent], beleid: Beleid | None, *, lease: float
) -> Wachtrij:
    """Queue a delivery per event and matching active subscription of its gemeente, in the consumer's unit of
    work. With a `beleid`, deliveries of subscriptions nobody holds and whose queue was empty, or whose lease
    this worker holds with the whole queue in hand, are leased to it and returned to go out at once."""
    result = Wachtrij([], set())
    # No tenant, no subscriber may see it: subscriptions are per gemeente.
    events = [e for e in events if e.gemeentecode is not None]
    if not events:
        return result
    matched = (
        await session.execute(
            _MATCH,
            {
                "owner": beleid.owner if beleid else None,
                "gemeenten": [e.gemeentecode for e in events],
                "types": [e.type for e in events],
                "sources": [e.source for e in events],
                "subjects": [e.subject for e in events],
            },
        )
    ).all()
    if not matched:
        return result
    payloads = [e.model_dump_json(exclude_none=True) for e in events]
    wanted = sorted({m.n for m in matched})  # ordinals (1-based) of events with at least one subscriber
    await session.execute(
        _INSERT_BERICHT, {"ids": [events[n - 1].id for n in wanted], "events": [payloads[n - 1] for n in wanted]}
    )
    inserted = (
        await session.execute(
            _INSERT,
            {
                "abonnementen": [m.id for m in matched],
                "ns": [m.n for m in matched],
                "ids": [e.id for e in events],
                "types": [e.type for e in events],
                "times": [e.time for e in events],
            },
        )
    ).all()
    state = {m.id: m for m in matched}
    direct: dict[uuid.UUID, bool] = {}
    wake: list[str] = []
    new_lanes = beleid.new_lanes if beleid else 0
    for abonnement_id, m in state.items():
        if beleid is not None and m.leased and m.mine and m.holds and abonnement_id in beleid.accepting:
            direct[abonnement_id] = True
        elif beleid is not None and not m.leased and m.empty and new_lanes > 0:
            direct[abonnement_id] = True
            new_lanes -= 1
        else:
            direct[abonnement_id] = False
            if m.leased and m.mine:
                result.eigen_achterstand.add(abonnement_id)
            elif m.leased or m.due:
                # Another worker holds it (and must read the queue), or anyone may take it now.
                wake.append(str(abonnement_id))
    await session.execute(
        _AFTER_QUEUE,
        {
            "ids": list(direct),
            "direct": list(direct.values()),
            "owner": beleid.owner if beleid else None,
            "lease": lease,
        },
    )
    if wake:
        await notify(session, wake)
    by_event = {e.id: (p, e.subject) for e, p in zip(events, payloads, strict=True)}
    klussen: dict[uuid.UUID, list[Klus]] = {}
    for row in inserted:
        if direct[row.abonnement_id]:
            klussen.setdefault(row.abonnement_id, []).append(
                Klus(row.id, row.abonnement_id, row.volgnummer, 0, row.event_id, *by_event[row.event_id])
            )
    for abonnement_id, lijst in klussen.items():
        m = state[abonnement_id]
        lijst.sort(key=lambda k: k.volgnummer)
        bestemming = Bestemming(
            abonnement_id, m.callback_url, m.geheim_versleuteld, m.autorisatie_versleuteld, m.formaat
        )
        result.toewijzingen.append(Toewijzing(bestemming, lijst, nieuw=not m.mine or not m.leased))
    return result


async def notify(session: AsyncSession, abonnement_ids: Sequence[str]) -> None:
    payload = ",".join(abonnement_ids) if len(abonnement_ids) <= _NOTIFY_MAX_IDS else ""
    await session.execute(_NOTIFY, {"channel": NOTIFY_CHANNEL, "payload": payload})


# Due subscriptions nobody holds, oldest due first, leased to this worker. Reads the partial index on
# `next_attempt_at`: a backlog behind a subscription's head costs nothing here.
_CLAIM = text(
    """
    UPDATE abonnement a SET lease_owner = :owner, lease_until = now() + make_interval(secs => :lease),
                            lease_holds_queue = false
    FROM (
        SELECT id FROM abonnement
        WHERE next_attempt_at <= now() AND status = 'actief' AND (lease_until IS NULL OR lease_until < now())
        ORDER BY next_attempt_at LIMIT :limit
        FOR NO KEY UPDATE SKIP LOCKED
    ) c
    WHERE a.id = c.id
    RETURNING a.id, a.callback_url, a.geheim_versleuteld, a.autorisatie_versleuteld, a.formaat
    """
)


# Seconds until the next subscription nobody holds becomes due (a retry after its backoff), for the claimer's
# sleep; NULL when none waits.
_NEXT_DUE = text(
    "SELECT extract(epoch FROM min(next_attempt_at) - now()) FROM abonnement "
    "WHERE next_attempt_at > now() AND status = 'actief' AND (lease_until IS NULL OR lease_until < now())"
)


async def claim(
    session: AsyncSession, *, owner: uuid.UUID, limit: int, lease: float
) -> tuple[list[Bestemming], float | None]:
    """Due subscriptions leased to `owner`, and the seconds until the next one falls due."""
    rows = await session.execute(_CLAIM, {"owner": owner, "limit": limit, "lease": lease})
    claimed = [Bestemming(*r) for r in rows.all()]
    next_due = (await session.execute(_NEXT_DUE)).scalar()
    return claimed, None if next_due is None else float(next_due)


_OWN = text(
    "SELECT coalesce(lease_owner = :owner AND lease_until > now(), false) AND status = 'actief' FROM abonnement "
    "WHERE id = :id"
)
_LOCK_OWN = text(
    "SELECT coalesce(lease_owner = :owner AND lease_until > now(), false) AND status = 'actief' FROM abonnement "
    "WHERE id = :id FOR NO KEY UPDATE"
)
_NEXT_RUN = text(
    """
    SELECT f.id, f.abonnement_id, f.volgnummer, f.pogingen, f.event_id, b.event::text AS event,
           b.event->>'subject' AS subject
    FROM aflevering f JOIN bericht b ON b.event_id = f.event_id
    WHERE f.abonnement_id = :id AND f.status = 'wachtend' AND f.volgnummer > :after
    ORDER BY f.volgnummer LIMIT :batch
    """
)
_HOLDS_QUEUE = text("UPDATE abonnement SET lease_holds_queue = true WHERE id = :id")


async def next_run(
    session: AsyncSession, *, owner: uuid.UUID, abonnement_id: uuid.UUID, after: int, batch: int
) -> tuple[list[Klus], bool] | None:
    """The next deliveries of a subscription this worker holds, after `after`; None if the lease is gone (or the
    subscription paused). When fewer than `batch` remain, the holder has the whole queue in hand (second value)
    and new events may come to it directly: that is read again with the subscription locked, so no delivery
    is queued in between. A full run needs no lock, so catching up with a backlog does not wait for the
    consumer's transactions."""
    params = {"owner": owner, "id": abonnement_id, "after": after, "batch": batch}
    if not (await session.execute(_OWN, params)).scalar():
        return None
    rows = (await session.execute(_NEXT_RUN, params)).all()
    if len(rows) == batch:
        return [Klus(*r) for r in rows], False
    if not (await session.execute(_LOCK_OWN, params)).scalar():
        return None
    rows = (await session.execute(_NEXT_RUN, params)).all()
    holds = len(rows) < batch
    if holds:
        await session.execute(_HOLDS_QUEUE, params)
    return [Klus(*r) for r in rows], holds


@dataclass(frozen=True)
class Uitkomst:
    aflevering_id: uuid.UUID
    abonnement_id: uuid.UUID
    status: str
    delay: float
    statuscode: int | None
    duur_ms: int
    fout: str | None


_LOCK_SUBSCRIPTIONS = text(
    "SELECT id FROM abonnement WHERE id = ANY(CAST(:ids AS uuid[])) ORDER BY id FOR NO KEY UPDATE"
)

# The subscriptions among `ids` this worker still holds. Once a lease ran out and another worker took over,
# the results are that worker's to write (it delivers again).
_STILL_MINE = text("SELECT id FROM abonnement WHERE id = ANY(CAST(:ids AS uuid[])) AND lease_owner = :owner")

# The results of attempts, in one statement. Joined with nothing but the results: a join with `abonnement`
# here let the planner scan that (hot, often updated) table once per result.
_SETTLE = text(
    """
    UPDATE aflevering f
    SET status = u.status, pogingen = f.pogingen + 1, next_attempt_at = now() + make_interval(secs => u.delay),
        laatste_poging_at = now() - make_interval(secs => u.duur_ms / 1000.0),
        laatste_statuscode = u.statuscode, laatste_duur_ms = u.duur_ms, laatste_fout = u.fout,
        afgeleverd_at = CASE WHEN u.status = 'afgeleverd' THEN now() ELSE f.afgeleverd_at END
    FROM unnest(
        CAST(:ids AS uuid[]), CAST(:statussen AS text[]), CAST(:delays AS float8[]),
        CAST(:statuscodes AS int[]), CAST(:duren AS int[]), CAST(:fouten AS text[])
    ) AS u(id, status, delay, statuscode, duur_ms, fout)
    WHERE f.id = u.id AND f.status = 'wachtend'
    """
)

# Letting go of subscriptions: due again when their head is (NULL when nothing waits).
_RELEASE = text(
    """
    UPDATE abonnement a SET lease_owner = NULL, lease_until = NULL, lease_holds_queue = false,
        next_attempt_at = (
            SELECT f.next_attempt_at FROM aflevering f
            WHERE f.abonnement_id = a.id AND f.status = 'wachtend' ORDER BY f.volgnummer LIMIT 1
        )
    WHERE a.id = ANY(CAST(:ids AS uuid[])) AND a.lease_owner = :owner
    """
)

# Keeping the leases of subscriptions being worked on; what comes back is still ours, with its current
# settings (a PATCH reaches a running lane this way) and whether it is still active.
_RENEW = text(
    """
    UPDATE abonnement a SET lease_until = now() + make_interval(secs => :lease)
    WHERE a.id = ANY(CAST(:ids AS uuid[])) AND a.lease_owner = :owner
    RETURNING a.id, a.callback_url, a.geheim_versleuteld, a.autorisatie_versleuteld, a.formaat,
              a.status = 'actief' AS actief, a.lease_holds_queue
    """
)


@dataclass(frozen=True)
class Verlengd:
    bestemming: Bestemming
    actief: bool
    holds_queue: bool


async def settle(
    session: AsyncSession,
    *,
    owner: uuid.UUID,
    uitkomsten: Sequence[Uitkomst],
    release: Sequence[uuid.UUID],
    renew: Sequence[uuid.UUID],
    lease: float,
) -> tuple[list[Verlengd], set[uuid.UUID]]:
    """Write attempt results, give up leases and renew others, in one transaction. Returns the renewed, and the
    subscriptions of results that are no longer this worker's (deleted, or taken over after the lease ran out)."""
    if release or renew:
        # In id order, like the consumer: the updates below then cannot deadlock with it. Results alone touch
        # no subscription and need no lock (most transactions here).
        await session.execute(_LOCK_SUBSCRIPTIONS, {"ids": list(set(release) | set(renew))})
    if uitkomsten:
        mine = set(
            (await session.execute(_STILL_MINE, {"ids": list({u.abonnement_id for u in uitkomsten}), "owner": owner}))
            .scalars()
            .all()
        )
        lost = {u.abonnement_id for u in uitkomsten} - mine
        uitkomsten = [u for u in uitkomsten if u.abonnement_id in mine]
    else:
        lost = set()
    if uitkomsten:
        await session.execute(
            _SETTLE,
            {
                "ids": [u.aflevering_id for u in uitkomsten],
                "statussen": [u.status for u in uitkomsten],
                "delays": [u.delay for u in uitkomsten],
                "statuscodes": [u.statuscode for u in uitkomsten],
                "duren": [u.duur_ms for u in uitkomsten],
                "fouten": [u.fout for u in uitkomsten],
            },
        )
    if release:
        await session.execute(_RELEASE, {"owner": owner, "ids": list(release)})
    if not renew:
        return [], lost
    rows = await session.execute(_RENEW, {"owner": owner, "ids": list(renew), "lease": lease})
    return [Verlengd(Bestemming(*r[:5]), r.actief, r.lease_holds_queue) for r in rows.all()], lost


async def metrics(session: AsyncSession) -> dict[str, Any]:
    counts = await session.execute(
        text(
            "SELECT f.status, a.status, count(*) FROM aflevering f JOIN abonnement a ON a.id = f.abonnement_id "
            "GROUP BY f.status, a.status"
        )
    )
    # The oldest head of a waiting queue; only subscriptions with something waiting are read.
    lag = await session.execute(
        text(
            """
            SELECT coalesce(extract(epoch FROM now() - min(h.created_at)), 0)
            FROM abonnement a CROSS JOIN LATERAL (
                SELECT created_at FROM aflevering f
                WHERE f.abonnement_id = a.id AND f.status = 'wachtend' ORDER BY f.volgnummer LIMIT 1
            ) h
            WHERE a.next_attempt_at IS NOT NULL
            """
        )
    )
    return {"counts": [tuple(r) for r in counts.all()], "lag": float(lag.scalar_one())}


# ---- the retention ----

# One replica cleans up at a time (per transaction): two deleting the deliveries of one event side by side could
# each still see the other's and keep its bericht.
_RETENTION_LOCK = text("SELECT pg_try_advisory_xact_lock(hashtext('notificaties.bewaartermijn'))")

# Ended deliveries whose last attempt is longer ago than the retention, oldest first, through the partial index
# `ix_aflevering_afgehandeld`. SKIP LOCKED passes over one being re-queued right now (`opnieuw`); a delivery
# re-queued before this statement saw it is `wachtend` again and stays.
_DELETE_ENDED = text(
    """
    DELETE FROM aflevering WHERE id = ANY(ARRAY(
        SELECT id FROM aflevering
        WHERE status <> 'wachtend' AND laatste_poging_at < now() - make_interval(hours => :hours)
        ORDER BY laatste_poging_at LIMIT :limit
        FOR UPDATE SKIP LOCKED
    ))
    RETURNING event_id
    """
)

# Two statements, in this order. The lock keeps any new delivery of the bericht from committing (its foreign key
# check waits for it, then fails, and the consumer queues the event again); the check that no delivery is left is
# made again in the delete, whose snapshot is taken after the lock, so it also sees one committed just before it.
# In one statement that delivery could be missed, and deleted with the bericht by the foreign key's cascade.
# A bericht younger than the retention stays even without deliveries: the sweep never races a fresh event.
_LOCK_ORPHANED = text(
    """
    SELECT b.event_id FROM bericht b
    WHERE b.event_id = ANY(CAST(:ids AS text[])) AND b.created_at < now() - make_interval(hours => :hours)
        AND NOT EXISTS (SELECT 1 FROM aflevering f WHERE f.event_id = b.event_id)
    FOR UPDATE OF b SKIP LOCKED
    """
)
_DELETE_ORPHANED = text(
    """
    DELETE FROM bericht b
    WHERE b.event_id = ANY(CAST(:ids AS text[]))
        AND NOT EXISTS (SELECT 1 FROM aflevering f WHERE f.event_id = b.event_id)
    """
)

_BERICHTEN_AFTER = text("SELECT event_id FROM bericht WHERE event_id > :after ORDER BY event_id LIMIT :limit")


@dataclass(frozen=True)
class Opgeruimd:
    afleveringen: int
    berichten: int


async def delete_ended(session: AsyncSession, *, hours: int, limit: int) -> Opgeruimd | None:
    """Delete up to `limit` deliveries that ended longer than `hours` ago, and the berichten none refers to any
    more; None when another replica is cleaning up now."""
    if not (await session.execute(_RETENTION_LOCK)).scalar():
        return None
    event_ids = (await session.execute(_DELETE_ENDED, {"hours": hours, "limit": limit})).scalars().all()
    berichten = await _delete_orphaned(session, sorted(set(event_ids)), hours=hours)
    return Opgeruimd(afleveringen=len(event_ids), berichten=berichten)


async def delete_orphaned_after(session: AsyncSession, *, after: str, hours: int, limit: int) -> tuple[int, str] | None:
    """The sweep behind `delete_ended`, for berichten left without deliveries another way (a subscription deleted
    with its deliveries): of the next `limit` berichten after `after` in `event_id` order, delete those older than
    `hours` that no delivery refers to. Returns how many it deleted and where the next slab starts ("" after the
    last: from the start again); None when another replica is cleaning up now."""
    if not (await session.execute(_RETENTION_LOCK)).scalar():
        return None
    slab = list((await session.execute(_BERICHTEN_AFTER, {"after": after, "limit": limit})).scalars())
    deleted = await _delete_orphaned(session, slab, hours=hours)
    return deleted, slab[-1] if len(slab) == limit else ""


async def _delete_orphaned(session: AsyncSession, event_ids: Sequence[str], *, hours: int) -> int:
    if not event_ids:
        return 0
    locked = list((await session.execute(_LOCK_ORPHANED, {"ids": list(event_ids), "hours": hours})).scalars())
    if not locked:
        return 0
    result = await session.execute(_DELETE_ORPHANED, {"ids": locked})
    return int(result.rowcount)  # type: ignore[attr-defined]
