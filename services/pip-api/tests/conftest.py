"""The service's app on a migrated database of its own (`inburgering_kit.testing.service`); the projection
consumer runs with the app."""

from __future__ import annotations

from pathlib import Path

from inburgering_kit.testing.service import service_fixtures
from pip_api.main import create_app
from pip_api.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"

database_url, settings, app, database, client = service_fixtures(
    create_app, Settings, database="test_pip_api", migrations=MIGRATIONS
)
