"""The stand-in's app on a migrated database of its own; its delivery worker runs with the app, fast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from duo_standin.main import create_app
from duo_standin.settings import Settings
from inburgering_kit.testing.service import service_fixtures

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def _snel(_: pytest.TempPathFactory) -> dict[str, Any]:
    return {
        "melding_token": "test-token",
        "melding_interval_seconden": 0.05,
        "melding_backoff_basis_seconden": 0.1,
        "melding_backoff_max_seconden": 0.4,
        "melding_timeout_seconden": 2.0,
        "traag_seconden": 0.3,
        "nats_url": "",
    }


database_url, settings, app, database, client = service_fixtures(
    create_app, Settings, database="test_duo_standin", migrations=MIGRATIONS, overrides=_snel
)
