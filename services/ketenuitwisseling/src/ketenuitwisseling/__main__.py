"""`python -m ketenuitwisseling serve|relay|migrate|dead-letters-count|dead-letters-replay|keten-worker|cbs-worker`
(see `inburgering_kit.entrypoint`): `keten-worker` fetches announced facts and delivers the reports to DUO until
stopped, beside the API (any number of replicas); `cbs-worker` assembles the planned deliveries to CBS."""

from __future__ import annotations

from pathlib import Path

from inburgering_kit.entrypoint import background, main
from inburgering_kit.worker import run_until_signalled
from ketenuitwisseling.main import consumers
from ketenuitwisseling.services import cbs_levering
from ketenuitwisseling.services.werker import hoofd
from ketenuitwisseling.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


async def keten_worker(settings: Settings) -> None:
    await run_until_signalled(lambda stop: hoofd(settings, stop))


async def cbs_worker(settings: Settings) -> None:
    await run_until_signalled(lambda stop: cbs_levering.hoofd(settings, stop))


if __name__ == "__main__":
    main(
        "ketenuitwisseling",
        Settings,
        MIGRATIONS,
        jobs={"keten-worker": background(keten_worker), "cbs-worker": background(cbs_worker)},
        consumer=consumers,
    )
