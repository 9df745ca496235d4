"""The service's app on a migrated database of its own (`inburgering_kit.testing.service`)."""

from __future__ import annotations

from pathlib import Path

from inburgeraar_api.main import create_app
from inburgeraar_api.settings import Settings
from inburgering_kit.testing.service import service_fixtures

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"

database_url, settings, app, database, client = service_fixtures(
    create_app, Settings, database="test_inburgeraar_api", migrations=MIGRATIONS
)
