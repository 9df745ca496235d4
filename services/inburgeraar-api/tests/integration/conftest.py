from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import truncate_all


@pytest.fixture(autouse=True)
async def _isolated(database: Database) -> AsyncIterator[None]:
    """Requests commit for real (the relay and consumers must see the rows), so tests clean up after themselves."""
    yield
    await truncate_all(database)
