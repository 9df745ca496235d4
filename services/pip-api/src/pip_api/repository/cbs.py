"""The CBS export's queries: the next persons (keyset on inburgeraar id) with a PIP vastgesteld before `tot`, and the
vastgesteld versions of those persons."""

from __future__ import annotations

import json
import uuid
from datetime import date

import asyncpg

from pip_api.domain.cbs import Versie

_PERSONEN = """
    FROM pip p JOIN pip_versie v ON v.pip_id = p.id
    WHERE p.gemeente_code = $1 AND v.dagtekening < $2
"""


async def personen(
    conn: asyncpg.Connection, na: uuid.UUID | None, limit: int, *, gemeente: str, tot: date
) -> list[uuid.UUID]:
    rows = await conn.fetch(
        f"SELECT DISTINCT p.inburgeraar_id {_PERSONEN} AND ($3::uuid IS NULL OR p.inburgeraar_id > $3) "
        "ORDER BY p.inburgeraar_id LIMIT $4",
        gemeente,
        tot,
        na,
        limit,
    )
    return [r[0] for r in rows]


async def aantal(conn: asyncpg.Connection, *, gemeente: str, tot: date) -> int:
    return int(await conn.fetchval(f"SELECT count(DISTINCT p.inburgeraar_id) {_PERSONEN}", gemeente, tot))


async def versies(
    conn: asyncpg.Connection, inburgeraar_ids: list[uuid.UUID], *, gemeente: str, tot: date
) -> dict[uuid.UUID, list[Versie]]:
    rows = await conn.fetch(
        f"SELECT p.inburgeraar_id, p.id, v.versie, v.dagtekening, v.inhoud::text, v.gewijzigde_velden::text, "
        f"p.beeindigd_datum, p.beeindigd_reden {_PERSONEN} AND p.inburgeraar_id = ANY($3::uuid[]) "
        "ORDER BY p.inburgeraar_id, v.dagtekening, p.id, v.versie",
        gemeente,
        tot,
        inburgeraar_ids,
    )
    uit: dict[uuid.UUID, list[Versie]] = {}
    for r in rows:
        uit.setdefault(r[0], []).append(Versie(r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5]) or [], r[6], r[7]))
    return uit
