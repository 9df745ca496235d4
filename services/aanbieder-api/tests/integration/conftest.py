from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from aanbieder_api.scopes import ROLLEN
from aanbieder_api.settings import Settings
from inburgering_kit.db import Database
from inburgering_kit.testing.events import StandIn
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.service import isolation
from inburgering_kit.testing.waiting import eventually

# The OIN of the test settings: the projections believe pip-api and inburgeraar-api at that OIN only.
PIP_SOURCE = "urn:nld:oin:00000001002564440000:systeem:pip-api"
INBURGERAAR_SOURCE = "urn:nld:oin:00000001002564440000:systeem:inburgeraar-api"
API = "/api/v1"


async def _aanleveringen_verwerkt(database: Database) -> None:
    """The upload worker commits for real: the truncation waits until it has finished what a test left it, so it
    does not race its batches."""

    async def rustig() -> bool:
        async with database.engine.connect() as conn:
            open_ = await conn.execute(text("SELECT count(*) FROM aanlevering WHERE status <> 'verwerkt'"))
            return bool(open_.scalar_one() == 0)

    await eventually(rustig, within=60, what="aanleveringen verwerkt")


_isolated = isolation(_aanleveringen_verwerkt)


class PipApi(StandIn):
    """Stands in for pip-api."""

    source = PIP_SOURCE
    context = "pip"

    async def pip_versie(self, pip_id: uuid.UUID) -> int | None:
        async with self.database.engine.connect() as conn:
            return (
                await conn.execute(text("SELECT versie FROM pip_feit WHERE pip_id = :p"), {"p": pip_id})
            ).scalar_one_or_none()

    async def vastgesteld(self, *, gemeente: str = "0363", leerroute: str = "b1") -> tuple[uuid.UUID, uuid.UUID]:
        pip_id, inburgeraar_id = uuid.uuid4(), uuid.uuid4()
        await self.publish(
            "pip-vastgesteld",
            pip_id,
            {
                "pipId": str(pip_id),
                "inburgeraarId": str(inburgeraar_id),
                "versie": 1,
                "leerroute": leerroute,
                "taalniveau": "B1",
                "dagtekening": "2026-03-01",
                "ingangsdatum": "2026-03-01",
            },
            gemeente,
        )

        async def bekend() -> bool:
            return await self.pip_versie(pip_id) is not None

        await eventually(bekend, what=f"projectie van PIP {pip_id}")
        return pip_id, inburgeraar_id

    async def gewijzigd(
        self, pip_id: uuid.UUID, inburgeraar_id: uuid.UUID, versie: int, gemeente: str = "0363"
    ) -> None:
        await self.publish(
            "pip-gewijzigd",
            pip_id,
            {
                "pipId": str(pip_id),
                "inburgeraarId": str(inburgeraar_id),
                "versie": versie,
                "ingangsdatum": "2026-06-01",
                "gewijzigdeVelden": ["map", "uren"],
            },
            gemeente,
        )

        async def verwerkt() -> bool:
            return await self.pip_versie(pip_id) == versie

        await eventually(verwerkt, what=f"PIP {pip_id} versie {versie}")


@pytest.fixture
def pip_api(settings: Settings, database: Database) -> PipApi:
    return PipApi(settings, database)


class InburgeraarApi(StandIn):
    """Stands in for inburgeraar-api: registers persons (as its events say it did)."""

    source = INBURGERAAR_SOURCE
    context = "inburgeraar"

    async def doelgroep(self, inburgeraar_id: uuid.UUID) -> str | None:
        async with self.database.engine.connect() as conn:
            query = text("SELECT doelgroep FROM inburgeraar_feit WHERE inburgeraar_id = :i")
            return (await conn.execute(query, {"i": inburgeraar_id})).scalar_one_or_none()

    async def geregistreerd(self, *, gemeente: str = "0363", doelgroep: str = "asielmigrant") -> uuid.UUID:
        inburgeraar_id = uuid.uuid4()
        await self.publish(
            "inburgeraar-geregistreerd",
            inburgeraar_id,
            {
                "inburgeraarId": str(inburgeraar_id),
                "doelgroep": doelgroep,
                "nareiziger": False,
                "status": "geregistreerd",
                "datumKoppeling": "2026-02-01" if doelgroep == "asielmigrant" else None,
                "datumInschrijvingBrp": "2026-02-15",
            },
            gemeente,
        )

        async def bekend() -> bool:
            return await self.doelgroep(inburgeraar_id) == doelgroep

        await eventually(bekend, what=f"projectie van inburgeraar {inburgeraar_id}")
        return inburgeraar_id

    async def gewijzigd(self, inburgeraar_id: uuid.UUID, doelgroep: str, gemeente: str = "0363") -> str:
        return await self.publish(
            "inburgeraar-gewijzigd",
            inburgeraar_id,
            {
                "inburgeraarId": str(inburgeraar_id),
                "gewijzigdeVelden": ["doelgroep"],
                "doelgroep": doelgroep,
                "datumKoppeling": None,
                "datumInschrijvingBrp": "2026-02-15",
            },
            gemeente,
        )


@pytest.fixture
def inburgeraar_api(settings: Settings, database: Database) -> InburgeraarApi:
    return InburgeraarApi(settings, database)


@dataclass
class Aanbieder:
    id: uuid.UUID
    client_id: str
    gemeente: str
    headers: dict[str, str]


@dataclass
class Omgeving:
    """A gemeente with aanbieders and a way to give them opdrachten: the setup most tests share."""

    client: httpx.AsyncClient
    tokens: TokenFactory
    pip_api: PipApi
    inburgeraar_api: InburgeraarApi
    gemeente: str = "0363"

    @property
    def regisseur(self) -> dict[str, str]:
        return self.tokens.headers(*ROLLEN["klantregisseur"], gemeente=self.gemeente, client_id="gemeente-portaal")

    @property
    def contractmanager(self) -> dict[str, str]:
        return self.tokens.headers(*ROLLEN["contractmanager"], gemeente=self.gemeente, client_id="gemeente-portaal")

    async def aanbieder(
        self,
        *,
        kvk: str | None = None,
        diensten: tuple[str, ...] = ("b1-route", "pvt", "map", "z-route"),
        keurmerk_tot: str = "2030-12-31",
    ) -> Aanbieder:
        kvk = kvk or f"{uuid.uuid4().int % 10**8:08d}".replace("00000000", "12345678")
        r = await self.client.post(
            f"{API}/aanbieders",
            json={
                "naam": f"Taalschool {kvk}",
                "kvkNummer": kvk,
                "diensten": list(diensten),
                "keurmerk": {"nummer": "BOW-1234", "geldigTot": keurmerk_tot},
                "contactpersonen": [{"naam": "Petra de Vries", "email": "petra@taalschool.example"}],
            },
            headers=self.contractmanager,
        )
        assert r.status_code == 201, r.text
        aanbieder_id = uuid.UUID(r.json()["id"])
        r = await self.client.post(
            f"{API}/aanbieders/{aanbieder_id}/contracten",
            json={
                "kenmerk": "INK-2026-01",
                "begindatum": "2026-01-01",
                "einddatum": "2027-12-31",
                "diensten": [{"dienst": d, "uren": 100_000} for d in diensten],
            },
            headers=self.contractmanager,
        )
        assert r.status_code == 201, r.text
        client_id = f"systeem-{aanbieder_id}"
        r = await self.client.post(
            f"{API}/aanbieders/{aanbieder_id}/api-clients",
            json={"clientId": client_id, "omschrijving": "Leerlingvolgsysteem"},
            headers=self.contractmanager,
        )
        assert r.status_code == 201, r.text
        headers = self.tokens.headers(
            *ROLLEN["aanbieder"], gemeente=self.gemeente, client_id=client_id, aanbieder_id=str(aanbieder_id)
        )
        return Aanbieder(aanbieder_id, client_id, self.gemeente, headers)

    async def opdracht(
        self,
        aanbieder: Aanbieder,
        *,
        pip: tuple[uuid.UUID, uuid.UUID] | None = None,
        onderdeel: str = "b1-route",
        start: date = date(2026, 4, 1),
        **inhoud: Any,
    ) -> dict[str, Any]:
        pip_id, _ = pip or await self.pip_api.vastgesteld(gemeente=self.gemeente)
        body = {
            "pipId": str(pip_id),
            "aanbiederId": str(aanbieder.id),
            "onderdeel": onderdeel,
            "inhoud": {
                "deelnemer": {"roepnaam": "Amal", "achternaam": "Haddad", "telefoon": "+31 6 12345678"},
                "afspraken": ["Twee dagdelen per week"],
                "leerroute": "b1",
                "taalniveauPip": "B1",
                "geplandeStartdatum": start.isoformat(),
                "geplandeEinddatum": "2027-03-31",
                "cursusnaam": "NT2 B1",
                "cursusonderdelen": ["lezen", "luisteren"],
                "uren": 600,
                "wettelijkeTermijn": "2029-03-01",
                **inhoud,
            },
        }
        r = await self.client.post(f"{API}/opdrachten", json=body, headers=self.regisseur)
        assert r.status_code == 201, r.text
        result: dict[str, Any] = r.json()
        return result


@pytest.fixture
def omgeving(
    client: httpx.AsyncClient, tokens: TokenFactory, pip_api: PipApi, inburgeraar_api: InburgeraarApi
) -> Omgeving:
    return Omgeving(client, tokens, pip_api, inburgeraar_api)
