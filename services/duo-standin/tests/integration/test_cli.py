"""The command line a person plays DUO's side with: `seed` once, `speel` one move, refusals told."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from duo_standin import cli
from duo_standin.settings import Settings
from inburgering_kit.testing.waiting import eventually

from .conftest import Ontvanger, abonneer


class TestCli:
    async def test_seed_once_and_notified(
        self, client: httpx.AsyncClient, keten: dict[str, str], settings: Settings, ontvanger: Ontvanger
    ) -> None:
        await abonneer(client, keten, ontvanger.url)
        await asyncio.to_thread(cli.seed, settings)
        await asyncio.to_thread(cli.seed, settings)
        # The move is told to both gemeenten: one fact more than moves, of which the 0363 ones are notified here.
        voor_0363 = [z for z in cli.DEMO if z[1] == "0363"]
        await eventually(lambda: len(ontvanger.ontvangen()) == len(voor_0363), within=10, what="de meldingen")
        await asyncio.sleep(0.3)
        assert len(ontvanger.ontvangen()) == len(voor_0363)

    async def test_speel_and_refusal(
        self, client: httpx.AsyncClient, keten: dict[str, str], settings: Settings
    ) -> None:
        gegevens = '{"certificaatdatum": "2027-02-01"}'
        args = ["certificaat", "--gemeente", "0363", "--bsn", "999990007", "--gegevens", gegevens]
        await asyncio.to_thread(cli.speel, settings, args)
        feed = (await client.get("/api/v1/feiten?gemeentecode=0363", headers=keten)).json()
        assert [m["soort"] for m in feed["meldingen"]] == ["certificaat"]
        with pytest.raises(SystemExit, match=r"gegevens\.certificaatdatum"):
            await asyncio.to_thread(cli.speel, settings, [*args[:-1], '{"certificaatdatum": "morgen"}'])
        with pytest.raises(SystemExit, match="geen geldig BSN"):
            await asyncio.to_thread(cli.speel, settings, ["certificaat", "--gemeente", "0363", "--bsn", "123456789"])
