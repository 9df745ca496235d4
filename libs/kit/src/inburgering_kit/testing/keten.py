"""Cross-service tests (the repository's `tests/`): several services' apps in one test, each on its own migrated
database, all on one NATS of the module's own (the kit plugin's `nats_url`), each with the suite's token issuer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inburgering_kit.auth import AuthSettings
from inburgering_kit.testing.infra import Infra
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory


def dienst_instellingen(
    infra: Infra, tokens: TokenFactory, root: Path, service: str, *, database: str, nats_url: str = "", **extra: Any
) -> dict[str, Any]:
    """The settings every service of the test shares: its own database (`<database>_<service>`, migrated here,
    outside the test's event loop), the NATS (none: empty), the suite's issuer; `extra` adds the stream name and
    the like."""
    return {
        "environment": "test",
        "database_url": infra.migrated_database(
            f"{database}_{service.replace('-', '_')}", root / "services" / service / "migrations"
        ),
        "nats_url": nats_url,
        "public_base_url": f"http://{service}.test",
        "auth": AuthSettings(issuers=[TEST_ISSUER], audience=TEST_AUDIENCE, public_key_file=tokens.public_key),
        # Tests write and then read the figures at once: no reuse of an earlier answer.
        "monitoring_max_leeftijd_s": 0,
        **extra,
    }


def partner_instellingen(
    infra: Infra, tokens: TokenFactory, root: Path, service: str, *, database: str, **extra: Any
) -> dict[str, Any]:
    """A stand-in of a chain partner (DUO, COA) outside the deployment: no event bus; it notifies with tokens minted by
    the suite's key and issuer, every 0.1 s; `extra` adds its retry timing and the like."""
    return dienst_instellingen(
        infra,
        tokens,
        root,
        service,
        database=database,
        melding_sleutel_bestand=tokens.private_key,
        melding_issuer=TEST_ISSUER,
        melding_audience=TEST_AUDIENCE,
        melding_interval_seconden=0.1,
        **extra,
    )
