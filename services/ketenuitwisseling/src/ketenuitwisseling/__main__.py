"""`python -m ketenuitwisseling serve|relay|migrate|dead-letters-count|dead-letters-replay|keten-worker|cbs-worker|
cbs-levering` (see `inburgering_kit.entrypoint`): `keten-worker` fetches announced facts and delivers the reports to
DUO until stopped, beside the API (any number of replicas); `cbs-worker` assembles the planned deliveries to CBS;
`cbs-levering --gemeente 0363 --periode 2026` requests one and shows its progress until it is done."""

from __future__ import annotations

import sys
from pathlib import Path

from inburgering_kit.entrypoint import background, main
from inburgering_kit.worker import run_until_signalled
from ketenuitwisseling.main import consumers
from ketenuitwisseling.services import cbs_levering, cbs_volgen
from ketenuitwisseling.services.werker import hoofd
from ketenuitwisseling.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


async def keten_worker(settings: Settings) -> None:
    await run_until_signalled(lambda stop: hoofd(settings, stop))


async def cbs_worker(settings: Settings) -> None:
    await run_until_signalled(lambda stop: cbs_levering.hoofd(settings, stop))


async def cbs_levering_volgen(settings: Settings) -> None:
    # The arguments after the command are the command's own (the entrypoint hands jobs the settings only).
    code = await cbs_volgen.volg(settings, sys.argv[2:])
    if code:
        sys.exit(code)


if __name__ == "__main__":
    main(
        "ketenuitwisseling",
        Settings,
        MIGRATIONS,
        jobs={
            "keten-worker": background(keten_worker),
            "cbs-worker": background(cbs_worker),
            "cbs-levering": background(cbs_levering_volgen),
        },
        consumer=consumers,
    )
