"""Catching up with a partner's feed (`GET /feiten?gemeentecode=&vanafVolgnummer=`): a partner retries its
notifications with back-off, but not for ever; after a long outage of the exchange the feed lists what it announced,
and each entry is stored as if it had been notified (once: the same row as its notification). Several replicas may
read the same page: the rows and the position are written idempotently."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

import httpx

from inburgering_kit.db import Database
from ketenuitwisseling.repository import FeedRepository, MeldingRepository
from ketenuitwisseling.services.partners import Doel, Onbereikbaar, Verbindingen, controleer_bereikbaar, probleem

PAGINA = 100

logger = logging.getLogger(__name__)


class Inhaler:
    def __init__(self, database: Database, verbindingen: Verbindingen, gemeenten: tuple[str, ...]) -> None:
        self.database = database
        self.v = verbindingen
        self.gemeenten = gemeenten

    async def ronde(self) -> int:
        """Every partner's feed for every gemeente, to its end; the number of entries not seen before."""
        nieuw = 0
        for doel in (Doel.DUO, Doel.COA):
            for gemeente in self.gemeenten:
                try:
                    nieuw += await self._lees(doel, gemeente)
                except (httpx.HTTPError, Onbereikbaar) as exc:
                    # A partner that is away is normal, not a failure of this process: the next round reads on
                    # from the recorded position. (The database away is: that one propagates.)
                    logger.warning("feed van %s voor %s niet te lezen: %s: %s", doel.value, gemeente,
                                   type(exc).__name__, exc)  # fmt: skip
        return nieuw

    async def _lees(self, doel: Doel, gemeente: str) -> int:
        nieuw = 0
        async with self.database.unit_of_work() as uow:
            vanaf = await FeedRepository(uow.session).positie(doel.value, gemeente)
        while True:
            response = controleer_bereikbaar(
                await self.v.call(
                    doel, gemeente, "GET", f"/feiten?gemeentecode={gemeente}&vanafVolgnummer={vanaf}&pageSize={PAGINA}"
                )
            )
            if response.status_code != 200:
                raise Onbereikbaar(f"feed van {doel.value}: {probleem(response)[0]}")
            pagina = response.json()
            meldingen = pagina.get("meldingen") or []
            volgende = pagina.get("volgendeVolgnummer")
            async with self.database.unit_of_work() as uow:
                repo = MeldingRepository(uow.session)
                for m in meldingen:
                    if m.get("gemeentecode") != gemeente or m.get("bron") != doel.value:
                        continue  # never another gemeente's or partner's entry, whatever the feed says
                    nieuw += await repo.voeg_toe(
                        bron=doel.value, feit_id=uuid.UUID(str(m["id"])), soort=str(m["soort"]), gemeente=gemeente,
                        volgnummer=int(m["volgnummer"]), gemeld_at=datetime.fromisoformat(str(m["tijdstip"])),
                    )  # fmt: skip
                laatste = max((int(m["volgnummer"]) for m in meldingen), default=vanaf - 1)
                vanaf = int(volgende) if volgende is not None else laatste + 1
                await FeedRepository(uow.session).zet(doel.value, gemeente, vanaf)
                await uow.commit()
            if volgende is None or not meldingen:
                return nieuw


async def abonneer(v: Verbindingen, gemeenten: tuple[str, ...], public_base_url: str) -> None:
    """Tell each partner where to notify each served gemeente (`PUT /abonnementen/{gemeentecode}`, idempotent): at
    every start of the worker, so a moved or renamed exchange is found again."""
    for doel in (Doel.DUO, Doel.COA):
        for gemeente in gemeenten:
            url = f"{public_base_url.rstrip('/')}/api/v1/notificaties/{doel.value}"
            response = controleer_bereikbaar(
                await v.call(doel, gemeente, "PUT", f"/abonnementen/{gemeente}", json={"callbackUrl": url})
            )
            if response.status_code not in {200, 201}:
                raise Onbereikbaar(f"abonnement bij {doel.value}: {probleem(response)[0]}")
