"""The service's app on a migrated database of its own (`inburgering_kit.testing.service`); the projection
consumers run with the app."""

from __future__ import annotations

from pathlib import Path

from handhaving_api.main import create_app
from handhaving_api.settings import Settings
from inburgering_kit.testing.service import service_fixtures

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"

database_url, settings, app, database, client = service_fixtures(
    create_app, Settings, database="test_handhaving_api", migrations=MIGRATIONS
)
