"""The CBS export's query (Wi art. 35 lid 4): per person of one gemeente, what this context holds of CBS's items —
the BSN, the doelgroep, maatschappelijke begeleiding, ontzorgen, the brede intake, the leerbaarheidstoets, the
opleidingsniveau and (an)alfabetisme — as the stand at the end of the period (`tot`, exclusive), built as JSON by
PostgreSQL, in keyset batches ordered by id."""

from __future__ import annotations

import uuid
from datetime import date

import asyncpg

from inburgeraar_api.domain.enums import Opleidingsniveau

# Highest level first: the person's opleidingsniveau for CBS (item h) is the highest education followed.
_NIVEAUS = [n.value for n in reversed(Opleidingsniveau)]

_PERSONEN = """
    FROM inburgeraar i
    WHERE i.gemeente_code = $1
      AND COALESCE(i.datum_koppeling, i.datum_inschrijving_brp, (i.created_at AT TIME ZONE 'UTC')::date) < $2
"""

_BATCH = f"""
SELECT i.id, json_build_object(
    'inburgeraarId', i.id,
    'bsn', i.bsn,
    'doelgroep', i.doelgroep,
    'nareiziger', i.nareiziger,
    'registratiedatum', COALESCE(i.datum_koppeling, i.datum_inschrijving_brp),
    'maatschappelijkeBegeleiding', (
        SELECT CASE WHEN count(*) = 0 THEN NULL ELSE json_build_object(
            'startdatum', min(b.startdatum),
            'onderdelen', count(*),
            'onderdelenInPeriode', count(*) FILTER (WHERE b.startdatum >= $3))
        END
        FROM begeleiding_onderdeel b WHERE b.inburgeraar_id = i.id AND b.startdatum < $2),
    'ontzorgen', (
        SELECT json_build_object(
            'startdatum', o.startdatum,
            'einddatum', COALESCE(o.verlengd_tot, o.geplande_einddatum),
            'verlengd', o.verlengd_tot IS NOT NULL)
        FROM ontzorgen o WHERE o.inburgeraar_id = i.id AND o.startdatum < $2),
    'bredeIntake', (
        SELECT json_build_object(
            'status', CASE WHEN bi.afgerond_datum < $2 THEN 'afgerond' ELSE 'lopend' END,
            'afgerondDatum', CASE WHEN bi.afgerond_datum < $2 THEN bi.afgerond_datum END,
            'bijAfwezigheid', bi.afgerond_bij_afwezigheid AND bi.afgerond_datum < $2)
        FROM brede_intake bi WHERE bi.inburgeraar_id = i.id),
    'leerbaarheidstoets', (
        SELECT json_build_object(
            'datum', (bi.leerbaarheidstoets->>'datum')::date,
            'uitslag', bi.leerbaarheidstoets->>'resultaat',
            'geadviseerdeLeerroute', COALESCE(
                bi.leerbaarheidstoets->>'geadviseerdeLeerroute', bi.leerbaarheidstoets->>'geadviseerde_leerroute'))
        FROM brede_intake bi
        WHERE bi.inburgeraar_id = i.id AND (bi.leerbaarheidstoets->>'datum')::date < $2),
    'opleidingsniveau', (
        SELECT ($4::text[])[min(array_position($4::text[], o->>'niveau'))]
        FROM brede_intake bi, jsonb_array_elements(COALESCE(bi.achtergrond->'opleidingen', '[]')) o
        WHERE bi.inburgeraar_id = i.id),
    'alfabetisme', (
        SELECT bi.achtergrond->>'alfabetisme' FROM brede_intake bi WHERE bi.inburgeraar_id = i.id)
)::text
{_PERSONEN}
  AND ($5::uuid IS NULL OR i.id > $5)
ORDER BY i.id
LIMIT $6
"""  # noqa: S608 - fixed SQL, every value a parameter


async def cbs_batch(
    conn: asyncpg.Connection, na: uuid.UUID | None, limit: int, *, gemeente: str, van: date, tot: date
) -> list[tuple[uuid.UUID, str]]:
    rows = await conn.fetch(_BATCH, gemeente, tot, van, _NIVEAUS, na, limit)
    return [(r[0], r[1]) for r in rows]


async def cbs_aantal(conn: asyncpg.Connection, *, gemeente: str, tot: date) -> int:
    return int(await conn.fetchval(f"SELECT count(*) {_PERSONEN}", gemeente, tot))
