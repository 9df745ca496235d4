"""The service's app on a migrated database of its own (`inburgering_kit.testing.service`); the PIP projection
and the upload worker run with the app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aanbieder_api.main import create_app
from aanbieder_api.settings import Settings
from inburgering_kit.testing.service import service_fixtures

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def _overrides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return {"upload_dir": tmp_path_factory.mktemp("aanleveringen"), "upload_poll_seconden": 0.5}


database_url, settings, app, database, client = service_fixtures(
    create_app, Settings, database="test_aanbieder_api", migrations=MIGRATIONS, overrides=_overrides
)
