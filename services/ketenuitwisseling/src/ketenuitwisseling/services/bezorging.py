"""Delivering the queued reports to DUO with the outbox's guarantees: nothing lost while DUO is down (retried with
back-off, honouring Retry-After), never two different reports for one fact (the report id is stable, the body is the
same on every attempt, and DUO de-duplicates on the id), safe with several replicas (claimed with SKIP LOCKED and a
lease). DUO's rejection (422) is final for that report: it goes on the work list with DUO's reasons.

The BSN is fetched from inburgeraar-api at the moment of sending and only for DUO (Wi art. 35 lid 3): the exchange
never stores it. Fetched for a claimed batch at once (one call per gemeente), since a backlog after an outage runs
into the hundreds of thousands and a lookup per report doubled the calls. A person whose BSN is not known yet
(`bsn-ontbreekt`) waits in the queue.

A report made from a minimal event names what it still needs at the owning context (`aanvullen`: an opdracht
version, for report f on the gemeente's change of the planned end); it is fetched before the first send and kept in
the report's `gegevens`, so every later attempt sends the same body. While the owner is down the report waits with
the same back-off as for DUO.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from inburgering_kit.audit import Actie, Verwerkingslog
from inburgering_kit.bsn import Bsn
from inburgering_kit.db import Database
from ketenuitwisseling import activiteiten
from ketenuitwisseling.domain.rapportage import OnvolledigEventError, vul_aan
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

# inburgeraar-api's bound on one lookup (`duo-identificaties/_zoek`).
MAX_IDS = 1000


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
        uitkomsten = await self.bezorg_alle(rows)
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

    @staticmethod
    def _reden(exc: Exception) -> str:
        return str(exc) or type(exc).__name__

    def _later(self, row: Any, reden: str, retry_after: float | None = None) -> dict[str, Any]:
        wacht = wachttijd(row.pogingen, self.instellingen.max_wachttijd, retry_after)
        return {"laatste_fout": reden[:2000], "volgende_poging_at": datetime.now(UTC) + timedelta(seconds=wacht)}

    async def bezorg_alle(self, rows: Sequence[Any]) -> list[_Uitkomst]:
        """Send a claimed batch, nothing recorded yet: who each person is for DUO in one lookup per gemeente, then
        at most `gelijktijdig` sends in flight over the client's kept-alive connections."""
        identificaties = await self._identificaties(rows)
        limiet = asyncio.Semaphore(self.instellingen.gelijktijdig)

        async def bezorg(row: Any) -> _Uitkomst:
            async with limiet:
                return await self._bezorg(row, identificaties[(row.gemeente_code, row.inburgeraar_id)])

        return await asyncio.gather(*(bezorg(r) for r in rows))

    async def _bezorg(self, row: Any, identificatie: dict[str, Any] | Exception) -> _Uitkomst:
        u = _Uitkomst(row.id, row.gemeente_code, {})
        # Once fetched, the completion is kept whatever DUO answers: the next attempt sends the same body.
        aangevuld: dict[str, Any] = {}
        if isinstance(identificatie, Exception):
            u.values = self._later(row, self._reden(identificatie), getattr(identificatie, "retry_after", None))
            return u
        try:
            bsn = identificatie.get("bsn")
            if not bsn:
                u.values = self._later(row, "het BSN ontbreekt nog (bsn-ontbreekt)")
                return u
            u.betrokkene = self.log.betrokkene(Bsn(str(bsn)))
            gegevens = _gegevens(row, identificatie)
            if getattr(row, "aanvullen", None):
                gegevens = await self._vul_aan(row)
                aangevuld = {"gegevens": gegevens, "aanvullen": None}
            body = {"item": row.item, "gemeentecode": row.gemeente_code, "bsn": bsn, "gegevens": gegevens}
            response = controleer_bereikbaar(
                await self.v.call(Doel.DUO, row.gemeente_code, "PUT", f"/rapportages/{row.id}", json=body)
            )
        except (httpx.HTTPError, Onbereikbaar) as exc:
            u.values = {**self._later(row, self._reden(exc), getattr(exc, "retry_after", None)), **aangevuld}
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
        u.values |= aangevuld
        return u

    async def _vul_aan(self, row: Any) -> dict[str, Any]:
        """The report's `gegevens` with what it lacked, from the opdracht version its event made (aanbieder-api's
        versions are numbered from 1, oldest first: page `versie` of size 1 is that version)."""
        bron = row.aanvullen
        opdracht_id, versie = bron["opdrachtId"], int(bron["versie"])
        response = controleer_bereikbaar(
            await self.v.call(
                Doel.AANBIEDER, row.gemeente_code, "GET", f"/opdrachten/{opdracht_id}/versies?page={versie}&pageSize=1"
            )
        )
        if response.status_code != 200:
            raise Onbereikbaar(f"opdracht {opdracht_id} ophalen: {probleem(response)[0]}")
        gevonden = [v for v in response.json().get("resultaten", []) if v.get("versie") == versie]
        if not gevonden:
            raise Onbereikbaar(f"opdracht {opdracht_id}: versie {versie} niet gevonden")
        try:
            return vul_aan(row.item, row.gegevens, gevonden[0]["inhoud"])
        except OnvolledigEventError as exc:
            raise Onbereikbaar(f"opdracht {opdracht_id} versie {versie}: {exc}") from exc

    async def _identificaties(self, rows: Sequence[Any]) -> dict[tuple[str, Any], dict[str, Any] | Exception]:
        """Per (gemeente, person) of the batch: who the person is for DUO, or why that is not known now. One call per
        gemeente (the token is the gemeente's), not one per report: an event often gives several items of one person,
        and a backlog after an outage holds thousands."""
        per_gemeente: dict[str, list[Any]] = {}
        for row in rows:
            ids = per_gemeente.setdefault(row.gemeente_code, [])
            if row.inburgeraar_id not in ids:
                ids.append(row.inburgeraar_id)
        antwoorden = await asyncio.gather(
            *(self._vraag_identificaties(g, ids) for g, ids in per_gemeente.items()), return_exceptions=True
        )
        uitkomst: dict[tuple[str, Any], dict[str, Any] | Exception] = {}
        for (gemeente, ids), antwoord in zip(per_gemeente.items(), antwoorden, strict=True):
            if isinstance(antwoord, BaseException) and not isinstance(antwoord, httpx.HTTPError | Onbereikbaar):
                raise antwoord
            for inburgeraar_id in ids:
                if isinstance(antwoord, Exception):
                    uitkomst[(gemeente, inburgeraar_id)] = antwoord
                else:
                    gevonden = antwoord.get(str(inburgeraar_id))
                    # Removed meanwhile, or not (yet) of this gemeente: the report waits, as with any other refusal.
                    uitkomst[(gemeente, inburgeraar_id)] = (
                        gevonden if gevonden is not None else Onbereikbaar("BSN ophalen: inburgeraar niet gevonden")
                    )
        return uitkomst

    async def _vraag_identificaties(self, gemeente: str, ids: list[Any]) -> dict[str, dict[str, Any]]:
        gevonden: dict[str, dict[str, Any]] = {}
        for begin in range(0, len(ids), MAX_IDS):
            response = controleer_bereikbaar(
                await self.v.call(
                    Doel.INBURGERAAR_DUO, gemeente, "POST", "/inburgeraars/duo-identificaties/_zoek",
                    json={"ids": [str(i) for i in ids[begin : begin + MAX_IDS]]},
                )
            )  # fmt: skip
            if response.status_code != 200:
                raise Onbereikbaar(f"BSN ophalen: {probleem(response)[0]}")
            gevonden.update({str(item["id"]): dict(item) for item in response.json()["items"]})
        return gevonden
