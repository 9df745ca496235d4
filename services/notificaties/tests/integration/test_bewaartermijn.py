"""Deliveries that ended longer ago than the retention are deleted, and the berichten none refers to any more;
waiting deliveries and the berichten they refer to stay — against real PostgreSQL (and NATS and HTTP receivers
for the worker that runs it)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.testing.waiting import eventually
from notificaties.delivery.retention import Retention
from notificaties.repository.retention import Cleaned
from notificaties.settings import Settings

from .conftest import Abonnee, Bezorging, Ontvanger, Publisher

DAG = 24.0


async def bericht(database: Database, *, age_hours: float) -> str:
    event_id = str(uuid.uuid4())
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO bericht (event_id, event, created_at) "
                "VALUES (:id, CAST(:event AS jsonb), now() - make_interval(secs => :h * 3600))"
            ),
            {"id": event_id, "event": f'{{"id": "{event_id}"}}', "h": age_hours},
        )
    return event_id


async def aflevering(
    database: Database, abonnement_id: str, event_id: str, status: str, *, last_attempt_hours: float | None
) -> None:
    """A delivery in `status`, its last attempt `last_attempt_hours` ago (None: never attempted)."""
    async with database.engine.begin() as conn:
        await conn.execute(
            text(
                """
                INSERT INTO aflevering (id, abonnement_id, event_id, event_type, event_time, status, pogingen,
                                        laatste_poging_at, afgeleverd_at, created_at)
                SELECT gen_random_uuid(), CAST(:a AS uuid), :e, 'nl.inburgering.test.bewaard', t0, st,
                       CASE WHEN t IS NULL THEN 0 ELSE 1 END, t, CASE WHEN st = 'afgeleverd' THEN t END, t0
                FROM (SELECT CAST(:s AS text) AS st, now() - make_interval(secs => CAST(:h AS float8) * 3600) AS t,
                             now() - interval '60 days' AS t0) s
                """
            ),
            {"a": abonnement_id, "e": event_id, "s": status, "h": last_attempt_hours},
        )


async def remaining(database: Database) -> tuple[set[tuple[str, str, str]], set[str]]:
    """The deliveries left as (subscription, event, status), and the berichten left."""
    async with database.engine.connect() as conn:
        afleveringen = (await conn.execute(text("SELECT abonnement_id::text, event_id, status FROM aflevering"))).all()
        berichten = (await conn.execute(text("SELECT event_id FROM bericht"))).scalars().all()
    return {(a, e, s) for a, e, s in afleveringen}, set(berichten)


@pytest.fixture
async def twee_abonnementen(abonnee: Abonnee, ontvanger: Ontvanger) -> tuple[str, str]:
    a = await abonnee.abonneer(ontvanger.hook("a"))
    b = await abonnee.abonneer(ontvanger.hook("b"))
    return a["id"], b["id"]


class TestRetention:
    async def test_old_ended_deliveries_and_their_orphaned_berichten_go_waiting_and_recent_ones_stay(
        self, database: Database, settings: Settings, twee_abonnementen: tuple[str, str]
    ) -> None:
        a, b = twee_abonnementen
        # Delivered to one, given up on the other, both long ago: all of it goes.
        afgehandeld = await bericht(database, age_hours=30 * DAG)
        await aflevering(database, a, afgehandeld, "afgeleverd", last_attempt_hours=10 * DAG)
        await aflevering(database, b, afgehandeld, "dead-letter", last_attempt_hours=8 * DAG)
        # Delivered to one long ago, still being retried for the other (its last attempt long ago too).
        herhaald = await bericht(database, age_hours=30 * DAG)
        await aflevering(database, a, herhaald, "afgeleverd", last_attempt_hours=20 * DAG)
        await aflevering(database, b, herhaald, "wachtend", last_attempt_hours=20 * DAG)
        # Queued long ago, never attempted (its subscription was paused).
        nooit = await bericht(database, age_hours=40 * DAG)
        await aflevering(database, a, nooit, "wachtend", last_attempt_hours=None)
        # Ended within the retention, for one subscription or both.
        recent = await bericht(database, age_hours=30 * DAG)
        await aflevering(database, a, recent, "afgeleverd", last_attempt_hours=9 * DAG)
        await aflevering(database, b, recent, "dead-letter", last_attempt_hours=6 * DAG)
        net = await bericht(database, age_hours=1)
        await aflevering(database, a, net, "afgeleverd", last_attempt_hours=0.5)
        # Enough others long delivered that one round takes several batches.
        oud = [await bericht(database, age_hours=12 * DAG) for _ in range(7)]
        for event_id in oud:
            await aflevering(database, a, event_id, "afgeleverd", last_attempt_hours=11 * DAG)

        cleaned = await Retention(database, settings, batch_size=3).clean_up()

        assert cleaned == Cleaned(afleveringen=11, berichten=8)
        assert await remaining(database) == (
            {
                (b, herhaald, "wachtend"),
                (a, nooit, "wachtend"),
                (b, recent, "dead-letter"),
                (a, net, "afgeleverd"),
            },
            {herhaald, nooit, recent, net},
        )
        assert await Retention(database, settings).clean_up() == Cleaned(afleveringen=0, berichten=0)

    async def test_a_shorter_retention_keeps_less(
        self, database: Database, settings: Settings, twee_abonnementen: tuple[str, str]
    ) -> None:
        a, _ = twee_abonnementen
        ouder = await bericht(database, age_hours=10)
        await aflevering(database, a, ouder, "afgeleverd", last_attempt_hours=5)
        jonger = await bericht(database, age_hours=10)
        await aflevering(database, a, jonger, "afgeleverd", last_attempt_hours=3)
        korter = settings.model_copy(update={"retention_hours": 4})
        assert await Retention(database, korter).clean_up() == Cleaned(afleveringen=1, berichten=1)
        assert await remaining(database) == ({(a, jonger, "afgeleverd")}, {jonger})

    async def test_berichten_left_by_a_deleted_subscription_are_swept_round_by_round(
        self, database: Database, settings: Settings, abonnee: Abonnee, twee_abonnementen: tuple[str, str]
    ) -> None:
        a, b = twee_abonnementen
        alleen_b = [await bericht(database, age_hours=9 * DAG) for _ in range(3)]
        for event_id in alleen_b:
            await aflevering(database, b, event_id, "afgeleverd", last_attempt_hours=1)
        gedeeld = await bericht(database, age_hours=9 * DAG)
        await aflevering(database, a, gedeeld, "afgeleverd", last_attempt_hours=1)
        await aflevering(database, b, gedeeld, "afgeleverd", last_attempt_hours=1)
        # Younger than the retention: kept even without deliveries.
        jong = await bericht(database, age_hours=1)
        await aflevering(database, b, jong, "afgeleverd", last_attempt_hours=1)
        assert (await abonnee.client.delete(f"/api/v1/abonnementen/{b}", headers=abonnee.headers)).status_code == 204

        # One bericht looked at per round: a pass over the five takes five rounds.
        bewaartermijn = Retention(database, settings, batch_size=1, sweep_slabs=1)
        deleted = [(await bewaartermijn.clean_up()).berichten for _ in range(5)]

        assert sum(deleted) == 3
        assert await remaining(database) == ({(a, gedeeld, "afgeleverd")}, {gedeeld, jong})

    async def test_two_workers_cleaning_up_at_once_delete_everything_once(
        self, database: Database, settings: Settings, twee_abonnementen: tuple[str, str]
    ) -> None:
        a, b = twee_abonnementen
        for _ in range(60):
            event_id = await bericht(database, age_hours=20 * DAG)
            await aflevering(database, a, event_id, "afgeleverd", last_attempt_hours=15 * DAG)
            await aflevering(database, b, event_id, "dead-letter", last_attempt_hours=10 * DAG)
        blijft = await bericht(database, age_hours=20 * DAG)
        await aflevering(database, a, blijft, "wachtend", last_attempt_hours=15 * DAG)

        replicas = [Retention(database, settings, batch_size=7, sweep_slabs=100) for _ in range(2)]
        rounds = await asyncio.gather(*(r.clean_up() for r in replicas))

        assert sum(r.afleveringen for r in rounds) == 120
        assert sum(r.berichten for r in rounds) == 60
        assert await remaining(database) == ({(a, blijft, "wachtend")}, {blijft})

    async def test_a_bericht_getting_a_new_delivery_meanwhile_stays_with_it(
        self, database: Database, settings: Settings, twee_abonnementen: tuple[str, str]
    ) -> None:
        """A consumer queues the event again (for another subscription) while the retention deletes its last
        ended delivery: the new delivery and its bericht must both survive."""
        a, b = twee_abonnementen
        event_id = await bericht(database, age_hours=20 * DAG)
        await aflevering(database, a, event_id, "afgeleverd", last_attempt_hours=10 * DAG)
        async with database.engine.connect() as consumer:
            # The consumer's transaction, not yet committed: its foreign key check holds the bericht.
            await consumer.execute(
                text(
                    "INSERT INTO aflevering (id, abonnement_id, event_id, event_type, event_time, status, pogingen) "
                    "VALUES (gen_random_uuid(), CAST(:b AS uuid), :e, 'nl.inburgering.test.bewaard', now(), "
                    "'wachtend', 0)"
                ),
                {"b": b, "e": event_id},
            )
            cleaning = asyncio.create_task(Retention(database, settings).clean_up())
            # Whether or not the clean-up waits for the consumer, the consumer commits after a while.
            await asyncio.wait({cleaning}, timeout=1.0)
            await consumer.commit()
        cleaned = await cleaning

        assert cleaned == Cleaned(afleveringen=1, berichten=0)
        assert await remaining(database) == ({(b, event_id, "wachtend")}, {event_id})


class TestTheDeliveryWorker:
    async def test_deletes_what_is_past_the_retention_while_it_delivers(
        self,
        abonnee: Abonnee,
        ontvanger: Ontvanger,
        publish: Publisher,
        bezorging: Bezorging,
        database: Database,
        settings: Settings,
    ) -> None:
        alles = await abonnee.abonneer(ontvanger.hook("alles"))
        # Fails, and its retry waits an hour: its delivery stays waiting.
        pip = await abonnee.abonneer(ontvanger.hook("pip", "fout"), typePrefix="nl.inburgering.pip.")
        await bezorging.start(
            settings.model_copy(
                update={"retention_interval_seconds": 0.05, "backoff_base_seconds": 3600, "backoff_max_seconds": 3600}
            )
        )
        inburgeraar = [await publish() for _ in range(2)]
        plan = await publish(type_="nl.inburgering.pip.pip-vastgesteld")

        async def attempted() -> bool:
            async with database.engine.connect() as conn:
                return bool(
                    (
                        await conn.execute(text("SELECT count(*) FROM aflevering WHERE laatste_poging_at IS NOT NULL"))
                    ).scalar_one()
                    == 4
                )

        await eventually(attempted, what="every delivery attempted")
        # As if all of this happened eight days ago.
        async with database.engine.begin() as conn:
            await conn.execute(text("UPDATE aflevering SET laatste_poging_at = laatste_poging_at - interval '8 days'"))
            await conn.execute(text("UPDATE bericht SET created_at = created_at - interval '8 days'"))

        async def cleaned_up() -> bool:
            return await remaining(database) == ({(pip["id"], plan["id"], "wachtend")}, {plan["id"]})

        await eventually(cleaned_up, what="the delivered events deleted, the waiting one kept")
        assert len(ontvanger.van("alles")) == len(inburgeraar) + 1
        log = (await abonnee.get(f"/{alles['id']}")).json()["afleverstand"]
        assert (log["afgeleverd"], log["wachtend"]) == (0, 0)
