"""The dossier transfer on a move (Besluit inburgering 2021 art. 9.4 lid 4; DOMAIN §6; issue 15 §3), the exchange's
part: it owns only the orchestration and its record, never the dossier (the bundle lives in `overdracht.inhoud` only
until it is delivered or imported).

- O (`uitgaand`, on inburgeraar-api's `verhuizing-aangemeld`): fetch the four contexts' parts, build and check the
  bundle, deliver it to N (served here: stored as N's `inkomend` row in the same transaction; elsewhere: `PUT` at N's
  exchange over mTLS), then tell O's inburgeraar-api the move was handed over (which ends O's part by its event).
- N (`inkomend`): hand each part to N's context, inburgeraar-api first (it gives N's inburgeraarId), each step
  recorded on its own, so a crash resumes at the next step; the contexts' `PUT` is idempotent on the transfer's id.
- O (`verzoek`, from N's exchange elsewhere): find the person by BSN and register the move at O's inburgeraar-api.

A counterpart that is away is waited for with back-off; a refusal that will not mend (another bundle under the same
id, the person unknown at O, a bundle against the schema) ends the transfer `mislukt` with the reason, for a person.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.audit import Actie, Verwerkingslog
from inburgering_kit.auth import Principal
from inburgering_kit.bsn import Bsn
from inburgering_kit.context import RequestContext
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from inburgering_kit.overdracht import OVERDRAGEN, OVERNEMEN, vingerafdruk
from inburgering_kit.problems import Conflict, NotFound, Unprocessable, invalid
from ketenuitwisseling.activiteiten import RAADPLEGEN
from ketenuitwisseling.domain import overdracht as domein
from ketenuitwisseling.domain.overdracht import Deel, Richting, Status
from ketenuitwisseling.repository import OverdrachtRepository
from ketenuitwisseling.services.partners import (
    GeenPeer,
    Onbereikbaar,
    Verbindingen,
    controleer_bereikbaar,
    probleem,
    wachttijd,
)

logger = logging.getLogger(__name__)

# The event of O's inburgeraar-api that starts a transfer (durable consumer of its own: its inbox is its own).
CONSUMER = ("ketenuitwisseling-verhuizing", "nl.inburgering.inburgeraar.verhuizing-aangemeld")


def systeem(gemeente: str) -> Principal:
    """The exchange itself, for gemeente `gemeente` (as `ophalen.systeem`, which imports this module)."""
    return Principal(
        client_id="ketenuitwisseling", user=None, scopes=frozenset(), gemeente_code=gemeente, aanbieder_id=None,
        roles=frozenset(),
    )  # fmt: skip


class Mislukt(Exception):  # noqa: N818 - a final verdict, recorded on the transfer
    pass


@dataclass
class Stand:
    """A transfer as the worker sees it between two steps."""

    id: uuid.UUID
    richting: Richting
    gemeente: str
    van: str
    naar: str
    verhuisdatum: date | None
    inburgeraar_id: uuid.UUID | None
    stappen: dict[str, Any]
    inhoud: dict[str, Any] | None
    pogingen: int


@dataclass
class StapUitkomst:
    inburgeraar_id: uuid.UUID | None = None
    inhoud: dict[str, Any] | None = None
    wis_inhoud: bool = False
    # Delivered to a gemeente served here: N's incoming transfer, stored with O's step.
    lokaal: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Opslag(Protocol):
    """Where the transfers and their steps are kept (PostgreSQL; a fake in the unit tests)."""

    async def claim(self, n: int, lease: int) -> Sequence[tuple[uuid.UUID, str]]: ...

    async def lees(self, overdracht_id: uuid.UUID, richting: Richting) -> Stand | None: ...

    async def stap_gedaan(self, stand: Stand, stap: str, uitkomst: StapUitkomst) -> None: ...

    async def later(self, stand: Stand, fout: str, wacht: float) -> None: ...

    async def sluit(self, stand: Stand, status: Status, fout: str | None = None) -> None: ...


def _stand(row: Any) -> Stand:
    return Stand(
        id=row.id, richting=Richting(row.richting), gemeente=row.gemeente_code, van=row.van_gemeente,
        naar=row.naar_gemeente, verhuisdatum=row.verhuisdatum, inburgeraar_id=row.inburgeraar_id,
        stappen=dict(row.stappen or {}), inhoud=row.inhoud, pogingen=row.pogingen,
    )  # fmt: skip


class DbOpslag:
    def __init__(self, database: Database, log: Verwerkingslog) -> None:
        self.database = database
        self.log = log

    async def claim(self, n: int, lease: int) -> Sequence[tuple[uuid.UUID, str]]:
        async with self.database.unit_of_work() as uow:
            rows = await OverdrachtRepository(uow.session).claim(n, lease)
            await uow.commit()
        return rows

    async def lees(self, overdracht_id: uuid.UUID, richting: Richting) -> Stand | None:
        async with self.database.unit_of_work() as uow:
            row = await OverdrachtRepository(uow.session).get(overdracht_id, richting.value)
            return _stand(row) if row is not None else None

    async def stap_gedaan(self, stand: Stand, stap: str, uitkomst: StapUitkomst) -> None:
        values: dict[str, Any] = {}
        if uitkomst.inburgeraar_id is not None:
            values["inburgeraar_id"] = uitkomst.inburgeraar_id
        if uitkomst.inhoud is not None:
            values["inhoud"] = uitkomst.inhoud
        if uitkomst.wis_inhoud:
            values |= {"inhoud": None, "inhoud_verwijderd_at": _nu()}
        async with self.database.unit_of_work() as uow:
            repo = OverdrachtRepository(uow.session)
            if uitkomst.lokaal is not None:
                await ontvang(uow.session, self.log, stand.naar, uitkomst.lokaal)
            await repo.stap_gedaan(stand.id, stand.richting.value, stap, **values)
            await self._log(uow.session, stand, stap, uitkomst)
            await uow.commit()

    async def _log(self, session: AsyncSession, stand: Stand, stap: str, uitkomst: StapUitkomst) -> None:
        persoon = uitkomst.inburgeraar_id or stand.inburgeraar_id
        betrokkene = self.log.betrokkene_van(persoon)
        if stand.richting is Richting.UITGAAND and stap in {"opgehaald", "afgeleverd"}:
            actie = Actie.LEZEN if stap == "opgehaald" else Actie.AANMAKEN
            await self.log.record(
                session, systeem(stand.gemeente), OVERDRAGEN, actie, object_type=f"overdracht-{stap}",
                object_id=stand.id, betrokkene=betrokkene,
            )  # fmt: skip
        elif stand.richting is Richting.INKOMEND:
            await self.log.record(
                session, systeem(stand.gemeente), OVERNEMEN, Actie.AANMAKEN, object_type=f"overdracht-{stap}",
                object_id=stand.id, betrokkene=betrokkene,
            )  # fmt: skip

    async def later(self, stand: Stand, fout: str, wacht: float) -> None:
        async with self.database.unit_of_work() as uow:
            await OverdrachtRepository(uow.session).later(stand.id, stand.richting.value, fout, wacht)
            await uow.commit()

    async def sluit(self, stand: Stand, status: Status, fout: str | None = None) -> None:
        values: dict[str, Any] = {"status": status.value, "geclaimd_tot": None, "afgerond_at": _nu()}
        if fout is not None:
            values["laatste_fout"] = fout[:2000]
        if status is Status.AFGEROND or stand.richting is not Richting.INKOMEND:
            # Nothing of the dossier stays here once it is done; a failed incoming one keeps its bundle for a person
            # to look at until it is resolved (it cannot be fetched again from O).
            values |= {"inhoud": None, "inhoud_verwijderd_at": _nu()}
        async with self.database.unit_of_work() as uow:
            await OverdrachtRepository(uow.session).leg_vast(stand.id, stand.richting.value, **values)
            await uow.commit()


def _nu() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class OverdrachtInstellingen:
    batch: int = 20
    gelijktijdig: int = 4
    claim_seconden: int = 120
    max_wachttijd: float = 300.0


class Overdrager:
    """The worker of the transfers: each claimed transfer is taken step by step to its end or to a wait."""

    def __init__(
        self,
        opslag: Opslag,
        verbindingen: Verbindingen,
        lokaal: tuple[str, ...],
        instellingen: OverdrachtInstellingen | None = None,
    ) -> None:
        self.opslag = opslag
        self.v = verbindingen
        self.lokaal = lokaal
        self.instellingen = instellingen or OverdrachtInstellingen()

    async def ronde(self) -> int:
        geclaimd = await self.opslag.claim(self.instellingen.batch, self.instellingen.claim_seconden)
        limiet = asyncio.Semaphore(self.instellingen.gelijktijdig)

        async def een(overdracht_id: uuid.UUID, richting: str) -> None:
            async with limiet:
                await self.verwerk(overdracht_id, Richting(richting))

        await asyncio.gather(*(een(i, r) for i, r in geclaimd))
        return len(geclaimd)

    async def verwerk(self, overdracht_id: uuid.UUID, richting: Richting) -> None:
        stand = await self.opslag.lees(overdracht_id, richting)
        if stand is None:
            return
        while (stap := domein.volgende_stap(stand.richting, stand.stappen)) is not None:
            try:
                uitkomst = await self._stap(stand, stap)
            except (httpx.HTTPError, Onbereikbaar, GeenPeer) as exc:
                reden = f"{stap}: {str(exc) or type(exc).__name__}"
                wacht = wachttijd(stand.pogingen, self.instellingen.max_wachttijd, getattr(exc, "retry_after", None))
                await self.opslag.later(stand, reden, wacht)
                return
            except Mislukt as exc:
                await self.opslag.sluit(stand, Status.MISLUKT, f"{stap}: {exc}")
                return
            except (KeyError, ValueError, TypeError) as exc:
                # An answer not as the counterpart's contract says: kept waiting with the reason for a person to see,
                # never a loop that dies on the same row after every lease.
                reden = f"{stap}: onverwacht antwoord: {type(exc).__name__}: {exc}"
                await self.opslag.later(stand, reden, self.instellingen.max_wachttijd)
                return
            try:
                await self.opslag.stap_gedaan(stand, stap, uitkomst)
            except AndereOverdracht:
                await self.opslag.sluit(stand, Status.MISLUKT, f"{stap}: de nieuwe gemeente heeft onder dit id een "
                                        "andere overdracht")  # fmt: skip
                return
            stand.stappen[stap] = True
            if uitkomst.inburgeraar_id is not None:
                stand.inburgeraar_id = uitkomst.inburgeraar_id
            if uitkomst.inhoud is not None:
                stand.inhoud = uitkomst.inhoud
            if uitkomst.wis_inhoud:
                stand.inhoud = None
        await self.opslag.sluit(stand, Status.AFGEROND)

    async def _stap(self, s: Stand, stap: str) -> StapUitkomst:
        match s.richting, stap:
            case Richting.UITGAAND, "opgehaald":
                return await self._haal_op(s)
            case Richting.UITGAAND, "afgeleverd":
                return await self._lever_af(s)
            case Richting.UITGAAND, "overgedragen":
                assert s.inburgeraar_id is not None
                response = await self._context(
                    Deel.INBURGERAAR,
                    s.van,
                    "POST",
                    f"/inburgeraars/{s.inburgeraar_id}/verhuizingen/{s.id}/overgedragen",
                )
                _aanvaard(response, {200, 201})
                return StapUitkomst()
            case Richting.INKOMEND, _:
                return await self._neem_over(s, Deel(stap))
            case Richting.VERZOEK, "verhuizing-geregistreerd":
                bsn = str((s.inhoud or {}).get("bsn") or "")
                inburgeraar_id = await registreer_verhuizing(
                    self.v, s.van, bsn, s.naar, s.verhuisdatum.isoformat() if s.verhuisdatum else None
                )
                return StapUitkomst(inburgeraar_id=inburgeraar_id, wis_inhoud=True)
        raise Mislukt(f"onbekende stap {stap}")  # pragma: no cover - the steps are the domain's

    async def _context(self, deel: Deel, gemeente: str, method: str, path: str, body: Any = None) -> httpx.Response:
        return controleer_bereikbaar(await self.v.bij_context(deel.value, gemeente, method, path, json=body))

    async def _haal_op(self, s: Stand) -> StapUitkomst:
        assert s.inburgeraar_id is not None

        async def deel(d: Deel) -> Mapping[str, Any]:
            response = await self._context(d, s.van, "GET", f"/overdrachtsdossiers/{s.inburgeraar_id}")
            if response.status_code == 404 and d is Deel.INBURGERAAR:
                raise Mislukt("de persoon is niet (meer) bekend bij de vorige gemeente")
            if response.status_code != 200:
                raise Onbereikbaar(f"{d.value}-api: {probleem(response)[0]}")
            return dict(response.json())

        delen = dict(zip(Deel, await asyncio.gather(*(deel(d) for d in Deel)), strict=True))
        verhuisdatum = s.verhuisdatum.isoformat() if s.verhuisdatum else None
        bundel = domein.bundel(s.id, s.van, s.naar, verhuisdatum, s.inburgeraar_id, delen)
        try:
            domein.controleer(bundel)
        except domein.BundelOngeldig as fout:
            raise Mislukt(f"de bundel voldoet niet aan het schema: {fout}") from None
        return StapUitkomst(inhoud=bundel)

    async def _lever_af(self, s: Stand) -> StapUitkomst:
        if s.inhoud is None:
            raise Mislukt("de bundel ontbreekt")  # pragma: no cover - `opgehaald` stores it
        if s.naar in self.lokaal:
            return StapUitkomst(lokaal=s.inhoud, wis_inhoud=True)
        response = controleer_bereikbaar(
            await self.v.bij_peer(s.naar, s.van, "PUT", f"/overdrachten/{s.id}", json=s.inhoud)
        )
        if response.status_code == 409:
            raise Mislukt(f"de nieuwe gemeente heeft onder dit id een andere overdracht: {probleem(response)[0]}")
        if response.status_code not in {200, 201}:
            raise Onbereikbaar(f"uitwisseling van {s.naar}: {probleem(response)[0]}")
        return StapUitkomst(wis_inhoud=True)

    async def _neem_over(self, s: Stand, deel: Deel) -> StapUitkomst:
        if s.inhoud is None:
            raise Mislukt("de bundel ontbreekt")
        body: dict[str, Any] = {
            "vanGemeente": s.van,
            "verhuisdatum": s.verhuisdatum.isoformat() if s.verhuisdatum else None,
            "dossier": s.inhoud[deel.value],
        }
        if deel is not Deel.INBURGERAAR:
            body = {"inburgeraarId": str(s.inburgeraar_id), **body}
        response = await self._context(deel, s.naar, "PUT", f"/overdrachten/{s.id}", body)
        _aanvaard(response, {200, 201})
        if deel is Deel.INBURGERAAR:
            return StapUitkomst(inburgeraar_id=uuid.UUID(str(response.json()["inburgeraarId"])))
        # The bundle with the BSN goes with the last part.
        return StapUitkomst(wis_inhoud=deel is Deel.HANDHAVING)


def _aanvaard(response: httpx.Response, goed: set[int]) -> None:
    if response.status_code in goed:
        return
    reden, params = probleem(response)
    velden = "; ".join(f"{p.get('name')}: {p.get('reason')}" for p in params)
    uitkomst = f"{reden}{' (' + velden + ')' if velden else ''}"
    # Another body under this id, or a part the context's own model refuses: waiting will not mend it.
    if response.status_code in {400, 409, 422}:
        raise Mislukt(uitkomst)
    raise Onbereikbaar(uitkomst)


async def zoek(v: Verbindingen, gemeente: str, bsn: str) -> dict[str, Any] | None:
    """The person's registration in `gemeente` (id, doelgroep, status; no contact details), found by BSN."""
    response = controleer_bereikbaar(
        await v.bij_context("inburgeraar", gemeente, "POST", "/inburgeraars/_zoek", json={"bsn": bsn})
    )
    _aanvaard(response, {200})
    items = response.json().get("resultaten") or []
    return dict(items[0]) if items else None


async def registreer_verhuizing(
    v: Verbindingen, van: str, bsn: str, naar: str, verhuisdatum: str | None, bron: str = "duo"
) -> uuid.UUID:
    """The move at O's inburgeraar-api (an open one for the same new gemeente is answered 200: one transfer)."""
    gevonden = await zoek(v, van, bsn)
    if gevonden is None:
        raise Mislukt(f"de persoon is niet bekend bij gemeente {van}: er is geen dossier over te dragen")
    inburgeraar_id = uuid.UUID(str(gevonden["id"]))
    body: dict[str, Any] = {"naarGemeente": naar, "bron": bron}
    if verhuisdatum:
        body["verhuisdatum"] = verhuisdatum
    response = controleer_bereikbaar(
        await v.bij_context("inburgeraar", van, "POST", f"/inburgeraars/{inburgeraar_id}/verhuizingen", json=body)
    )
    if response.status_code == 409 and "inburgeraar-verhuisd" in response.text:
        # Handed over already (a repeated notice after the transfer): O no longer has the regie, nothing to start.
        return inburgeraar_id
    _aanvaard(response, {200, 201})
    return inburgeraar_id


# --- Entering a transfer -------------------------------------------------------------------------------------------


async def verhuizing_aangemeld(session: AsyncSession, event: CloudEvent) -> None:
    """O's inburgeraar-api registered a move (klantregisseur or DUO): O's outgoing transfer, once per verhuizing."""
    data, gemeente = event.data, event.gemeentecode
    if gemeente is None or not data.get("verhuizingId") or not data.get("inburgeraarId"):
        return
    verhuisdatum = data.get("verhuisdatum")
    await OverdrachtRepository(session).voeg_toe(
        id=uuid.UUID(str(data["verhuizingId"])), richting=Richting.UITGAAND.value, gemeente_code=gemeente,
        van_gemeente=gemeente, naar_gemeente=str(data["naarGemeente"]),
        verhuisdatum=date.fromisoformat(str(verhuisdatum)) if verhuisdatum else None,
        inburgeraar_id=uuid.UUID(str(data["inburgeraarId"])),
    )  # fmt: skip


class AndereOverdracht(Exception):  # noqa: N818 - rendered as 409 by the route
    pass


async def ontvang(session: AsyncSession, log: Verwerkingslog, naar: str, bundel: Mapping[str, Any]) -> tuple[Any, bool]:
    """N's incoming transfer from a checked bundle: (the row, new?). The same bundle again is the same transfer;
    another one under the same id raises `AndereOverdracht`."""
    overdracht_id = uuid.UUID(str(bundel["overdrachtId"]))
    verhuisdatum = bundel.get("verhuisdatum")
    repo = OverdrachtRepository(session)
    hash_ = vingerafdruk(bundel)
    nieuw = await repo.voeg_toe(
        id=overdracht_id, richting=Richting.INKOMEND.value, gemeente_code=naar, van_gemeente=bundel["vanGemeente"],
        naar_gemeente=naar, verhuisdatum=date.fromisoformat(verhuisdatum) if verhuisdatum else None,
        inhoud=dict(bundel), sha256=hash_,
    )  # fmt: skip
    row = await repo.get(overdracht_id, Richting.INKOMEND.value)
    assert row is not None
    if row.sha256 != hash_ or row.gemeente_code != naar:
        raise AndereOverdracht(str(overdracht_id))
    if nieuw:
        await log.record(
            session, systeem(naar), OVERNEMEN, Actie.AANMAKEN, object_type="overdracht-ontvangen",
            object_id=overdracht_id, betrokkene=None,
        )  # fmt: skip
    return row, nieuw


# --- Use cases behind the API --------------------------------------------------------------------------------------


class NietBediend(Unprocessable):
    code = "gemeente-niet-bediend"
    title = "Deze uitwisseling bedient die gemeente niet."


class AndereGemeente(Unprocessable):
    code = "andere-gemeente"
    title = "De gemeente in het verzoek is niet die van het token."


class AndereBundel(Conflict):
    code = "andere-overdracht"
    title = "Onder dit overdrachtId is een andere overdracht ontvangen."


def _gemeenten(settings: Any) -> tuple[str, ...]:
    return tuple(settings.gemeenten)


async def ontvang_verzoek(
    ctx: RequestContext, settings: Any, *, bsn: str, van: str, naar: str, verhuisdatum: date | None
) -> tuple[Any, bool]:
    """N's exchange (elsewhere) asks O, served here, to register a move DUO told N about. Kept until the worker has
    registered it at O's inburgeraar-api; the same request again is the same row."""
    if naar != ctx.gemeente:
        raise AndereGemeente(
            invalid_params=[invalid("naarGemeente", "niet de gemeente van het token", AndereGemeente.code)]
        )
    if van not in _gemeenten(settings):
        raise NietBediend(invalid_params=[invalid("vanGemeente", "wordt hier niet bediend", NietBediend.code)])
    betrokkene = ctx.log.betrokkene(Bsn(bsn))
    assert betrokkene is not None
    overdracht_id = domein.verzoek_id(van, naar, betrokkene, verhuisdatum.isoformat() if verhuisdatum else None)
    repo = OverdrachtRepository(ctx.session)
    nieuw = await repo.voeg_toe(
        id=overdracht_id, richting=Richting.VERZOEK.value, gemeente_code=van, van_gemeente=van, naar_gemeente=naar,
        verhuisdatum=verhuisdatum, inhoud={"bsn": bsn},
    )  # fmt: skip
    row = await repo.get(overdracht_id, Richting.VERZOEK.value)
    assert row is not None
    if nieuw:
        await ctx.log.record(
            ctx.session, systeem(van), OVERDRAGEN, Actie.AANMAKEN, object_type="overdrachtsverzoek",
            object_id=overdracht_id, betrokkene=betrokkene,
        )  # fmt: skip
    return row, nieuw


async def ontvang_overdracht(
    ctx: RequestContext, settings: Any, overdracht_id: uuid.UUID, bundel: Mapping[str, Any]
) -> tuple[Any, bool]:
    """O's exchange (elsewhere) delivers a dossier to N, served here: N's incoming transfer."""
    fouten = []
    if str(overdracht_id) != bundel["overdrachtId"]:
        fouten.append(invalid("overdrachtId", "moet gelijk zijn aan het id in het pad", "ander-id"))
    if bundel["vanGemeente"] != ctx.gemeente:
        fouten.append(invalid("vanGemeente", "niet de gemeente van het token", AndereGemeente.code))
    if bundel["naarGemeente"] not in _gemeenten(settings):
        fouten.append(invalid("naarGemeente", "wordt hier niet bediend", NietBediend.code))
    if fouten:
        raise Unprocessable("De overdracht past niet bij deze uitwisseling.", invalid_params=fouten)
    try:
        return await ontvang(ctx.session, ctx.log, bundel["naarGemeente"], bundel)
    except AndereOverdracht:
        raise AndereBundel() from None


async def overdrachten(
    ctx: RequestContext, *, inburgeraar_id: uuid.UUID | None, richting: Richting | None
) -> Sequence[Any]:
    rows = await OverdrachtRepository(ctx.session).lijst(
        ctx.gemeente, inburgeraar_id=inburgeraar_id, richting=richting.value if richting else None
    )
    await ctx.verwerk_alle(
        RAADPLEGEN, Actie.ZOEKEN, object_type="overdracht",
        subjects=[(r.id, ctx.log.betrokkene_van(r.inburgeraar_id)) for r in rows],
    )  # fmt: skip
    return rows


async def lees(ctx: RequestContext, overdracht_id: uuid.UUID) -> Any:
    row = await OverdrachtRepository(ctx.session).van_gemeente(overdracht_id, ctx.gemeente)
    if row is None:
        raise NotFound("Er is geen overdracht met dit id in uw gemeente.")
    await ctx.verwerk(
        RAADPLEGEN, Actie.LEZEN, object_type="overdracht", object_id=row.id,
        betrokkene=ctx.log.betrokkene_van(row.inburgeraar_id),
    )  # fmt: skip
    return row
