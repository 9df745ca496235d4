"""The zienswijze signals: raised by the job, one per voornemen, each with its outbox event in the same statement."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# One statement per batch: the voornemens whose term passed (through the partial index on the open voornemens by
# their last day, after the key where the previous batch stopped), their signal rows, and an outbox event for each
# row this statement inserted. A voornemen another replica is signalling at the same moment waits on its key and is
# skipped (ON CONFLICT DO NOTHING), so its event is written once, by whoever inserted the row.
#
# The envelope is the one `EventPublisher.build` makes (`template`, per batch), with the per-row fields set here;
# `met_id` is materialized so the event id in the row and in the envelope are one value.
_SIGNALEER = text(
    """
WITH kandidaten AS MATERIALIZED (
    SELECT o.id, o.gemeente_code, o.inburgeraar_id, o.klantregisseur, o.zienswijze_uiterste_datum
    FROM overtreding o
    WHERE o.status = 'voorgenomen'
      AND o.zienswijze_uiterste_datum < CAST(:dag AS date)
      AND (o.zienswijze_uiterste_datum, o.id) > (CAST(:na_datum AS date), CAST(:na_id AS uuid))
      AND NOT EXISTS (SELECT FROM zienswijze_signaal s WHERE s.overtreding_id = o.id)
    ORDER BY o.zienswijze_uiterste_datum, o.id
    LIMIT :limit
),
nieuw AS (
    INSERT INTO zienswijze_signaal
        (id, overtreding_id, gemeente_code, inburgeraar_id, klantregisseur, zienswijze_uiterste_datum)
    SELECT gen_random_uuid(), id, gemeente_code, inburgeraar_id, klantregisseur, zienswijze_uiterste_datum
    FROM kandidaten
    ON CONFLICT (overtreding_id) DO NOTHING
    RETURNING id, overtreding_id, gemeente_code, inburgeraar_id, zienswijze_uiterste_datum
),
met_id AS MATERIALIZED (
    SELECT gen_random_uuid() AS event_id, nieuw.* FROM nieuw
),
events AS (
    INSERT INTO outbox (id, subject, event)
    SELECT event_id, :subject, CAST(:template AS jsonb) || jsonb_build_object(
        'id', event_id,
        'subject', overtreding_id,
        'dataref', :dataref || overtreding_id,
        'gemeentecode', gemeente_code,
        'data', jsonb_build_object(
            'signaalId', id,
            'overtredingId', overtreding_id,
            'inburgeraarId', inburgeraar_id,
            'zienswijzeUitersteDatum', zienswijze_uiterste_datum
        )
    )
    FROM met_id
    RETURNING 1
)
SELECT (SELECT count(*) FROM events) AS nieuw, laatste.zienswijze_uiterste_datum, laatste.id
FROM (SELECT) AS een
LEFT JOIN LATERAL (
    SELECT zienswijze_uiterste_datum, id FROM kandidaten ORDER BY zienswijze_uiterste_datum DESC, id DESC LIMIT 1
) AS laatste ON true
"""
)

# Before the first voornemen: the key a pass starts after.
BEGIN = (date.min, uuid.UUID(int=0))


@dataclass(frozen=True, slots=True)
class Batch:
    nieuw: int
    # Where this batch stopped; None when there was nothing left after the key it started at.
    laatste: tuple[date, uuid.UUID] | None


@dataclass(frozen=True, slots=True)
class EventSjabloon:
    """What every event of a batch shares: the envelope without its per-row fields, the NATS subject, and the
    dataref up to the overtreding's id."""

    envelope: dict[str, Any]
    subject: str
    dataref: str


class SignaalJobRepository:
    """Across every gemeente: the job acts for the system, not for one caller."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def raise_batch(
        self, dag: date, limit: int, sjabloon: EventSjabloon, na: tuple[date, uuid.UUID] = BEGIN
    ) -> Batch:
        """Raise the signals, with their events, of up to `limit` voornemens after the key `na` whose term passed
        before `dag` without a zienswijze and without a signal."""
        row = (
            await self.session.execute(
                _SIGNALEER,
                {
                    "dag": dag,
                    "na_datum": na[0],
                    "na_id": na[1],
                    "limit": limit,
                    "subject": sjabloon.subject,
                    "template": json.dumps(sjabloon.envelope),
                    "dataref": sjabloon.dataref,
                },
            )
        ).one()
        return Batch(nieuw=row.nieuw, laatste=(row.zienswijze_uiterste_datum, row.id) if row.id else None)
