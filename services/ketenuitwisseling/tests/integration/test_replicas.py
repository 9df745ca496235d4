"""Several workers at once, and one that dies mid-send: every fact is handed over once and every report reaches DUO
once, under one rapportId."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import text

from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory
from ketenuitwisseling.repository import RapportageRepository
from ketenuitwisseling.services.bezorging import Bezorger
from ketenuitwisseling.services.ophalen import Instellingen, Ophaler
from ketenuitwisseling.services.werker import draai
from ketenuitwisseling.settings import Settings

from .conftest import Keten
from .test_ontvangst import VASTGESTELD, _meld

N = 40


def _bsns(n: int) -> list[str]:
    """Valid BSNs (11-proef), distinct."""
    gevonden: list[str] = []
    kandidaat = 100_000_000
    while len(gevonden) < n:
        kandidaat += 7
        cijfers = [int(c) for c in str(kandidaat)]
        if (sum(c * w for c, w in zip(cijfers[:8], range(9, 1, -1), strict=True)) - cijfers[8]) % 11 == 0:
            gevonden.append(str(kandidaat))
    return gevonden


async def _rapportages(database: Database, n: int) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(n)]
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO rapportage (id, gemeente_code, inburgeraar_id, item, gegevens, bron_event_id, "
                "bron_event_type) VALUES (:id, '0363', :i, 'b', CAST(:g AS jsonb), :e, 'nl.inburgering.pip.x')"
            ),
            [{"id": i, "i": uuid.UUID(int=1), "g": '{"pipId": "p"}', "e": str(i)} for i in ids],
        )
    return ids


def _replica(keten: Keten, settings: Settings, **instellingen: Any) -> tuple[Ophaler, Bezorger]:
    log = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode())
    inst = Instellingen(batch=5, max_wachttijd=0.01, **instellingen)
    return Ophaler(keten.database, keten.verbindingen, log, inst), Bezorger(
        keten.database, keten.verbindingen, log, inst
    )


class TestReplicas:
    async def test_vier_bezorgers_elk_rapport_eenmaal(
        self, keten: Keten, settings: Settings, database: Database
    ) -> None:
        keten.inburgeraars.personen[str(uuid.UUID(int=1))] = {"id": str(uuid.UUID(int=1)), "bsn": "999990019"}
        ids = await _rapportages(database, N)
        replicas = [_replica(keten, settings)[1] for _ in range(4)]

        async def leeg(bezorger: Bezorger) -> None:
            while await bezorger.ronde():
                pass

        await asyncio.gather(*(leeg(b) for b in replicas))
        assert sorted(keten.duo.rapportages) == sorted(str(i) for i in ids)
        assert keten.duo.ontvangen_puts == N

    async def test_vier_ophalers_elk_feit_eenmaal(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten, settings: Settings
    ) -> None:
        bsns = _bsns(N)
        for n, bsn in enumerate(bsns):
            keten.inburgeraars.registreer(bsn)
            feit = keten.duo.feit("plicht-vastgesteld", {"bsn": bsn, "duoId": f"d{n}"}, VASTGESTELD)
            await _meld(client, tokens, feit)
        replicas = [_replica(keten, settings)[0] for _ in range(4)]

        async def leeg(ophaler: Ophaler) -> None:
            while await ophaler.ronde():
                pass

        await asyncio.gather(*(leeg(o) for o in replicas))
        assert sorted(len(m) for m in keten.inburgeraars.mutaties.values()) == [4] * N

    async def test_gestorven_midden_in_een_batch_dan_eenmaal_bij_duo(
        self, keten: Keten, settings: Settings, database: Database
    ) -> None:
        keten.inburgeraars.personen[str(uuid.UUID(int=1))] = {"id": str(uuid.UUID(int=1)), "bsn": "999990019"}
        ids = await _rapportages(database, 5)
        # A worker claims a batch and sends it, then dies before it records DUO's answers: the claims run out.
        _, sterft = _replica(keten, settings, claim_seconden=1)
        async with database.unit_of_work() as uow:
            rows = await RapportageRepository(uow.session).claim(5, 1)
            await uow.commit()
        # The sends alone, without their record: the crash. The batch's BSNs in one lookup.
        await sterft.bezorg_alle(rows)
        assert keten.duo.ontvangen_puts == 5
        assert keten.inburgeraars.identificatievragen == [[str(uuid.UUID(int=1))]]
        await asyncio.sleep(1.1)
        await keten.leeg()
        # Sent again under the same ids with the same bodies: DUO answered 200 with its first receipts.
        assert keten.duo.ontvangen_puts == 10
        assert sorted(keten.duo.rapportages) == sorted(str(i) for i in ids)
        async with database.engine.connect() as conn:
            statussen = (await conn.execute(text("SELECT status FROM rapportage"))).scalars().all()
        assert statussen == ["ontvangen"] * 5


class TestWorker:
    async def test_de_lus_haalt_op_en_bezorgt_tot_hij_stopt(
        self, client: httpx.AsyncClient, tokens: TokenFactory, keten: Keten, settings: Settings
    ) -> None:
        keten.inburgeraars.registreer("999990019")
        feit = keten.duo.feit("plicht-vastgesteld", {"bsn": "999990019", "duoId": "d1"}, VASTGESTELD)
        stop = asyncio.Event()
        log = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode())
        taak = asyncio.create_task(
            draai(keten.database, keten.verbindingen, log, Instellingen(max_wachttijd=0.05), stop, interval=0.05)
        )
        try:
            await _meld(client, tokens, feit)
            for _ in range(200):
                if keten.inburgeraars.mutaties:
                    break
                await asyncio.sleep(0.05)
            assert sum(len(m) for m in keten.inburgeraars.mutaties.values()) == 4
        finally:
            stop.set()
            await asyncio.wait_for(taak, timeout=10)
