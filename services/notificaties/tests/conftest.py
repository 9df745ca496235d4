"""The service's app on a migrated database of its own (`inburgering_kit.testing.service`). Delivery is started
by the tests that need it, so they control when it runs and when it stops."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from inburgering_kit.testing.service import service_fixtures
from notificaties.main import create_app
from notificaties.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def _overrides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return {
        "run_delivery": False,
        # The receivers in these tests listen on loopback over plain HTTP.
        "allow_http": True,
        "allow_private_addresses": True,
        "encryption_key": Fernet.generate_key().decode(),
        "consumer_durable": "test-notificaties",
        "max_attempts": 3,
        "backoff_base_seconds": 0.05,
        "backoff_max_seconds": 0.2,
        "delivery_timeout_seconds": 1.0,
        "poll_interval_seconds": 0.05,
    }


database_url, settings, app, database, client = service_fixtures(
    create_app, Settings, database="test_notificaties", migrations=MIGRATIONS, overrides=_overrides
)
