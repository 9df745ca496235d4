"""The retention of the delivery log: deleting ended deliveries and the berichten none refers to any more."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

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
class Cleaned:
    afleveringen: int
    berichten: int


async def delete_ended(session: AsyncSession, *, hours: int, limit: int) -> Cleaned | None:
    """Delete up to `limit` deliveries that ended longer than `hours` ago, and the berichten none refers to any
    more; None when another replica is cleaning up now."""
    if not (await session.execute(_RETENTION_LOCK)).scalar():
        return None
    event_ids = (await session.execute(_DELETE_ENDED, {"hours": hours, "limit": limit})).scalars().all()
    berichten = await _delete_orphaned(session, sorted(set(event_ids)), hours=hours)
    return Cleaned(afleveringen=len(event_ids), berichten=berichten)


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
