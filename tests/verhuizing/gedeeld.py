"""What the flow tests of a move share (Besluit inburgering 2021 art. 9.4 lid 4; issue 15 §3): the dossier the old
gemeente builds up through the four contexts' APIs, DUO's facts, the exchange's tokens, and the checks that the new
gemeente holds it as imported history. Whether the two gemeenten are served by one deployment
(`test_flow_verhuizing`) or by two that talk over mTLS (`test_flow_verhuizing_tussen_deployments`), the contexts are
reached through a `Contexten` of the deployment that serves the gemeente.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from aanbieder_api.scopes import ROLLEN as AANBIEDER_ROLLEN
from handhaving_api.scopes import ROLLEN as HANDHAVING_ROLLEN
from inburgeraar_api import scopes as inburgeraar_scopes
from inburgeraar_api.domain.brede_intake import GEZONDHEID_ONDERWERPEN, VERPLICHTE_ONDERWERPEN
from inburgering_kit.db import Database
from inburgering_kit.overdracht import OVERDRAGEN, OVERNEMEN
from inburgering_kit.testing.keten import rond_brede_intake_af
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.waiting import eventually
from ketenuitwisseling.services.partners import Doel
from ketenuitwisseling.services.werker import SCOPES_PER_DOEL
from pip_api import scopes as pip_scopes

ROOT = Path(__file__).resolve().parents[2]
BSN = "999990032"
OUD, NIEUW = "0363", "0599"
VERHUISDATUM = "2027-02-01"


class KetenTokens:
    """The exchange's own tokens, per purpose and gemeente, as its identity provider would issue them."""

    def __init__(self, factory: TokenFactory) -> None:
        self.factory = factory

    async def token(self, doel: Doel, gemeente: str) -> str:
        return self.factory(*SCOPES_PER_DOEL[doel], gemeente=gemeente, client_id="ketenuitwisseling", user=None)


@dataclass
class Contexten:
    """The clients of one deployment's four contexts and exchange, and the database handhaving-api keeps."""

    t: TokenFactory
    inburgeraar: httpx.AsyncClient
    pip: httpx.AsyncClient
    aanbieder: httpx.AsyncClient
    handhaving: httpx.AsyncClient
    keten: httpx.AsyncClient
    handhaving_database_url: str

    def als(self, rollen: dict[str, set[str]], gemeente: str, rol: str = "klantregisseur") -> dict[str, str]:
        return self.t.headers(*rollen[rol], gemeente=gemeente)

    def regisseur_aanbieders(self, gemeente: str) -> dict[str, str]:
        return self.t.headers(*AANBIEDER_ROLLEN["klantregisseur"], gemeente=gemeente, client_id="portaal")

    async def overdrachten(self, gemeente: str, **params: str) -> list[dict[str, Any]]:
        response = await self.keten.get(
            "/api/v1/overdrachten", params=params, headers=self.t.headers("keten:lezen", gemeente=gemeente)
        )
        assert response.status_code == 200, response.text
        return list(response.json()["resultaten"])

    async def inburgeraars(self, gemeente: str) -> list[dict[str, Any]]:
        headers = self.als(inburgeraar_scopes.ROLLEN, gemeente)
        response = await self.inburgeraar.get("/api/v1/inburgeraars", headers=headers)
        assert response.status_code == 200, response.text
        return list(response.json()["resultaten"])

    async def pips(self, gemeente: str, inburgeraar_id: str) -> list[dict[str, Any]]:
        response = await self.pip.get(
            "/api/v1/pips", params={"inburgeraarId": inburgeraar_id}, headers=self.als(pip_scopes.ROLLEN, gemeente)
        )
        assert response.status_code == 200, response.text
        return list(response.json()["resultaten"])


# ---- DUO (its stand-in, a partner outside every deployment) ----


async def duo_feit(duo: httpx.AsyncClient, t: TokenFactory, soort: str, gemeente: str, gegevens: Any) -> None:
    response = await duo.post(
        "/api/v1/beheer/feiten",
        json={"soort": soort, "gemeentecode": gemeente, "persoon": {"bsn": BSN}, "gegevens": gegevens},
        headers=t.headers("beheer", gemeente=None, client_id="scenario"),
    )
    assert response.status_code == 201, response.text


async def duo_plicht(duo: httpx.AsyncClient, t: TokenFactory, gemeente: str = OUD) -> None:
    plicht = {
        "doelgroep": "asielmigrant", "startdatum": "2026-12-01", "termijnInburgering": "2029-12-01",
        "termijnPvt": "2028-12-01", "termijnMap": "2028-12-01",
    }  # fmt: skip
    await duo_feit(duo, t, "plicht-vastgesteld", gemeente, plicht)


async def duo_meldt_verhuizing(
    duo: httpx.AsyncClient, t: TokenFactory, van: str = OUD, naar: str = NIEUW, verhuisdatum: str = VERHUISDATUM
) -> None:
    """DUO's notice of the move: the stand-in tells both gemeenten."""
    gegevens = {"vorigeGemeentecode": van, "nieuweGemeentecode": naar, "verhuisdatum": verhuisdatum}
    await duo_feit(duo, t, "verhuisd", naar, gegevens)


# ---- The dossier at the old gemeente ----


@dataclass
class Opgebouwd:
    """What the old gemeente built up for the person before the move."""

    inburgeraar_id: str
    pip: dict[str, Any]
    opdracht: dict[str, Any]
    aanbieder: dict[str, str]


async def bouw_dossier(c: Contexten, duo: httpx.AsyncClient, gemeente: str = OUD) -> Opgebouwd:
    """Registered, DUO's plicht, a brede intake, a PIP vastgesteld and changed (two versions), an opdracht with the
    provider's progress, a warning and a fine."""
    ik = c.als(inburgeraar_scopes.ROLLEN, gemeente)
    body = {"bsn": BSN, "doelgroep": "asielmigrant", "datumKoppeling": "2026-11-02"}
    response = await c.inburgeraar.post("/api/v1/inburgeraars", json=body, headers=ik)
    assert response.status_code == 201, response.text
    inburgeraar_id = response.json()["id"]
    await duo_plicht(duo, c.t, gemeente)

    async def plichtig() -> bool:
        response = await c.inburgeraar.get(f"/api/v1/inburgeraars/{inburgeraar_id}/plicht", headers=ik)
        return response.status_code == 200 and bool(response.json()["stand"]["plichtig"])

    await eventually(plichtig, what=f"DUO's plicht in inburgeraar-api van {gemeente}")
    await rond_brede_intake_af(
        c.inburgeraar,
        f"/api/v1/inburgeraars/{inburgeraar_id}/brede-intake",
        ik,
        onderwerpen=VERPLICHTE_ONDERWERPEN,
        gezondheid=GEZONDHEID_ONDERWERPEN,
    )
    pip = await pip_vastgesteld(c, gemeente, inburgeraar_id)
    opdracht, aanbieder = await opdracht_met_voortgang(c, gemeente, pip["id"])
    await boete(c.handhaving_database_url, gemeente, inburgeraar_id)
    return Opgebouwd(inburgeraar_id, pip, opdracht, aanbieder)


async def pip_vastgesteld(c: Contexten, gemeente: str, inburgeraar_id: str) -> dict[str, Any]:
    """A PIP vastgesteld (version 1) and changed (version 2)."""
    plan = c.als(pip_scopes.ROLLEN, gemeente)
    concept = {
        "inburgeraarId": inburgeraar_id, "leerroute": "b1", "taalniveau": "B1", "intensiteit": "hoog",
        "map": {"aanbieder": "Werkplaats Noord", "geplandeStart": "2027-01-04", "uitersteDatum": "2027-06-30"},
    }  # fmt: skip
    pip: dict[str, Any] = {}

    async def opgesteld() -> bool:
        response = await c.pip.post("/api/v1/pips", json=concept, headers=plan)
        if response.status_code == 422:
            return False
        assert response.status_code == 201, response.text
        pip.update(response.json())
        return True

    await eventually(opgesteld, what=f"de inburgeraar in de projectie van pip-api ({gemeente})")
    datums = {"dagtekening": "2026-12-04", "verzenddatum": "2026-12-04", "ingangsdatum": "2026-12-07"}
    response = await c.pip.post(f"/api/v1/pips/{pip['id']}/_vaststellen", json=datums, headers=plan)
    assert response.status_code == 200, response.text
    wijziging = {
        "dagtekening": "2026-12-18", "verzenddatum": "2026-12-18", "ingangsdatum": "2026-12-21",
        "reden": "minder uren per week naast werk", "wijzigingen": {"intensiteit": "midden"},
    }  # fmt: skip
    response = await c.pip.post(f"/api/v1/pips/{pip['id']}/_wijzigen", json=wijziging, headers=plan)
    assert response.status_code == 200, response.text
    assert response.json()["versie"] == 2
    return dict(response.json())


async def opdracht_met_voortgang(
    c: Contexten, gemeente: str, pip_id: str, kvk: str = "87654322"
) -> tuple[dict[str, Any], dict[str, str]]:
    client = c.aanbieder
    beheer = c.t.headers(*AANBIEDER_ROLLEN["contractmanager"], gemeente=gemeente, client_id="portaal")
    response = await client.post(
        "/api/v1/aanbieders",
        json={
            "naam": "Taal en Werk Noord", "kvkNummer": kvk, "diensten": ["b1-route", "map"],
            "keurmerk": {"nummer": "BOW-4321", "geldigTot": "2030-12-31"},
        },
        headers=beheer,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    aanbieder_id = response.json()["id"]
    contract = {
        "kenmerk": f"INK-2026-VERHUIS-{gemeente}", "begindatum": "2026-01-01", "einddatum": "2028-12-31",
        "diensten": [{"dienst": "b1-route", "uren": 10_000}, {"dienst": "map", "uren": 10_000}],
    }  # fmt: skip
    response = await client.post(f"/api/v1/aanbieders/{aanbieder_id}/contracten", json=contract, headers=beheer)
    assert response.status_code == 201, response.text
    systeem = f"taal-en-werk-{gemeente}"
    response = await client.post(
        f"/api/v1/aanbieders/{aanbieder_id}/api-clients",
        json={"clientId": systeem, "omschrijving": "Leerlingvolgsysteem"},
        headers=beheer,
    )
    assert response.status_code == 201, response.text
    aanbieder = c.t.headers(
        *AANBIEDER_ROLLEN["aanbieder"], gemeente=gemeente, client_id=systeem, aanbieder_id=aanbieder_id
    )
    body = {
        "pipId": pip_id, "aanbiederId": aanbieder_id, "onderdeel": "b1-route",
        "inhoud": {
            "deelnemer": {"roepnaam": "Amal", "achternaam": "Haddad"}, "geplandeStartdatum": "2027-01-11",
            "geplandeEinddatum": "2027-12-17", "uren": 600,
        },
    }  # fmt: skip
    opdracht: dict[str, Any] = {}

    async def verstrekt() -> bool:
        response = await client.post(
            "/api/v1/opdrachten",
            json=body,
            headers={**c.regisseur_aanbieders(gemeente), "Idempotency-Key": f"verhuizing-b1-{pip_id}"},
        )
        if response.status_code == 422 and response.json()["code"] in {"pip-onbekend", "inburgeraar-onbekend"}:
            return False
        assert response.status_code == 201, response.text
        opdracht.update(response.json())
        return True

    await eventually(verstrekt, what=f"het PIP in de projectie van aanbieder-api ({gemeente})")
    response = await client.post(
        f"/api/v1/toegewezen-opdrachten/{opdracht['id']}/meldingen",
        json={"soort": "start", "datum": "2027-01-11"},
        headers={**aanbieder, "Idempotency-Key": f"verhuizing-start-{opdracht['id']}"},
    )
    assert response.status_code in {200, 201}, response.text
    return opdracht, aanbieder


async def boete(database_url: str, gemeente: str, inburgeraar_id: str, bedrag: int = 250) -> None:
    """A warning and an imposed fine, put in handhaving-api's own database (its enforcement path needs the signal
    flows other tests cover), as the CBS flow test does."""
    database = Database(database_url, pool_size=1)
    overtreding_id = uuid.uuid4()
    try:
        async with database.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO overtreding (id, gemeente_code, inburgeraar_id, soort, categorie, status, "
                    "gedraging_van, gedraging_tot, bron, bewijs, berekening) VALUES (:id, :g, :p, "
                    "'brede-intake-niet-verschenen', 'brede-intake', 'beboet', '2026-03-01', '2026-03-01', "
                    "'handmatig', '{}', '[]')"
                ),
                {"id": overtreding_id, "g": gemeente, "p": uuid.UUID(inburgeraar_id)},
            )
            await conn.execute(
                text(
                    "INSERT INTO procedurestap (id, overtreding_id, handeling, status, datum, door_client) "
                    "VALUES (:id, :o, 'waarschuwen', 'gewaarschuwd', '2026-03-05', 'test')"
                ),
                {"id": uuid.uuid4(), "o": overtreding_id},
            )
            await conn.execute(
                text(
                    "INSERT INTO boete (id, gemeente_code, overtreding_id, inburgeraar_id, categorie, bedrag, "
                    "voorgesteld_bedrag, berekening, besluit_datum, verzend_datum, status) VALUES (:id, :g, :o, :p, "
                    "'brede-intake', :b, :b, '[]', '2026-04-15', '2026-04-15', 'opgelegd')"
                ),
                {"id": uuid.uuid4(), "g": gemeente, "o": overtreding_id, "p": uuid.UUID(inburgeraar_id), "b": bedrag},
            )
    finally:
        await database.dispose()


# ---- What the move left behind ----


async def verwerkingen(database_url: str, object_id: str | None = None) -> set[tuple[str, str]]:
    """(gemeente, activity) of a service's processing log: of one object, or of the transfer's two activities."""
    database = Database(database_url, pool_size=1)
    voorwaarde = "object_id = :i" if object_id else "activiteit IN (:a, :b)"
    try:
        async with database.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(f"SELECT gemeente_code, activiteit FROM verwerking WHERE {voorwaarde}"),
                    {"i": object_id, "a": OVERDRAGEN.naam, "b": OVERNEMEN.naam},
                )
            ).all()
    finally:
        await database.dispose()
    return {(r.gemeente_code, r.activiteit) for r in rows}


@dataclass
class Geimporteerd:
    """The previous gemeente's dossier as the new gemeente's four contexts hold it, as imported history."""

    dossiers: list[dict[str, Any]]
    pips: list[dict[str, Any]]
    voortgang: list[dict[str, Any]]
    handhaving: list[dict[str, Any]]


async def geimporteerd(c: Contexten, gemeente: str, inburgeraar_id: str) -> Geimporteerd:
    """Every context's imported history of the person at `gemeente`, each marked as imported."""
    response = await c.inburgeraar.get(
        f"/api/v1/inburgeraars/{inburgeraar_id}/overgenomen-dossiers",
        headers=c.als(inburgeraar_scopes.ROLLEN, gemeente),
    )
    assert response.status_code == 200, response.text
    dossiers = list(response.json())
    response = await c.pip.get(
        "/api/v1/geimporteerde-pips",
        params={"inburgeraarId": inburgeraar_id},
        headers=c.als(pip_scopes.ROLLEN, gemeente),
    )
    assert response.status_code == 200, response.text
    pips = list(response.json())
    response = await c.aanbieder.get(
        f"/api/v1/inburgeraars/{inburgeraar_id}/overgenomen-voortgang", headers=c.regisseur_aanbieders(gemeente)
    )
    assert response.status_code == 200, response.text
    voortgang = list(response.json()["resultaten"])
    response = await c.handhaving.get(
        f"/api/v1/inburgeraars/{inburgeraar_id}/overgenomen-handhaving", headers=c.als(HANDHAVING_ROLLEN, gemeente)
    )
    assert response.status_code == 200, response.text
    handhaving = list(response.json())
    for deel in (*dossiers, *pips, *voortgang, *handhaving):
        assert deel["geimporteerd"] is True, deel
    return Geimporteerd(dossiers, pips, voortgang, handhaving)


async def dossier_van_oud_bij_nieuw(c: Contexten, inburgeraar_id: str, van: str = OUD, naar: str = NIEUW) -> None:
    """The old gemeente's dossier arrived whole at the new one: brede intake, the PIP with both versions and its
    progress, the provider's progress and the enforcement history with the fine."""
    h = await geimporteerd(c, naar, inburgeraar_id)
    [dossier] = h.dossiers
    assert dossier["vanGemeente"] == van
    assert dossier["dossier"]["bredeIntake"]["status"] == "afgerond"
    [pip] = h.pips
    # Handed over as it was when the dossier was fetched, before the old gemeente ended it.
    assert pip["vanGemeente"] == van and pip["status"] == "vastgesteld", pip
    assert [v["versie"] for v in pip["versies"]] == [1, 2]
    assert [o["onderdeel"] for o in pip["opdrachten"]] == ["b1-route"]
    [voortgang] = h.voortgang
    assert voortgang["vanGemeente"] == van
    [handhaving] = h.handhaving
    assert handhaving["vanGemeente"] == van
    tekst = json.dumps(handhaving)
    assert "250" in tekst and "waarschuwen" in tekst
