"""Events of inburgeraar-, pip- and aanbieder-api become facts and candidates, through NATS and the consumers."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
import nats
from sqlalchemy import text

from handhaving_api.main import consumers
from handhaving_api.settings import Settings
from inburgering_kit.db import Database
from inburgering_kit.entrypoint import dead_letters
from inburgering_kit.events import CloudEvent
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


# pip-api's two candidate sources, as its contract describes them (contexts do not import each other's models).
def _gesprek_gemist(persoon: uuid.UUID, pip_id: uuid.UUID, gepland: str = "2026-03-09") -> dict[str, Any]:
    return {
        "gesprekId": str(uuid.uuid4()),
        "pipId": str(pip_id),
        "inburgeraarId": str(persoon),
        "geplandDatum": gepland,
        "vastgelegdOp": "2026-03-10",
        "reden": "Niet verschenen, niet afgemeld bij Jan de Vries",
    }


def _onder_norm(persoon: uuid.UUID, pip_id: uuid.UUID, onderdeel: str, percentage: int = 60) -> dict[str, Any]:
    return {
        "pipId": str(pip_id),
        "inburgeraarId": str(persoon),
        "opdrachtId": str(uuid.uuid4()),
        "onderdeel": onderdeel,
        "periodeVan": "2026-02-02",
        "periodeTot": "2026-03-01",
        "aanwezigheidspercentage": percentage,
        "norm": 80,
        "aantalPerioden": 4,
    }


async def _vastgesteld_pip(
    database: Database, inburgeraar_api: InburgeraarApi, pip_api: PipApi, persoon: uuid.UUID, doelgroep: str
) -> uuid.UUID:
    pip_id = uuid.uuid4()
    await inburgeraar_api.publish("inburgeraar-geregistreerd", persoon, _registratie(persoon, doelgroep))
    vastgesteld = {
        "pipId": str(pip_id),
        "inburgeraarId": str(persoon),
        "versie": 1,
        "leerroute": "b1",
        "taalniveau": "B1",
        "routeverplichting": "verplicht",
        "dagtekening": "2026-01-05",
        "ingangsdatum": "2026-01-05",
    }
    await pip_api.publish("pip-vastgesteld", persoon, vastgesteld)

    async def compleet() -> bool:
        feit = await _feit(database, persoon)
        return feit is not None and feit["doelgroep"] == doelgroep and feit["pip_vastgesteld_datum"] is not None

    await eventually(compleet, what="doelgroep en vastgesteld PIP in de projectie")
    return pip_id


async def _opnieuw_bezorgd(settings: Settings, event_id: str, persoon: uuid.UUID, data: dict[str, Any]) -> None:
    """The same event (same id) delivered again, as after a relay that died between publish and marking: a new
    Nats-Msg-Id, so JetStream's own de-duplication does not hide it and the consumer sees it twice."""
    event = CloudEvent(
        id=event_id,
        source=PipApi.source,
        type="nl.inburgering.pip.voortgangsgesprek-gemist",
        time=datetime.now(UTC),
        subject=str(data["pipId"]),
        gemeentecode="0363",
        data=data,
    )
    nc = await nats.connect(settings.nats_url)
    try:
        await nc.jetstream().publish(
            event.type, event.model_dump_json().encode(), headers={"Nats-Msg-Id": str(uuid.uuid4())}
        )
    finally:
        await nc.close()


async def _plicht_eindigt(database: Database, inburgeraar_api: InburgeraarApi, persoon: uuid.UUID, op: date) -> None:
    vervallen = {"inburgeraarId": str(persoon), "soort": "plicht-vervallen", "ingangsdatum": op.isoformat()}
    await inburgeraar_api.publish("plichtgegevens-ontvangen", persoon, vervallen)

    async def geeindigd() -> bool:
        feit = await _feit(database, persoon)
        return feit is not None and feit["plicht_einde_datum"] == op

    await eventually(geeindigd, what="einde plicht")


async def _pip_consumer_bij(
    client: httpx.AsyncClient,
    auth: dict[str, str],
    database: Database,
    inburgeraar_api: InburgeraarApi,
    pip_api: PipApi,
) -> None:
    """Until pip-api's consumer has handled every event published so far: it handles them in order, so once the
    candidate of one published now is there, the earlier ones were seen (and, where none came, not offered)."""
    ander = uuid.uuid4()
    ander_pip = await _vastgesteld_pip(database, inburgeraar_api, pip_api, ander, "asielmigrant")
    await pip_api.publish("voortgangsgesprek-gemist", ander_pip, _gesprek_gemist(ander, ander_pip))
    await _wacht_op_kandidaten(client, auth, ander, 1)


async def _aantal_met_bron(database: Database, event_id: str) -> int:
    async with database.engine.connect() as conn:
        return int(
            (await conn.execute(text("SELECT count(*) FROM overtreding WHERE bron_id = :e"), {"e": event_id})).scalar()
            or 0
        )


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
    await _vastgesteld_pip(database, inburgeraar_api, pip_api, persoon, "asielmigrant")
    overtreding = await procedure.voorgenomen(persoon)

    await _plicht_eindigt(database, inburgeraar_api, persoon, date(2026, 3, 10))
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


async def test_gemist_voortgangsgesprek_wordt_eenmaal_kandidaat(
    client: httpx.AsyncClient,
    auth: dict[str, str],
    database: Database,
    settings: Settings,
    inburgeraar_api: InburgeraarApi,
    pip_api: PipApi,
) -> None:
    persoon = uuid.uuid4()
    pip_id = await _vastgesteld_pip(database, inburgeraar_api, pip_api, persoon, "gezinsmigrant")
    gemist = _gesprek_gemist(persoon, pip_id)
    event_id = await pip_api.publish("voortgangsgesprek-gemist", pip_id, gemist)
    # The voortgangsgesprek is enforced for a gezinsmigrant too (only the chosen leerroute is not).
    [kandidaat] = await _wacht_op_kandidaten(client, auth, persoon, 1)
    assert (kandidaat["soort"], kandidaat["status"], kandidaat["categorie"]) == (
        "pip-voortgangsgesprek",
        "kandidaat",
        "pip",
    )
    assert (kandidaat["gedragingVan"], kandidaat["gedragingTot"]) == ("2026-03-09", "2026-03-09")
    assert kandidaat["bron"] == "nl.inburgering.pip.voortgangsgesprek-gemist"
    assert kandidaat["bewijs"]["gesprekId"] == gemist["gesprekId"]
    assert kandidaat["bewijs"]["vastgelegdOp"] == "2026-03-10"
    assert kandidaat["bewijs"]["eventId"] == event_id
    assert kandidaat["bewijs"]["bron"] == PipApi.source
    # The reason is free text (here with a name): only whether one was given is kept.
    assert kandidaat["bewijs"]["redenOpgegeven"] is True
    assert "Jan" not in str(kandidaat["bewijs"])

    # Delivered again: the same event changes nothing.
    await _opnieuw_bezorgd(settings, event_id, pip_id, gemist)
    await _pip_consumer_bij(client, auth, database, inburgeraar_api, pip_api)
    assert await _aantal_met_bron(database, event_id) == 1
    assert len(await _kandidaten(client, auth, persoon)) == 1


async def test_aanwezigheid_onder_norm_wordt_kandidaat_per_onderdeel(
    client: httpx.AsyncClient,
    auth: dict[str, str],
    database: Database,
    inburgeraar_api: InburgeraarApi,
    pip_api: PipApi,
) -> None:
    persoon = uuid.uuid4()
    pip_id = await _vastgesteld_pip(database, inburgeraar_api, pip_api, persoon, "asielmigrant")
    await pip_api.publish("aanwezigheid-onder-norm", pip_id, _onder_norm(persoon, pip_id, "taal-b1"))
    # At the norm is not below it: no candidate.
    await pip_api.publish("aanwezigheid-onder-norm", pip_id, _onder_norm(persoon, pip_id, "map", percentage=80))
    event_id = await pip_api.publish("aanwezigheid-onder-norm", pip_id, _onder_norm(persoon, pip_id, "pvt"))
    kandidaten = await _wacht_op_kandidaten(client, auth, persoon, 2)
    assert sorted(k["soort"] for k in kandidaten) == ["pip-leerroute", "pip-pvt"]
    pvt = next(k for k in kandidaten if k["soort"] == "pip-pvt")
    assert (pvt["gedragingVan"], pvt["gedragingTot"], pvt["status"]) == ("2026-02-02", "2026-03-01", "kandidaat")
    assert pvt["bron"] == "nl.inburgering.pip.aanwezigheid-onder-norm"
    assert {k: pvt["bewijs"][k] for k in ("onderdeel", "aanwezigheidspercentage", "norm", "aantalPerioden")} == {
        "onderdeel": "pvt",
        "aanwezigheidspercentage": 60,
        "norm": 80,
        "aantalPerioden": 4,
    }
    assert pvt["bewijs"]["eventId"] == event_id
    assert await _aantal_met_bron(database, event_id) == 1


async def test_geen_pip_kandidaat_zonder_vastgesteld_pip_of_na_het_einde_van_de_plicht(
    client: httpx.AsyncClient,
    auth: dict[str, str],
    database: Database,
    inburgeraar_api: InburgeraarApi,
    pip_api: PipApi,
) -> None:
    # No vastgesteld PIP known: no candidate.
    zonder_pip = uuid.uuid4()
    await inburgeraar_api.publish("inburgeraar-geregistreerd", zonder_pip, _registratie(zonder_pip, "asielmigrant"))
    nog_geen = uuid.uuid4()
    eerste = await pip_api.publish("voortgangsgesprek-gemist", nog_geen, _gesprek_gemist(zonder_pip, nog_geen))
    # A gesprek planned before the PIP was vastgesteld (2026-01-05): no candidate either.
    persoon = uuid.uuid4()
    pip_id = await _vastgesteld_pip(database, inburgeraar_api, pip_api, persoon, "asielmigrant")
    te_vroeg = await pip_api.publish(
        "voortgangsgesprek-gemist", pip_id, _gesprek_gemist(persoon, pip_id, gepland="2026-01-04")
    )
    # The plicht ended: no more candidates (the event is recorded after the end).
    await _plicht_eindigt(database, inburgeraar_api, persoon, date(2026, 3, 10))
    na_einde = await pip_api.publish("aanwezigheid-onder-norm", pip_id, _onder_norm(persoon, pip_id, "pvt"))
    await _pip_consumer_bij(client, auth, database, inburgeraar_api, pip_api)
    for event_id in (eerste, te_vroeg, na_einde):
        assert await _aantal_met_bron(database, event_id) == 0
    assert await _kandidaten(client, auth, zonder_pip) == []
    assert await _kandidaten(client, auth, persoon) == []


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
