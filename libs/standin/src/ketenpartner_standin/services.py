"""The use cases every stand-in shares: serving a fact to the gemeente it belongs to and the feed, subscriptions and
the fault switches, and delivering the notifications ("melden, dan ophalen"): each fact's notification is posted to
the subscribed gemeente until it answers 2xx, with a doubling wait between attempts. A notification is a row written
with its fact, so it survives the gemeente being down and this process restarting; several workers may run (rows are
claimed with SKIP LOCKED)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.db import Database
from inburgering_kit.keten import DevTokenSource, StaticTokenSource, TokenSource
from inburgering_kit.problems import NotFound
from ketenpartner_standin.domain import wachttijd
from ketenpartner_standin.models import FeitBasis, StoringBasis
from ketenpartner_standin.repository import MeldingStand, Opslag, TeBezorgen
from ketenpartner_standin.settings import StandinSettings


@dataclass(frozen=True)
class FeitMetPersoon:
    feit: FeitBasis
    bsn: str | None
    extern_id: str


async def haal_op(opslag: Opslag, session: AsyncSession, feit_id: uuid.UUID, gemeente_code: str) -> FeitMetPersoon:
    """The fact, for the gemeente it was recorded for only: any other gemeente gets the same 404 as for no fact."""
    found = await opslag.feit(session, feit_id)
    if found is None or found[0].gemeente_code != gemeente_code:
        raise NotFound("Dit feit bestaat niet.")
    feit, persoon = found
    return FeitMetPersoon(feit, persoon.bsn, persoon.extern_id)


async def abonneer(opslag: Opslag, session: AsyncSession, gemeente_code: str, callback_url: str) -> None:
    await opslag.zet_abonnement(session, gemeente_code, callback_url)


async def storing(opslag: Opslag, session: AsyncSession) -> StoringBasis:
    return await opslag.storing(session)


async def zet_storing(
    opslag: Opslag, session: AsyncSession, modus: str, dubbele_meldingen: bool, omgekeerde_volgorde: bool
) -> StoringBasis:
    return await opslag.zet_storing(session, modus, dubbele_meldingen, omgekeerde_volgorde)


async def meldingen(opslag: Opslag, session: AsyncSession, gemeente_code: str | None) -> list[MeldingStand]:
    return await opslag.stand(session, gemeente_code)


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


def token_bron(settings: StandinSettings) -> Callable[[str], TokenSource]:
    """Per subscribing gemeente, where the token of a notification comes from: a fixed one, or minted with the
    development key (production: an identity provider's client credentials, not built here)."""
    if settings.melding_token is not None:
        vast = StaticTokenSource(settings.melding_token.get_secret_value())
        return lambda _gemeente: vast
    if settings.melding_sleutel_bestand is None:
        raise ValueError("stel melding_token of melding_sleutel_bestand in")
    sleutel = settings.melding_sleutel_bestand.read_bytes()
    bronnen: dict[str, TokenSource] = {}

    def bron(gemeente: str) -> TokenSource:
        if gemeente not in bronnen:
            bronnen[gemeente] = DevTokenSource(
                sleutel,
                issuer=settings.melding_issuer,
                audience=settings.melding_audience,
                client_id=settings.melding_client_id,
                scopes=[settings.melding_scope],
                gemeente_code=gemeente,
            )
        return bronnen[gemeente]

    return bron


class Bezorger:
    def __init__(
        self,
        database: Database,
        opslag: Opslag,
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
        self._opslag = opslag
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
            storing = await self._opslag.storing(uow.session)
            if storing.modus == "plat":
                return 0
            meldingen = await self._opslag.claim(uow.session, self._batch)
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
                    await self._opslag.mislukt(uow.session, melding.melding_id, wacht_seconden=wacht, fout=fout)
            await self._opslag.afgeleverd(uow.session, geleverd)
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


async def feed(opslag: Opslag, session: AsyncSession, gemeente_code: str, vanaf: int, limit: int) -> list[FeitBasis]:
    return await opslag.feed(session, gemeente_code, vanaf, limit)
