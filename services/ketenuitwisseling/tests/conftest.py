"""The service's app on a migrated database of its own (`inburgering_kit.testing.service`); the report consumers run
with the app."""

from __future__ import annotations

from pathlib import Path

from inburgering_kit.testing.service import service_fixtures
from ketenuitwisseling.main import create_app
from ketenuitwisseling.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"

database_url, settings, app, database, client = service_fixtures(
    create_app, Settings, database="test_ketenuitwisseling", migrations=MIGRATIONS
)
