"""The stand-in's app on a migrated database of its own; its delivery worker runs with the app, fast."""

from __future__ import annotations

from pathlib import Path

from duo_standin.main import create_app
from duo_standin.settings import Settings
from ketenpartner_standin.testing import standin_fixtures

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"

database_url, settings, app, database, client = standin_fixtures(
    create_app, Settings, database="test_duo_standin", migrations=MIGRATIONS
)
