"""The CBS export's query (Wi art. 35 lid 4, item e, and participation in PVT and MAP): per person the courses given
before `tot` — kind, provider name, whether and when the person started, hours present and the final result — built
as JSON by PostgreSQL, in keyset batches ordered by inburgeraar id. The hours and result are the stand as reported so
far (providers report per period; the stand is what the gemeente holds)."""

from __future__ import annotations

import uuid
from datetime import date

import asyncpg

_OPDRACHTEN = """
    FROM opdracht o
    WHERE o.gemeente_code = $1 AND (o.created_at AT TIME ZONE 'UTC')::date < $2
"""

_BATCH = f"""
WITH personen AS (
    SELECT DISTINCT o.inburgeraar_id {_OPDRACHTEN} AND ($3::uuid IS NULL OR o.inburgeraar_id > $3)
    ORDER BY o.inburgeraar_id LIMIT $4
)
SELECT p.inburgeraar_id, json_build_object(
    'inburgeraarId', p.inburgeraar_id,
    'cursussen', (
        SELECT json_agg(json_build_object(
            'soort', o.onderdeel,
            'aanbieder', a.naam,
            'status', o.status,
            'deelname', COALESCE((o.stand->>'gerealiseerdeStartdatum')::date < $2, false),
            'startdatum', CASE WHEN (o.stand->>'gerealiseerdeStartdatum')::date < $2
                          THEN (o.stand->>'gerealiseerdeStartdatum')::date END,
            'urenAanwezig', COALESCE((o.stand->>'urenAanwezig')::numeric, 0),
            'resultaat', o.stand->>'eindresultaat',
            'niveauBereikt', o.stand->>'niveauBereikt'
        ) ORDER BY o.onderdeel, o.created_at, o.id)
        FROM opdracht o JOIN aanbieder a ON a.id = o.aanbieder_id
        WHERE o.gemeente_code = $1 AND o.inburgeraar_id = p.inburgeraar_id
          AND (o.created_at AT TIME ZONE 'UTC')::date < $2)
)::text
FROM personen p ORDER BY p.inburgeraar_id
"""  # noqa: S608 - fixed SQL, every value a parameter


async def cbs_batch(
    conn: asyncpg.Connection, na: uuid.UUID | None, limit: int, *, gemeente: str, tot: date
) -> list[tuple[uuid.UUID, str]]:
    rows = await conn.fetch(_BATCH, gemeente, tot, na, limit)
    return [(r[0], r[1]) for r in rows]


async def cbs_aantal(conn: asyncpg.Connection, *, gemeente: str, tot: date) -> int:
    return int(await conn.fetchval(f"SELECT count(DISTINCT o.inburgeraar_id) {_OPDRACHTEN}", gemeente, tot))
