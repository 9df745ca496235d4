"""The CBS export's query (Wi art. 35 lid 4, item e, and participation in PVT and MAP): per person the courses given
before `tot` — kind, provider name, status, whether and when the person started, hours present and the final result —
built as JSON by PostgreSQL, in keyset batches ordered by inburgeraar id.

Everything as it stood at `tot` (the period's peildatum, exclusive), not as it stands now: the opdracht's `stand` is
the fold of every report so far, so the export folds again, from the reports made before `tot` only (the same rules
as `domain.stand.pas_toe`: the last start, the last reported hours of each period, the last final result and level;
status `gestart` after any report but a planning, `afgerond` after a final result, `ingetrokken` only if withdrawn
before `tot`). A report made after `tot` — however late a provider reports, or corrects a period — leaves the export
of that period byte for byte as it was. Two reports of one opdracht with the same `gemeld_at` (one file) are ordered
by id: arbitrary, but the same on every export.
"""

from __future__ import annotations

import uuid
from datetime import date

import asyncpg

# `tot` as an instant: midnight UTC at its start, as the opdracht's own `created_at` filter counts days in UTC.
_PEILMOMENT = "($2::date)::timestamp AT TIME ZONE 'UTC'"

_OPDRACHTEN = """
    FROM opdracht o
    WHERE o.gemeente_code = $1 AND (o.created_at AT TIME ZONE 'UTC')::date < $2
"""

_BATCH = f"""
WITH personen AS (
    SELECT DISTINCT o.inburgeraar_id {_OPDRACHTEN} AND ($3::uuid IS NULL OR o.inburgeraar_id > $3)
    ORDER BY o.inburgeraar_id LIMIT $4
),
cursussen AS (
    SELECT o.inburgeraar_id, o.onderdeel, o.created_at, o.id, a.naam,
           CASE WHEN o.status = 'ingetrokken' AND EXISTS (
                    SELECT 1 FROM opdracht_versie v
                    WHERE v.opdracht_id = o.id AND v.gewijzigde_velden ? 'status' AND v.created_at < {_PEILMOMENT})
                THEN 'ingetrokken'
                WHEN m.afgerond THEN 'afgerond'
                WHEN m.actief THEN 'gestart'
                ELSE 'verstrekt' END AS status,
           m.start, m.resultaat, m.niveau, COALESCE(u.uren, 0) AS uren
    FROM personen p
    JOIN opdracht o ON o.gemeente_code = $1 AND o.inburgeraar_id = p.inburgeraar_id
                   AND (o.created_at AT TIME ZONE 'UTC')::date < $2
    JOIN aanbieder a ON a.id = o.aanbieder_id
    LEFT JOIN LATERAL (
        SELECT (array_agg((m.gegevens->>'datum')::date ORDER BY m.gemeld_at DESC, m.id DESC)
                    FILTER (WHERE m.soort = 'start'))[1] AS start,
               (array_agg(m.gegevens->>'resultaat' ORDER BY m.gemeld_at DESC, m.id DESC)
                    FILTER (WHERE m.soort = 'eindresultaat'))[1] AS resultaat,
               (array_agg(m.gegevens->>'niveau' ORDER BY m.gemeld_at DESC, m.id DESC)
                    FILTER (WHERE m.soort IN ('eindresultaat', 'niveau') AND m.gegevens ? 'niveau'))[1] AS niveau,
               COALESCE(bool_or(m.soort <> 'planning'), false) AS actief,
               COALESCE(bool_or(m.soort IN ('eindresultaat', 'leerbaarheidstoets')), false) AS afgerond
        FROM melding m WHERE m.opdracht_id = o.id AND m.gemeld_at < {_PEILMOMENT}
    ) m ON true
    LEFT JOIN LATERAL (
        -- A period reported again replaces its hours (a correction): the last report of each period before `tot`.
        SELECT trim_scale(sum(laatste.uren)) AS uren FROM (
            SELECT DISTINCT ON (m.gegevens->>'periodeVan', m.gegevens->>'periodeTot')
                   (m.gegevens->>'urenAanwezig')::numeric AS uren
            FROM melding m
            WHERE m.opdracht_id = o.id AND m.soort = 'aanwezigheid' AND m.gemeld_at < {_PEILMOMENT}
            ORDER BY m.gegevens->>'periodeVan', m.gegevens->>'periodeTot', m.gemeld_at DESC, m.id DESC
        ) laatste
    ) u ON true
)
SELECT p.inburgeraar_id, json_build_object(
    'inburgeraarId', p.inburgeraar_id,
    'cursussen', (
        SELECT json_agg(json_build_object(
            'soort', c.onderdeel,
            'aanbieder', c.naam,
            'status', c.status,
            'deelname', COALESCE(c.start < $2, false),
            'startdatum', CASE WHEN c.start < $2 THEN c.start END,
            'urenAanwezig', c.uren,
            'resultaat', c.resultaat,
            'niveauBereikt', c.niveau
        ) ORDER BY c.onderdeel, c.created_at, c.id)
        FROM cursussen c WHERE c.inburgeraar_id = p.inburgeraar_id)
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
