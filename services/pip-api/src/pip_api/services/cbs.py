"""This context's part of the CBS delivery (Wi art. 35 lid 4): PIP vaststelling and changes, leerroute, switch,
afschaling and the agreed PVT and MAP, streamed for the gemeente's chain exchange."""

from __future__ import annotations

import json
import uuid
from functools import partial

import asyncpg

from inburgering_kit import export
from inburgering_kit.context import RequestContext
from inburgering_kit.export import Exportperiode
from pip_api.domain.cbs import cbs_record
from pip_api.repository import cbs


async def exporteer(ctx: RequestContext, periode: Exportperiode) -> tuple[int, export.Batch]:
    totaal = await export.aantal(ctx.own_connection, partial(cbs.aantal, gemeente=periode.gemeente, tot=periode.tot))
    return totaal, partial(_batch, periode=periode)


async def _batch(
    conn: asyncpg.Connection, na: uuid.UUID | None, limit: int, *, periode: Exportperiode
) -> list[tuple[uuid.UUID, str]]:
    ids = await cbs.personen(conn, na, limit, gemeente=periode.gemeente, tot=periode.tot)
    versies = await cbs.versies(conn, ids, gemeente=periode.gemeente, tot=periode.tot)
    return [
        (i, json.dumps(cbs_record(i, versies[i], periode.van, periode.tot), ensure_ascii=False, separators=(",", ":")))
        for i in ids
    ]
