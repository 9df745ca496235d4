"""The tables every stand-in has, as mixins: each stand-in maps them on its own `Base` (its own metadata and
migrations) with `tabellen_op`, so one process may hold both stand-ins without their schemas mixing. No
relationships: every load is an explicit query in the repository.

A person (`persoon`) is who the partner knows: by its own id (`extern_id`: DUO's or COA's number), with a BSN once
there is one, in the gemeente they belong to now.

A fact (`feit`) is never changed once recorded: a change is a new fact. Its `volgnummer` comes from one sequence, so it
increases over all facts of this partner and therefore per person too. A notification (`melding`) is written in the
same transaction as its fact and stays until the subscriber accepted it: nothing is lost while the gemeente is down.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Sequence,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column


def _now() -> datetime:
    return datetime.now(UTC)


class PersoonBasis:
    __tablename__ = "persoon"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    bsn: Mapped[str | None] = mapped_column(String(9), unique=True)
    extern_id: Mapped[str] = mapped_column(String(40), unique=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class FeitBasis:
    __tablename__ = "feit"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:  # noqa: N805 - a declared_attr, called on the class
        # Made per table: an Index belongs to one table, and both stand-ins map this mixin.
        return (Index("ix_feit_gemeente_code_volgnummer", "gemeente_code", "volgnummer"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    soort: Mapped[str] = mapped_column(String(60))
    gemeente_code: Mapped[str] = mapped_column(String(4))
    persoon_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persoon.id"), index=True)
    volgnummer: Mapped[int] = mapped_column(
        BigInteger, server_default=text("nextval('feit_volgnummer_seq')"), unique=True
    )
    registratie_datum: Mapped[date] = mapped_column(Date)
    gegevens: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class MeldingBasis:
    """A notification of a fact to its gemeente's subscriber, until delivered."""

    __tablename__ = "melding"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:  # noqa: N805 - a declared_attr, called on the class
        return (Index("ix_melding_te_bezorgen", "volgende_poging_at", postgresql_where="afgeleverd_at IS NULL"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    feit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("feit.id"), unique=True)
    pogingen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    volgende_poging_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    afgeleverd_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    laatste_fout: Mapped[str | None] = mapped_column(Text)


class AbonnementBasis:
    """Where a gemeente's exchange system wants to be notified."""

    __tablename__ = "abonnement"

    gemeente_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    callback_url: Mapped[str] = mapped_column(String(2000))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class StoringBasis:
    """The fault switches of the scenario: one row."""

    __tablename__ = "storing"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    modus: Mapped[str] = mapped_column(String(20), default="normaal", server_default="normaal")
    dubbele_meldingen: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    omgekeerde_volgorde: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")


@dataclass(frozen=True)
class Tabellen:
    """A stand-in's mapped classes of the shared tables, for the shared repository."""

    persoon: type[PersoonBasis]
    feit: type[FeitBasis]
    melding: type[MeldingBasis]
    abonnement: type[AbonnementBasis]
    storing: type[StoringBasis]


def tabellen_op(base: type[DeclarativeBase]) -> Tabellen:
    """The shared tables mapped on a stand-in's own `Base`, with the one sequence of all facts of this partner (see
    the module's docstring) in its metadata."""
    Sequence("feit_volgnummer_seq", metadata=base.metadata)

    def map_op(mixin: type[Any], naam: str) -> type[Any]:
        return type(naam, (mixin, base), {"__module__": base.__module__})

    return Tabellen(
        persoon=cast(type[PersoonBasis], map_op(PersoonBasis, "Persoon")),
        feit=cast(type[FeitBasis], map_op(FeitBasis, "Feit")),
        melding=cast(type[MeldingBasis], map_op(MeldingBasis, "Melding")),
        abonnement=cast(type[AbonnementBasis], map_op(AbonnementBasis, "Abonnement")),
        storing=cast(type[StoringBasis], map_op(StoringBasis, "Storing")),
    )
