"""`python -m ketenuitwisseling cbs-levering --gemeente 0363 --periode 2026`: a delivery to CBS requested from the
command line and followed until it is done, for whoever runs the service without the werkplek.

The request goes through the same use case as `POST /cbs-leveringen` (idempotent: a period asked for before is
followed, not planned again), logged under the command's own client id; the cbs-worker assembles it, this command
only shows its state and percentage as they change, then the sha256 and counts a recipient checks the file against.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from collections.abc import Callable, Sequence

from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.auth import Principal
from inburgering_kit.context import ContextSource
from inburgering_kit.db import Database
from inburgering_kit.events import source_urn
from inburgering_kit.outbox import EventPublisher
from inburgering_kit.problems import Problem
from ketenuitwisseling.domain.cbs import Leveringstatus
from ketenuitwisseling.services import cbs
from ketenuitwisseling.settings import Settings

CLIENT_ID = "ketenuitwisseling-cli"


def _gemeentecode(waarde: str) -> str:
    if not re.fullmatch(r"[0-9]{4}", waarde):
        raise argparse.ArgumentTypeError("vier cijfers, zoals 0363")
    return waarde


def _argumenten(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ketenuitwisseling cbs-levering")
    parser.add_argument("--gemeente", required=True, type=_gemeentecode, help="gemeentecode, vier cijfers")
    parser.add_argument("--periode", required=True, help="jaar (2026) of kwartaal (2026-Q1)")
    parser.add_argument("--interval", type=float, default=2.0, help="seconden tussen twee keer kijken")
    return parser.parse_args(list(argv))


async def volg(settings: Settings, argv: Sequence[str], schrijf: Callable[[str], None] = print) -> int:
    """0 once the delivery is `gereed`, 1 if it failed; a line on every change of state or percentage."""
    args = _argumenten(argv)
    principal = Principal(
        client_id=CLIENT_ID,
        user=None,
        scopes=frozenset(),
        gemeente_code=args.gemeente,
        aanbieder_id=None,
        roles=frozenset(),
    )
    bron = ContextSource(
        EventPublisher(source=source_urn(settings.oin, "ketenuitwisseling"), public_base_url=settings.public_base_url),
        Verwerkingslog(settings.pseudonym_key.get_secret_value().encode()),
        "",
    )
    database = Database(settings.database_url, pool_size=1)
    try:
        async with database.unit_of_work() as uow:
            ctx = bron.context(uow.session, principal, args.gemeente)
            try:
                levering, nieuw = await cbs.vraag_aan(ctx, args.gemeente, args.periode)
            except Problem as fout:
                velden = "; ".join(f"{p.name}: {p.reason}" for p in fout.invalid_params or [])
                schrijf(f"geweigerd: {fout}" + (f" ({velden})" if velden else ""))
                return 2
            levering_id, periode = levering.id, levering.periode
            await ctx.flush()
            await uow.commit()
        schrijf(f"levering {levering_id} ({periode}, {'aangevraagd' if nieuw else 'al eerder aangevraagd'})")
        vorige = None
        while True:
            async with database.unit_of_work() as uow:
                gevolgd = await cbs.levering(bron.context(uow.session, principal, args.gemeente), levering_id)
                # Read before the session ends: its rollback expires what it loaded.
                stand = (gevolgd.status, gevolgd.percentage)
                slot = [
                    f"sha256 {gevolgd.sha256}",
                    f"{gevolgd.aantal_personen} personen, {gevolgd.aantal_bytes} bytes in {gevolgd.aantal_delen} delen",
                ]
                reden = gevolgd.reden
            if stand != vorige:
                schrijf(f"{stand[0]} {stand[1]}%")
                vorige = stand
            if stand[0] == Leveringstatus.GEREED:
                for regel in slot:
                    schrijf(regel)
                return 0
            if stand[0] == Leveringstatus.MISLUKT:
                schrijf(f"mislukt: {reden}")
                return 1
            await asyncio.sleep(args.interval)
    finally:
        await database.dispose()
