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
        """Re-queue deliveries (delivered or dead-lettered ones too) at the end of the subscription's queue,
        with a fresh attempt budget. One in flight is left alone: it is being delivered right now."""
        statement = (
            update(Aflevering)
            .where(Aflevering.abonnement_id == abonnement_id)
            .where((Aflevering.status != WACHTEND) | (Aflevering.next_attempt_at <= func.now()))
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
        return int(result.rowcount)  # type: ignore[attr-defined]


# ---- the consumer and the worker ----

# One statement per event: a row for every active subscription of the event's gemeente whose filters match.
# `left(...) = prefix` rather than LIKE, so `_` and `%` in a prefix are literal characters.
_QUEUE = text(
    """
    INSERT INTO aflevering (id, abonnement_id, event_id, event_type, event_time, event, status, pogingen)
    SELECT gen_random_uuid(), a.id, :event_id, CAST(:event_type AS text), :event_time, CAST(:event AS jsonb),
           'wachtend', 0
    FROM abonnement a
    WHERE a.gemeente_code = :gemeente AND a.status = 'actief'
      AND (a.type_prefix IS NULL OR left(CAST(:event_type AS text), length(a.type_prefix)) = a.type_prefix)
      AND (a.source IS NULL OR a.source = :source)
      AND (a.subject IS NULL OR a.subject = :subject)
    ORDER BY a.created_at, a.id
    ON CONFLICT ON CONSTRAINT uq_aflevering_abonnement_event DO NOTHING
    """
)


async def queue_event(session: AsyncSession, event: CloudEvent, payload: str) -> None:
    await session.execute(
        _QUEUE,
        {
            "event_id": event.id,
            "event_type": event.type,
            "event_time": event.time,
            "event": payload,
            "gemeente": event.gemeentecode,
            "source": event.source,
            "subject": event.subject,
        },
    )


# Step 1 of a claim: the heads of active subscriptions' queues that are due, locked. Holding a subscription's
# head is holding the subscription: a concurrent claimer skips it (SKIP LOCKED), and one that comes after our
# commit finds the head leased (`next_attempt_at` in the future) — PostgreSQL re-checks the WHERE clause of a
# row it locks after a concurrent update. So one run is in flight per subscription, in `volgnummer` order.
_LOCK_HEADS = text(
    """
    WITH kop AS (
        SELECT DISTINCT ON (f.abonnement_id) f.id
        FROM aflevering f JOIN abonnement a ON a.id = f.abonnement_id
        WHERE f.status = 'wachtend' AND a.status = 'actief'
        ORDER BY f.abonnement_id, f.volgnummer
    )
    SELECT f.abonnement_id FROM aflevering f
    WHERE f.id IN (SELECT id FROM kop) AND f.status = 'wachtend' AND f.next_attempt_at <= now()
    ORDER BY f.next_attempt_at
    LIMIT :limit
    FOR UPDATE OF f SKIP LOCKED
    """
)

# Step 2: per locked subscription a run of up to :batch deliveries from its head, stopping before the first
# one that is not due; each gets a lease and counts an attempt (so a delivery that crashes its worker every
# time still ends in dead-letter).
_CLAIM_RUNS = text(
    """
    WITH run AS (
        SELECT x.id, x.due_so_far
        FROM unnest(CAST(:abonnementen AS uuid[])) AS s(id)
        CROSS JOIN LATERAL (
            SELECT q.id, bool_and(q.next_attempt_at <= now()) OVER (ORDER BY q.volgnummer) AS due_so_far
            FROM (
                SELECT id, volgnummer, next_attempt_at FROM aflevering
                WHERE abonnement_id = s.id AND status = 'wachtend'
                ORDER BY volgnummer LIMIT :batch
            ) q
        ) x
    )
    UPDATE aflevering f
    SET pogingen = f.pogingen + 1, next_attempt_at = now() + make_interval(secs => :lease), laatste_poging_at = now()
    FROM run r, abonnement a
    WHERE f.id = r.id AND r.due_so_far AND f.status = 'wachtend' AND a.id = f.abonnement_id
    RETURNING f.id, f.abonnement_id, f.volgnummer, f.pogingen, f.event,
              a.callback_url, a.geheim_versleuteld, a.autorisatie_versleuteld, a.formaat
    """
)

# The results of a run, in one statement. The guard on `pogingen` and `status` skips a row whose lease ran out
# and that another worker claimed meanwhile: its result is that worker's to write.
_SETTLE = text(
    """
    UPDATE aflevering f
    SET status = u.status, next_attempt_at = now() + make_interval(secs => u.delay),
        laatste_statuscode = u.statuscode, laatste_duur_ms = u.duur_ms, laatste_fout = u.fout,
        afgeleverd_at = CASE WHEN u.status = 'afgeleverd' THEN now() ELSE f.afgeleverd_at END
    FROM unnest(
        CAST(:ids AS uuid[]), CAST(:pogingen AS int[]), CAST(:statussen AS text[]), CAST(:delays AS float8[]),
        CAST(:statuscodes AS int[]), CAST(:duren AS int[]), CAST(:fouten AS text[])
    ) AS u(id, pogingen, status, delay, statuscode, duur_ms, fout)
    WHERE f.id = u.id AND f.pogingen = u.pogingen AND f.status = 'wachtend'
    """
)

_RELEASE = text(
    "UPDATE aflevering SET next_attempt_at = now(), pogingen = greatest(pogingen - 1, 0) "
    "WHERE id = ANY(CAST(:ids AS uuid[])) AND status = 'wachtend'"
)


async def claim(session: AsyncSession, *, limit: int, batch: int, lease: float) -> list[Any]:
    """Runs of due deliveries for up to `limit` subscriptions, ordered by subscription and `volgnummer`."""
    heads = (await session.execute(_LOCK_HEADS, {"limit": limit})).scalars().all()
    if not heads:
        return []
    rows = await session.execute(_CLAIM_RUNS, {"abonnementen": list(heads), "batch": batch, "lease": lease})
    return sorted(rows.all(), key=lambda r: (r.abonnement_id, r.volgnummer))


@dataclass(frozen=True)
class Uitkomst:
    aflevering_id: uuid.UUID
    pogingen: int
    status: str
    delay: float
    statuscode: int | None
    duur_ms: int
    fout: str | None


async def settle(session: AsyncSession, uitkomsten: Sequence[Uitkomst]) -> None:
    if not uitkomsten:
        return
    await session.execute(
        _SETTLE,
        {
            "ids": [u.aflevering_id for u in uitkomsten],
            "pogingen": [u.pogingen for u in uitkomsten],
            "statussen": [u.status for u in uitkomsten],
            "delays": [u.delay for u in uitkomsten],
            "statuscodes": [u.statuscode for u in uitkomsten],
            "duren": [u.duur_ms for u in uitkomsten],
            "fouten": [u.fout for u in uitkomsten],
        },
    )


async def release(session: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
    await session.execute(_RELEASE, {"ids": list(ids)})


async def metrics(session: AsyncSession) -> dict[str, Any]:
    counts = await session.execute(
        text(
            "SELECT f.status, a.status, count(*) FROM aflevering f JOIN abonnement a ON a.id = f.abonnement_id "
            "GROUP BY f.status, a.status"
        )
    )
    lag = await session.execute(
        text(
            "SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM aflevering WHERE status = 'wachtend'"
        )
    )
    return {"counts": [tuple(r) for r in counts.all()], "lag": float(lag.scalar_one())}
