"""`python -m handhaving_api serve|relay|migrate|dead-letters-count|dead-letters-replay` (see
`inburgering_kit.entrypoint`): the last two count, per consumer, the events the projection could not apply, or apply
them again after a fix. The zienswijze signal job joins here as another named job, like pip-api's `signalen-job`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from handhaving_api.main import create_app
from handhaving_api.main import dead_letters as _dead_letters
from handhaving_api.settings import Settings
from inburgering_kit.entrypoint import main

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def dead_letters(action: str) -> Callable[[Settings], None]:
    def job(settings: Settings) -> None:
        print(asyncio.run(_dead_letters(create_app(settings), settings, action)))

    return job


if __name__ == "__main__":
    main(
        "handhaving_api",
        Settings,
        MIGRATIONS,
        jobs={"dead-letters-count": dead_letters("count"), "dead-letters-replay": dead_letters("replay")},
    )
