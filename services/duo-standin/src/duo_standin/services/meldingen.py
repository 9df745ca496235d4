"""Delivering the notifications ("melden, dan ophalen"): each fact's notification is posted to the subscribed
gemeente until it answers 2xx, with a doubling wait between attempts. A notification is a row written with its fact,
so it survives the gemeente being down and this process restarting; several workers may run (rows are claimed with
SKIP LOCKED)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import httpx

from duo_standin.domain.bezorging import wachttijd
from duo_standin.repository import beheer as beheer_repo
from duo_standin.repository import meldingen as repo
from duo_standin.repository.meldingen import TeBezorgen
from inburgering_kit.db import Database
from inburgering_kit.keten import TokenSource

logger = logging.getLogger(__name__)


def bericht(melding: TeBezorgen, bron: str) -> dict[str, object]:
    """Nothing personal: an id to fetch, what kind of fact, and its place in the order."""
    return {
        "id": str(melding.feit_id),
        "soort": melding.soort,
        "bron": bron,
        "gemeentecode": melding.gemeente_code,
        "volgnummer": melding.volgnummer,
        "tijdstip": melding.tijdstip.isoformat(),
    }


class Bezorger:
    def __init__(
        self,
        database: Database,
        client: httpx.AsyncClient,
        tokens: Callable[[str], TokenSource],
        *,
        bron: str,
        batch: int,
        backoff_basis: float,
        backoff_max: float,
        traag_seconden: float,
    ) -> None:
        self._database = database
        self._client = client
        self._tokens = tokens
        self._bron = bron
        self._batch = batch
        self._basis = backoff_basis
        self._max = backoff_max
        self._traag = traag_seconden

    async def ronde(self) -> int:
        """One round over the due notifications; the number delivered."""
        async with self._database.unit_of_work() as uow:
            storing = await beheer_repo.storing(uow.session)
            if storing.modus == "plat":
                return 0
            meldingen = await repo.claim(uow.session, self._batch)
            if storing.omgekeerde_volgorde:
                meldingen.reverse()
            if meldingen and storing.modus == "traag":
                await asyncio.sleep(self._traag)
            geleverd: list[int] = []
            onbereikbaar: set[str] = set()
            for melding in meldingen:
                # One failure per subscriber per round: the rest wait for the next round instead of timing out too.
                if melding.callback_url in onbereikbaar:
                    continue
                fout = await self._stuur(melding, keer=2 if storing.dubbele_meldingen else 1)
                if fout is None:
                    geleverd.append(melding.melding_id)
                else:
                    onbereikbaar.add(melding.callback_url)
                    wacht = wachttijd(melding.pogingen + 1, basis=self._basis, maximum=self._max)
                    await repo.mislukt(uow.session, melding.melding_id, wacht_seconden=wacht, fout=fout)
            await repo.afgeleverd(uow.session, geleverd)
            await uow.commit()
            return len(geleverd)

    async def _stuur(self, melding: TeBezorgen, *, keer: int) -> str | None:
        try:
            token = await self._tokens(melding.gemeente_code).token()
            for _ in range(keer):
                response = await self._client.post(
                    melding.callback_url,
                    json=bericht(melding, self._bron),
                    headers={"Authorization": f"Bearer {token}"},
                )
                if not response.is_success:
                    return f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        return None
