"""Events published on JetStream reach the right webhooks, signed, retried, dead-lettered, re-delivered —
against real NATS, PostgreSQL and HTTP receivers on loopback."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.testing.waiting import eventually
from notificaties.delivery import signing
from notificaties.delivery.distributing import DeliveryWorker
from notificaties.main import create_app
from notificaties.settings import Settings

from .conftest import Abonnee, Bezorging, Ontvanger, Publisher


async def rows(database: Database, sql: str, **params: object) -> list[dict[str, object]]:
    async with database.engine.connect() as conn:
        return [dict(r._mapping) for r in (await conn.execute(text(sql), params)).all()]


class TestRouting:
    async def test_only_matching_active_subscriptions_of_the_events_gemeente_receive_it(
        self,
        abonnee: Abonnee,
        andere_gemeente: Abonnee,
        ontvanger: Ontvanger,
        publish: Publisher,
        bezorging: Bezorging,
    ) -> None:
        await abonnee.abonneer(ontvanger.hook("alles"))
        await abonnee.abonneer(ontvanger.hook("inburgeraar"), typePrefix="nl.inburgering.inburgeraar.")
        await abonnee.abonneer(ontvanger.hook("pip"), typePrefix="nl.inburgering.pip.")
        await abonnee.abonneer(ontvanger.hook("ander-object"), subject="00000000-0000-0000-0000-000000000000")
        await abonnee.abonneer(ontvanger.hook("andere-bron"), source="urn:nld:oin:1:systeem:x")
        gepauzeerd = await abonnee.abonneer(ontvanger.hook("gepauzeerd"))
        assert (await abonnee.post(f"/{gepauzeerd['id']}/_pauzeren")).json()["status"] == "gepauzeerd"
        await andere_gemeente.abonneer(ontvanger.hook("andere-gemeente"))
        await bezorging.start()

        event = await publish()
        await publish(gemeente=None)  # no tenant: no subscriber may see it

        await eventually(lambda: len(ontvanger.van("alles")) == 1 and len(ontvanger.van("inburgeraar")) == 1)
        await asyncio.sleep(0.5)
        for naam in ("pip", "ander-object", "andere-bron", "gepauzeerd", "andere-gemeente"):
            assert ontvanger.van(naam) == [], naam
        assert len(ontvanger.van("alles")) == 1
        assert json.loads(ontvanger.van("alles")[0].body)["id"] == event["id"]

    async def test_the_same_event_twice_on_the_stream_is_delivered_once(
        self, abonnee: Abonnee, ontvanger: Ontvanger, publish: Publisher, bezorging: Bezorging, database: Database
    ) -> None:
        await abonnee.abonneer(ontvanger.hook("een"))
        await bezorging.start()
        event = await publish()
        # Another Nats-Msg-Id gets past JetStream's de-duplication; the inbox catches it.
        await publish(event_id=event["id"], msg_id="anders", subject=event["subject"])
        await publish()
        await eventually(lambda: len(ontvanger.van("een")) == 2)
        await asyncio.sleep(0.3)
        assert len(ontvanger.van("een")) == 2
        assert len(await rows(database, "SELECT * FROM aflevering WHERE event_id = :e", e=event["id"])) == 1


class TestSignedStructuredCloudEvent:
    async def test_receiver_verifies_signature_and_gets_its_authorization_header(
        self, abonnee: Abonnee, ontvanger: Ontvanger, publish: Publisher, bezorging: Bezorging, database: Database
    ) -> None:
        abonnement = await abonnee.abonneer(ontvanger.hook("ontvanger"), authorizationHeader="Bearer zeer-geheim-123")
        assert "authorizationHeader" not in abonnement
        await bezorging.start()
        event = await publish()
        await eventually(lambda: len(ontvanger.van("ontvanger")) == 1)
        received = ontvanger.van("ontvanger")[0]

        assert received.headers["content-type"] == "application/cloudevents+json"
        assert received.headers["authorization"] == "Bearer zeer-geheim-123"
        assert received.headers["webhook-id"] == event["id"]
        timestamp = int(received.headers["webhook-timestamp"])
        assert abs(timestamp - time.time()) < 30
        assert signing.verify(
            abonnement["geheim"], event["id"], timestamp, received.body, received.headers["webhook-signature"]
        )
        assert json.loads(received.body) == event

        # Stored encrypted, never readable in the row, never returned by the API.
        stored = await rows(database, "SELECT * FROM abonnement")
        assert "zeer-geheim" not in json.dumps(stored, default=str)
        assert abonnement["geheim"] not in json.dumps(stored, default=str)
        read = await abonnee.get(f"/{abonnement['id']}")
        assert "zeer-geheim" not in read.text and "whsec_" not in read.text
        assert read.json()["heeftAuthorizationHeader"] is True

        async def recorded() -> bool:
            # Written just after the receiver answered, by the settling task.
            return bool((await abonnee.get(f"/{abonnement['id']}")).json()["afleverstand"]["afgeleverd"] == 1)

        await eventually(recorded)

    async def test_vng_notificaties_format(
        self, abonnee: Abonnee, ontvanger: Ontvanger, publish: Publisher, bezorging: Bezorging
    ) -> None:
        await abonnee.abonneer(ontvanger.hook("zaaksysteem"), formaat="vng-notificaties")
        await bezorging.start()
        event = await publish(type_="nl.inburgering.inburgeraar.warme-overdracht-vastgelegd")
        await eventually(lambda: len(ontvanger.van("zaaksysteem")) == 1)
        received = ontvanger.van("zaaksysteem")[0]
        assert received.headers["content-type"] == "application/json"
        body = json.loads(received.body)
        assert body["kanaal"] == "inburgeraar"
        assert body["resource"] == "warme-overdracht"
        assert body["actie"] == "vastgelegd"
        assert body["hoofdObject"] == body["resourceUrl"] == event["dataref"]
        assert body["kenmerken"] == {"gemeentecode": "0363"}


class TestRetries:
    async def test_retried_with_backoff_until_success(
        self, abonnee: Abonnee, ontvanger: Ontvanger, publish: Publisher, bezorging: Bezorging
    ) -> None:
        abonnement = await abonnee.abonneer(ontvanger.hook("hapert", "eerst-fout-2"))
        await bezorging.start()
        event = await publish()
        await eventually(lambda: len(ontvanger.van("hapert")) == 3)
        pogingen = ontvanger.van("hapert")
        assert all(json.loads(p.body)["id"] == event["id"] for p in pogingen)
        # Backoff between attempts (base 0.05 s, full jitter from half the ceiling).
        assert pogingen[1].at - pogingen[0].at >= 0.02
        assert pogingen[2].at - pogingen[1].at >= 0.04

        async def afgeleverd() -> bool:
            log = (await abonnee.get(f"/{abonnement['id']}/afleveringen")).json()["resultaten"]
            return bool(log[0]["status"] == "afgeleverd")

        await eventually(afgeleverd)
        log = (await abonnee.get(f"/{abonnement['id']}/afleveringen")).json()["resultaten"][0]
        assert log["pogingen"] == 3
        assert log["laatsteStatuscode"] == 204
        assert log["laatsteDuurMs"] is not None

    async def test_dead_letter_after_max_attempts_then_redelivered_on_request(
        self, abonnee: Abonnee, ontvanger: Ontvanger, publish: Publisher, bezorging: Bezorging, settings: Settings
    ) -> None:
        cap = settings.max_attempts
        assert cap is not None, "the test settings cap the attempts"
        abonnement = await abonnee.abonneer(ontvanger.hook("stuk", "fout"))
        await bezorging.start()
        await publish()
        pad = f"/{abonnement['id']}/afleveringen"

        async def dead() -> bool:
            return bool((await abonnee.get(pad, status="dead-letter")).json()["totalItems"] == 1)

        await eventually(dead, what="dead-lettered")
        [aflevering] = (await abonnee.get(pad, status="dead-letter")).json()["resultaten"]
        assert aflevering["pogingen"] == settings.max_attempts
        assert aflevering["laatsteStatuscode"] == 500
        assert aflevering["laatsteFout"] == "HTTP 500"
        assert len(ontvanger.van("stuk")) == settings.max_attempts

        ontvanger.behaviour["stuk"] = "ok"
        opnieuw = await abonnee.post(f"{pad}/{aflevering['id']}/_opnieuw")
        assert opnieuw.status_code == 200
        assert opnieuw.json()["status"] == "wachtend"
        await eventually(lambda: len(ontvanger.van("stuk")) == cap + 1)

        async def delivered() -> bool:
            return bool((await abonnee.get(f"{pad}/{aflevering['id']}")).json()["status"] == "afgeleverd")

        await eventually(delivered)

    async def test_redelivery_of_a_time_range(
        self, abonnee: Abonnee, ontvanger: Ontvanger, publish: Publisher, bezorging: Bezorging
    ) -> None:
        abonnement = await abonnee.abonneer(ontvanger.hook("archief"))
        await bezorging.start()
        begin = datetime(2026, 3, 1, tzinfo=UTC)
        # One object: its events keep their order (events about different objects may overtake each other).
        subject = str(uuid.uuid4())
        events = [await publish(time_=begin + timedelta(days=d), subject=subject) for d in range(4)]
        await eventually(lambda: len(ontvanger.van("archief")) == 4)

        async def recorded() -> bool:
            return bool((await abonnee.get(f"/{abonnement['id']}")).json()["afleverstand"]["afgeleverd"] == 4)

        await eventually(recorded)

        response = await abonnee.post(
            f"/{abonnement['id']}/afleveringen/_opnieuw",
            {"vanaf": "2026-03-02T00:00:00Z", "tot": "2026-03-04T00:00:00+00:00"},
        )
        assert response.status_code == 200
        assert response.json() == {"aantal": 2}
        await eventually(lambda: len(ontvanger.van("archief")) == 6)
        ids = [json.loads(r.body)["id"] for r in ontvanger.van("archief")]
        assert ids[4:] == [events[1]["id"], events[2]["id"]]  # in their original order

        fout = await abonnee.post(
            f"/{abonnement['id']}/afleveringen/_opnieuw",
            {"vanaf": "2026-03-04T00:00:00Z", "tot": "2026-03-02T00:00:00Z"},
        )
        assert fout.status_code == 422


class TestIsolationBetweenSubscribers:
    async def test_slow_and_failing_receivers_do_not_delay_a_healthy_one(
        self, abonnee: Abonnee, ontvanger: Ontvanger, publish: Publisher, bezorging: Bezorging, settings: Settings
    ) -> None:
        await abonnee.abonneer(ontvanger.hook("traag", "traag"))
        await abonnee.abonneer(ontvanger.hook("stuk", "fout"))
        await abonnee.abonneer(ontvanger.hook("gezond"))
        await bezorging.start()
        published: dict[str, float] = {}
        for _ in range(10):
            event = await publish()
            published[event["id"]] = time.time()
            await asyncio.sleep(0.05)
        await eventually(lambda: len(ontvanger.van("gezond")) == 10, within=5)
        latencies = [r.at - published[json.loads(r.body)["id"]] for r in ontvanger.van("gezond")]
        # The slow receiver holds each attempt for the whole 1 s timeout; the healthy one is not behind it.
        assert max(latencies) < 0.8, latencies
        assert ontvanger.max_gelijktijdig["traag"] <= settings.max_in_flight_per_subscription


class TestRestart:
    async def test_pending_deliveries_survive_a_restart_of_the_service(
        self,
        abonnee: Abonnee,
        ontvanger: Ontvanger,
        publish: Publisher,
        stream: object,
        database: Database,
        settings: Settings,
    ) -> None:
        """The consumer and the worker as the API process runs them (ServiceDefinition.background)."""
        # Receivers that fail twice per subscription keep deliveries pending across the restart.
        for naam in ("a", "b", "c"):
            await abonnee.abonneer(ontvanger.hook(naam, "eerst-fout-2"))
        running = settings.model_copy(
            update={"run_delivery": True, "backoff_base_seconds": 0.3, "backoff_max_seconds": 0.6}
        )
        events = [await publish() for _ in range(10)]
        first = create_app(running)
        async with first.router.lifespan_context(first):

            async def queued() -> bool:
                return len(await rows(database, "SELECT id FROM aflevering")) == 30

            await eventually(queued)
            await eventually(lambda: len(ontvanger.received) >= 3, what="deliveries under way")
        pending = await rows(database, "SELECT id FROM aflevering WHERE status = 'wachtend'")
        assert pending, "everything was delivered before the restart: slow the receivers down"
        # Published while the service is down: they wait in JetStream.
        events += [await publish() for _ in range(5)]

        second = create_app(running)
        async with second.router.lifespan_context(second):

            async def all_delivered() -> bool:
                return len(await rows(database, "SELECT id FROM aflevering WHERE status = 'afgeleverd'")) == 45

            await eventually(all_delivered, within=20)
        for naam in ("a", "b", "c"):
            ids = [json.loads(r.body)["id"] for r in ontvanger.van(naam)]
            assert set(ids) == {e["id"] for e in events}


class TestSeveralWorkers:
    async def test_two_workers_deliver_each_event_once_and_in_order_per_subject(
        self,
        abonnee: Abonnee,
        ontvanger: Ontvanger,
        publish: Publisher,
        bezorging: Bezorging,
        database: Database,
        settings: Settings,
    ) -> None:
        for naam in ("x", "y"):
            await abonnee.abonneer(ontvanger.hook(naam))
        small_runs = settings.model_copy(update={"batch_size": 3})
        await bezorging.start(small_runs)
        second = DeliveryWorker(database, small_runs)
        stop = asyncio.Event()
        task = asyncio.create_task(second.run(stop))
        try:
            subject = str(uuid.uuid4())
            events = [await publish(subject=subject) for _ in range(40)]
            await eventually(lambda: len(ontvanger.van("x")) >= 40 and len(ontvanger.van("y")) >= 40)
            await asyncio.sleep(0.3)
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=10)
        expected = [e["id"] for e in events]
        for naam in ("x", "y"):
            assert [json.loads(r.body)["id"] for r in ontvanger.van(naam)] == expected


class TestRetryWindow:
    async def test_a_failing_event_holds_up_only_later_events_about_its_object(
        self, abonnee: Abonnee, ontvanger: Ontvanger, publish: Publisher, bezorging: Bezorging, settings: Settings
    ) -> None:
        """The oldest event fails and waits seconds for its retry: the events about other objects are delivered
        meanwhile, the later one about the same object after the retry (in order)."""
        await abonnee.abonneer(ontvanger.hook("hapert", "eerst-fout-1"))
        slow_retry = {"max_in_flight_per_subscription": 1, "backoff_base_seconds": 6.0, "backoff_max_seconds": 6.0}
        await bezorging.start(settings.model_copy(update=slow_retry))
        een, ander = str(uuid.uuid4()), str(uuid.uuid4())
        eerste = await publish(subject=een)
        await eventually(lambda: len(ontvanger.van("hapert")) == 1, what="the first attempt")
        tweede = await publish(subject=een)
        others = [await publish(subject=ander) for _ in range(3)] + [await publish() for _ in range(2)]
        failed_at = ontvanger.van("hapert")[0].at
        await eventually(lambda: len(ontvanger.van("hapert")) == 8, within=20, what="all, the retry included")
        received = ontvanger.van("hapert")
        # The others went out while the first waited 3-6 s for its retry; the second about its object after it.
        assert [json.loads(r.body)["id"] for r in received[1:6]] == [e["id"] for e in others]
        assert [json.loads(r.body)["id"] for r in received[6:]] == [eerste["id"], tweede["id"]]
        assert received[6].at - failed_at >= 2.5, "retried after its backoff, not at once"

    async def test_dead_letter_once_the_subscriptions_window_has_passed(
        self,
        abonnee: Abonnee,
        ontvanger: Ontvanger,
        publish: Publisher,
        bezorging: Bezorging,
        settings: Settings,
        database: Database,
    ) -> None:
        abonnement = await abonnee.abonneer(ontvanger.hook("stuk", "fout"), herhaaltermijnUren=1)
        assert abonnement["herhaaltermijnUren"] == 1
        await bezorging.start(settings.model_copy(update={"max_attempts": None}))
        await publish()
        await eventually(lambda: len(ontvanger.van("stuk")) >= 4, what="retried past the old attempt limit")
        [waiting] = await rows(database, "SELECT status, eerste_mislukt_at FROM aflevering")
        assert waiting["status"] == "wachtend" and waiting["eerste_mislukt_at"] is not None
        # An hour passes: the window of this subscription ends, its next failure is the last.
        async with database.engine.begin() as conn:
            await conn.execute(text("UPDATE aflevering SET eerste_mislukt_at = now() - interval '61 minutes'"))
        pad = f"/{abonnement['id']}/afleveringen"

        async def dead() -> bool:
            return bool((await abonnee.get(pad, status="dead-letter")).json()["totalItems"] == 1)

        await eventually(dead, what="dead-lettered")
        attempts = len(ontvanger.van("stuk"))
        await asyncio.sleep(0.5)
        assert len(ontvanger.van("stuk")) == attempts

        # Sent again on request: a fresh window.
        ontvanger.behaviour["stuk"] = "eerst-fout-1"
        [aflevering] = (await abonnee.get(pad)).json()["resultaten"]
        assert (await abonnee.post(f"{pad}/{aflevering['id']}/_opnieuw")).status_code == 200
        [requeued] = await rows(database, "SELECT eerste_mislukt_at FROM aflevering")
        assert requeued["eerste_mislukt_at"] is None


class TestWithoutPolling:
    """New events go out on the consumer's commit and retries when their backoff ends: neither waits for the
    polling claim (set to a minute here, longer than the test)."""

    async def test_fresh_events_and_retries_do_not_wait_for_a_poll(
        self,
        abonnee: Abonnee,
        ontvanger: Ontvanger,
        publish: Publisher,
        bezorging: Bezorging,
        settings: Settings,
        database: Database,
    ) -> None:
        await abonnee.abonneer(ontvanger.hook("meteen"))
        await abonnee.abonneer(ontvanger.hook("hapert", "eerst-fout-1"))
        await bezorging.start(settings.model_copy(update={"poll_interval_seconds": 60.0}))
        subject = str(uuid.uuid4())
        events = [await publish(subject=subject) for _ in range(5)]
        await eventually(lambda: len(ontvanger.van("meteen")) == 5, within=10, what="delivered without a poll")
        await eventually(lambda: len(ontvanger.van("hapert")) == 6, within=10, what="retried without a poll")
        expected = [e["id"] for e in events]
        assert [json.loads(r.body)["id"] for r in ontvanger.van("meteen")] == expected
        assert [json.loads(r.body)["id"] for r in ontvanger.van("hapert")] == [expected[0], *expected]

        # The database stays the record: each delivery settled with its attempt.
        async def settled() -> bool:
            found = await rows(database, "SELECT status, pogingen FROM aflevering ORDER BY volgnummer")
            return len(found) == 10 and all(r["status"] == "afgeleverd" for r in found)

        await eventually(settled)


class TestSeveralReplicas:
    async def test_two_replicas_with_consumer_and_worker_deliver_every_event_once_to_everyone(
        self,
        abonnee: Abonnee,
        ontvanger: Ontvanger,
        publish: Publisher,
        bezorging: Bezorging,
        database: Database,
        settings: Settings,
    ) -> None:
        """Both take batches from the one durable consumer; each subscription is delivered by whichever holds
        its lease, the other queues behind it and wakes it (NOTIFY)."""
        namen = [f"s{i}" for i in range(4)]
        for naam in namen:
            await abonnee.abonneer(ontvanger.hook(naam))
        small = settings.model_copy(update={"batch_size": 5})
        await bezorging.start(small)
        other = Bezorging(database, small)
        await other.start()
        try:
            events = []
            for _ in range(8):
                events += [await publish() for _ in range(10)]
                await asyncio.sleep(0.05)
            expected = {e["id"] for e in events}
            await eventually(lambda: all(len(ontvanger.van(n)) >= 80 for n in namen), within=20)
            await asyncio.sleep(0.3)
        finally:
            await other.stop()
        for naam in namen:
            received = [json.loads(r.body)["id"] for r in ontvanger.van(naam)]
            assert len(received) == len(set(received)) == 80
            assert set(received) == expected


class TestConcurrencyPerSubscription:
    async def test_events_about_different_objects_overlap_those_about_one_object_never(
        self, abonnee: Abonnee, ontvanger: Ontvanger, publish: Publisher, bezorging: Bezorging
    ) -> None:
        await abonnee.abonneer(ontvanger.hook("verre", "bedachtzaam"))
        await bezorging.start()
        een = str(uuid.uuid4())
        events = []
        for n in range(30):
            # Every third event is about the same object; the others each about their own.
            events.append(await publish(subject=een if n % 3 == 0 else None))
        await eventually(lambda: len(ontvanger.van("verre")) == 30)
        assert ontvanger.max_gelijktijdig["verre"] > 1, "a far receiver gets one event per round trip"
        assert ontvanger.samen_over_een_object == [], "two events about one object were in flight at once"
        about_one = [e["id"] for e in events if e["subject"] == een]
        assert [i for i in (json.loads(r.body)["id"] for r in ontvanger.van("verre")) if i in about_one] == about_one


class TestDeletedWhileDelivering:
    async def test_no_attempts_after_a_subscription_is_deleted(
        self, abonnee: Abonnee, ontvanger: Ontvanger, publish: Publisher, bezorging: Bezorging, settings: Settings
    ) -> None:
        abonnement = await abonnee.abonneer(ontvanger.hook("opgezegd", "bedachtzaam"))
        await bezorging.start()
        subject = str(uuid.uuid4())  # one at a time: 20 ms each, two seconds for all
        for _ in range(100):
            await publish(subject=subject)
        await eventually(lambda: len(ontvanger.van("opgezegd")) >= 10)
        pad = f"/api/v1/abonnementen/{abonnement['id']}"
        assert (await abonnee.client.delete(pad, headers=abonnee.headers)).status_code == 204
        # What was in flight may still arrive; then nothing more.
        await asyncio.sleep(0.5)
        after_delete = len(ontvanger.van("opgezegd"))
        await asyncio.sleep(1.0)
        assert len(ontvanger.van("opgezegd")) == after_delete < 100
