"""Real PostgreSQL and NATS (JetStream) servers as child processes, for `make run` and the test suite.

Both servers listen on 127.0.0.1 at a port the caller picks, so they never meet the system services that
may already run on this machine (PostgreSQL on 5432, NATS on 4222).
"""

from inburgering_kit.embedded._process import free_port
from inburgering_kit.embedded.nats import EmbeddedNats
from inburgering_kit.embedded.postgres import EmbeddedPostgres, _PgAccount

__all__ = ["EmbeddedNats", "EmbeddedPostgres", "_PgAccount", "free_port"]
