"""Portal accounts and their sessions: tables of the providers context, on its metadata and in its migrations.

An account is one employee (medewerker) of one aanbieder as registered by one gemeente: it sees and reports on
that registration's opdrachten only, exactly like a provider system's API client. A session is stored here, not
in the cookie: the cookie holds a random token, the table only its SHA-256 (a stolen database yields no usable
session), and signing out or blocking an account ends its sessions at once.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from aanbieder_api.models import Base


class PortaalAccount(Base):
    __tablename__ = "portaal_account"
    # One address signs in to one account; addresses are stored in lower case.
    __table_args__ = (UniqueConstraint("email"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    aanbieder_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("aanbieder.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    naam: Mapped[str] = mapped_column(String(200))
    wachtwoord_hash: Mapped[str] = mapped_column(String(200))
    actief: Mapped[bool] = mapped_column(Boolean, server_default="true")
    # Set for a password the gemeente handed out: the employee chooses their own at the first sign-in.
    wachtwoord_wijzigen: Mapped[bool] = mapped_column(Boolean, server_default="false")
    mislukte_pogingen: Mapped[int] = mapped_column(Integer, server_default="0")
    geblokkeerd_tot: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    laatst_aangemeld_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PortaalSessie(Base):
    __tablename__ = "portaal_sessie"
    __table_args__ = (Index("ix_portaal_sessie_verloopt_at", "verloopt_at"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("portaal_account.id", ondelete="CASCADE"), index=True
    )
    # Sent in a hidden field of every form and compared on every POST (synchronizer token).
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    verloopt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    laatst_gezien_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PortaalGezien(Base):
    """The version of an opdracht an account last looked at: the portal shows what changed since."""

    __tablename__ = "portaal_gezien"

    account_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("portaal_account.id", ondelete="CASCADE"), primary_key=True
    )
    opdracht_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("opdracht.id", ondelete="CASCADE"), primary_key=True
    )
    versie: Mapped[int] = mapped_column(Integer)
    gezien_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
