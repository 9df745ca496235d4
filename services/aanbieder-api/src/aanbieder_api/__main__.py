"""`python -m aanbieder_api serve|relay|migrate|dead-letters-count|dead-letters-replay` (see
`inburgering_kit.entrypoint`): the last two count the PIP events the projection could not apply, or apply them
again after a fix."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from aanbieder_api.main import create_app
from aanbieder_api.services import projectie
from aanbieder_api.settings import Settings
from inburgering_kit.entrypoint import main

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def dead_letters(action: str) -> Callable[[Settings], None]:
    def job(settings: Settings) -> None:
        print(asyncio.run(projectie.dead_letters(create_app(settings), settings, action)))

    return job


if __name__ == "__main__":
    main(
        "aanbieder_api",
        Settings,
        MIGRATIONS,
        jobs={"dead-letters-count": dead_letters("count"), "dead-letters-replay": dead_letters("replay")},
    )
