"""Delivering the queued reports to DUO with the outbox's guarantees: nothing lost while DUO is down (retried with
back-off, honouring Retry-After), never two different reports for one fact (the report id is stable, the body is the
same on every attempt, and DUO de-duplicates on the id), safe with several replicas (claimed with SKIP LOCKED and a
lease). DUO's rejection (422) is final for that report: it goes on the work list with DUO's reasons.

The BSN is fetched from inburgeraar-api at the moment of sending and only for DUO (Wi art. 35 lid 3): the exchange
never stores it. A person whose BSN is not known yet (`bsn-ontbreekt`) waits in the queue.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from inburgering_kit.audit import Actie, Verwerkingslog
from inburgering_kit.bsn import Bsn
from inburgering_kit.db import Database
from ketenuitwisseling import activiteiten
from ketenuitwisseling.repository import RapportageRepository
from ketenuitwisseling.services.ophalen import Instellingen, systeem
from ketenuitwisseling.services.partners import (
    Doel,
    Onbereikbaar,
    Verbindingen,
    controleer_bereikbaar,
    probleem,
    wachttijd,
)

logger = logging.getLogger(__name__)


@dataclass
class _Uitkomst:
    rapport_id: Any
    gemeente: str
    values: dict[str, Any]
    betrokkene: str | None = None
    verzonden: bool = False


_NAW = ("voornamen", "achternaam", "straat", "huisnummer", "postcode", "woonplaats")


def _gegevens(row: Any, identificatie: dict[str, Any]) -> dict[str, Any]:
    """Item a's NAW from the source, as it is now; what a person corrected on the work list goes over it."""
    gegevens: dict[str, Any] = dict(row.gegevens)
    if row.item == "a":
        gegevens = {**{k: identificatie[k] for k in _NAW if identificatie.get(k)}, **gegevens}
    return gegevens


class Bezorger:
    def __init__(
        self, database: Database, verbindingen: Verbindingen, log: Verwerkingslog, instellingen: Instellingen
    ) -> None:
        self.database = database
        self.v = verbindingen
        self.log = log
        self.instellingen = instellingen

    async def ronde(self) -> int:
        async with self.database.unit_of_work() as uow:
            rows = await RapportageRepository(uow.session).claim(
                self.instellingen.batch, self.instellingen.claim_seconden
            )
            await uow.commit()
        if not rows:
            return 0
        limiet = asyncio.Semaphore(self.instellingen.gelijktijdig)
        # One fetch of the BSN per person per batch: an event often gives several items (b, k and n of one PIP).
        identificaties: dict[tuple[str, Any], asyncio.Task[dict[str, Any]]] = {}

        async def bezorg(row: Any) -> _Uitkomst:
            async with limiet:
                sleutel = (row.gemeente_code, row.inburgeraar_id)
                if sleutel not in identificaties:
                    identificaties[sleutel] = asyncio.ensure_future(self._identificatie(row))
                return await self._bezorg(row, identificaties[sleutel])

        uitkomsten = await asyncio.gather(*(bezorg(r) for r in rows))
        # The whole batch's outcome in one transaction and a few statements (executemany), not one per report: at
        # hundreds of reports a second the round trips, not the sends, would be the limit.
        async with self.database.unit_of_work() as uow:
            await RapportageRepository(uow.session).leg_vast_alle([(u.rapport_id, u.values) for u in uitkomsten])
            per_gemeente: dict[str, list[tuple[Any, str | None]]] = {}
            for u in uitkomsten:
                if u.verzonden:
                    per_gemeente.setdefault(u.gemeente, []).append((u.rapport_id, u.betrokkene))
            for gemeente, subjects in per_gemeente.items():
                await self.log.record_many(
                    uow.session, systeem(gemeente), activiteiten.RAPPORTEREN_DUO, Actie.AANMAKEN,
                    object_type="rapportage", subjects=subjects,
                )  # fmt: skip
            await uow.commit()
        return len(rows)

    def _later(self, row: Any, reden: str, retry_after: float | None = None) -> dict[str, Any]:
        wacht = wachttijd(row.pogingen, self.instellingen.max_wachttijd, retry_after)
        return {"laatste_fout": reden[:2000], "volgende_poging_at": datetime.now(UTC) + timedelta(seconds=wacht)}

    async def _bezorg(self, row: Any, identificatie_taak: asyncio.Future[dict[str, Any]]) -> _Uitkomst:
        u = _Uitkomst(row.id, row.gemeente_code, {})
        try:
            identificatie = await identificatie_taak
            bsn = identificatie.get("bsn")
            if not bsn:
                u.values = self._later(row, "het BSN ontbreekt nog (bsn-ontbreekt)")
                return u
            u.betrokkene = self.log.betrokkene(Bsn(str(bsn)))
            body = {
                "item": row.item,
                "gemeentecode": row.gemeente_code,
                "bsn": bsn,
                "gegevens": _gegevens(row, identificatie),
            }
            response = controleer_bereikbaar(
                await self.v.call(Doel.DUO, row.gemeente_code, "PUT", f"/rapportages/{row.id}", json=body)
            )
        except (httpx.HTTPError, Onbereikbaar) as exc:
            u.values = self._later(row, str(exc) or type(exc).__name__, getattr(exc, "retry_after", None))
            return u
        u.verzonden = True
        nu = datetime.now(UTC)
        if response.status_code in {200, 201}:
            ontvangen = response.json().get("ontvangenOp")
            u.values = {
                "status": "ontvangen",
                "verzonden_at": nu,
                "ontvangen_op": datetime.fromisoformat(ontvangen) if ontvangen else nu,
                "laatste_fout": None,
            }
        elif response.status_code in {409, 422}:
            reden, params = probleem(response)
            u.values = {"status": "afgewezen", "verzonden_at": nu, "laatste_fout": reden, "redenen": params}
        else:
            # 400/401/403/404 will not mend by themselves, but losing a report is worse than retrying slowly.
            u.values = self._later(row, probleem(response)[0])
        return u

    async def _identificatie(self, row: Any) -> dict[str, Any]:
        response = controleer_bereikbaar(
            await self.v.call(
                Doel.INBURGERAAR_DUO, row.gemeente_code, "GET", f"/inburgeraars/{row.inburgeraar_id}/duo-identificatie"
            )
        )
        if response.status_code != 200:
            raise Onbereikbaar(f"BSN ophalen: {probleem(response)[0]}")
        return dict(response.json())
