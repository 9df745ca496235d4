"""The delivery queue, as the consumer fills it and the workers work it, across all gemeenten: deliveries
queued per event and subscription, subscriptions leased to one worker at a time, attempt results settled."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.events import CloudEvent

# Wakes the workers when deliveries were queued that the lease holder does not have in hand (another replica's
# consumer queued them, or a redelivery): the payload lists the subscriptions. The polling claim is the
# fallback for a missed notification.
NOTIFY_CHANNEL = "aflevering"
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")
# pg_notify refuses payloads of 8,000 bytes or more; beyond this many ids an empty payload says "look".
_NOTIFY_MAX_IDS = 150


@dataclass(frozen=True)
class Destination:
    """Where and how one subscription's deliveries go."""

    abonnement_id: uuid.UUID
    callback_url: str
    geheim_versleuteld: str
    autorisatie_versleuteld: str | None
    formaat: str
    herhaaltermijn_uren: int


@dataclass(frozen=True)
class Job:
    """One delivery to attempt. `event` is the stored CloudEvent as JSON text: the body as signed and sent."""

    aflevering_id: uuid.UUID
    abonnement_id: uuid.UUID
    volgnummer: int
    pogingen: int
    event_id: str
    event: str
    subject: str | None
    eerste_mislukt_at: datetime | None = None  # the retry window runs from here


@dataclass(frozen=True)
class Assignment:
    """What the consumer's transaction handed to this worker (valid once it committed): deliveries that go
    straight out, per subscription, either to a new lease (`new`) or to a lease this worker already holds."""

    destination: Destination
    jobs: list[Job]
    new: bool


@dataclass(frozen=True)
class Offer:
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
           a.herhaaltermijn_uren, coalesce(a.lease_until > now(), false) AS leased,
           coalesce(a.lease_owner = CAST(:owner AS uuid), false) AS mine,
           a.lease_holds_queue AS holds, a.next_attempt_at IS NULL AS empty
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

# A subscription taken over by this worker gets the lease; one queued behind others is due from now on (even
# when a retry waits: a new event about another subject need not wait for it) and no longer fully in its lease
# holder's hands.
_AFTER_QUEUE = text(
    """
    UPDATE abonnement a SET
        lease_owner = CASE WHEN u.direct THEN CAST(:owner AS uuid) ELSE a.lease_owner END,
        lease_until = CASE WHEN u.direct THEN now() + make_interval(secs => :lease) ELSE a.lease_until END,
        lease_holds_queue = u.direct,
        next_attempt_at = least(a.next_attempt_at, now())
    FROM unnest(CAST(:ids AS uuid[]), CAST(:direct AS bool[])) AS u(id, direct)
    WHERE a.id = u.id
    """
)


@dataclass
class Queued:
    """The outcome of queueing a batch: what goes straight out, and which of this worker's own lanes must now
    read the queue (new deliveries were queued behind them)."""

    assignments: list[Assignment]
    own_backlog: set[uuid.UUID]


async def queue_events(
    session: AsyncSession, events: Sequence[CloudEvent], offer: Offer | None, *, lease: float
) -> Queued:
    """Queue a delivery per event and matching active subscription of its gemeente, in the consumer's unit of
    work. With a `offer`, deliveries of subscriptions nobody holds and whose queue was empty, or whose lease
    this worker holds with the whole queue in hand, are leased to it and returned to go out at once."""
    result = Queued([], set())
    # No tenant, no subscriber may see it: subscriptions are per gemeente.
    events = [e for e in events if e.gemeentecode is not None]
    if not events:
        return result
    matched = (
        await session.execute(
            _MATCH,
            {
                "owner": offer.owner if offer else None,
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
    new_lanes = offer.new_lanes if offer else 0
    for abonnement_id, m in state.items():
        if offer is not None and m.leased and m.mine and m.holds and abonnement_id in offer.accepting:
            direct[abonnement_id] = True
        elif offer is not None and not m.leased and m.empty and new_lanes > 0:
            direct[abonnement_id] = True
            new_lanes -= 1
        else:
            direct[abonnement_id] = False
            if m.leased and m.mine:
                result.own_backlog.add(abonnement_id)
            else:
                # Another worker holds it (and must read the queue), or anyone may take it now.
                wake.append(str(abonnement_id))
    await session.execute(
        _AFTER_QUEUE,
        {
            "ids": list(direct),
            "direct": list(direct.values()),
            "owner": offer.owner if offer else None,
            "lease": lease,
        },
    )
    if wake:
        await notify(session, wake)
    by_event = {e.id: (p, e.subject) for e, p in zip(events, payloads, strict=True)}
    jobs: dict[uuid.UUID, list[Job]] = {}
    for row in inserted:
        if direct[row.abonnement_id]:
            jobs.setdefault(row.abonnement_id, []).append(
                Job(row.id, row.abonnement_id, row.volgnummer, 0, row.event_id, *by_event[row.event_id])
            )
    for abonnement_id, lijst in jobs.items():
        m = state[abonnement_id]
        lijst.sort(key=lambda k: k.volgnummer)
        destination = Destination(
            abonnement_id,
            m.callback_url,
            m.geheim_versleuteld,
            m.autorisatie_versleuteld,
            m.formaat,
            m.herhaaltermijn_uren,
        )
        result.assignments.append(Assignment(destination, lijst, new=not m.mine or not m.leased))
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
    RETURNING a.id, a.callback_url, a.geheim_versleuteld, a.autorisatie_versleuteld, a.formaat,
              a.herhaaltermijn_uren
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
) -> tuple[list[Destination], float | None]:
    """Due subscriptions leased to `owner`, and the seconds until the next one falls due."""
    rows = await session.execute(_CLAIM, {"owner": owner, "limit": limit, "lease": lease})
    claimed = [Destination(*r) for r in rows.all()]
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
# The due deliveries of a subscription in queue order, leaving out those behind a retry about the same subject:
# a failed delivery holds up the later events about its object, not the rest of the queue. A retry is told by
# its attempts, not by its time alone: `now()` is when this transaction began, and a delivery queued since then
# has a later `next_attempt_at` without waiting for anything.
_NEXT_RUN = text(
    """
    WITH retrying AS (
        SELECT b.event->>'subject' AS subject, min(f.volgnummer) AS volgnummer
        FROM aflevering f JOIN bericht b ON b.event_id = f.event_id
        WHERE f.abonnement_id = :id AND f.status = 'wachtend' AND f.pogingen > 0 AND f.next_attempt_at > now()
        GROUP BY 1
    )
    SELECT f.id, f.abonnement_id, f.volgnummer, f.pogingen, f.event_id, b.event::text AS event,
           b.event->>'subject' AS subject, f.eerste_mislukt_at
    FROM aflevering f JOIN bericht b ON b.event_id = f.event_id
    WHERE f.abonnement_id = :id AND f.status = 'wachtend' AND f.volgnummer > :after
        AND (f.pogingen = 0 OR f.next_attempt_at <= now())
        AND NOT EXISTS (
            SELECT 1 FROM retrying r WHERE r.subject = b.event->>'subject' AND r.volgnummer < f.volgnummer
        )
    ORDER BY f.volgnummer LIMIT :batch
    """
)
# Seconds until the subscription's earliest retry; NULL when none waits.
_NEXT_RETRY = text(
    "SELECT extract(epoch FROM min(next_attempt_at) - now()) FROM aflevering "
    "WHERE abonnement_id = :id AND status = 'wachtend' AND pogingen > 0 AND next_attempt_at > now()"
)
_HOLDS_QUEUE = text("UPDATE abonnement SET lease_holds_queue = true WHERE id = :id")


@dataclass(frozen=True)
class Run:
    jobs: list[Job]
    holds: bool  # the holder has every waiting delivery in hand: new events may come to it directly
    next_retry: float | None  # seconds until the earliest retry waiting in the queue


async def next_run(
    session: AsyncSession, *, owner: uuid.UUID, abonnement_id: uuid.UUID, after: int, batch: int
) -> Run | None:
    """The next due deliveries of a subscription this worker holds, after `after`; None if the lease is gone (or
    the subscription paused). When fewer than `batch` remain and no retry waits, the holder has the whole queue
    in hand and new events may come to it directly: that is read again with the subscription locked, so no
    delivery is queued in between. A full run needs no lock, so catching up with a backlog does not wait for the
    consumer's transactions."""
    params = {"owner": owner, "id": abonnement_id, "after": after, "batch": batch}
    if not (await session.execute(_OWN, params)).scalar():
        return None
    next_retry = (await session.execute(_NEXT_RETRY, params)).scalar()
    retry = None if next_retry is None else float(next_retry)
    rows = (await session.execute(_NEXT_RUN, params)).all()
    if len(rows) == batch or retry is not None:
        return Run([Job(*r) for r in rows], False, retry)
    if not (await session.execute(_LOCK_OWN, params)).scalar():
        return None
    rows = (await session.execute(_NEXT_RUN, params)).all()
    holds = len(rows) < batch
    if holds:
        await session.execute(_HOLDS_QUEUE, params)
    return Run([Job(*r) for r in rows], holds, None)


@dataclass(frozen=True)
class Outcome:
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
        eerste_mislukt_at = CASE WHEN u.status = 'afgeleverd' THEN f.eerste_mislukt_at
                                 ELSE coalesce(f.eerste_mislukt_at, now()) END,
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

# Letting go of subscriptions: due again at the earliest retry, or now if a delivery not behind a retry about
# its subject is due (NULL when nothing waits). Through `ix_aflevering_due`: only the retries are read, and the
# due deliveries up to the first one not held up.
_RELEASE = text(
    """
    UPDATE abonnement a SET lease_owner = NULL, lease_until = NULL, lease_holds_queue = false,
        next_attempt_at = least(
            (SELECT min(f.next_attempt_at) FROM aflevering f
             WHERE f.abonnement_id = a.id AND f.status = 'wachtend' AND f.pogingen > 0 AND f.next_attempt_at > now()),
            (SELECT f.next_attempt_at FROM aflevering f JOIN bericht b ON b.event_id = f.event_id
             WHERE f.abonnement_id = a.id AND f.status = 'wachtend' AND (f.pogingen = 0 OR f.next_attempt_at <= now())
                AND NOT EXISTS (
                    SELECT 1 FROM aflevering g JOIN bericht c ON c.event_id = g.event_id
                    WHERE g.abonnement_id = a.id AND g.status = 'wachtend' AND g.pogingen > 0
                        AND g.next_attempt_at > now() AND g.volgnummer < f.volgnummer
                        AND c.event->>'subject' = b.event->>'subject'
                )
             ORDER BY f.next_attempt_at LIMIT 1)
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
              a.herhaaltermijn_uren, a.status = 'actief' AS actief, a.lease_holds_queue
    """
)


@dataclass(frozen=True)
class Renewal:
    destination: Destination
    actief: bool
    holds_queue: bool


async def settle(
    session: AsyncSession,
    *,
    owner: uuid.UUID,
    outcomes: Sequence[Outcome],
    release: Sequence[uuid.UUID],
    renew: Sequence[uuid.UUID],
    lease: float,
) -> tuple[list[Renewal], set[uuid.UUID]]:
    """Write attempt results, give up leases and renew others, in one transaction. Returns the renewed, and the
    subscriptions of results that are no longer this worker's (deleted, or taken over after the lease ran out)."""
    if release or renew:
        # In id order, like the consumer: the updates below then cannot deadlock with it. Results alone touch
        # no subscription and need no lock (most transactions here).
        await session.execute(_LOCK_SUBSCRIPTIONS, {"ids": list(set(release) | set(renew))})
    if outcomes:
        mine = set(
            (await session.execute(_STILL_MINE, {"ids": list({u.abonnement_id for u in outcomes}), "owner": owner}))
            .scalars()
            .all()
        )
        lost = {u.abonnement_id for u in outcomes} - mine
        outcomes = [u for u in outcomes if u.abonnement_id in mine]
    else:
        lost = set()
    if outcomes:
        await session.execute(
            _SETTLE,
            {
                "ids": [u.aflevering_id for u in outcomes],
                "statussen": [u.status for u in outcomes],
                "delays": [u.delay for u in outcomes],
                "statuscodes": [u.statuscode for u in outcomes],
                "duren": [u.duur_ms for u in outcomes],
                "fouten": [u.fout for u in outcomes],
            },
        )
    if release:
        await session.execute(_RELEASE, {"owner": owner, "ids": list(release)})
    if not renew:
        return [], lost
    rows = await session.execute(_RENEW, {"owner": owner, "ids": list(renew), "lease": lease})
    return [Renewal(Destination(*r[:6]), r.actief, r.lease_holds_queue) for r in rows.all()], lost


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
