"""Uploaded files: received as a stream, refused whole when malformed, then applied row by row in batches.

Every row goes through the same `Meldpunt` as an API call or a portal form. A batch of rows, their rejections and
the upload's progress counter commit together, so a restarted worker resumes exactly after the last committed
batch and no row applies twice; a row identical to one already stored (from this file, an earlier file or the API)
is counted as `overgeslagen` and changes nothing. The same file uploaded again is the same aanlevering.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import tempfile
import uuid
import zlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import text

from aanbieder_api import bestandsformaat
from aanbieder_api.bestandsformaat import BestandOngeldig, Regel, Utf8Controle
from aanbieder_api.domain.enums import AanleveringStatus, Bestandsformaat, Kanaal, Meldingsoort
from aanbieder_api.domain.melding import MELDING, Melding
from aanbieder_api.models import Aanlevering, AanleveringAfwijzing
from aanbieder_api.repository.aanleveringen import AanleveringRepository
from aanbieder_api.services.toegang import Aanbiederidentiteit, controleer_client, werkcontext
from aanbieder_api.services.voortgang import Meldpunt
from aanbieder_api.settings import Settings
from inburgering_kit.auth import Principal
from inburgering_kit.context import AppWithState, RequestContext
from inburgering_kit.db import Database
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import InvalidParam, NotFound, Problem

logger = logging.getLogger(__name__)

# The running application, of which the processing needs only `state` (its database, the wake-up event): typed
# loosely so that use cases stay free of the web framework.


class BestandGeweigerd(Problem):
    # 422, not 400: the request itself is well-formed (a body of bytes of a supported media type); it is the file's
    # content that is not in the national format.
    status = 422
    code = "bestand-ongeldig"
    title = "Het bestand is niet te lezen in het landelijke formaat; er is niets van verwerkt."


class TeVeelAfgewezen(BestandOngeldig):
    """The file has `Settings.upload_max_afgewezen` rows that are not a report: refused whole, with their reasons."""

    def __init__(self, afgewezen: list[tuple[int, list[dict[str, str]]]]) -> None:
        super().__init__(
            "te-veel-afgewezen",
            f"{len(afgewezen)} regels zijn geen melding in het landelijke formaat",
            afgewezen[-1][0],
        )
        self.afgewezen = afgewezen


class BestandTeGroot(Problem):
    status = 413
    code = "bestand-te-groot"
    title = "Het bestand is te groot."


@dataclass(frozen=True)
class OntvangenBestand:
    pad: Path
    formaat: Bestandsformaat
    sha256: str
    grootte: int
    regels: int


async def ontvang(chunks: AsyncIterator[bytes], formaat: Bestandsformaat, settings: Settings) -> OntvangenBestand:
    """Stream the body to a file beside the uploads (never into memory), checking size and UTF-8 on the way, then
    read it once as rows: a malformed file is refused here, before anything exists of it."""
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    fd, naam = tempfile.mkstemp(dir=settings.upload_dir, prefix=".ontvangst-", suffix=f".{formaat.value}")
    pad = Path(naam)
    digest, grootte, utf8 = hashlib.sha256(), 0, Utf8Controle()
    try:
        with os.fdopen(fd, "wb") as out:
            async for chunk in chunks:
                if not chunk:
                    continue
                grootte += len(chunk)
                if grootte > settings.upload_max_bytes:
                    raise BestandTeGroot(f"Hoogstens {settings.upload_max_bytes} bytes per bestand.")
                utf8.voeg_toe(chunk)
                digest.update(chunk)
                out.write(chunk)
        utf8.voeg_toe(b"", laatste=True)
        if not utf8.zichtbaar:
            raise BestandOngeldig("bestand-leeg", "het bestand is leeg")
        aantal = await asyncio.to_thread(_tel_regels, pad, formaat, settings.upload_max_afgewezen)
    except BestandOngeldig as exc:
        pad.unlink(missing_ok=True)  # noqa: ASYNC240 - one local unlink, cheaper than a thread hop
        redenen = (
            [
                InvalidParam(name=f"regels[{nummer}].{fout['name']}", code=fout["code"], reason=fout["reason"])
                for nummer, fouten in exc.afgewezen
                for fout in fouten
            ]
            if isinstance(exc, TeVeelAfgewezen)
            else None
        )
        raise BestandGeweigerd(
            exc.reden + (f" (regel {exc.regel})" if exc.regel else ""),
            invalid_params=redenen,
            extra={"foutcode": exc.code},
        ) from None
    except BaseException:
        pad.unlink(missing_ok=True)  # noqa: ASYNC240 - see above
        raise
    return OntvangenBestand(pad, formaat, digest.hexdigest(), grootte, aantal)


def _tel_regels(pad: Path, formaat: Bestandsformaat, max_afgewezen: int) -> int:
    """Read the whole file once, as a stream: refuse a malformed one, and one with `max_afgewezen` rows that are no
    report (each would cost a stored rejection), before anything of it exists."""
    aantal = 0
    afgewezen: list[tuple[int, list[dict[str, str]]]] = []
    for regel in bestandsformaat.regels(pad, formaat):
        aantal += 1
        gelezen = _lees(regel)
        if not isinstance(gelezen, tuple):
            afgewezen.append((regel.nummer, gelezen))
            if len(afgewezen) >= max_afgewezen:
                raise TeVeelAfgewezen(afgewezen)
    if aantal == 0:
        raise BestandOngeldig("bestand-leeg", "het bestand bevat geen regels")
    return aantal


def _bestand(settings: Settings, aanlevering: Aanlevering) -> Path:
    return settings.upload_dir / f"{aanlevering.id}.{aanlevering.formaat}"


async def registreer(
    ctx: RequestContext, wie: Aanbiederidentiteit, bestand: OntvangenBestand, settings: Settings, naam: str | None
) -> tuple[Aanlevering, bool]:
    """The aanlevering of this file: a new one (True), or the one this aanbieder uploaded before (False). The caller
    has checked the client (before receiving the file)."""
    repo = AanleveringRepository(ctx.session, wie.gemeente)
    now = datetime.now(UTC)
    aanlevering = Aanlevering(
        id=uuid.uuid4(), gemeente_code=wie.gemeente, aanbieder_id=wie.aanbieder_id, formaat=bestand.formaat.value,
        bestand_hash=bestand.sha256, bestandsnaam=naam, grootte=bestand.grootte,
        status=AanleveringStatus.ONTVANGEN.value, regels_totaal=bestand.regels, regels_verwerkt=0, geaccepteerd=0,
        afgewezen=0, overgeslagen=0, actor_client=ctx.principal.client_id, actor_user=ctx.principal.user,
        created_at=now, updated_at=now,
    )  # fmt: skip
    if not await repo.add(aanlevering):
        bestand.pad.unlink(missing_ok=True)
        bestaand = await repo.by_hash(wie.aanbieder_id, bestand.sha256)
        if bestaand is None:
            raise RuntimeError("conflict without a conflicting row")
        return bestaand, False
    # Renamed within one folder: atomic, and the rows reference the file only once this transaction commits.
    bestand.pad.rename(_bestand(settings, aanlevering))
    return aanlevering, True


async def raadpleeg(ctx: RequestContext, wie: Aanbiederidentiteit | None, aanlevering_id: uuid.UUID) -> Aanlevering:
    if wie is not None:
        await controleer_client(ctx, wie)
    aanlevering = await AanleveringRepository(ctx.session, ctx.gemeente).get(
        aanlevering_id, wie.aanbieder_id if wie else None
    )
    if aanlevering is None:
        raise NotFound(f"Aanlevering {aanlevering_id} bestaat niet.")
    return aanlevering


async def lijst(
    ctx: RequestContext, wie: Aanbiederidentiteit | None, paging: PageParams
) -> tuple[Sequence[Aanlevering], int]:
    if wie is not None:
        await controleer_client(ctx, wie)
    return await AanleveringRepository(ctx.session, ctx.gemeente).list(paging, wie.aanbieder_id if wie else None)


async def afwijzingen(
    ctx: RequestContext, wie: Aanbiederidentiteit | None, aanlevering_id: uuid.UUID, paging: PageParams
) -> tuple[Sequence[AanleveringAfwijzing], int]:
    await raadpleeg(ctx, wie, aanlevering_id)
    return await AanleveringRepository(ctx.session, ctx.gemeente).afwijzingen(aanlevering_id, paging)


# ---- processing ----


def _fouten(exc: ValidationError) -> list[dict[str, str]]:
    fouten = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        soort = str(err.get("type", "ongeldig"))
        # The first step is the union tag (the soort); a rule over several fields has no field of its own.
        naam = "soort" if soort.startswith("union_tag") else ".".join(loc[1:]) or "regel"
        code = "niet-toegestaan" if soort == "extra_forbidden" else soort
        reden = "dit veld hoort niet bij deze soort melding" if soort == "extra_forbidden" else str(err.get("msg"))
        if soort == "union_tag_invalid":
            # Pydantic names the expected tags as Python enum members: the provider sees the values it can send.
            soorten = ", ".join(f"'{s.value}'" for s in Meldingsoort)
            reden = f"Input tag '{err.get('ctx', {}).get('tag')}' found using 'soort' does not match any of the "
            reden += f"expected tags: {soorten}"
        fouten.append({"name": naam, "code": code, "reason": reden})
    return fouten


def _lees(regel: Regel) -> tuple[uuid.UUID, Melding] | list[dict[str, str]]:
    """A row as a report about an opdracht, or why it is none (before any rule about the opdracht is checked)."""
    if regel.velden is None:
        return [{"name": "regel", "code": "onleesbaar", "reason": regel.fout or ""}]
    velden = dict(regel.velden)
    fouten: list[dict[str, str]] = []
    opdracht_id: uuid.UUID | None = None
    try:
        opdracht_id = uuid.UUID(str(velden.pop("opdrachtId", "")))
    except ValueError:
        fouten.append({"name": "opdrachtId", "code": "uuid_parsing", "reason": "geen geldig id van een opdracht"})
    try:
        melding = MELDING.validate_python(velden)
    except ValidationError as exc:
        fouten.extend(_fouten(exc))
    if fouten or opdracht_id is None:
        return fouten
    return opdracht_id, melding


def _probleem(exc: Problem) -> list[dict[str, str]]:
    if exc.status == 404:
        return [{"name": "opdrachtId", "code": "onbekend", "reason": "geen opdracht van deze aanbieder"}]
    if exc.invalid_params:
        return [p.model_dump() for p in exc.invalid_params]
    return [{"name": "regel", "code": exc.code, "reason": exc.detail or exc.title}]


@dataclass
class _Telling:
    geaccepteerd: int = 0
    afgewezen: int = 0
    overgeslagen: int = 0


async def _verwerk_batch(
    ctx: RequestContext, aanlevering: Aanlevering, batch: list[Regel], telling: _Telling
) -> list[tuple[int, list[dict[str, str]]]]:
    wie = Aanbiederidentiteit(aanlevering.gemeente_code, aanlevering.aanbieder_id, None)
    punt = Meldpunt(ctx, wie, Kanaal.BESTAND, aanlevering.id)
    afgewezen: list[tuple[int, list[dict[str, str]]]] = []
    gelezen: list[tuple[int, uuid.UUID, Any]] = []
    for regel in batch:
        melding_of_fouten = _lees(regel)
        if isinstance(melding_of_fouten, tuple):
            gelezen.append((regel.nummer, *melding_of_fouten))
        else:
            afgewezen.append((regel.nummer, melding_of_fouten))
    uitkomsten = await punt.meld_alle([(o, m) for _, o, m in gelezen])
    for (nummer, _, _), uitkomst in zip(gelezen, uitkomsten, strict=True):
        if isinstance(uitkomst, Problem):
            afgewezen.append((nummer, _probleem(uitkomst)))
        elif uitkomst:
            telling.geaccepteerd += 1
        else:
            telling.overgeslagen += 1
    await punt.schrijf()
    telling.afgewezen += len(afgewezen)
    return sorted(afgewezen)


def _principal(aanlevering: Aanlevering) -> Principal:
    return Principal(
        client_id=aanlevering.actor_client, user=aanlevering.actor_user, scopes=frozenset(),
        gemeente_code=aanlevering.gemeente_code, aanbieder_id=str(aanlevering.aanbieder_id), roles=frozenset(),
    )  # fmt: skip


_VOORTGANG = text(
    "UPDATE aanlevering SET status = :status, regels_verwerkt = :n, geaccepteerd = geaccepteerd + :g, "
    "afgewezen = afgewezen + :a, overgeslagen = overgeslagen + :o, updated_at = now(), "
    "afgerond_at = CASE WHEN CAST(:klaar AS boolean) THEN now() END WHERE id = :id"
)


async def verwerk(app: AppWithState, settings: Settings, aanlevering_id: uuid.UUID) -> bool:
    """Apply one upload from where it stopped, for one turn: until the file ends, or — once `upload_beurt_regels`
    rows are done — until another aanbieder's upload is waiting. True when the file still has rows for a next turn
    (False when it is done, or when another worker holds it)."""
    database: Database = app.state.database
    # A session-level advisory lock on a connection of its own: held across the batches' transactions, released
    # when this worker ends or dies, so two replicas never process one file at once.
    sleutel = zlib.crc32(aanlevering_id.bytes) - 2**31
    async with database.engine.connect() as lock:
        if not (await lock.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": sleutel})).scalar_one():
            return False
        try:
            return await _verwerk(app, settings, aanlevering_id)
        finally:
            await lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": sleutel})
            await lock.commit()


async def _verwerk(app: AppWithState, settings: Settings, aanlevering_id: uuid.UUID) -> bool:
    async with database_session(app) as session:
        aanlevering = await session.get(Aanlevering, aanlevering_id)
    if aanlevering is None or aanlevering.status == AanleveringStatus.VERWERKT.value:
        return False
    pad = _bestand(settings, aanlevering)
    if not pad.exists():
        logger.error("aanlevering %s: bestand %s ontbreekt; kan niet verwerken", aanlevering_id, pad)
        return False
    gedaan = aanlevering.regels_verwerkt
    in_beurt = 0
    klaar = False
    with contextlib.closing(bestandsformaat.regels(pad, Bestandsformaat(aanlevering.formaat))) as regels:
        while not klaar:
            if in_beurt >= settings.upload_beurt_regels:
                async with database_session(app) as session:
                    if await AanleveringRepository(session, "").anderen_wachten(aanlevering.aanbieder_id):
                        # Progress is committed per batch: the next turn resumes exactly here.
                        return True
                in_beurt = 0
            batch: list[Regel] = []
            for regel in regels:
                if regel.nummer <= gedaan:
                    continue  # committed by an earlier run
                batch.append(regel)
                if len(batch) >= settings.upload_batch:
                    break
            else:
                klaar = True
            telling = _Telling()
            async with werkcontext(app, _principal(aanlevering)) as ctx:
                afgewezen = await _verwerk_batch(ctx, aanlevering, batch, telling) if batch else []
                await AanleveringRepository(ctx.session, aanlevering.gemeente_code).add_afwijzingen(
                    aanlevering.id, afgewezen
                )
                gedaan = batch[-1].nummer if batch else gedaan
                await ctx.session.execute(
                    _VOORTGANG,
                    {
                        "status": (AanleveringStatus.VERWERKT if klaar else AanleveringStatus.IN_VERWERKING).value,
                        "klaar": klaar,
                        "n": gedaan,
                        "g": telling.geaccepteerd,
                        "a": telling.afgewezen,
                        "o": telling.overgeslagen,
                        "id": aanlevering.id,
                    },
                )
            in_beurt += len(batch)
            await asyncio.sleep(0)  # let requests in between batches
    pad.unlink(missing_ok=True)
    return False


def om_de_beurt(open_: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> list[uuid.UUID]:
    """One round of turns: the oldest open upload of each aanbieder, the aanbieder with the oldest waiting upload
    first. An aanbieder's own files keep their order; a big file takes one turn per round, not the whole worker."""
    eerste: dict[uuid.UUID, uuid.UUID] = {}
    for aanlevering_id, aanbieder_id in open_:
        eerste.setdefault(aanbieder_id, aanlevering_id)
    return list(eerste.values())


@contextlib.asynccontextmanager
async def database_session(app: AppWithState) -> AsyncIterator[Any]:
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        yield session


def achtergrondtaak(settings: Settings) -> Any:
    """Process uploads beside the API: woken by a new upload, and every few seconds for leftovers of a restart."""

    async def run(app: AppWithState, stop: asyncio.Event) -> None:
        wakker: asyncio.Event = asyncio.Event()
        app.state.aanleveringen_wakker = wakker
        while not stop.is_set():
            nog_werk = False
            try:
                async with database_session(app) as session:
                    open_ = await AanleveringRepository(session, "").list_open()
                for aanlevering_id in om_de_beurt(open_):
                    if stop.is_set():
                        break
                    nog_werk = await verwerk(app, settings, aanlevering_id) or nog_werk
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("aanleveringen: verwerken mislukt; volgende poging straks")
            if nog_werk:
                continue  # the next round of turns at once: a file that gave way is not finished
            wakker.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_eerste(wakker, stop), timeout=settings.upload_poll_seconden)

    return run


async def _eerste(*events: asyncio.Event) -> None:
    waiters = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()


def wek(app: AppWithState) -> None:
    wakker: asyncio.Event | None = getattr(app.state, "aanleveringen_wakker", None)
    if wakker is not None:
        wakker.set()
