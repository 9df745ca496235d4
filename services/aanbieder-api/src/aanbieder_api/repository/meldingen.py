"""A report's write: the report, its period's hours and the opdracht's stand, for every channel.

`MeldingWrite` is the one text of that write, as data-modifying CTEs for one statement: the push composes it behind
its Idempotency-Key and the opdracht's row version (`push.PushRepository`), a single report under the opdracht's lock
behind the report's own insert (`MeldingRepository.add_melding`), a file batch as one insert of all its reports
and one write of all stands and periods (`add_meldingen`, `update_standen`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import CursorResult, Row, text
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.db import Positional
from inburgering_kit.idempotency import CLAIM_CTE, IdempotencyClaim


@dataclass
class Opdrachtstand:
    """What a report needs of its opdracht, read (and locked) in one statement on the hot path."""

    id: uuid.UUID
    pip_id: uuid.UUID | None
    inburgeraar_id: uuid.UUID
    aanbieder_id: uuid.UUID
    onderdeel: str
    status: str
    geplande_startdatum: date
    uren: int | None
    stand: dict[str, Any]
    gewijzigd: bool = False


# The opdracht, locked so that two reports about it apply one after the other, and in the same round trip whether
# the calling client is (still) registered for this aanbieder: provider isolation and client binding in one place.
_OPDRACHTEN_VOOR_MELDING_SQL = (
    "SELECT o.id, o.pip_id, o.inburgeraar_id, o.aanbieder_id, o.onderdeel, o.status, "
    "o.inhoud->>'geplandeStartdatum' AS start, o.inhoud->'uren' AS uren, o.stand, "
    "(CAST(:c AS text) IS NULL OR EXISTS (SELECT 1 FROM api_client a WHERE a.gemeente_code = o.gemeente_code "
    "AND a.client_id = CAST(:c AS text) AND a.aanbieder_id = o.aanbieder_id AND a.ingetrokken_at IS NULL)) "
    "AS client_ok "
    "FROM opdracht o WHERE o.id = ANY(:ids) AND o.gemeente_code = :g AND o.aanbieder_id = :a{guard} "
    "ORDER BY o.id FOR UPDATE OF o"
)
_OPDRACHTEN_VOOR_MELDING = text(_OPDRACHTEN_VOOR_MELDING_SQL.format(guard=""))
# The same behind the claim of the request's Idempotency-Key (a push over the API): nothing is read or locked unless
# the claim won, and one row tells whether it did, also when no opdracht matches.
_OPDRACHTEN_VOOR_MELDING_GECLAIMD = text(
    f"WITH {CLAIM_CTE}, o AS ("  # noqa: S608 - fixed text
    + _OPDRACHTEN_VOOR_MELDING_SQL.format(guard=" AND EXISTS (SELECT 1 FROM idempotency_claim)")
    + ") SELECT EXISTS (SELECT 1 FROM idempotency_claim) AS geclaimd, o.* FROM (VALUES (1)) AS een (x) "
    "LEFT JOIN o ON true"
)


@dataclass(frozen=True)
class Periodewijziging:
    opdracht_id: uuid.UUID
    soort: str
    van: date
    tot: date
    uren: tuple[Decimal, Decimal, Decimal]
    melding_id: uuid.UUID


MELDING_KOLOMMEN = (
    "id", "gemeente_code", "opdracht_id", "aanbieder_id", "soort", "gegevens", "sleutel", "kanaal", "aanlevering_id",
    "actor_client", "actor_user",
)  # fmt: skip
_MELDING_TYPES = {
    "id": "uuid",
    "opdracht_id": "uuid",
    "aanbieder_id": "uuid",
    "aanlevering_id": "uuid",
    "gegevens": "jsonb",
}
_PERIODE_KOLOMMEN = "opdracht_id, soort, van_datum, tot_datum, uren_a, uren_b, uren_c, melding_id"


def _where(guard: str | None) -> str:
    return f" WHERE {guard}" if guard else ""


@dataclass
class MeldingWrite:
    """The write of reports, their periods and their opdrachten's stands, each part a statement or a data-modifying
    CTE of one (parameters collected in `p`). `guard` makes a part write only when it holds (a CTE before it
    returned a row); `gemeld_at` is the report's time (else the statement's)."""

    p: Positional

    def _time(self, gemeld_at: datetime | None) -> str:
        return self.p(gemeld_at, "timestamptz") if gemeld_at is not None else "now()"

    def _rows(self, columns: Sequence[tuple[str, str, list[Any]]]) -> str:
        """The rows as a FROM item `rij` with the named columns and `n` (their order): one row as a VALUES of plain
        parameters (the push and a single report: the planner sees constants, as in a hand-written statement),
        more as arrays unnested (a file batch: one parameter per column, whatever the number of rows)."""
        names = ", ".join(name for name, _, _ in columns)
        if len(columns[0][2]) == 1:
            values = ", ".join(self.p(rows[0], kind) for _, kind, rows in columns)
            return f"(VALUES ({values}, 1)) AS rij({names}, n)"
        arrays = ", ".join(self.p(rows, f"{kind}[]") for _, kind, rows in columns)
        return f"unnest({arrays}) WITH ORDINALITY AS rij({names}, n)"

    def meldingen(
        self,
        records: Sequence[dict[str, Any]],
        *,
        gemeld_at: datetime | None = None,
        guard: str | None = None,
        skip_existing: bool = True,
    ) -> str:
        """Insert the reports in their order (of two equal ones the first wins), returning `id` and `gemeld_at` of
        those that are new. With `skip_existing=False` a report made before fails the statement instead."""
        rijen = {k: [r[k] for r in records] for k in MELDING_KOLOMMEN}
        rijen["gegevens"] = [json.dumps(g) for g in rijen["gegevens"]]
        kolommen = ", ".join(MELDING_KOLOMMEN)
        bron = self._rows([(k, _MELDING_TYPES.get(k, "text"), rijen[k]) for k in MELDING_KOLOMMEN])
        return (
            f"INSERT INTO melding ({kolommen}, gemeld_at) SELECT {kolommen}, {self._time(gemeld_at)} "  # noqa: S608 - placeholders only
            f"FROM {bron}{_where(guard)} ORDER BY n "
            + ("ON CONFLICT (opdracht_id, sleutel) DO NOTHING " if skip_existing else "")
            + "RETURNING id, gemeld_at"
        )

    def perioden(
        self, wijzigingen: Sequence[Periodewijziging], *, guard: str | None = None, overwrite: bool = True
    ) -> str:
        """Store the periods' hours (the report that set them last with them); `overwrite=False` leaves a period
        that is there already as it is. Returns a row per period written."""
        bron = self._rows(
            [
                ("opdracht_id", "uuid", [w.opdracht_id for w in wijzigingen]),
                ("soort", "text", [w.soort for w in wijzigingen]),
                ("van_datum", "date", [w.van for w in wijzigingen]),
                ("tot_datum", "date", [w.tot for w in wijzigingen]),
                *((f"uren_{x}", "numeric", [w.uren[i] for w in wijzigingen]) for i, x in enumerate("abc")),
                ("melding_id", "uuid", [w.melding_id for w in wijzigingen]),
            ]
        )
        bij_conflict = (
            "DO UPDATE SET uren_a = EXCLUDED.uren_a, uren_b = EXCLUDED.uren_b, uren_c = EXCLUDED.uren_c, "
            "melding_id = EXCLUDED.melding_id"
            if overwrite
            else "DO NOTHING"
        )
        return (
            f"INSERT INTO periode ({_PERIODE_KOLOMMEN}) SELECT {_PERIODE_KOLOMMEN} FROM {bron}{_where(guard)} "  # noqa: S608 - placeholders only
            f"ON CONFLICT (opdracht_id, soort, van_datum, tot_datum) {bij_conflict} RETURNING 1"
        )

    def standen(
        self,
        standen: Sequence[Opdrachtstand],
        *,
        gemeld_at: datetime | None = None,
        guard: str | None = None,
        rijversie: str | None = None,
    ) -> str:
        """Write the opdrachten's stand and status; with `rijversie` (one opdracht) only if its row is still the one
        read (its xmin). Returns a row per opdracht written."""
        bron = self._rows(
            [
                ("id", "uuid", [s.id for s in standen]),
                ("stand", "jsonb", [json.dumps(s.stand) for s in standen]),
                ("status", "text", [s.status for s in standen]),
            ]
        )
        versie = f" AND CAST(o.xmin AS text) = {self.p(rijversie, 'text')}" if rijversie is not None else ""
        extra = f" AND {guard}" if guard else ""
        return (
            "UPDATE opdracht o SET stand = rij.stand, status = rij.status, "  # noqa: S608 - placeholders only
            f"laatste_melding_at = {self._time(gemeld_at)} FROM {bron} WHERE o.id = rij.id{versie}{extra} RETURNING 1"
        )


async def _execute(session: AsyncSession, sql: str, p: Positional) -> CursorResult[Any]:
    """A statement of `MeldingWrite` in the session's transaction (asyncpg's own placeholders)."""
    conn = await session.connection()
    return await conn.exec_driver_sql(sql, tuple(p.values))


_PERIODEN = text(
    "SELECT p.opdracht_id, p.soort, p.van_datum, p.tot_datum, p.uren_a, p.uren_b, p.uren_c FROM periode p "
    "JOIN unnest(CAST(:o AS uuid[]), CAST(:s AS text[]), CAST(:v AS date[]), CAST(:t AS date[])) AS k(o, s, v, t) "
    "ON p.opdracht_id = k.o AND p.soort = k.s AND p.van_datum = k.v AND p.tot_datum = k.t"
)
_BESTAANDE_MELDING = text("SELECT id, gemeld_at, kanaal FROM melding WHERE opdracht_id = :o AND sleutel = :s")


class MeldingRepository:
    """Reports under their opdrachten' row locks (the portal, file batches and a push that kept losing its race)."""

    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def lock_for_melding(
        self,
        aanbieder_id: uuid.UUID,
        ids: Sequence[uuid.UUID],
        client_id: str | None,
        claim: IdempotencyClaim | None = None,
    ) -> tuple[dict[uuid.UUID, Opdrachtstand], bool | None]:
        """The opdrachten, locked, and whether `client_id` is registered for their aanbieder (None: no rows to
        tell it by). With `claim`, the Idempotency-Key is claimed first in the same statement (`claim.won`); a
        claim that lost reads nothing."""
        params = {"ids": list(ids), "g": self.gemeente, "a": aanbieder_id, "c": client_id}
        if claim is None:
            rows = (await self.session.execute(_OPDRACHTEN_VOOR_MELDING, params)).all()
        else:
            rows = (await self.session.execute(_OPDRACHTEN_VOOR_MELDING_GECLAIMD, params | claim.params)).all()
            claim.won = bool(rows[0].geclaimd)
            rows = [row for row in rows if row.id is not None]
        return {row.id: opdrachtstand(row) for row in rows}, (rows[0].client_ok if rows else None)

    async def add_melding(
        self,
        values: dict[str, Any],
        periode: tuple[str, date, date] | None,
        uren: tuple[Decimal, Decimal, Decimal],
        stand: Opdrachtstand,
    ) -> tuple[datetime | None, bool, tuple[Decimal, Decimal, Decimal] | None]:
        """One round trip per report: insert it unless the same report is there already; for a period not reported
        before (the usual case: a new week or month) also store the period's hours and the opdracht's new stand
        (`stand`), computed by the caller on that assumption. The final SELECT reads the period as it was before this
        statement (CTE changes are invisible to it): when the period existed, nothing but the report was written and
        the caller applies the correction with the stored hours (`update_standen`). Runs after the opdracht's row
        lock is held, so its snapshot sees every earlier report about this opdracht.

        Returns the report's time (None when the same report was there already), whether the stand given was
        written, and the hours its period held before."""
        p = Positional()
        write = MeldingWrite(p)
        ctes = [f"m AS ({write.meldingen([values])})"]
        nieuw = "EXISTS (SELECT 1 FROM m)"
        oud = "(SELECT NULL::numeric AS uren_a, NULL::numeric AS uren_b, NULL::numeric AS uren_c) AS oud"
        if periode is not None:
            wijziging = Periodewijziging(values["opdracht_id"], *periode, uren, values["id"])
            ctes.append(f"p AS ({write.perioden([wijziging], guard=nieuw, overwrite=False)})")
            nieuw += " AND EXISTS (SELECT 1 FROM p)"
            oud = (
                f"LEFT JOIN periode oud ON oud.opdracht_id = {p(values['opdracht_id'], 'uuid')} "
                f"AND oud.soort = {p(periode[0], 'text')} AND oud.van_datum = {p(periode[1], 'date')} "
                f"AND oud.tot_datum = {p(periode[2], 'date')}"
            )
        ctes.append(f"u AS ({write.standen([stand], guard=nieuw)})")
        bron = f"(SELECT 1) AS een {oud}" if periode is not None else oud
        sql = (
            f"WITH {', '.join(ctes)} SELECT (SELECT gemeld_at FROM m) AS gemeld_at, "  # noqa: S608 - placeholders only
            f"(SELECT count(*) FROM u) AS bijgewerkt, oud.uren_a, oud.uren_b, oud.uren_c FROM {bron}"
        )
        row = (await _execute(self.session, sql, p)).one()
        vorige = (row.uren_a, row.uren_b, row.uren_c) if row.uren_a is not None else None
        return row.gemeld_at, bool(row.bijgewerkt), vorige

    async def add_meldingen(self, records: Sequence[dict[str, Any]]) -> set[uuid.UUID]:
        """Insert many reports in one statement; the ids of those that were new (not already stored, not repeated
        earlier in `records`)."""
        if not records:
            return set()
        p = Positional()
        sql = MeldingWrite(p).meldingen(records)
        return {row.id for row in await _execute(self.session, sql, p)}

    async def get_perioden(
        self, sleutels: set[tuple[uuid.UUID, str, date, date]]
    ) -> dict[tuple[uuid.UUID, str, date, date], tuple[Decimal, Decimal, Decimal]]:
        if not sleutels:
            return {}
        lijst = sorted(sleutels)
        rows = await self.session.execute(
            _PERIODEN,
            {
                "o": [k[0] for k in lijst],
                "s": [k[1] for k in lijst],
                "v": [k[2] for k in lijst],
                "t": [k[3] for k in lijst],
            },
        )
        return {(r.opdracht_id, r.soort, r.van_datum, r.tot_datum): (r.uren_a, r.uren_b, r.uren_c) for r in rows}

    async def get_melding(self, opdracht_id: uuid.UUID, sleutel: str) -> Row[Any]:
        return (await self.session.execute(_BESTAANDE_MELDING, {"o": opdracht_id, "s": sleutel})).one()

    async def update_standen(self, standen: Sequence[Opdrachtstand], perioden: Sequence[Periodewijziging]) -> None:
        """Every changed period and opdracht stand of a request or file batch, in one statement."""
        if not standen:
            return
        p = Positional()
        write = MeldingWrite(p)
        sql = f"WITH pe AS ({write.perioden(perioden)}) {write.standen(standen)}"
        await _execute(self.session, sql, p)


def opdrachtstand(row: Row[Any] | asyncpg.Record) -> Opdrachtstand:
    r = row._mapping if isinstance(row, Row) else row
    return Opdrachtstand(
        id=r["id"],
        pip_id=r["pip_id"],
        inburgeraar_id=r["inburgeraar_id"],
        aanbieder_id=r["aanbieder_id"],
        onderdeel=r["onderdeel"],
        status=r["status"],
        geplande_startdatum=date.fromisoformat(r["start"]),
        uren=r["uren"] if isinstance(r["uren"], int) else None,
        stand=r["stand"],
    )
