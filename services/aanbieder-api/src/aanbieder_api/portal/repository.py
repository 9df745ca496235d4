"""Every query of the portal's own tables: accounts, sessions and what an account has seen."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.models import Aanbieder, PortaalAccount, PortaalGezien, PortaalSessie


class PortaalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def aanbieder(self, gemeente: str, aanbieder_id: uuid.UUID) -> Aanbieder | None:
        return (
            await self.session.execute(
                select(Aanbieder).where(Aanbieder.id == aanbieder_id, Aanbieder.gemeente_code == gemeente)
            )
        ).scalar_one_or_none()

    async def account_op_email(self, gemeente: str, email: str) -> tuple[PortaalAccount, bool] | None:
        """The account and whether it is blocked now (by the database's clock, the one the blockade was set by)."""
        geblokkeerd = func.coalesce(PortaalAccount.geblokkeerd_tot > func.now(), False)
        query = select(PortaalAccount, geblokkeerd).where(
            PortaalAccount.gemeente_code == gemeente, PortaalAccount.email == email
        )
        row = (await self.session.execute(query)).first()
        return (row[0], bool(row[1])) if row is not None else None

    async def gemeenten(self) -> Sequence[str]:
        query = select(PortaalAccount.gemeente_code).where(PortaalAccount.actief.is_(True)).distinct()
        return (await self.session.execute(query.order_by(PortaalAccount.gemeente_code))).scalars().all()

    async def voeg_toe(self, account: PortaalAccount) -> None:
        self.session.add(account)
        await self.session.flush()

    async def mislukt(self, account_id: uuid.UUID, *, maximum: int, blokkade: timedelta) -> None:
        """Count a failed sign-in; the `maximum`-th in a row blocks the account for `blokkade` and starts over.
        Both assignments read the row as it was: one atomic statement, whatever runs beside it."""
        pogingen = PortaalAccount.mislukte_pogingen + 1
        await self.session.execute(
            update(PortaalAccount)
            .where(PortaalAccount.id == account_id)
            .values(
                mislukte_pogingen=case((pogingen >= maximum, 0), else_=pogingen),
                geblokkeerd_tot=case(
                    (pogingen >= maximum, func.now() + blokkade), else_=PortaalAccount.geblokkeerd_tot
                ),
            )
        )

    async def aangemeld(self, account_id: uuid.UUID, wachtwoord_hash: str | None) -> None:
        values: dict[str, object] = {"mislukte_pogingen": 0, "laatst_aangemeld_at": func.now()}
        if wachtwoord_hash is not None:
            values["wachtwoord_hash"] = wachtwoord_hash
        await self.session.execute(update(PortaalAccount).where(PortaalAccount.id == account_id).values(**values))

    async def nieuwe_sessie(
        self, account_id: uuid.UUID, token_hash: str, csrf_token: str, duur: timedelta
    ) -> PortaalSessie:
        sessie = PortaalSessie(
            token_hash=token_hash,
            account_id=account_id,
            csrf_token=csrf_token,
            verloopt_at=func.now() + duur,
        )
        self.session.add(sessie)
        await self.session.flush()
        return sessie

    async def actieve_sessie(
        self, token_hash: str, inactief: timedelta
    ) -> tuple[PortaalSessie, PortaalAccount, str] | None:
        """The session behind a cookie if it has neither expired nor been idle too long, its account still active
        and unblocked; it is touched, so idleness counts from now. One statement: this runs on every page."""
        geldig = (
            update(PortaalSessie)
            .where(
                PortaalSessie.token_hash == token_hash,
                PortaalSessie.verloopt_at > func.now(),
                PortaalSessie.laatst_gezien_at > func.now() - inactief,
            )
            .values(laatst_gezien_at=func.now())
            .returning(PortaalSessie.token_hash)
            .cte("geldig")
        )
        row = (
            await self.session.execute(
                select(PortaalSessie, PortaalAccount, Aanbieder.naam)
                .join(geldig, geldig.c.token_hash == PortaalSessie.token_hash)
                .join(PortaalAccount, PortaalAccount.id == PortaalSessie.account_id)
                .join(Aanbieder, Aanbieder.id == PortaalAccount.aanbieder_id)
                .where(PortaalAccount.actief.is_(True))
            )
        ).first()
        return (row[0], row[1], row[2]) if row is not None else None

    async def accounts(self, aanbieder_id: uuid.UUID) -> Sequence[PortaalAccount]:
        query = select(PortaalAccount).where(PortaalAccount.aanbieder_id == aanbieder_id)
        return (
            (await self.session.execute(query.order_by(PortaalAccount.created_at, PortaalAccount.id))).scalars().all()
        )

    async def account(self, gemeente: str, aanbieder_id: uuid.UUID, account_id: uuid.UUID) -> PortaalAccount | None:
        query = select(PortaalAccount).where(
            PortaalAccount.id == account_id,
            PortaalAccount.aanbieder_id == aanbieder_id,
            PortaalAccount.gemeente_code == gemeente,
        )
        return (await self.session.execute(query.with_for_update())).scalar_one_or_none()

    async def nieuw_wachtwoord(self, account_id: uuid.UUID, wachtwoord_hash: str) -> None:
        await self.session.execute(
            update(PortaalAccount)
            .where(PortaalAccount.id == account_id)
            .values(wachtwoord_hash=wachtwoord_hash, wachtwoord_wijzigen=False)
        )

    async def verwijder_andere_sessies(self, account_id: uuid.UUID, behalve: str | None) -> None:
        statement = delete(PortaalSessie).where(PortaalSessie.account_id == account_id)
        if behalve is not None:
            statement = statement.where(PortaalSessie.token_hash != behalve)
        await self.session.execute(statement)

    async def verwijder_sessie(self, token_hash: str) -> None:
        await self.session.execute(delete(PortaalSessie).where(PortaalSessie.token_hash == token_hash))

    async def ruim_verlopen_sessies_op(self) -> None:
        """Sessions past their maximum, of any account (by the index on `verloopt_at`): nothing else removes the
        rows of accounts that never sign in again."""
        await self.session.execute(delete(PortaalSessie).where(PortaalSessie.verloopt_at <= func.now()))

    async def gezien(self, account_id: uuid.UUID, opdracht_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not opdracht_ids:
            return {}
        rows = await self.session.execute(
            select(PortaalGezien.opdracht_id, PortaalGezien.versie).where(
                PortaalGezien.account_id == account_id, PortaalGezien.opdracht_id.in_(opdracht_ids)
            )
        )
        return {opdracht_id: versie for opdracht_id, versie in rows}

    async def markeer_gezien(self, account_id: uuid.UUID, opdracht_id: uuid.UUID, versie: int) -> None:
        statement = insert(PortaalGezien).values(account_id=account_id, opdracht_id=opdracht_id, versie=versie)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[PortaalGezien.account_id, PortaalGezien.opdracht_id],
                set_={"versie": statement.excluded.versie, "gezien_at": func.now()},
            )
        )
