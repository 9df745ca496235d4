"""The CBS export's query (Wi art. 35 lid 4, items f and g): per person the warnings given and the fines decided in
the period — count, reason (the gedraging) and amount — built as JSON by PostgreSQL, in keyset batches ordered by
inburgeraar id. A fine counts as it stands: one replaced (correction, bezwaar) counts once, by the decision that
replaced it; an annulled one not at all. DUO's own fines are DUO's to report."""

from __future__ import annotations

import uuid
from datetime import date

import asyncpg

_WAARSCHUWINGEN = """
    SELECT o.inburgeraar_id, o.soort, s.datum
    FROM procedurestap s JOIN overtreding o ON o.id = s.overtreding_id
    WHERE o.gemeente_code = $1 AND s.handeling = 'waarschuwen' AND s.datum >= $2 AND s.datum < $3
"""
_BOETES = """
    SELECT b.inburgeraar_id, o.soort, b.besluit_datum AS datum, b.bedrag, b.id
    FROM boete b JOIN overtreding o ON o.id = b.overtreding_id
    WHERE b.gemeente_code = $1 AND b.status = 'opgelegd' AND b.besluit_datum >= $2 AND b.besluit_datum < $3
"""
_PERSONEN = f"SELECT inburgeraar_id FROM ({_WAARSCHUWINGEN}) w UNION SELECT inburgeraar_id FROM ({_BOETES}) b"  # noqa: S608 - fixed SQL

# Grouped once per batch (not a scan of the batch's rows per person): the persons of a batch in one pass each.
_BATCH = f"""
WITH personen AS (
    SELECT inburgeraar_id FROM ({_PERSONEN}) p
    WHERE $4::uuid IS NULL OR inburgeraar_id > $4 ORDER BY inburgeraar_id LIMIT $5
),
w AS (
    SELECT w.inburgeraar_id, count(*) AS aantal,
           json_agg(json_build_object('datum', w.datum, 'reden', w.soort) ORDER BY w.datum, w.soort) AS items
    FROM ({_WAARSCHUWINGEN} AND o.inburgeraar_id IN (SELECT inburgeraar_id FROM personen)) w
    GROUP BY w.inburgeraar_id
),
b AS (
    SELECT b.inburgeraar_id, count(*) AS aantal, sum(b.bedrag) AS totaal,
           json_agg(json_build_object('datum', b.datum, 'reden', b.soort, 'bedrag', b.bedrag)
                    ORDER BY b.datum, b.soort, b.bedrag, b.id) AS items
    FROM ({_BOETES} AND b.inburgeraar_id IN (SELECT inburgeraar_id FROM personen)) b
    GROUP BY b.inburgeraar_id
)
SELECT p.inburgeraar_id, json_build_object(
    'inburgeraarId', p.inburgeraar_id,
    'waarschuwingen', json_build_object('aantal', COALESCE(w.aantal, 0), 'items', COALESCE(w.items, '[]'::json)),
    'boetes', json_build_object(
        'aantal', COALESCE(b.aantal, 0), 'totaalBedrag', COALESCE(b.totaal, 0), 'items', COALESCE(b.items, '[]'::json))
)::text
FROM personen p
LEFT JOIN w ON w.inburgeraar_id = p.inburgeraar_id
LEFT JOIN b ON b.inburgeraar_id = p.inburgeraar_id
ORDER BY p.inburgeraar_id
"""  # noqa: S608 - fixed SQL, every value a parameter


async def cbs_batch(
    conn: asyncpg.Connection, na: uuid.UUID | None, limit: int, *, gemeente: str, van: date, tot: date
) -> list[tuple[uuid.UUID, str]]:
    rows = await conn.fetch(_BATCH, gemeente, van, tot, na, limit)
    return [(r[0], r[1]) for r in rows]


async def cbs_aantal(conn: asyncpg.Connection, *, gemeente: str, van: date, tot: date) -> int:
    return int(await conn.fetchval(f"SELECT count(*) FROM ({_PERSONEN}) p", gemeente, van, tot))  # noqa: S608 - fixed SQL
