"""ORM models of the stand-in: the tables every stand-in has (`ketenpartner_standin.models`, see there for persons,
facts and their notifications) mapped on this stand-in's own metadata, and DUO's own: the reports received. A person
is an inburgeringsplichtige as DUO knows them: by BSN, with DUO's own id, in the gemeente they live in now."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Index, String, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from inburgering_kit.db import make_metadata
from ketenpartner_standin.models import tabellen_op


class Base(DeclarativeBase):
    metadata = make_metadata()


TABELLEN = tabellen_op(Base)


class Rapportage(Base):
    """A report a–s as received from a gemeente; de-duplicated on its id."""

    __tablename__ = "rapportage"
    __table_args__ = (Index("ix_rapportage_gemeente_code_ontvangen_at", "gemeente_code", "ontvangen_at"),)

    rapport_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    item: Mapped[str] = mapped_column(String(1))
    gemeente_code: Mapped[str] = mapped_column(String(4))
    bsn: Mapped[str] = mapped_column(String(9))
    gegevens: Mapped[dict[str, Any]] = mapped_column(JSONB)
    inhoud_hash: Mapped[str] = mapped_column(String(64))
    ontvangen_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: datetime.now(UTC), server_default=func.now()
    )
