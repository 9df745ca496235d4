"""The monitoring's reads side by side (`Aggregaten`): each on a session of its own, prepared for grouped reads, no
more at a time than asked, and one after the other on a session without an engine."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.db import Aggregaten, Database


class _Repo:
    """What a monitoring repository is to `Aggregaten`: something made per session."""

    actief = 0
    hoogste = 0

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lees(self) -> tuple[int, str, str]:
        _Repo.actief += 1
        _Repo.hoogste = max(_Repo.hoogste, _Repo.actief)
        try:
            rij = (
                await self.session.execute(
                    text(
                        "SELECT pg_backend_pid() AS pid, current_setting('plan_cache_mode') AS plan, "
                        "current_setting('work_mem') AS geheugen, pg_sleep(0.05)"
                    )
                )
            ).one()
            return int(rij.pid), str(rij.plan), str(rij.geheugen)
        finally:
            _Repo.actief -= 1


async def test_elke_lezing_op_een_eigen_sessie_voorbereid_en_niet_meer_tegelijk_dan_gevraagd(
    database: Database,
) -> None:
    _Repo.hoogste = 0
    async with database.sessionmaker() as session:
        lezer = Aggregaten(session, _Repo, tegelijk=2)
        uitkomsten = await asyncio.gather(*(lezer.lees(lambda r: r.lees()) for _ in range(4)))
        eigen = (await session.execute(text("SELECT current_setting('plan_cache_mode')"))).scalar_one()
    assert {plan for _, plan, _ in uitkomsten} == {"force_custom_plan"}
    assert {geheugen for _, _, geheugen in uitkomsten} == {"32MB"}
    assert len({pid for pid, _, _ in uitkomsten}) >= 2
    assert _Repo.hoogste == 2
    # SET LOCAL: the settings end with each read's transaction, the request's own session is untouched.
    assert eigen == "auto"


async def test_zonder_engine_een_voor_een_op_de_sessie_zelf(database: Database) -> None:
    _Repo.hoogste = 0
    async with database.engine.connect() as verbinding:
        session = AsyncSession(bind=verbinding)
        lezer = Aggregaten(session, _Repo, tegelijk=2)
        uitkomsten = await asyncio.gather(*(lezer.lees(lambda r: r.lees()) for _ in range(3)))
        eigen = (await verbinding.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        await session.close()
    assert {pid for pid, _, _ in uitkomsten} == {eigen}
    assert _Repo.hoogste == 1
