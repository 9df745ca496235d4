"""Every query of the providers context. Each is scoped to the caller's gemeente, and provider queries to the
caller's aanbieder too: another's opdracht is not found, exactly like one that does not exist."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import Row, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.domain.enums import Dienst
from aanbieder_api.domain.meldnorm import Achterstand, Meldnormen
from aanbieder_api.models import (
    Aanbieder,
    Aanlevering,
    AanleveringAfwijzing,
    ApiClient,
    Contract,
    Melding,
    Opdracht,
    OpdrachtVersie,
    PipFeit,
)
from inburgering_kit.db import Positional
from inburgering_kit.idempotency import CLAIM_CTE, IdempotencyClaim
from inburgering_kit.pagination import PageParams, paginate


class AanbiederRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def add(self, record: Aanbieder | Contract | ApiClient) -> bool:
        """False when a unique key is taken (a KvK number, a client id), decided by the index also under races."""
        try:
            async with self.session.begin_nested():
                self.session.add(record)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def get(self, aanbieder_id: uuid.UUID, *, for_update: bool = False) -> Aanbieder | None:
        query = select(Aanbieder).where(Aanbieder.id == aanbieder_id, Aanbieder.gemeente_code == self.gemeente)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_kvk(self, kvk_nummer: str) -> Aanbieder | None:
        query = select(Aanbieder).where(Aanbieder.gemeente_code == self.gemeente, Aanbieder.kvk_nummer == kvk_nummer)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def list(
        self, paging: PageParams, *, dienst: str | None, kvk_nummer: str | None
    ) -> tuple[Sequence[Aanbieder], int]:
        query = select(Aanbieder).where(Aanbieder.gemeente_code == self.gemeente)
        if dienst is not None:
            query = query.where(Aanbieder.diensten.contains([dienst]))
        if kvk_nummer is not None:
            query = query.where(Aanbieder.kvk_nummer == kvk_nummer)
        return await paginate(self.session, query, paging, Aanbieder.naam, Aanbieder.id)

    async def contracten(self, aanbieder_id: uuid.UUID) -> Sequence[Contract]:
        query = (
            select(Contract)
            .where(Contract.aanbieder_id == aanbieder_id, Contract.gemeente_code == self.gemeente)
            .order_by(Contract.created_at)
        )
        return (await self.session.execute(query)).scalars().all()

    async def clients(self, aanbieder_id: uuid.UUID) -> Sequence[ApiClient]:
        query = (
            select(ApiClient)
            .where(ApiClient.aanbieder_id == aanbieder_id, ApiClient.gemeente_code == self.gemeente)
            .order_by(ApiClient.created_at)
        )
        return (await self.session.execute(query)).scalars().all()

    async def client(self, client_id: str, *, for_update: bool = False) -> ApiClient | None:
        query = select(ApiClient).where(ApiClient.gemeente_code == self.gemeente, ApiClient.client_id == client_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def client_geldig(self, client_id: str, aanbieder_id: uuid.UUID) -> bool:
        return (
            await self.session.execute(_CLIENT_GELDIG, {"g": self.gemeente, "c": client_id, "a": aanbieder_id})
        ).first() is not None


_CLIENT_GELDIG = text(
    "SELECT 1 FROM api_client WHERE gemeente_code = :g AND client_id = :c AND aanbieder_id = :a "
    "AND ingetrokken_at IS NULL"
)


@dataclass
class Opdrachtstand:
    """What a report needs of its opdracht, read (and locked) in one statement on the hot path."""

    id: uuid.UUID
    pip_id: uuid.UUID
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
    "FROM opdracht o WHERE o.id = ANY(:ids) AND o.gemeente_code = :g AND o.aanbieder_id = :a{voorwaarde} "
    "ORDER BY o.id FOR UPDATE OF o"
)
_OPDRACHTEN_VOOR_MELDING = text(_OPDRACHTEN_VOOR_MELDING_SQL.format(voorwaarde=""))
# The same behind the claim of the request's Idempotency-Key (a push over the API): nothing is read or locked unless
# the claim won, and one row tells whether it did, also when no opdracht matches.
_OPDRACHTEN_VOOR_MELDING_GECLAIMD = text(
    f"WITH {CLAIM_CTE}, o AS ("  # noqa: S608 - fixed text
    + _OPDRACHTEN_VOOR_MELDING_SQL.format(voorwaarde=" AND EXISTS (SELECT 1 FROM idempotency_claim)")
    + ") SELECT EXISTS (SELECT 1 FROM idempotency_claim) AS geclaimd, o.* FROM (VALUES (1)) AS een (x) "
    "LEFT JOIN o ON true"
)

_MELDING_KOLOMMEN = (
    "id", "gemeente_code", "opdracht_id", "aanbieder_id", "soort", "gegevens", "sleutel", "kanaal", "aanlevering_id",
    "actor_client", "actor_user",
)  # fmt: skip
# One round trip per report: insert it unless the same report is there already, and read what its period held.
# One round trip per report on the hot path: insert it unless the same report is there already; for a period not
# reported before (the usual case: a new week or month) also store the period's hours and the opdracht's new stand,
# computed by the caller on that assumption. The final SELECT reads the period as it was before this statement (CTE
# changes are invisible to it): when the period existed, nothing but the report was written and the caller applies
# the correction with the stored hours (a second statement). Runs after the opdracht's row lock is held, so its
# snapshot sees every earlier report about this opdracht.
_MELDING_INVOEGEN = text(
    "WITH m AS (INSERT INTO melding (" + ", ".join(_MELDING_KOLOMMEN) + ", gemeld_at) VALUES ("  # noqa: S608
    ":id, :gemeente_code, :opdracht_id, :aanbieder_id, :soort, CAST(:gegevens AS jsonb), :sleutel, :kanaal, "
    ":aanlevering_id, :actor_client, :actor_user, now()) "
    "ON CONFLICT (opdracht_id, sleutel) DO NOTHING RETURNING gemeld_at), "
    "p AS (INSERT INTO periode (opdracht_id, soort, van_datum, tot_datum, uren_a, uren_b, uren_c, melding_id) "
    "SELECT :opdracht_id, CAST(:p_soort AS text), CAST(:p_van AS date), CAST(:p_tot AS date), CAST(:p_a AS numeric), "
    "CAST(:p_b AS numeric), CAST(:p_c AS numeric), :id WHERE CAST(:p_soort AS text) IS NOT NULL "
    "AND EXISTS (SELECT 1 FROM m) ON CONFLICT (opdracht_id, soort, van_datum, tot_datum) DO NOTHING RETURNING 1), "
    "u AS (UPDATE opdracht SET stand = CAST(:stand AS jsonb), status = :status, laatste_melding_at = now() "
    "WHERE id = :opdracht_id AND EXISTS (SELECT 1 FROM m) "
    "AND (CAST(:p_soort AS text) IS NULL OR EXISTS (SELECT 1 FROM p)) RETURNING 1) "
    "SELECT (SELECT gemeld_at FROM m) AS gemeld_at, (SELECT count(*) FROM u) AS bijgewerkt, "
    "oud.uren_a, oud.uren_b, oud.uren_c FROM (SELECT 1) AS een "
    "LEFT JOIN periode oud ON oud.opdracht_id = :opdracht_id AND oud.soort = CAST(:p_soort AS text) "
    "AND oud.van_datum = CAST(:p_van AS date) AND oud.tot_datum = CAST(:p_tot AS date)"
)
_MELDING_TYPES = {
    "id": "uuid",
    "opdracht_id": "uuid",
    "aanbieder_id": "uuid",
    "aanlevering_id": "uuid",
    "gegevens": "jsonb",
    "gemeld_at": "timestamptz",
}
# A file batch's reports in one statement, in row order (WITH ORDINALITY), so of two equal rows the first wins.
_MELDINGEN_INVOEGEN = text(
    "INSERT INTO melding (" + ", ".join(_MELDING_KOLOMMEN) + ", gemeld_at) "  # noqa: S608 - our own names
    "SELECT "
    + ", ".join(_MELDING_KOLOMMEN)
    + ", now() FROM unnest("
    + ", ".join(f"CAST(:{k} AS {_MELDING_TYPES.get(k, 'text')}[])" for k in _MELDING_KOLOMMEN)
    + ") WITH ORDINALITY AS u("
    + ", ".join(_MELDING_KOLOMMEN)
    + ", n) ORDER BY n "
    "ON CONFLICT (opdracht_id, sleutel) DO NOTHING RETURNING id"
)
_PERIODEN = text(
    "SELECT p.opdracht_id, p.soort, p.van_datum, p.tot_datum, p.uren_a, p.uren_b, p.uren_c FROM periode p "
    "JOIN unnest(CAST(:o AS uuid[]), CAST(:s AS text[]), CAST(:v AS date[]), CAST(:t AS date[])) AS k(o, s, v, t) "
    "ON p.opdracht_id = k.o AND p.soort = k.s AND p.van_datum = k.v AND p.tot_datum = k.t"
)
_BESTAANDE_MELDING = text("SELECT id, gemeld_at, kanaal FROM melding WHERE opdracht_id = :o AND sleutel = :s")
# Written once per request or file batch: every changed period and opdracht stand in one statement.
_STANDEN_BIJWERKEN = text(
    "WITH p AS (INSERT INTO periode (opdracht_id, soort, van_datum, tot_datum, uren_a, uren_b, uren_c, melding_id) "
    "SELECT * FROM unnest(CAST(:p_o AS uuid[]), CAST(:p_s AS text[]), CAST(:p_v AS date[]), CAST(:p_t AS date[]), "
    "CAST(:p_a AS numeric[]), CAST(:p_b AS numeric[]), CAST(:p_c AS numeric[]), CAST(:p_m AS uuid[])) "
    "ON CONFLICT (opdracht_id, soort, van_datum, tot_datum) DO UPDATE SET uren_a = EXCLUDED.uren_a, "
    "uren_b = EXCLUDED.uren_b, uren_c = EXCLUDED.uren_c, melding_id = EXCLUDED.melding_id) "
    "UPDATE opdracht o SET stand = u.stand, status = u.status, laatste_melding_at = now() "
    "FROM unnest(CAST(:o_id AS uuid[]), CAST(:o_stand AS jsonb[]), CAST(:o_status AS text[])) AS u(id, stand, status) "
    "WHERE o.id = u.id"
)


# The running opdrachten of the gemeente (of one aanbieder: `{aanbieder}`) and every norm each is behind on at the
# peildatum: `meldnorm.achterstanden` applied to all of them at once, every value of the rule a parameter from
# `Meldnormen` (a test holds the two equal). Of one opdracht's two norms the start comes first (`volgorde`), as that
# function lists them. The index on (gemeente_code, status, aanbieder_id) keeps finished opdrachten unread; the
# dates judged live in the stand, which every report rewrites, so nothing derived from them is indexed: a report's
# update of its opdracht stays HOT.
_ACHTERSTANDEN_CTES = (
    "lopend AS (SELECT id, aanbieder_id, onderdeel, status, CAST(inhoud->>'geplandeStartdatum' AS date) AS gepland, "
    "CAST(stand->>'gerealiseerdeStartdatum' AS date) AS gestart, CAST(stand->>'laatstePeriodeTot' AS date) AS tot, "
    "stand->>'urenAanwezig' AS uren_aanwezig, inhoud->>'uren' AS uren "
    "FROM opdracht WHERE gemeente_code = :g AND status = ANY(CAST(:lopend AS text[])){aanbieder}), "
    "verwacht AS (SELECT id, aanbieder_id, onderdeel, tot, 1 AS volgorde, CAST(:start_norm AS text) AS norm, "
    "gepland + CAST(:start_dagen AS integer) AS uiterlijk FROM lopend "
    "WHERE gestart IS NULL AND status = CAST(:start_open AS text) "
    "UNION ALL "
    # The month of the first day no reported period covers: its report is due the norm's days after its last day.
    "SELECT id, aanbieder_id, onderdeel, tot, 2, CAST(:aanwezigheid_norm AS text), "
    "CAST(date_trunc('month', CAST(GREATEST(begin, tot + 1) AS timestamp)) + interval '1 month' AS date) - 1 "
    "+ CAST(:aanwezigheid_dagen AS integer) "
    "FROM (SELECT *, COALESCE(gestart, gepland) AS begin FROM lopend) AS l "
    "WHERE onderdeel <> ALL(CAST(:zonder_aanwezigheid AS text[])) AND begin <= CAST(:peildatum AS date)), "
    "te_laat AS (SELECT *, CAST(:peildatum AS date) - uiterlijk AS dagen_te_laat FROM verwacht "
    "WHERE uiterlijk < CAST(:peildatum AS date))"
)
# One page, most days late first, the total, and every opdracht behind on any page (for the processing log): one
# snapshot, one round trip.
_MELDACHTERSTANDEN_SQL = (
    "WITH " + _ACHTERSTANDEN_CTES + " SELECT (SELECT count(*) FROM te_laat) AS totaal, "  # noqa: S608 - fixed text
    "ARRAY(SELECT id FROM te_laat GROUP BY id ORDER BY max(dagen_te_laat) DESC, id) AS opdrachten, "
    "ARRAY(SELECT ROW(id, aanbieder_id, onderdeel, norm, uiterlijk, tot, dagen_te_laat) FROM te_laat "
    "ORDER BY dagen_te_laat DESC, id, volgorde LIMIT :limit OFFSET :offset) AS pagina"
)
_MELDACHTERSTANDEN = text(_MELDACHTERSTANDEN_SQL.format(aanbieder=""))
_MELDACHTERSTANDEN_AANBIEDER = text(_MELDACHTERSTANDEN_SQL.format(aanbieder=" AND aanbieder_id = :a"))
# An aanbieder's running opdrachten, their hours, how many norms they are behind on, and all it ever reported.
_MELDGEDRAG = text(
    "WITH " + _ACHTERSTANDEN_CTES.format(aanbieder=" AND aanbieder_id = :a") + " "  # noqa: S608 - fixed text
    "SELECT l.opdrachten_lopend, l.uren_aanwezig, l.uren_gecontracteerd, "
    "(SELECT count(*) FROM te_laat) AS achterstanden, m.meldingen, m.laatste_melding_op "
    "FROM (SELECT count(*) AS opdrachten_lopend, COALESCE(sum(CAST(uren_aanwezig AS numeric)), 0) AS uren_aanwezig, "
    "COALESCE(sum(CAST(uren AS integer)), 0) AS uren_gecontracteerd FROM lopend) AS l, "
    "(SELECT count(*) AS meldingen, max(gemeld_at) AS laatste_melding_op FROM melding "
    "WHERE gemeente_code = :g AND aanbieder_id = :a) AS m"
)


def _normparameters(normen: Meldnormen, peildatum: date) -> dict[str, Any]:
    return {
        "peildatum": peildatum,
        "lopend": sorted(s.value for s in normen.lopend),
        "start_open": normen.start_open.value,
        "start_norm": normen.start.naam,
        "start_dagen": normen.start.dagen,
        "aanwezigheid_norm": normen.aanwezigheid_per_maand.naam,
        "aanwezigheid_dagen": normen.aanwezigheid_per_maand.dagen,
        "zonder_aanwezigheid": sorted(d.value for d in normen.zonder_aanwezigheid),
    }


@dataclass(frozen=True)
class OpdrachtAchterstand:
    opdracht_id: uuid.UUID
    aanbieder_id: uuid.UUID
    onderdeel: Dienst
    achterstand: Achterstand
    laatst_gemeld_tot: date | None
    bron: str


@dataclass(frozen=True)
class Meldachterstanden:
    pagina: list[OpdrachtAchterstand]
    totaal: int
    # Every opdracht behind on a norm, on this page or another, most days late first.
    opdrachten: list[uuid.UUID]


@dataclass(frozen=True)
class AanbiederMeldgedrag:
    opdrachten_lopend: int
    meldingen: int
    laatste_melding_op: datetime | None
    achterstanden: int
    uren_aanwezig: Decimal
    uren_gecontracteerd: int


@dataclass(frozen=True)
class Periodewijziging:
    opdracht_id: uuid.UUID
    soort: str
    van: date
    tot: date
    uren: tuple[Decimal, Decimal, Decimal]
    melding_id: uuid.UUID


class OpdrachtRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    # ---- the gemeente's side ----

    async def pip(self, pip_id: uuid.UUID) -> PipFeit | None:
        query = select(PipFeit).where(PipFeit.pip_id == pip_id, PipFeit.gemeente_code == self.gemeente)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def pip_versies(self, pip_ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not pip_ids:
            return {}
        query = select(PipFeit.pip_id, PipFeit.versie).where(
            PipFeit.pip_id.in_(pip_ids), PipFeit.gemeente_code == self.gemeente
        )
        return {row.pip_id: row.versie for row in await self.session.execute(query)}

    async def add(self, record: Opdracht | OpdrachtVersie) -> None:
        self.session.add(record)
        await self.session.flush()

    async def get(self, opdracht_id: uuid.UUID, *, for_update: bool = False) -> Opdracht | None:
        query = select(Opdracht).where(Opdracht.id == opdracht_id, Opdracht.gemeente_code == self.gemeente)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def list(
        self,
        paging: PageParams,
        *,
        aanbieder_id: uuid.UUID | None = None,
        pip_id: uuid.UUID | None = None,
        status: str | None = None,
        gewijzigd_sinds: datetime | None = None,
        pip_te_herzien: bool | None = None,
    ) -> tuple[Sequence[Opdracht], int]:
        query = select(Opdracht).where(Opdracht.gemeente_code == self.gemeente)
        if aanbieder_id is not None:
            query = query.where(Opdracht.aanbieder_id == aanbieder_id)
        if pip_id is not None:
            query = query.where(Opdracht.pip_id == pip_id)
        if status is not None:
            query = query.where(Opdracht.status == status)
        if gewijzigd_sinds is not None:
            query = query.where(Opdracht.gewijzigd_at > gewijzigd_sinds)
        if pip_te_herzien is not None:
            herzien = select(PipFeit.versie).where(PipFeit.pip_id == Opdracht.pip_id).scalar_subquery()
            query = query.where((Opdracht.pip_versie < herzien) == pip_te_herzien)
        order = (Opdracht.gewijzigd_at, Opdracht.id) if gewijzigd_sinds is not None else (Opdracht.created_at.desc(),)
        return await paginate(self.session, query, paging, *order, Opdracht.id)

    async def van_pip(self, pip_id: uuid.UUID) -> Sequence[Opdracht]:
        query = select(Opdracht).where(Opdracht.pip_id == pip_id).order_by(Opdracht.created_at).with_for_update()
        return (await self.session.execute(query)).scalars().all()

    async def versies(self, opdracht_id: uuid.UUID) -> Sequence[OpdrachtVersie]:
        query = select(OpdrachtVersie).where(OpdrachtVersie.opdracht_id == opdracht_id).order_by(OpdrachtVersie.versie)
        return (await self.session.execute(query)).scalars().all()

    async def versie(self, opdracht_id: uuid.UUID, versie: int) -> OpdrachtVersie | None:
        query = select(OpdrachtVersie).where(OpdrachtVersie.opdracht_id == opdracht_id, OpdrachtVersie.versie == versie)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def meldingen(
        self, paging: PageParams, *, opdracht_id: uuid.UUID | None = None, aanbieder_id: uuid.UUID | None = None,
        soort: str | None = None, vanaf: datetime | None = None,
    ) -> tuple[Sequence[Melding], int]:  # fmt: skip
        query = select(Melding).where(Melding.gemeente_code == self.gemeente)
        if opdracht_id is not None:
            query = query.where(Melding.opdracht_id == opdracht_id)
        if aanbieder_id is not None:
            query = query.where(Melding.aanbieder_id == aanbieder_id)
        if soort is not None:
            query = query.where(Melding.soort == soort)
        if vanaf is not None:
            query = query.where(Melding.gemeld_at >= vanaf)
        return await paginate(self.session, query, paging, Melding.gemeld_at.desc(), Melding.id)

    async def melding(self, melding_id: uuid.UUID) -> Melding | None:
        query = select(Melding).where(Melding.id == melding_id, Melding.gemeente_code == self.gemeente)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def meldachterstanden(
        self, normen: Meldnormen, peildatum: date, aanbieder_id: uuid.UUID | None, paging: PageParams
    ) -> Meldachterstanden:
        query = _MELDACHTERSTANDEN if aanbieder_id is None else _MELDACHTERSTANDEN_AANBIEDER
        params = {
            **_normparameters(normen, peildatum), "g": self.gemeente, "limit": paging.page_size,
            "offset": paging.offset,
        }  # fmt: skip
        if aanbieder_id is not None:
            params["a"] = aanbieder_id
        row = (await self.session.execute(query, params)).one()
        pagina = [
            OpdrachtAchterstand(
                opdracht_id, aanbieder, Dienst(onderdeel), Achterstand(norm, uiterlijk, dagen), tot, normen.bron(norm)
            )
            for opdracht_id, aanbieder, onderdeel, norm, uiterlijk, tot, dagen in row.pagina
        ]
        return Meldachterstanden(pagina, row.totaal, list(row.opdrachten))

    async def meldgedrag(self, normen: Meldnormen, peildatum: date, aanbieder_id: uuid.UUID) -> AanbiederMeldgedrag:
        params = {**_normparameters(normen, peildatum), "g": self.gemeente, "a": aanbieder_id}
        row = (await self.session.execute(_MELDGEDRAG, params)).one()
        return AanbiederMeldgedrag(
            opdrachten_lopend=row.opdrachten_lopend,
            meldingen=row.meldingen,
            laatste_melding_op=row.laatste_melding_op,
            achterstanden=row.achterstanden,
            uren_aanwezig=row.uren_aanwezig,
            uren_gecontracteerd=row.uren_gecontracteerd,
        )

    # ---- the provider's hot path ----

    async def voor_melding(
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
        return {row.id: _opdrachtstand(row) for row in rows}, (rows[0].client_ok if rows else None)

    async def voeg_melding_in(
        self,
        values: dict[str, Any],
        periode: tuple[str, date, date] | None,
        uren: tuple[Decimal, Decimal, Decimal],
        stand: dict[str, Any],
        status: str,
    ) -> tuple[datetime | None, bool, tuple[Decimal, Decimal, Decimal] | None]:
        """Insert a report (see `_MELDING_INVOEGEN`): its time (None when the same report was there already),
        whether the stand given was written, and the hours its period held before."""
        p_soort, p_van, p_tot = periode if periode else (None, None, None)
        row = (
            await self.session.execute(
                _MELDING_INVOEGEN,
                {
                    **values,
                    "gegevens": json.dumps(values["gegevens"]),
                    "p_soort": p_soort,
                    "p_van": p_van,
                    "p_tot": p_tot,
                    "p_a": uren[0],
                    "p_b": uren[1],
                    "p_c": uren[2],
                    "stand": json.dumps(stand),
                    "status": status,
                },
            )
        ).one()
        oud = (row.uren_a, row.uren_b, row.uren_c) if row.uren_a is not None else None
        return row.gemeld_at, bool(row.bijgewerkt), oud

    async def voeg_meldingen_in(self, records: Sequence[dict[str, Any]]) -> set[uuid.UUID]:
        """Insert many reports in one statement; the ids of those that were new (not already stored, not repeated
        earlier in `records`)."""
        if not records:
            return set()
        kolommen = {k: [r[k] for r in records] for k in _MELDING_KOLOMMEN}
        kolommen["gegevens"] = [json.dumps(g) for g in kolommen["gegevens"]]
        rows = await self.session.execute(_MELDINGEN_INVOEGEN, kolommen)
        return set(rows.scalars().all())

    async def perioden(
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

    async def bestaande_melding(self, opdracht_id: uuid.UUID, sleutel: str) -> Row[Any]:
        return (await self.session.execute(_BESTAANDE_MELDING, {"o": opdracht_id, "s": sleutel})).one()

    async def werk_standen_bij(self, standen: Sequence[Opdrachtstand], perioden: Sequence[Periodewijziging]) -> None:
        if not standen:
            return
        await self.session.execute(
            _STANDEN_BIJWERKEN,
            {
                "p_o": [p.opdracht_id for p in perioden],
                "p_s": [p.soort for p in perioden],
                "p_v": [p.van for p in perioden],
                "p_t": [p.tot for p in perioden],
                "p_a": [p.uren[0] for p in perioden],
                "p_b": [p.uren[1] for p in perioden],
                "p_c": [p.uren[2] for p in perioden],
                "p_m": [p.melding_id for p in perioden],
                "o_id": [s.id for s in standen],
                "o_stand": [json.dumps(s.stand) for s in standen],
                "o_status": [s.status for s in standen],
            },
        )


def _opdrachtstand(row: Row[Any] | asyncpg.Record) -> Opdrachtstand:
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


# ---- a push over the API: one statement reads, one writes, each committing on its own ----

# Everything a push decides on, from one snapshot: the stored answer of its Idempotency-Key, the client's
# registration, the opdracht with its row version (xmin), the same report if it was made before and the hours its
# period held. Every report that changes an opdracht's reports or periods also updates the opdracht row (its stand),
# so an unchanged row version at write time means all of this is still true.
_PUSH_LEZEN = (
    "SELECT k.request_hash, k.status_code, k.response_body, "
    "(CAST($4 AS text) IS NULL OR EXISTS (SELECT 1 FROM api_client a WHERE a.gemeente_code = $2 "
    "AND a.client_id = CAST($4 AS text) AND a.aanbieder_id = $3 AND a.ingetrokken_at IS NULL)) AS client_ok, "
    "o.id, o.pip_id, o.inburgeraar_id, o.aanbieder_id, o.onderdeel, o.status, "
    "o.inhoud->>'geplandeStartdatum' AS start, o.inhoud->'uren' AS uren, o.stand, CAST(o.xmin AS text) AS rijversie, "
    "m.id AS m_id, m.gemeld_at AS m_gemeld_at, m.kanaal AS m_kanaal, p.uren_a, p.uren_b, p.uren_c "
    "FROM (VALUES (1)) AS een (x) "
    "LEFT JOIN idempotency_key k ON k.client_id = $5 AND k.key = $6 "
    "LEFT JOIN opdracht o ON o.id = $1 AND o.gemeente_code = $2 AND o.aanbieder_id = $3 "
    "LEFT JOIN melding m ON m.opdracht_id = o.id AND m.sleutel = $7 "
    "LEFT JOIN periode p ON p.opdracht_id = o.id AND p.soort = CAST($8 AS text) AND p.van_datum = CAST($9 AS date) "
    "AND p.tot_datum = CAST($10 AS date)"
)


@dataclass(frozen=True)
class Pushbeeld:
    """What `_PUSH_LEZEN` found."""

    antwoord: tuple[str, int, Any] | None  # the key's stored request hash, status code and body
    client_ok: bool
    opdracht: Opdrachtstand | None
    rijversie: str | None
    bestaand: tuple[uuid.UUID, datetime, str] | None  # the same report made before: id, time, channel
    periode: tuple[Decimal, Decimal, Decimal] | None


class PushRepository:
    """The two statements of a push, on a connection of its own (`RequestContext.own_connection`)."""

    def __init__(self, conn: asyncpg.Connection, gemeente: str) -> None:
        self.conn = conn
        self.gemeente = gemeente

    async def lees(
        self,
        opdracht_id: uuid.UUID,
        aanbieder_id: uuid.UUID,
        client_id: str | None,
        idempotency: tuple[str, str],
        sleutel: str,
        periode: tuple[str, date, date] | None,
    ) -> Pushbeeld:
        p_soort, p_van, p_tot = periode if periode else (None, None, None)
        r = await self.conn.fetchrow(
            _PUSH_LEZEN, opdracht_id, self.gemeente, aanbieder_id, client_id, *idempotency, sleutel, p_soort, p_van,
            p_tot,
        )  # fmt: skip
        assert r is not None
        return Pushbeeld(
            antwoord=(r["request_hash"], r["status_code"], r["response_body"]) if r["request_hash"] else None,
            client_ok=r["client_ok"],
            opdracht=_opdrachtstand(r) if r["id"] is not None else None,
            rijversie=r["rijversie"],
            bestaand=(r["m_id"], r["m_gemeld_at"], r["m_kanaal"]) if r["m_id"] is not None else None,
            periode=(r["uren_a"], r["uren_b"], r["uren_c"]) if r["uren_a"] is not None else None,
        )

    async def schrijf(
        self,
        p: Positional,
        claim: str,
        melding: dict[str, Any] | None,
        periode: Periodewijziging | None,
        opdracht: Opdrachtstand,
        rijversie: str | None,
        gemeld_at: datetime,
        verder: Sequence[str],
    ) -> bool:
        """One statement: the Idempotency-Key with its answer (`claim`), and, for a new report, the report, its
        period, the opdracht's stand and what the request collected (`verder`, guarded by CTE `u`). False when the
        key was taken meanwhile or the opdracht changed since `lees` (then nothing was written: read again)."""
        ctes = [f"k AS ({claim})"]
        slot = "0"
        if melding is not None:
            stand, status, versie = p(json.dumps(opdracht.stand), "jsonb"), p(opdracht.status), p(rijversie, "text")
            ctes.append(
                f"u AS (UPDATE opdracht SET stand = {stand}, status = {status}, "  # noqa: S608 - placeholders only
                f"laatste_melding_at = {p(gemeld_at, 'timestamptz')} WHERE id = {p(opdracht.id, 'uuid')} "
                f"AND CAST(xmin AS text) = {versie} AND EXISTS (SELECT 1 FROM k) RETURNING 1)"
            )
            waarden = {**melding, "gegevens": json.dumps(melding["gegevens"]), "gemeld_at": gemeld_at}
            kolommen = [*_MELDING_KOLOMMEN, "gemeld_at"]
            selectie = ", ".join(p(waarden[k], _MELDING_TYPES.get(k, "text")) for k in kolommen)
            ctes.append(f"m AS (INSERT INTO melding ({', '.join(kolommen)}) SELECT {selectie} FROM u)")  # noqa: S608
            if periode is not None:
                waarden_p = [
                    p(periode.opdracht_id, "uuid"), p(periode.soort, "text"), p(periode.van, "date"),
                    p(periode.tot, "date"), *(p(u, "numeric") for u in periode.uren), p(periode.melding_id, "uuid"),
                ]  # fmt: skip
                ctes.append(
                    "pe AS (INSERT INTO periode (opdracht_id, soort, van_datum, tot_datum, uren_a, uren_b, uren_c, "  # noqa: S608 - placeholders only
                    f"melding_id) SELECT {', '.join(waarden_p)} FROM u "
                    "ON CONFLICT (opdracht_id, soort, van_datum, tot_datum) DO UPDATE SET uren_a = EXCLUDED.uren_a, "
                    "uren_b = EXCLUDED.uren_b, uren_c = EXCLUDED.uren_c, melding_id = EXCLUDED.melding_id)"
                )
            ctes.extend(f"w{n} AS ({part})" for n, part in enumerate(verder))
            # A key claimed while the opdracht changed: the whole statement fails, the key's claim with it.
            slot = (
                "CASE WHEN EXISTS (SELECT 1 FROM k) AND NOT EXISTS (SELECT 1 FROM u) "
                "THEN melding_gelijktijdig_gewijzigd() ELSE 0 END"
            )
        sql = f"WITH {', '.join(ctes)} SELECT (SELECT count(*) FROM k) AS geclaimd, {slot} AS conflict"  # noqa: S608
        try:
            r = await self.conn.fetchrow(sql, *p.values)
        except asyncpg.SerializationError:
            return False
        assert r is not None
        return bool(r["geclaimd"])


class AanleveringRepository:
    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def add(self, aanlevering: Aanlevering) -> bool:
        try:
            async with self.session.begin_nested():
                self.session.add(aanlevering)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def get(self, aanlevering_id: uuid.UUID, aanbieder_id: uuid.UUID | None) -> Aanlevering | None:
        query = select(Aanlevering).where(Aanlevering.id == aanlevering_id, Aanlevering.gemeente_code == self.gemeente)
        if aanbieder_id is not None:
            query = query.where(Aanlevering.aanbieder_id == aanbieder_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_hash(self, aanbieder_id: uuid.UUID, bestand_hash: str) -> Aanlevering | None:
        query = select(Aanlevering).where(
            Aanlevering.gemeente_code == self.gemeente,
            Aanlevering.aanbieder_id == aanbieder_id,
            Aanlevering.bestand_hash == bestand_hash,
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def list(self, paging: PageParams, aanbieder_id: uuid.UUID | None) -> tuple[Sequence[Aanlevering], int]:
        query = select(Aanlevering).where(Aanlevering.gemeente_code == self.gemeente)
        if aanbieder_id is not None:
            query = query.where(Aanlevering.aanbieder_id == aanbieder_id)
        return await paginate(self.session, query, paging, Aanlevering.created_at.desc(), Aanlevering.id)

    async def afwijzingen(
        self, aanlevering_id: uuid.UUID, paging: PageParams
    ) -> tuple[Sequence[AanleveringAfwijzing], int]:
        query = select(AanleveringAfwijzing).where(AanleveringAfwijzing.aanlevering_id == aanlevering_id)
        return await paginate(self.session, query, paging, AanleveringAfwijzing.regel)

    async def wijs_af(self, aanlevering_id: uuid.UUID, afwijzingen: Sequence[tuple[int, Any]]) -> None:
        if afwijzingen:
            await self.session.execute(
                text(
                    "INSERT INTO aanlevering_afwijzing (aanlevering_id, regel, fouten) "
                    "SELECT :a, r, f FROM unnest(CAST(:r AS integer[]), CAST(:f AS jsonb[])) AS u(r, f) "
                    "ON CONFLICT (aanlevering_id, regel) DO NOTHING"
                ),
                {"a": aanlevering_id, "r": [r for r, _ in afwijzingen], "f": [json.dumps(f) for _, f in afwijzingen]},
            )

    async def openstaand(self) -> Sequence[uuid.UUID]:
        """Uploads not yet fully processed, of every gemeente (a restarted worker resumes them)."""
        query = select(Aanlevering.id).where(Aanlevering.status != "verwerkt").order_by(Aanlevering.created_at)
        return (await self.session.execute(query)).scalars().all()
