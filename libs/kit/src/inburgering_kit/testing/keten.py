"""Cross-service tests (the repository's `tests/`): several services' apps in one test, each on its own migrated
database, all on one NATS of the module's own (the kit plugin's `nats_url`), each with the suite's token issuer."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import httpx

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


async def rond_brede_intake_af(
    client: httpx.AsyncClient,
    intake: str,
    headers: dict[str, str],
    *,
    onderwerpen: Collection[str],
    gezondheid: Collection[str],
) -> None:
    """A brede intake held and completed over inburgeraar-api's API (`intake`: its path for one person): the
    invitation, the person came, every required subject (`onderwerpen`; those in `gezondheid` with circumstances, not
    findings), a leerbaarheidstoets advising B1. The subjects are inburgeraar-api's rules, passed in by the test: the
    kit knows no service."""
    oproep = {"verzondenDatum": "2026-11-23", "afspraakOp": "2026-11-30T10:00:00+01:00"}
    response = await client.post(f"{intake}/oproepen", json=oproep, headers=headers)
    assert response.status_code == 201, response.text
    response = await client.put(
        f"{intake}/oproepen/{response.json()['id']}/uitkomst", json={"uitkomst": "verschenen"}, headers=headers
    )
    assert response.status_code == 200, response.text
    for onderwerp in sorted(onderwerpen):
        resultaat = (
            {"onderwerp": onderwerp, "omstandigheden": "geen bijzonderheden"}
            if onderwerp in gezondheid
            else {"onderwerp": onderwerp, "bevindingen": f"besproken: {onderwerp}"}
        )
        response = await client.put(f"{intake}/resultaten/{onderwerp}", json=resultaat, headers=headers)
        assert response.status_code == 200, (onderwerp, response.text)
    toets = {"datum": "2026-11-30", "resultaat": "advies B1", "geadviseerdeLeerroute": "b1", "instantie": "Toets Noord"}
    response = await client.put(f"{intake}/leerbaarheidstoets", json=toets, headers=headers)
    assert response.status_code == 200, response.text
    response = await client.post(f"{intake}/_afronden", json={"datum": "2026-11-30"}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "afgerond"
