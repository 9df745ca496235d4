"""The exchange's worker process (`python -m ketenuitwisseling keten-worker`): fetches announced facts, delivers
queued reports and carries the dossier transfers on a move, each loop supervised by the kit (a PostgreSQL or partner
outage is waited out; one that lasts too long ends the process non-zero and it is restarted). Any number of replicas:
rows are claimed with SKIP LOCKED."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.keten import DevTokenSource, partner_client
from inburgering_kit.worker import supervise
from ketenuitwisseling import scopes
from ketenuitwisseling.services.bezorging import Bezorger
from ketenuitwisseling.services.inhalen import Inhaler, abonneer
from ketenuitwisseling.services.ophalen import Instellingen, Ophaler
from ketenuitwisseling.services.overdracht import DbOpslag, OverdrachtInstellingen, Overdrager
from ketenuitwisseling.services.partners import Doel, PerDoel, Tokens, Verbindingen
from ketenuitwisseling.settings import Settings

logger = logging.getLogger(__name__)


def instellingen(settings: Settings) -> Instellingen:
    return Instellingen(
        batch=settings.worker_batch,
        gelijktijdig=settings.worker_gelijktijdig,
        claim_seconden=settings.claim_seconden,
        max_pogingen=settings.max_pogingen_melding,
        max_wachttijd=settings.max_wachttijd_seconden,
        gemeenten=settings.gemeenten,
    )


# What the exchange's token carries per purpose: the one map production's development tokens and the tests mint from.
SCOPES_PER_DOEL = {
    Doel.DUO: scopes.NAAR_PARTNER,
    Doel.COA: scopes.NAAR_PARTNER,
    Doel.INBURGERAAR_DUO: scopes.NAAR_INBURGERAAR_DUO,
    Doel.INBURGERAAR_COA: scopes.NAAR_INBURGERAAR_COA,
    Doel.HANDHAVING: scopes.NAAR_HANDHAVING,
    Doel.AANBIEDER: scopes.NAAR_AANBIEDER,
    Doel.OVERDRACHT: scopes.NAAR_OVERDRACHT,
    Doel.PEER: scopes.NAAR_PEER,
}


def ontwikkeltokens(settings: Settings) -> Tokens:
    """Tokens minted with the development key (`make run`); production configures its identity provider instead."""
    if settings.token_private_key_file is None:
        raise RuntimeError("KETENUITWISSELING_TOKEN_PRIVATE_KEY_FILE ontbreekt")
    pem = settings.token_private_key_file.read_bytes()

    def maak(doel: Doel, gemeente: str) -> Any:
        partner = doel in {Doel.DUO, Doel.COA, Doel.PEER}
        return DevTokenSource(
            pem,
            issuer=settings.token_issuer,
            audience=settings.token_audience_partners if partner else settings.token_audience_intern,
            client_id=settings.client_id,
            scopes=SCOPES_PER_DOEL[doel],
            gemeente_code=gemeente,
        )

    return PerDoel(maak)


def verbindingen(settings: Settings, tokens: Tokens) -> Verbindingen:
    mtls = settings.mtls

    def intern(url: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=url.rstrip("/") + "/", timeout=10.0)

    # As many kept-alive connections to DUO as sends in flight: a backlog after an outage is sent without a new
    # connection (and mutual-TLS handshake) per report.
    return Verbindingen(
        duo=partner_client(
            mtls, base_url=settings.duo_url.rstrip("/") + "/", connections=max(settings.worker_gelijktijdig, 20)
        ),
        coa=partner_client(mtls, base_url=settings.coa_url.rstrip("/") + "/"),
        inburgeraar=intern(settings.inburgeraar_api_url),
        handhaving=intern(settings.handhaving_api_url),
        tokens=tokens,
        pip=intern(settings.pip_api_url),
        aanbieder=intern(settings.aanbieder_api_url),
        # Another deployment's exchange: with the same trust as DUO and COA (mutual TLS, OIN checked there).
        peers={
            code: partner_client(mtls, base_url=peer.url.rstrip("/") + "/api/v1/")
            for code, peer in settings.gemeente_peers.items()
        },
    )


async def draai(
    database: Database,
    v: Verbindingen,
    log: Verwerkingslog,
    instelling: Instellingen,
    stop: asyncio.Event,
    *,
    interval: float,
    gemeenten: tuple[str, ...] = (),
    inhalen_interval: float = 60.0,
    abonneer_op: str | None = None,
) -> None:
    """The loops until `stop`: each pass repeats at once while it found work, and waits `interval` when idle."""
    ophaler, bezorger = Ophaler(database, v, log, instelling), Bezorger(database, v, log, instelling)
    overdrager = Overdrager(
        DbOpslag(database, log),
        v,
        instelling.gemeenten or gemeenten,
        OverdrachtInstellingen(claim_seconden=instelling.claim_seconden, max_wachttijd=instelling.max_wachttijd),
    )

    def tot_leeg(ronde: Callable[[], Awaitable[int]]) -> Callable[[], Awaitable[None]]:
        async def work() -> None:
            while not stop.is_set() and await ronde():
                pass

        return work

    loops = [
        supervise("keten-ophalen", tot_leeg(ophaler.ronde), stop, interval=interval),
        supervise("keten-bezorgen", tot_leeg(bezorger.ronde), stop, interval=interval),
        supervise("keten-overdragen", tot_leeg(overdrager.ronde), stop, interval=interval),
    ]
    if gemeenten:
        inhaler = Inhaler(database, v, gemeenten)
        loops.append(supervise("keten-inhalen", inhaler.ronde, stop, interval=inhalen_interval))
    if gemeenten and abonneer_op:
        loops.append(_abonneer_tot_gelukt(v, gemeenten, abonneer_op, stop))
    await asyncio.gather(*loops)


async def _abonneer_tot_gelukt(v: Verbindingen, gemeenten: tuple[str, ...], url: str, stop: asyncio.Event) -> None:
    """Subscribe once per start; a partner that is not up yet is asked again every few seconds."""
    while not stop.is_set():
        try:
            await abonneer(v, gemeenten, url)
        except Exception as exc:
            logger.warning("abonneren bij de ketenpartners mislukt, opnieuw over 5 s: %s: %s", type(exc).__name__, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=5)
        else:
            return


async def hoofd(settings: Settings, stop: asyncio.Event) -> None:
    database = Database(settings.database_url, pool_size=4)
    v = verbindingen(settings, ontwikkeltokens(settings))
    try:
        await draai(
            database,
            v,
            Verwerkingslog(settings.pseudonym_key.get_secret_value().encode()),
            instellingen(settings),
            stop,
            interval=settings.worker_interval_seconden,
            gemeenten=settings.gemeenten,
            inhalen_interval=settings.inhalen_interval_seconden,
            abonneer_op=settings.public_base_url if settings.abonneren else None,
        )
    finally:
        with contextlib.suppress(Exception):
            await v.aclose()
        await database.dispose()
