"""Assembling a delivery to CBS (Wi art. 35 lid 4) in the worker process (`python -m ketenuitwisseling cbs-worker`).

The four contexts that own the data each stream their part as NDJSON ordered by inburgeraarId (data at the source:
their `GET /cbs-export`, never their tables). The four streams are read concurrently, each by a task of its own into
a small bounded queue, and merged k-way by id into one record per person; every record is checked against the
published schema before anything is kept; the lines are written gzipped in chunks of about a MiB, each chunk in its
own transaction with the job's percentage, so progress shows while the whole file never sits in memory.

Nothing half is offered: the content can be fetched only once the job is `gereed`; a record that fails the schema, a
source that refuses or streams out of order fails the job with its reason and deletes the chunks written so far. A
source that is away (5xx, timeout) is tried again later, from the beginning, up to `max_pogingen` times.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import httpx

from inburgering_kit.audit import Actie, Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.export import CBS_LEVERING, NDJSON
from inburgering_kit.keten import DevTokenSource
from inburgering_kit.worker import supervise
from ketenuitwisseling import scopes
from ketenuitwisseling.domain.cbs import Bron, RecordOngeldig, controleer, regel, samenvoegen
from ketenuitwisseling.repository.cbs import CbsLeveringRepository
from ketenuitwisseling.services.ophalen import systeem
from ketenuitwisseling.services.partners import Onbereikbaar, probleem, retry_after
from ketenuitwisseling.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CbsInstellingen:
    lease_seconden: int = 120
    deel_bytes: int = 1 << 20
    bewaar_dagen: int = 30
    na_download_dagen: int = 7
    max_pogingen: int = 5
    wacht_seconden: float = 60.0
    # Parsed batches a source may run ahead of the merge: bounds memory when one source is much faster.
    wachtrij: int = 4


class BronWeigert(Exception):  # noqa: N818 - names the situation
    """A source refused the export or sent something unusable: the delivery fails with this reason."""


class Stroom(Protocol):
    totaal: int

    def stukken(self) -> AsyncIterator[bytes]: ...


class Bronnen(Protocol):
    """Opens one context's export (HTTP in production, fakes in tests)."""

    def open(self, bron: Bron, gemeente: str, van: date, tot: date) -> AbstractAsyncContextManager[Stroom]: ...


# --- The merge -----------------------------------------------------------------------------------------------------

_KLAAR = object()


async def _lees(bron: Bron, stroom: Stroom, wachtrij: asyncio.Queue[Any]) -> None:
    """Producer: the source's bytes as batches of (id, part), checked to be strictly ordered by id."""
    try:
        rest = b""
        vorige = ""
        async for stuk in stroom.stukken():
            regels = (rest + stuk).split(b"\n")
            rest = regels.pop()
            partij = []
            for r in regels:
                if not r.strip():
                    continue
                deel = json.loads(r)
                i = deel.get("inburgeraarId") if isinstance(deel, dict) else None
                if not isinstance(i, str) or i <= vorige:
                    raise BronWeigert(f"{bron}: regels niet strikt op inburgeraarId geordend (na {vorige or 'begin'})")
                vorige = i
                partij.append((i, deel))
            if partij:
                await wachtrij.put(partij)
        if rest.strip():
            raise BronWeigert(f"{bron}: de stroom eindigt midden in een regel")
        await wachtrij.put(_KLAAR)
    except ValueError as fout:
        await wachtrij.put(BronWeigert(f"{bron}: geen geldige JSON-regel ({fout})"))
    except Exception as fout:
        await wachtrij.put(fout)


class _Kop:
    """The head of one source: its current batch and position in it."""

    def __init__(self, bron: Bron, wachtrij: asyncio.Queue[Any]) -> None:
        self.bron = bron
        self.wachtrij = wachtrij
        self.partij: list[tuple[str, Mapping[str, Any]]] = []
        self.positie = 0
        self.klaar = False

    async def vul(self) -> None:
        if self.positie < len(self.partij) or self.klaar:
            return
        item = await self.wachtrij.get()
        if item is _KLAAR:
            self.klaar, self.partij, self.positie = True, [], 0
        elif isinstance(item, BaseException):
            raise item
        else:
            self.partij, self.positie = item, 0

    @property
    def huidige(self) -> tuple[str, Mapping[str, Any]] | None:
        return None if self.klaar else self.partij[self.positie]


async def voeg_samen(stromen: Mapping[Bron, Stroom], wachtrij: int = 4) -> AsyncIterator[dict[str, Any]]:
    """The k-way merge of the sources' ordered streams: one record per inburgeraarId, ascending."""
    koppen = [_Kop(b, asyncio.Queue(maxsize=wachtrij)) for b in stromen]
    lezers = [asyncio.create_task(_lees(k.bron, stromen[k.bron], k.wachtrij)) for k in koppen]
    try:
        for k in koppen:
            await k.vul()
        while True:
            actief = [k for k in koppen if not k.klaar]
            if not actief:
                return
            kleinste = min(k.partij[k.positie][0] for k in actief)
            delen: dict[Bron, Mapping[str, Any]] = {}
            for k in actief:
                i, deel = k.partij[k.positie]
                if i == kleinste:
                    delen[k.bron] = deel
                    k.positie += 1
                    await k.vul()
            yield samenvoegen(kleinste, delen)
    finally:
        for t in lezers:
            t.cancel()
        await asyncio.gather(*lezers, return_exceptions=True)


# --- The job -------------------------------------------------------------------------------------------------------


class CbsSamensteller:
    def __init__(
        self, database: Database, bronnen: Bronnen, log: Verwerkingslog, instellingen: CbsInstellingen
    ) -> None:
        self.database = database
        self.bronnen = bronnen
        self.log = log
        self.instellingen = instellingen

    async def ronde(self) -> int:
        """Assemble one planned delivery, if any; otherwise delete content whose retention ended. 1 if it worked."""
        async with self.database.unit_of_work() as uow:
            levering_id = await CbsLeveringRepository(uow.session).claim(self.instellingen.lease_seconden)
            await uow.commit()
        if levering_id is None:
            async with self.database.unit_of_work() as uow:
                opgeruimd = await CbsLeveringRepository(uow.session).ruim_op()
                await uow.commit()
            if opgeruimd:
                logger.info("inhoud van %d CBS-leveringen verwijderd (bewaartermijn verstreken)", opgeruimd)
            return 0
        await self.maak(levering_id)
        return 1

    async def maak(self, levering_id: uuid.UUID) -> None:
        async with self.database.unit_of_work() as uow:
            repo = CbsLeveringRepository(uow.session)
            levering = await repo.get(levering_id)
            assert levering is not None
            await repo.wis_delen(levering_id)
            await uow.commit()
        gemeente, pogingen = levering.gemeente_code, levering.pogingen
        try:
            uitkomst = await self._stel_samen(levering_id, gemeente, levering.van_datum, levering.tot_datum)
        except (RecordOngeldig, BronWeigert) as fout:
            await self._afsluiten(levering_id, gemeente, mislukt=str(fout))
            return
        except (Onbereikbaar, httpx.TransportError) as fout:
            reden = f"bron niet bereikbaar: {type(fout).__name__}: {fout}"
            if pogingen >= self.instellingen.max_pogingen:
                await self._afsluiten(levering_id, gemeente, mislukt=reden)
            else:
                wacht = max(self.instellingen.wacht_seconden, getattr(fout, "retry_after", None) or 0.0)
                async with self.database.unit_of_work() as uow:
                    await CbsLeveringRepository(uow.session).later_opnieuw(levering_id, reden, wacht)
                    await uow.commit()
            return
        await self._afsluiten(levering_id, gemeente, gereed=uitkomst)

    async def _stel_samen(self, levering_id: uuid.UUID, gemeente: str, van: date, tot: date) -> dict[str, Any]:
        inst = self.instellingen
        sha = hashlib.sha256()
        buffer = bytearray()
        personen = aantal_bytes = delen = 0
        totaal = 1

        async def schrijf(inhoud: bytes, percentage: int) -> None:
            nonlocal delen
            # mtime 0 and no file name: the gzip bytes too are the same for the same content.
            gz = await asyncio.to_thread(gzip.compress, inhoud, 6, mtime=0)
            delen += 1
            async with self.database.unit_of_work() as uow:
                await CbsLeveringRepository(uow.session).voeg_deel_toe(
                    levering_id, delen, gz, percentage=percentage, lease_seconden=inst.lease_seconden
                )
                await uow.commit()

        async with AsyncExitStack() as stack:
            stromen = {b: await stack.enter_async_context(self.bronnen.open(b, gemeente, van, tot)) for b in Bron}
            totaal = max(1, *(s.totaal for s in stromen.values()))
            async for record in voeg_samen(stromen, inst.wachtrij):
                controleer(record)
                r = regel(record)
                sha.update(r)
                buffer += r
                personen += 1
                aantal_bytes += len(r)
                if len(buffer) >= inst.deel_bytes:
                    await schrijf(bytes(buffer), min(99, personen * 100 // totaal))
                    buffer.clear()
        if buffer or delen == 0:
            await schrijf(bytes(buffer), 99)
        return {"personen": personen, "bytes_": aantal_bytes, "delen": delen, "sha256": sha.hexdigest()}

    async def _afsluiten(
        self, levering_id: uuid.UUID, gemeente: str, *, gereed: dict[str, Any] | None = None, mislukt: str | None = None
    ) -> None:
        async with self.database.unit_of_work() as uow:
            repo = CbsLeveringRepository(uow.session)
            if gereed is not None:
                await repo.gereed(levering_id, bewaar_dagen=self.instellingen.bewaar_dagen, **gereed)
            else:
                await repo.mislukt(levering_id, mislukt or "onbekend")
            await self.log.record(
                uow.session,
                systeem(gemeente),
                CBS_LEVERING,
                Actie.AANMAKEN,
                object_type="cbs-levering",
                object_id=levering_id,
                betrokkene=None,
                resultaat="geslaagd" if gereed is not None else "mislukt",
            )
            await uow.commit()
        if mislukt:
            logger.warning("CBS-levering %s mislukt: %s", levering_id, mislukt)


# --- The sources over HTTP -----------------------------------------------------------------------------------------


@dataclass
class _HttpStroom:
    totaal: int
    response: httpx.Response

    def stukken(self) -> AsyncIterator[bytes]:
        return self.response.aiter_bytes()


class HttpBronnen:
    """The four contexts' `GET /cbs-export`, each with a token of the exchange carrying only `cbs:export`."""

    def __init__(self, clients: Mapping[Bron, httpx.AsyncClient], token: Callable[[str], Awaitable[str]]) -> None:
        self.clients = clients
        self.token = token

    @asynccontextmanager
    async def open(self, bron: Bron, gemeente: str, van: date, tot: date) -> AsyncIterator[Stroom]:
        headers = {"Authorization": f"Bearer {await self.token(gemeente)}", "Accept": NDJSON}
        params = {"gemeentecode": gemeente, "van": van.isoformat(), "tot": tot.isoformat()}
        async with self.clients[bron].stream("GET", "cbs-export", params=params, headers=headers) as response:
            if response.status_code >= 500 or response.status_code in {408, 429}:
                raise Onbereikbaar(f"{response.status_code} van {bron}", retry_after(response))
            if response.status_code != 200:
                await response.aread()
                raise BronWeigert(f"{bron}: {probleem(response)[0]}")
            yield _HttpStroom(int(response.headers.get("X-Total-Count") or 0), response)

    async def aclose(self) -> None:
        for c in self.clients.values():
            with contextlib.suppress(Exception):
                await c.aclose()


# --- The process ---------------------------------------------------------------------------------------------------


def http_bronnen(settings: Settings) -> HttpBronnen:
    if settings.token_private_key_file is None:
        raise RuntimeError("KETENUITWISSELING_TOKEN_PRIVATE_KEY_FILE ontbreekt")
    pem = settings.token_private_key_file.read_bytes()
    bronnen: dict[str, DevTokenSource] = {}

    async def token(gemeente: str) -> str:
        bron = bronnen.get(gemeente)
        if bron is None:
            bron = bronnen[gemeente] = DevTokenSource(
                pem,
                issuer=settings.token_issuer,
                audience=settings.token_audience_intern,
                client_id=settings.client_id,
                scopes=scopes.NAAR_CBS_BRONNEN,
                gemeente_code=gemeente,
            )
        return await bron.token()

    # Read timeout per chunk, not for the whole stream: a source sends a batch every few milliseconds.
    timeout = httpx.Timeout(60.0, connect=5.0)
    urls = {
        Bron.INBURGERAAR: settings.inburgeraar_api_url,
        Bron.PIP: settings.pip_api_url,
        Bron.AANBIEDER: settings.aanbieder_api_url,
        Bron.HANDHAVING: settings.handhaving_api_url,
    }
    clients = {b: httpx.AsyncClient(base_url=u.rstrip("/") + "/", timeout=timeout) for b, u in urls.items()}
    return HttpBronnen(clients, token)


async def hoofd(settings: Settings, stop: asyncio.Event) -> None:
    database = Database(settings.database_url, pool_size=2)
    bronnen = http_bronnen(settings)
    samensteller = CbsSamensteller(
        database,
        bronnen,
        Verwerkingslog(settings.pseudonym_key.get_secret_value().encode()),
        CbsInstellingen(lease_seconden=settings.claim_seconden, bewaar_dagen=settings.cbs_bewaar_dagen),
    )

    async def tot_leeg() -> None:
        while not stop.is_set() and await samensteller.ronde():
            pass

    try:
        await supervise("cbs-levering", tot_leeg, stop, interval=settings.cbs_interval_seconden)
    finally:
        await bronnen.aclose()
        await database.dispose()
