"""Sending: one attempt at one delivery — the address checked again, the body in the subscription's format,
signed, POSTed, and the outcome (with the retry schedule applied) handed back. Nothing here touches the queue.

At least once: a delivery is marked delivered only after a 2xx, so a crash between the receiver's answer and
our update delivers it again; receivers de-duplicate on `webhook-id` (the event id).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp

from notificaties.crypto import SecretBox
from notificaties.delivery import signing, ssrf, vng
from notificaties.domain.abonnement import FORMAAT_VNG
from notificaties.domain.aflevering import AFGELEVERD, DEAD_LETTER, WACHTEND, Herhaalschema, na_mislukking
from notificaties.repository.queue import Destination, Job, Outcome
from notificaties.settings import Settings

logger = logging.getLogger(__name__)


def body_of(event: str, formaat: str) -> tuple[bytes, str]:
    if formaat == FORMAAT_VNG:
        return json.dumps(vng.notificatie(json.loads(event)), separators=(",", ":")).encode(), "application/json"
    # CloudEvents HTTP protocol binding, structured content mode: the event as stored.
    return event.encode(), "application/cloudevents+json"


def schema_of(settings: Settings) -> Herhaalschema:
    return Herhaalschema(settings.backoff_base_seconds, settings.backoff_max_seconds, settings.max_attempts)


@dataclass
class SendCache:
    """What one subscription's attempts share: decrypted secrets, and the last passed address check."""

    secrets: dict[str, str] = field(default_factory=dict)
    address_checked: tuple[str, int] | None = None  # (url, second)


class Sender:
    def __init__(self, settings: Settings, secret_box: SecretBox) -> None:
        self.settings = settings
        self.secret_box = secret_box
        self.schema = schema_of(settings)
        self.http: aiohttp.ClientSession | None = None

    def _secret(self, cache: SendCache, token: str) -> str:
        if token not in cache.secrets:
            cache.secrets[token] = self.secret_box.decrypt(token)
        return cache.secrets[token]

    async def attempt(self, cache: SendCache, destination: Destination, job: Job) -> Outcome:
        statuscode: int | None = None
        fout: str | None = None
        started = time.monotonic()
        try:
            statuscode = await self._post(cache, destination, job)
            if not 200 <= statuscode < 300:
                fout = f"HTTP {statuscode}"
        except ssrf.GeweigerdAdres as exc:
            fout = str(exc)
        except TimeoutError:
            fout = "time-out"
        except aiohttp.ClientError as exc:
            fout = f"verbindingsfout: {type(exc).__name__}"
        except Exception:
            # Counted like any failed attempt, so a delivery that cannot even be attempted ends in dead-letter.
            logger.exception("delivery %s could not be attempted", job.aflevering_id)
            fout = "interne fout"
        duur_ms = int((time.monotonic() - started) * 1000)
        if fout is None:
            return Outcome(job.aflevering_id, job.abonnement_id, AFGELEVERD, 0.0, statuscode, duur_ms, fout)
        sinds = 0.0
        if job.eerste_mislukt_at is not None:
            sinds = max(0.0, (datetime.now(UTC) - job.eerste_mislukt_at).total_seconds())
        delay = na_mislukking(
            job.pogingen + 1,
            sinds_eerste_mislukking=sinds,
            termijn_uren=destination.herhaaltermijn_uren,
            schema=self.schema,
        )
        status = DEAD_LETTER if delay is None else WACHTEND
        return Outcome(job.aflevering_id, job.abonnement_id, status, delay or 0.0, statuscode, duur_ms, fout)

    async def _post(self, cache: SendCache, destination: Destination, job: Job) -> int:
        assert self.http is not None
        # Again before attempts, not only at subscription time: the DNS answer for a name may change. At most once
        # a second per subscription, since a resolver call costs more than a delivery on loopback.
        second = int(time.monotonic())
        if cache.address_checked != (destination.callback_url, second):
            # Bounded like the request (aiohttp's total timeout, which includes reading the answer): the resolver
            # has no timeout of its own.
            async with asyncio.timeout(self.settings.delivery_timeout_seconds):
                await ssrf.check_url(
                    destination.callback_url,
                    allow_http=self.settings.allow_http,
                    allow_private=self.settings.allow_private_addresses,
                )
            cache.address_checked = (destination.callback_url, second)
        body, content_type = body_of(job.event, destination.formaat)
        headers = {
            "content-type": content_type,
            "user-agent": "inburgering-notificaties/1.0",
            **signing.headers(
                self._secret(cache, destination.geheim_versleuteld), job.event_id, int(time.time()), body
            ),
        }
        if destination.autorisatie_versleuteld:
            headers["authorization"] = self._secret(cache, destination.autorisatie_versleuteld)
        # No redirects: a 3xx could point past the address check.
        async with self.http.post(destination.callback_url, data=body, headers=headers, allow_redirects=False) as r:
            await r.read()
            return r.status
