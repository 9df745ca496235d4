"""Verwerkingenlogging, after Logius' "Logboek Dataverwerkingen": who processed whose personal data,
why (the processing activity and its legal ground), how, with what result, in which trace.

Records are written in the transaction of the processing itself, so a processing that rolled back left
no record and a record never exists without its processing. The table is append-only (a trigger refuses
UPDATE and DELETE). The data subject is pseudonymised with a keyed hash of the BSN: the privacy officer
finds a person's records by BSN through `POST /verwerkingen/_zoek`, the log itself never holds the BSN.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import DateTime, Index, String, func, select, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from inburgering_kit import tracing
from inburgering_kit.auth import Principal, require_scopes, require_tenant
from inburgering_kit.bsn import Bsn, BsnField, pseudonymise
from inburgering_kit.db import KitBase, Session
from inburgering_kit.pagination import Page, Paging, paginate
from inburgering_kit.types import TEXT_PATTERN, Tijdstip


class Actie(StrEnum):
    LEZEN = "lezen"
    ZOEKEN = "zoeken"
    AANMAKEN = "aanmaken"
    WIJZIGEN = "wijzigen"
    VERWIJDEREN = "verwijderen"


@dataclass(frozen=True)
class Verwerkingsactiviteit:
    """A processing activity from the register of processing activities, with its legal ground."""

    naam: str
    grondslag: str


class Verwerking(KitBase):
    __tablename__ = "verwerking"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    trace_id: Mapped[str] = mapped_column(String(32))
    span_id: Mapped[str] = mapped_column(String(16))
    parent_span_id: Mapped[str | None] = mapped_column(String(16))
    activiteit: Mapped[str] = mapped_column(String(200))
    grondslag: Mapped[str] = mapped_column(String(300))
    actie: Mapped[str] = mapped_column(String(20))
    resultaat: Mapped[str] = mapped_column(String(20))
    gemeente_code: Mapped[str | None] = mapped_column(String(4))
    betrokkene: Mapped[str | None] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(100))
    object_id: Mapped[str | None] = mapped_column(String(100))
    actor_client: Mapped[str] = mapped_column(String(200))
    actor_user: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_verwerking_betrokkene", "gemeente_code", "betrokkene", "at"),
        Index("ix_verwerking_object", "gemeente_code", "object_id", "at"),
    )


# Executed by each service's first migration: the log is append-only at the database level too.
APPEND_ONLY_SQL = [
    """
    CREATE OR REPLACE FUNCTION verwerking_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'verwerkingenlog is append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER verwerking_append_only BEFORE UPDATE OR DELETE ON verwerking
    FOR EACH ROW EXECUTE FUNCTION verwerking_append_only()
    """,
]
# The retention job alone may delete (Besluit inburgering art. 9.9; see `retentie`): it sets this transaction-local
# setting first. UPDATE stays refused for everyone. Not a security boundary against whoever holds the service's
# database credentials (they could drop the trigger too): it keeps every other code path, and mistakes, out.
RETENTIE_SETTING = "inburgering.retentie"
APPEND_ONLY_V2_SQL = [
    f"""
    CREATE OR REPLACE FUNCTION verwerking_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND current_setting('{RETENTIE_SETTING}', true) = 'aan' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'verwerkingenlog is append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
]
DROP_APPEND_ONLY_SQL = [
    "DROP TRIGGER IF EXISTS verwerking_append_only ON verwerking",
    "DROP FUNCTION IF EXISTS verwerking_append_only()",
]


VERWERKING_COLUMNS = (
    "id", "trace_id", "span_id", "parent_span_id", "activiteit", "grondslag", "actie", "resultaat", "gemeente_code",
    "betrokkene", "object_type", "object_id", "actor_client", "actor_user",
)  # fmt: skip
# Prepared once: this insert runs on every read and write of personal data.
_INSERT_VERWERKING = text(
    f"INSERT INTO verwerking ({', '.join(VERWERKING_COLUMNS)}, at) "  # noqa: S608 - our own column names, no input
    f"VALUES (CAST(:id AS uuid), {', '.join(':' + c for c in VERWERKING_COLUMNS[1:])}, now())"
)
# The same for asyncpg itself, every column an array: any number of records in one statement and one round trip.
_INSERT_VERWERKINGEN_ARRAYS = (
    f"INSERT INTO verwerking ({', '.join(VERWERKING_COLUMNS)}, at) "  # noqa: S608 - our own column names, no input
    "SELECT *, now() FROM unnest("
    + ", ".join(f"CAST(${n} AS {'uuid' if c == 'id' else 'text'}[])" for n, c in enumerate(VERWERKING_COLUMNS, 1))
    + ")"
)


# What the betrokkene key is derived for: a separate key, so a pseudonym of an inburgeraar id and one of a BSN are
# never computed with the same key (see `Verwerkingslog.betrokkene_van`).
_BETROKKENE_LABEL = b"verwerkingenlog-betrokkene-v1"


def betrokkene_sleutel(pseudonym_key: bytes) -> bytes:
    """The key of the cross-service betrokkene pseudonym, derived from the deployment's pseudonym key."""
    if not pseudonym_key:
        raise ValueError("pseudonimiseringssleutel ontbreekt")
    return hmac.new(pseudonym_key, _BETROKKENE_LABEL, hashlib.sha256).digest()


class Verwerkingslog:
    """Writes processing records; one per service, on `app.state.verwerkingslog`."""

    def __init__(self, pseudonym_key: bytes) -> None:
        self._key = pseudonym_key
        self._betrokkene_key = betrokkene_sleutel(pseudonym_key)
        # Set by the one service that holds the BSN: the inburgeraar ids a BSN has in a gemeente, so a search by BSN
        # also finds the records kept under `betrokkene_van`.
        self.ids_van_bsn: Callable[[AsyncSession, str, Bsn], Awaitable[Sequence[uuid.UUID]]] | None = None

    async def betrokkenen_van_bsn(self, session: AsyncSession, gemeente: str, bsn: Bsn) -> list[str]:
        """Every pseudonym a person's records in this service can carry: of the BSN, and of its inburgeraar ids."""
        found = [pseudonymise(bsn, self._key)]
        if self.ids_van_bsn is not None:
            found += [str(self.betrokkene_van(i)) for i in await self.ids_van_bsn(session, gemeente, bsn)]
        return found

    def betrokkene(self, bsn: Bsn | None) -> str | None:
        """The keyed hash of a BSN: for processing of a person not (yet) registered, known by BSN only."""
        return pseudonymise(bsn, self._key) if bsn is not None else None

    def betrokkene_van(self, inburgeraar_id: uuid.UUID | None) -> str | None:
        """The data subject as every service records it: a keyed hash of the inburgeraar's id (the registration in
        one gemeente), computed alike by every service that knows the id from the events, so none of them needs the
        BSN and nothing from which a BSN could be recovered travels anywhere. It differs per gemeente (a person
        registered in two gemeenten has two ids), so it cannot link a person across gemeenten, and it never leaves
        the gemeente's own services: not in events (notificaties forwards those to webhook subscribers, providers
        among them), not to providers. See docs in `privacy`."""
        if inburgeraar_id is None:
            return None
        return hmac.new(self._betrokkene_key, str(inburgeraar_id).encode("ascii"), hashlib.sha256).hexdigest()

    async def record(
        self,
        session: AsyncSession,
        principal: Principal,
        activiteit: Verwerkingsactiviteit,
        actie: Actie,
        *,
        object_type: str,
        object_id: uuid.UUID | str | None,
        betrokkene: str | None,
        resultaat: str = "geslaagd",
    ) -> None:
        await self.record_many(
            session,
            principal,
            activiteit,
            actie,
            object_type=object_type,
            subjects=[(object_id, betrokkene)],
            resultaat=resultaat,
        )

    async def record_many(
        self,
        session: AsyncSession,
        principal: Principal,
        activiteit: Verwerkingsactiviteit,
        actie: Actie,
        *,
        object_type: str,
        subjects: Sequence[tuple[uuid.UUID | str | None, str | None]],
        resultaat: str = "geslaagd",
    ) -> None:
        """One record per (object id, betrokkene), in one statement: a listing processes every row it shows."""
        rows = self.rows(principal, activiteit, actie, object_type=object_type, subjects=subjects, resultaat=resultaat)
        if rows:
            await session.execute(_INSERT_VERWERKING, rows)

    async def record_many_on(
        self,
        conn: asyncpg.Connection,
        principal: Principal,
        activiteit: Verwerkingsactiviteit,
        actie: Actie,
        *,
        object_type: str,
        subjects: Sequence[tuple[uuid.UUID | str | None, str | None]],
    ) -> None:
        """As `record_many`, on a connection of asyncpg itself, committed on its own: for work outside a request's
        transaction (a streamed export logs each batch as it sends it)."""
        rows = self.rows(principal, activiteit, actie, object_type=object_type, subjects=subjects)
        if rows:
            await conn.execute(_INSERT_VERWERKINGEN_ARRAYS, *([row[c] for row in rows] for c in VERWERKING_COLUMNS))

    @staticmethod
    def rows(
        principal: Principal,
        activiteit: Verwerkingsactiviteit,
        actie: Actie,
        *,
        object_type: str,
        subjects: Sequence[tuple[uuid.UUID | str | None, str | None]],
        resultaat: str = "geslaagd",
    ) -> list[dict[str, str | None]]:
        trace = tracing.current()
        common = {
            "trace_id": trace.trace_id,
            "span_id": trace.span_id,
            "parent_span_id": trace.parent_span_id,
            "activiteit": activiteit.naam,
            "grondslag": activiteit.grondslag,
            "actie": actie.value,
            "resultaat": resultaat,
            "gemeente_code": principal.gemeente_code,
            "object_type": object_type,
            "actor_client": principal.client_id,
            "actor_user": principal.user,
        }
        return [
            {**common, "id": str(uuid.uuid4()), "object_id": str(o) if o is not None else None, "betrokkene": b}
            for o, b in subjects
        ]


def get_verwerkingslog(request: Request) -> Verwerkingslog:
    log: Verwerkingslog = request.app.state.verwerkingslog
    return log


VerwerkingslogDep = Annotated[Verwerkingslog, Depends(get_verwerkingslog)]

SCOPE_VERWERKINGEN_LEZEN = "verwerkingen:lezen"
INZIEN_LOG = Verwerkingsactiviteit(
    naam="inzien verwerkingenlog",
    grondslag="AVG art. 5 lid 2 en art. 30 (verantwoordingsplicht); toezicht door de functionaris gegevensbescherming",
)


class VerwerkingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    tijdstip: datetime = Field(validation_alias="at")
    traceId: str = Field(validation_alias="trace_id")  # noqa: N815
    spanId: str = Field(validation_alias="span_id")  # noqa: N815
    parentSpanId: str | None = Field(validation_alias="parent_span_id")  # noqa: N815
    activiteit: str
    grondslag: str
    actie: str
    resultaat: str
    betrokkene: str | None = Field(description="Pseudoniem van de betrokkene (sleutel-hash van het BSN).")
    objectType: str = Field(validation_alias="object_type")  # noqa: N815
    objectId: str | None = Field(validation_alias="object_id")  # noqa: N815
    actorClient: str = Field(validation_alias="actor_client")  # noqa: N815
    actorUser: str | None = Field(validation_alias="actor_user")  # noqa: N815


PSEUDONIEM_PATTERN = r"^[0-9a-f]{64}$"
Pseudoniem = Annotated[str, Field(pattern=PSEUDONIEM_PATTERN, min_length=64, max_length=64)]


class VerwerkingenZoek(BaseModel):
    """Either the BSN (the log of the service that holds it) or the betrokkene pseudonyms the privacy view hands
    every service (see `Verwerkingslog.betrokkene_van`): a service that never holds a BSN is searched by those."""

    model_config = ConfigDict(extra="forbid")

    bsn: BsnField | None = None
    betrokkenen: list[Pseudoniem] | None = Field(
        default=None,
        min_length=1,
        max_length=10,
        description="Pseudoniemen van de betrokkene, zoals de privacyfunctie ze uit het BSN afleidt.",
    )
    vanaf: Tijdstip | None = None
    tot: Tijdstip | None = None

    @model_validator(mode="after")
    def _bsn_of_betrokkenen(self) -> VerwerkingenZoek:
        if (self.bsn is None) == (self.betrokkenen is None):
            raise ValueError("geef precies een van bsn en betrokkenen")
        return self


async def _page(
    session: AsyncSession,
    gemeente: str,
    paging: Paging,
    *,
    betrokkenen: Sequence[str] | None = None,
    object_id: str | None = None,
    activiteit: str | None = None,
    vanaf: datetime | None = None,
    tot: datetime | None = None,
) -> Page[VerwerkingRead]:
    query = select(Verwerking).where(Verwerking.gemeente_code == gemeente)
    if betrokkenen is not None:
        query = query.where(Verwerking.betrokkene.in_(list(betrokkenen)))
    if object_id is not None:
        query = query.where(Verwerking.object_id == object_id)
    if activiteit is not None:
        query = query.where(Verwerking.activiteit == activiteit)
    if vanaf is not None:
        query = query.where(Verwerking.at >= vanaf)
    if tot is not None:
        query = query.where(Verwerking.at < tot)
    rows, total = await paginate(session, query, paging, Verwerking.at.desc(), Verwerking.id)
    return Page[VerwerkingRead].of([VerwerkingRead.model_validate(r) for r in rows], total, paging)


async def verwerkingen_van(session: AsyncSession, gemeente: str, betrokkenen: Sequence[str]) -> list[VerwerkingRead]:
    """Every record about these betrokkenen in the gemeente, oldest first (for the privacy view of one person)."""
    query = (
        select(Verwerking)
        .where(Verwerking.gemeente_code == gemeente, Verwerking.betrokkene.in_(list(betrokkenen)))
        .order_by(Verwerking.at, Verwerking.id)
    )
    return [VerwerkingRead.model_validate(r) for r in (await session.execute(query)).scalars().all()]


PrivacyOfficer = Annotated[Principal, Depends(require_scopes(SCOPE_VERWERKINGEN_LEZEN))]


def verwerkingen_router() -> APIRouter:
    router = APIRouter(prefix="/verwerkingen", tags=["Verwerkingenlog"])

    @router.get("", operation_id="verwerkingen_list", summary="Verwerkingen van persoonsgegevens opvragen")
    async def verwerkingen_list(
        principal: PrivacyOfficer,
        session: Session,
        paging: Paging,
        log: VerwerkingslogDep,
        object_id: Annotated[str | None, Query(alias="objectId", pattern=r"^[A-Za-z0-9\-]{1,100}$")] = None,
        activiteit: Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN)] = None,
        vanaf: Tijdstip | None = None,
        tot: Tijdstip | None = None,
    ) -> Page[VerwerkingRead]:
        result = await _page(
            session,
            require_tenant(principal),
            paging,
            object_id=object_id,
            activiteit=activiteit,
            vanaf=vanaf,
            tot=tot,
        )
        # Looking into the log is itself a processing of personal data, and is logged like any other.
        await log.record(
            session, principal, INZIEN_LOG, Actie.LEZEN, object_type="verwerking", object_id=object_id, betrokkene=None
        )
        return result

    @router.post(
        "/_zoek",
        operation_id="verwerkingen_zoek",
        summary="Verwerkingen over één betrokkene zoeken op BSN of pseudoniem (het BSN staat nooit in de URL)",
    )
    async def verwerkingen_zoek(
        body: VerwerkingenZoek,
        principal: PrivacyOfficer,
        session: Session,
        paging: Paging,
        log: VerwerkingslogDep,
    ) -> Page[VerwerkingRead]:
        gemeente = require_tenant(principal)
        if body.betrokkenen is not None:
            betrokkenen = body.betrokkenen
        else:
            assert body.bsn is not None
            betrokkenen = await log.betrokkenen_van_bsn(session, gemeente, body.bsn)
        result = await _page(session, gemeente, paging, betrokkenen=betrokkenen, vanaf=body.vanaf, tot=body.tot)
        await log.record_many(
            session,
            principal,
            INZIEN_LOG,
            Actie.ZOEKEN,
            object_type="verwerking",
            # One search, one record: under the person's pseudonym that every service shares (the last one given).
            subjects=[(None, betrokkenen[-1] if betrokkenen else None)],
        )
        return result

    return router
