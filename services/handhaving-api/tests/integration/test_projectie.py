"""Events of inburgeraar-, pip- and aanbieder-api become facts and candidates, through NATS and the consumers."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text

from handhaving_api.main import consumers
from handhaving_api.settings import Settings
from inburgering_kit.db import Database
from inburgering_kit.entrypoint import dead_letters
from inburgering_kit.testing.waiting import eventually

from .conftest import AanbiederApi, InburgeraarApi, PipApi, Procedure


async def _kandidaten(client: httpx.AsyncClient, auth: dict[str, str], persoon: uuid.UUID) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/overtredingen", params={"inburgeraarId": str(persoon)}, headers=auth)
    return list(response.json()["resultaten"])


async def _wacht_op_kandidaten(
    client: httpx.AsyncClient, auth: dict[str, str], persoon: uuid.UUID, aantal: int
) -> list[dict[str, Any]]:
    gevonden: list[dict[str, Any]] = []

    async def klaar() -> bool:
        gevonden[:] = await _kandidaten(client, auth, persoon)
        return len(gevonden) >= aantal

    await eventually(klaar, what=f"{aantal} kandidaat/kandidaten voor {persoon}")
    return gevonden


async def _feit(database: Database, persoon: uuid.UUID) -> dict[str, Any] | None:
    async with database.engine.connect() as conn:
        row = (
            (await conn.execute(text("SELECT * FROM inburgeraar_feit WHERE inburgeraar_id = :i"), {"i": persoon}))
            .mappings()
            .first()
        )
    return dict(row) if row else None


def _registratie(persoon: uuid.UUID, doelgroep: str) -> dict[str, Any]:
    return {
        "inburgeraarId": str(persoon),
        "doelgroep": doelgroep,
        "nareiziger": False,
        "status": "geregistreerd",
        "datumKoppeling": "2026-01-02",
        "datumInschrijvingBrp": "2026-01-03",
    }


def _verzuim(persoon: uuid.UUID, onderdeel: str) -> dict[str, Any]:
    return {
        "opdrachtId": str(uuid.uuid4()),
        "pipId": str(uuid.uuid4()),
        "inburgeraarId": str(persoon),
        "aanbiederId": str(uuid.uuid4()),
        "onderdeel": onderdeel,
        "meldingId": str(uuid.uuid4()),
        "periodeVan": "2026-03-02",
        "periodeTot": "2026-03-06",
        "urenAfwezigOngeoorloofd": 6.0,
        "urenAfwezigGeoorloofd": 0.0,
    }


async def test_oproep_niet_verschenen_wordt_kandidaat(
    client: httpx.AsyncClient, auth: dict[str, str], inburgeraar_api: InburgeraarApi
) -> None:
    persoon = uuid.uuid4()
    await inburgeraar_api.publish("inburgeraar-geregistreerd", persoon, _registratie(persoon, "asielmigrant"))
    oproep = {"inburgeraarId": str(persoon), "oproepId": str(uuid.uuid4()), "volgnummer": 2, "aantalNietVerschenen": 1}
    event_id = await inburgeraar_api.publish("oproep-niet-verschenen", persoon, oproep)
    [kandidaat] = await _wacht_op_kandidaten(client, auth, persoon, 1)
    assert (kandidaat["soort"], kandidaat["status"]) == ("brede-intake-niet-verschenen", "kandidaat")
    assert kandidaat["bron"] == "nl.inburgering.inburgeraar.oproep-niet-verschenen"
    assert kandidaat["bewijs"]["oproepId"] == oproep["oproepId"]
    assert kandidaat["bewijs"]["eventId"] == event_id


async def test_verzuim_wordt_kandidaat_behalve_zelfgekozen_leerroute(
    client: httpx.AsyncClient,
    auth: dict[str, str],
    database: Database,
    inburgeraar_api: InburgeraarApi,
    aanbieder_api: AanbiederApi,
) -> None:
    persoon = uuid.uuid4()
    await inburgeraar_api.publish("inburgeraar-geregistreerd", persoon, _registratie(persoon, "gezinsmigrant"))

    async def doelgroep_bekend() -> bool:
        feit = await _feit(database, persoon)
        return feit is not None and feit["doelgroep"] == "gezinsmigrant"

    # Each source context has its own consumer, so their events interleave in any order: until the doelgroep is
    # known a leerroute candidate is still offered (and refused at the voornemen, test_procedure).
    await eventually(doelgroep_bekend, what="doelgroep in de projectie")
    await aanbieder_api.publish("verzuim-gemeld", persoon, _verzuim(persoon, "b1-route"))
    await aanbieder_api.publish("verzuim-gemeld", persoon, _verzuim(persoon, "pvt"))
    # Consumed in order: once the PVT candidate is there, the leerroute absence was seen and not offered.
    [kandidaat] = await _wacht_op_kandidaten(client, auth, persoon, 1)
    assert (kandidaat["soort"], kandidaat["gedragingVan"], kandidaat["gedragingTot"]) == (
        "pip-pvt",
        "2026-03-02",
        "2026-03-06",
    )


async def test_pip_en_plicht_feiten_maken_een_pip_boete_mogelijk_en_onmogelijk(
    database: Database,
    procedure: Procedure,
    inburgeraar_api: InburgeraarApi,
    pip_api: PipApi,
) -> None:
    persoon = uuid.uuid4()
    await inburgeraar_api.publish("inburgeraar-geregistreerd", persoon, _registratie(persoon, "asielmigrant"))
    vastgesteld = {
        "pipId": str(uuid.uuid4()),
        "inburgeraarId": str(persoon),
        "versie": 1,
        "leerroute": "b1",
        "taalniveau": "B1",
        "routeverplichting": "verplicht",
        "dagtekening": "2026-01-05",
        "ingangsdatum": "2026-01-05",
    }
    await pip_api.publish("pip-vastgesteld", persoon, vastgesteld)

    async def projectie_compleet() -> bool:
        feit = await _feit(database, persoon)
        return feit is not None and feit["doelgroep"] == "asielmigrant" and feit["pip_vastgesteld_datum"] is not None

    await eventually(projectie_compleet, what="projectie van doelgroep en PIP")
    overtreding = await procedure.voorgenomen(persoon)

    vervallen = {"inburgeraarId": str(persoon), "soort": "plicht-vervallen", "ingangsdatum": "2026-03-10"}
    await inburgeraar_api.publish("plichtgegevens-ontvangen", persoon, vervallen)

    async def plicht_geeindigd() -> bool:
        feit = await _feit(database, persoon)
        return feit is not None and feit["plicht_einde_datum"] == date(2026, 3, 10)

    await eventually(plicht_geeindigd, what="einde plicht")
    response = await procedure.beboet(overtreding["id"])
    assert (response.status_code, response.json()["regel"]) == (422, "plicht-beeindigd")


async def test_event_met_valse_bron_wordt_dead_letter(database: Database, pip_api: PipApi, settings: Settings) -> None:
    class Vals(PipApi):
        context = "inburgeraar"  # pip-api's source on inburgeraar-api's subject

    persoon = uuid.uuid4()
    oproep = {"inburgeraarId": str(persoon), "oproepId": str(uuid.uuid4()), "volgnummer": 1, "aantalNietVerschenen": 1}
    event_id = await Vals(pip_api.settings, database).publish("oproep-niet-verschenen", persoon, oproep)

    async def dood() -> bool:
        async with database.engine.connect() as conn:
            rows = await conn.execute(text("SELECT consumer FROM dead_letter WHERE event_id = :e"), {"e": event_id})
            return [r.consumer for r in rows] == ["handhaving-api-inburgeraar"]

    await eventually(dood, what="dead letter van het event met de valse bron")
    async with database.engine.connect() as conn:
        aantal = (
            await conn.execute(text("SELECT count(*) FROM overtreding WHERE bron_id = :e"), {"e": event_id})
        ).scalar()
    assert aantal == 0
    telling = await dead_letters("handhaving_api", consumers, settings, "count")
    assert "handhaving-api-inburgeraar: 1 dead letter(s) waiting" in telling


async def test_verzuim_bij_een_leerbaarheidstoets_van_voor_het_pip_wordt_een_brede_intake_kandidaat(
    client: httpx.AsyncClient,
    auth: dict[str, str],
    database: Database,
    inburgeraar_api: InburgeraarApi,
    aanbieder_api: AanbiederApi,
) -> None:
    # aanbieder-api refers the leerbaarheidstoets from the registration on (issue 14): its events carry no pipId.
    persoon = uuid.uuid4()
    await inburgeraar_api.publish("inburgeraar-geregistreerd", persoon, _registratie(persoon, "asielmigrant"))

    async def doelgroep_bekend() -> bool:
        feit = await _feit(database, persoon)
        return feit is not None and feit["doelgroep"] == "asielmigrant"

    await eventually(doelgroep_bekend, what="doelgroep in de projectie")
    await aanbieder_api.publish("verzuim-gemeld", persoon, {**_verzuim(persoon, "leerbaarheidstoets"), "pipId": None})
    [kandidaat] = await _wacht_op_kandidaten(client, auth, persoon, 1)
    assert (kandidaat["soort"], kandidaat["pipId"]) == ("brede-intake-onvoldoende-meegewerkt", None)
