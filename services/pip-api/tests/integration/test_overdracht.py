"""The dossier transfer on a move (Besluit inburgering 2021 art. 9.4 lid 4; issue 15 §3), pip-api's part: the old
gemeente's export of every PIP with its versions, gesprekken and provider progress; the new gemeente's import as
read-only history with a concept PIP of its own (201, 200 for the same body, 409 for another, 422 naming fields);
neither the history nor the concept counted as the new gemeente's own; and `verhuisd` ending the old PIP once."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.retentie import voer_uit
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.waiting import eventually
from pip_api.scopes import ROLLEN
from pip_api.services.retentie import opruimer
from pip_api.services.signalen import signaleer
from pip_api.settings import Settings

from .test_pip import vastgesteld

if TYPE_CHECKING:
    from .conftest import AanbiederApi, InburgeraarApi

OUD, NIEUW = "0363", "0599"
API = "/api/v1"
OPEN = "SELECT id FROM signaal WHERE inburgeraar_id = :i AND status = 'open'"


async def rows(database: Database, sql: str, **params: Any) -> list[Any]:
    async with database.engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


def keten(tokens: TokenFactory, gemeente: str) -> dict[str, str]:
    return tokens.headers(*ROLLEN["ketenuitwisseling"], gemeente=gemeente)


def klantregisseur(tokens: TokenFactory, gemeente: str) -> dict[str, str]:
    return tokens.headers(*ROLLEN["klantregisseur"], gemeente=gemeente)


async def oud_dossier(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    inburgeraar_api: InburgeraarApi,
    aanbieder_api: AanbiederApi,
) -> tuple[uuid.UUID, dict[str, Any]]:
    """A person at the old gemeente with a PIP of two versions, a gesprek and reported attendance."""
    auth = klantregisseur(tokens, OUD)
    inburgeraar_id = await inburgeraar_api.registreer(gemeente=OUD)
    pip = await vastgesteld(client, auth, inburgeraar_id)
    wijziging = {
        "reden": "taalniveau bijgesteld na voortgangsgesprek",
        "wijzigingen": {"taalniveau": "A2"},
        "dagtekening": "2026-08-03",
        "verzenddatum": "2026-08-03",
        "ingangsdatum": "2026-08-10",
    }
    response = await client.post(f"{API}/pips/{pip['id']}/_wijzigen", json=wijziging, headers=auth)
    assert response.status_code == 200, response.text
    gesprek = {"geplandDatum": "2026-07-01", "gehoudenDatum": "2026-07-01", "uitkomst": "loopt goed", "afspraken": []}
    response = await client.post(f"{API}/pips/{pip['id']}/voortgangsgesprekken", json=gesprek, headers=auth)
    assert response.status_code == 201, response.text
    opdracht = aanbieder_api.opdracht(uuid.UUID(pip["id"]), inburgeraar_id)
    await aanbieder_api.pas_toe(
        [
            *opdracht.verstrekt(date(2026, 6, 1), date(2027, 6, 1)),
            *opdracht.start(date(2026, 6, 2)),
            *opdracht.aanwezigheid(date(2026, 6, 1), date(2026, 6, 30), 40, ongeoorloofd=8),
        ]
    )
    return inburgeraar_id, pip


async def exporteer(client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar_id: uuid.UUID) -> dict[str, Any]:
    response = await client.get(f"{API}/overdrachtsdossiers/{inburgeraar_id}", headers=keten(tokens, OUD))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def deel(nieuw_id: uuid.UUID, dossier: dict[str, Any], verhuisdatum: str = "2026-10-01") -> dict[str, Any]:
    return {"inburgeraarId": str(nieuw_id), "vanGemeente": OUD, "verhuisdatum": verhuisdatum, "dossier": dossier}


class TestExport:
    async def test_every_version_gesprek_and_attendance_logged_with_the_pseudonym(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
        aanbieder_api: AanbiederApi,
        database: Database,
        settings: Settings,
    ) -> None:
        inburgeraar_id, pip = await oud_dossier(client, tokens, inburgeraar_api, aanbieder_api)

        dossier = await exporteer(client, tokens, inburgeraar_id)

        assert (dossier["inburgeraarId"], dossier["gemeente"]) == (str(inburgeraar_id), OUD)
        [p] = dossier["pips"]
        assert (p["id"], p["status"], p["versie"], p["vastgesteldDatum"]) == (pip["id"], "vastgesteld", 2, "2026-05-04")
        assert p["inhoud"]["taalniveau"] == "A2"
        assert [(v["versie"], v["taalniveau"], v["dagtekening"], v["gewijzigdeVelden"]) for v in p["versies"]] == [
            (1, "B1", "2026-05-04", []),
            (2, "A2", "2026-08-03", ["taalniveau"]),
        ]
        assert p["versies"][1]["reden"] == "taalniveau bijgesteld na voortgangsgesprek"
        gesprekken = [(g["gehoudenDatum"], g["uitkomst"]) for g in p["voortgangsgesprekken"]]
        assert gesprekken == [("2026-07-01", "loopt goed")]
        [opdracht] = p["opdrachten"]
        assert (opdracht["onderdeel"], opdracht["startGemeldDatum"]) == ("b1-route", "2026-06-02")
        perioden = opdracht["aanwezigheid"]
        aanwezigheid = [(a["periodeVan"], a["urenAanwezig"], a["urenAfwezigOngeoorloofd"]) for a in perioden]
        assert aanwezigheid == [("2026-06-01", 40.0, 8.0)]
        betrokkene = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode()).betrokkene_van(inburgeraar_id)
        logged = await rows(
            database,
            "SELECT betrokkene, actie FROM verwerking WHERE activiteit = :a AND object_id = :o",
            a="verstrekken dossier aan de nieuwe gemeente na verhuizing",
            o=str(inburgeraar_id),
        )
        assert logged == [(betrokkene, "lezen")]

    async def test_nothing_here_is_empty_and_another_gemeente_sees_nothing(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
        aanbieder_api: AanbiederApi,
    ) -> None:
        inburgeraar_id, _ = await oud_dossier(client, tokens, inburgeraar_api, aanbieder_api)
        onbekend = uuid.uuid4()
        assert (await exporteer(client, tokens, onbekend))["pips"] == []
        response = await client.get(f"{API}/overdrachtsdossiers/{inburgeraar_id}", headers=keten(tokens, NIEUW))
        assert (response.status_code, response.json()["pips"]) == (200, [])

    async def test_only_the_exchange(
        self, client: httpx.AsyncClient, tokens: TokenFactory, inburgeraar_api: InburgeraarApi
    ) -> None:
        pad = f"{API}/overdrachtsdossiers/{uuid.uuid4()}"
        assert (await client.get(pad)).status_code == 401
        assert (await client.get(pad, headers=klantregisseur(tokens, OUD))).status_code == 403
        importeur = tokens.headers("dossier:importeren", gemeente=OUD)
        assert (await client.get(pad, headers=importeur)).status_code == 403


class TestImport:
    async def test_history_kept_concept_taken_over_and_vastgesteld_by_the_new_gemeente(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
        aanbieder_api: AanbiederApi,
        database: Database,
        settings: Settings,
    ) -> None:
        oud_id, oud_pip = await oud_dossier(client, tokens, inburgeraar_api, aanbieder_api)
        dossier = await exporteer(client, tokens, oud_id)
        nieuw_id = await inburgeraar_api.registreer(gemeente=NIEUW)
        overdracht_id = uuid.uuid4()
        pad = f"{API}/overdrachten/{overdracht_id}"

        response = await client.put(pad, json=deel(nieuw_id, dossier), headers=keten(tokens, NIEUW))

        assert response.status_code == 201, response.text
        antwoord = response.json()
        assert antwoord["overdrachtId"] == str(overdracht_id)
        assert (antwoord["inburgeraarId"], antwoord["vanGemeente"]) == (str(nieuw_id), OUD)
        assert (antwoord["geimporteerdePips"], antwoord["geimporteerdeVersies"]) == (1, 2)
        assert antwoord["overgenomenPipId"] and antwoord["signaalId"]
        # Once more, the same body: the same answer, nothing twice.
        again = await client.put(pad, json=deel(nieuw_id, dossier), headers=keten(tokens, NIEUW))
        assert (again.status_code, again.json()) == (200, antwoord)
        ander = await client.put(pad, json=deel(nieuw_id, dossier, "2026-10-02"), headers=keten(tokens, NIEUW))
        assert ander.status_code == 409, ander.text
        assert ander.headers["content-type"].startswith("application/problem+json")
        assert len(await rows(database, "SELECT 1 FROM pip WHERE inburgeraar_id = :i", i=nieuw_id)) == 1
        betrokkene = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode()).betrokkene_van(nieuw_id)
        logged = await rows(
            database,
            "SELECT betrokkene, actie FROM verwerking WHERE activiteit = :a AND object_id = :o",
            a="overnemen dossier van de vorige gemeente na verhuizing",
            o=str(overdracht_id),
        )
        assert logged == [(betrokkene, "aanmaken")]

        # The imported history, read-only and marked as such, for whoever reads the person's PIPs.
        auth = klantregisseur(tokens, NIEUW)
        historie = await client.get(f"{API}/geimporteerde-pips", params={"inburgeraarId": str(nieuw_id)}, headers=auth)
        assert historie.status_code == 200, historie.text
        [h] = historie.json()
        assert (h["geimporteerd"], h["vanGemeente"], h["id"], h["overdrachtId"]) == (
            True, OUD, oud_pip["id"], str(overdracht_id),
        )  # fmt: skip
        assert [v["taalniveau"] for v in h["versies"]] == ["B1", "A2"]
        specialist = tokens.headers(*ROLLEN["specialist-werk"], gemeente=NIEUW)
        params = {"inburgeraarId": str(nieuw_id)}
        assert (await client.get(f"{API}/geimporteerde-pips", params=params, headers=specialist)).status_code == 200
        oud_auth = klantregisseur(tokens, OUD)
        assert (await client.get(f"{API}/geimporteerde-pips", params=params, headers=oud_auth)).json() == []

        # The agreements of the last version as the new gemeente's concept, pointing where they came from.
        concept = (await client.get(f"{API}/pips/{antwoord['overgenomenPipId']}", headers=auth)).json()
        assert (concept["status"], concept["versie"], concept["taalniveau"]) == ("concept", 0, "A2")
        assert concept["klantregisseur"] is None
        assert concept["overgenomenVan"] == {
            "overdrachtId": str(overdracht_id),
            "vanGemeente": OUD,
            "pipId": oud_pip["id"],
            "versie": 2,
            "eerstePipDatum": "2026-05-04",
        }
        signalen = await client.get(
            f"{API}/signalen", params={"inburgeraarId": str(nieuw_id), "termijnsoort": "overgenomen-pip"}, headers=auth
        )
        assert [(s["id"], s["soort"], s["pipId"]) for s in signalen.json()["resultaten"]] == [
            (antwoord["signaalId"], "gemeld", antwoord["overgenomenPipId"])
        ]

        # Vaststellen is the new gemeente's own decision, with the existing route; the asielmigrant's termijn still
        # runs from the first PIP at the old gemeente.
        vast = await client.post(
            f"{API}/pips/{antwoord['overgenomenPipId']}/_vaststellen",
            json={"dagtekening": "2026-10-12", "verzenddatum": "2026-10-12", "ingangsdatum": "2026-10-12"},
            headers=auth,
        )
        assert vast.status_code == 200, vast.text
        assert (vast.json()["status"], vast.json()["versie"], vast.json()["vastgesteldDatum"]) == (
            "vastgesteld", 1, "2026-10-12",
        )  # fmt: skip
        termijn = next(t for t in vast.json()["termijnen"] if t["soort"] == "inburgeringstermijn")
        assert termijn["startdatum"] == "2026-05-04"
        # Once vastgesteld, the worklist item asks for nothing more: the next signal pass lets it lapse.
        await signaleer(database, app.state.publisher, settings, dag=date(2026, 10, 13))
        status = await rows(database, "SELECT status FROM signaal WHERE id = :s", s=antwoord["signaalId"])
        assert status == [("vervallen",)]

    async def test_after_a_second_move_the_whole_history_travels(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
        aanbieder_api: AanbiederApi,
    ) -> None:
        oud_id, oud_pip = await oud_dossier(client, tokens, inburgeraar_api, aanbieder_api)
        nieuw_id = await inburgeraar_api.registreer(gemeente=NIEUW)
        eerste = await client.put(
            f"{API}/overdrachten/{uuid.uuid4()}",
            json=deel(nieuw_id, await exporteer(client, tokens, oud_id)),
            headers=keten(tokens, NIEUW),
        )
        assert eerste.status_code == 201, eerste.text
        response = await client.get(f"{API}/overdrachtsdossiers/{nieuw_id}", headers=keten(tokens, NIEUW))
        dossier = response.json()
        assert [(p["id"], p["status"], p["overgenomenVan"]["vanGemeente"]) for p in dossier["pips"]] == [
            (eerste.json()["overgenomenPipId"], "concept", OUD)
        ]
        assert [(g["id"], g["vanGemeente"]) for g in dossier["geimporteerd"]] == [(oud_pip["id"], OUD)]

        derde = "0014"
        derde_id = await inburgeraar_api.registreer(gemeente=derde)
        body = {"inburgeraarId": str(derde_id), "vanGemeente": NIEUW, "dossier": dossier}
        tweede = await client.put(f"{API}/overdrachten/{uuid.uuid4()}", json=body, headers=keten(tokens, derde))
        assert tweede.status_code == 201, tweede.text
        # N's PIP was only a concept: the agreements in force are still the ones N took over, and those travel on.
        concept = await client.get(
            f"{API}/pips/{tweede.json()['overgenomenPipId']}", headers=klantregisseur(tokens, derde)
        )
        van = concept.json()["overgenomenVan"]
        assert (concept.json()["taalniveau"], van["vanGemeente"], van["pipId"]) == ("A2", OUD, oud_pip["id"])
        assert van["eerstePipDatum"] == "2026-05-04"
        historie = await client.get(
            f"{API}/geimporteerde-pips", params={"inburgeraarId": str(derde_id)}, headers=klantregisseur(tokens, derde)
        )
        assert [(h["vanGemeente"], h["status"]) for h in historie.json()] == [(NIEUW, "concept"), (OUD, "vastgesteld")]

    async def test_invalid_dossier_names_the_fields(
        self, client: httpx.AsyncClient, tokens: TokenFactory, database: Database
    ) -> None:
        dossier = {
            "inburgeraarId": str(uuid.uuid4()),
            "gemeente": "363",
            "pips": [{"id": str(uuid.uuid4()), "status": "vastgesteld", "versie": 1, "versies": []}],
        }
        response = await client.put(
            f"{API}/overdrachten/{uuid.uuid4()}", json=deel(uuid.uuid4(), dossier), headers=keten(tokens, NIEUW)
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        namen = {p["name"] for p in response.json()["invalidParams"]}
        assert namen == {"dossier.gemeente", "dossier.pips.0.inhoud"}
        assert await rows(database, "SELECT 1 FROM overdracht") == []
        # The envelope itself is the kit's body: a malformed field there is the platform's 400, named as well.
        kapot = {**deel(uuid.uuid4(), dossier), "vanGemeente": "abc"}
        response = await client.put(f"{API}/overdrachten/{uuid.uuid4()}", json=kapot, headers=keten(tokens, NIEUW))
        assert response.status_code == 400
        assert "vanGemeente" in {p["name"] for p in response.json()["invalidParams"]}

    async def test_the_old_gemeentes_person_is_refused(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
        aanbieder_api: AanbiederApi,
    ) -> None:
        oud_id, _ = await oud_dossier(client, tokens, inburgeraar_api, aanbieder_api)
        dossier = await exporteer(client, tokens, oud_id)
        response = await client.put(
            f"{API}/overdrachten/{uuid.uuid4()}", json=deel(oud_id, dossier), headers=keten(tokens, NIEUW)
        )
        assert response.status_code == 422, response.text
        assert [p["name"] for p in response.json()["invalidParams"]] == ["inburgeraarId"]

    async def test_only_the_exchange(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        pad = f"{API}/overdrachten/{uuid.uuid4()}"
        body = deel(uuid.uuid4(), {"inburgeraarId": str(uuid.uuid4()), "gemeente": OUD, "pips": []})
        assert (await client.put(pad, json=body)).status_code == 401
        assert (await client.put(pad, json=body, headers=klantregisseur(tokens, NIEUW))).status_code == 403
        exporteur = tokens.headers("dossier:exporteren", gemeente=NIEUW)
        assert (await client.put(pad, json=body, headers=exporteur)).status_code == 403
        # An empty part is taken in (nothing to take over): 201, no concept.
        response = await client.put(pad, json=body, headers=keten(tokens, NIEUW))
        assert response.status_code == 201, response.text
        assert (response.json()["overgenomenPipId"], response.json()["geimporteerdePips"]) == (None, 0)


class TestNietEigen:
    async def test_history_not_in_cbs_export_monitoring_or_vaststelling_signals(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
        aanbieder_api: AanbiederApi,
        database: Database,
        settings: Settings,
    ) -> None:
        oud_id, _ = await oud_dossier(client, tokens, inburgeraar_api, aanbieder_api)
        dossier = await exporteer(client, tokens, oud_id)
        # Registered at the new gemeente long ago enough that its own PIP-vaststelling termijn would have passed.
        nieuw_id = await inburgeraar_api.registreer(gemeente=NIEUW, brp=date(2026, 3, 2))
        response = await client.put(
            f"{API}/overdrachten/{uuid.uuid4()}", json=deel(nieuw_id, dossier), headers=keten(tokens, NIEUW)
        )
        assert response.status_code == 201, response.text

        cbs = await client.get(
            f"{API}/cbs-export",
            params={"gemeentecode": NIEUW, "van": "2026-01-01", "tot": "2027-01-01"},
            headers=keten(tokens, NIEUW),
        )
        assert cbs.status_code == 200, cbs.text
        assert cbs.text.strip() == ""
        monitoring = await client.get(
            f"{API}/monitoring",
            params={"van": "2026-01-01", "tot": "2026-12-31"},
            headers=tokens.headers(*ROLLEN["beleidsmedewerker"], gemeente=NIEUW),
        )
        assert monitoring.status_code == 200, monitoring.text
        mix = next(t for t in monitoring.json()["tabellen"] if t["naam"] == "routemix")
        assert mix["totaal"]["waarde"] == 0

        # The PIP-vaststelling termijn was met at the old gemeente: no signal about it (nor DUO's item r) here.
        await signaleer(database, app.state.publisher, settings, dag=date(2026, 11, 1))
        soorten = await rows(database, "SELECT termijnsoort FROM signaal WHERE inburgeraar_id = :i", i=nieuw_id)
        assert soorten == [("overgenomen-pip",)]


class TestVerhuisd:
    async def test_ends_the_pip_once_and_closes_the_signals(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
        database: Database,
        settings: Settings,
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer(gemeente=OUD)
        pip = await vastgesteld(client, klantregisseur(tokens, OUD), inburgeraar_id)
        await signaleer(database, app.state.publisher, settings, dag=date(2030, 1, 1))
        open_ = await rows(database, OPEN, i=inburgeraar_id)
        assert open_

        verhuizing = {"inburgeraarId": str(inburgeraar_id), "naarGemeente": NIEUW, "verhuisdatum": "2026-10-01"}
        await inburgeraar_api.publish("verhuisd", inburgeraar_id, verhuizing, OUD)

        async def beeindigd() -> bool:
            return bool(await rows(database, "SELECT 1 FROM pip WHERE id = :p AND status = 'beeindigd'", p=pip["id"]))

        await eventually(beeindigd, what="PIP beëindigd na verhuizing")
        gelezen = (await client.get(f"{API}/pips/{pip['id']}", headers=klantregisseur(tokens, OUD))).json()
        assert (gelezen["beeindigdReden"], gelezen["beeindigdDatum"]) == ("verhuisd", "2026-10-01")
        assert await rows(database, OPEN, i=inburgeraar_id) == []
        # A second notice of the same move (another event) finds nothing running: no second ending.
        await inburgeraar_api.publish("verhuisd", inburgeraar_id, verhuizing, OUD)
        await eventually(lambda: _verwerkt(database, 2), what="tweede verhuisd-event verwerkt")
        outbox = await rows(database, "SELECT event FROM outbox")
        events = [e if isinstance(e, dict) else json.loads(e) for (e,) in outbox]
        beeindigingen = [e for e in events if e["type"] == "nl.inburgering.pip.pip-beeindigd"]
        assert [(e["data"]["pipId"], e["data"]["reden"]) for e in beeindigingen] == [(pip["id"], "verhuisd")]
        vervallen = {e["data"]["signaalId"] for e in events if e["type"] == "nl.inburgering.pip.signaal-vervallen"}
        assert vervallen == {str(s) for (s,) in open_}

        # No signal is raised for the person who left, not even the registration's.
        await signaleer(database, app.state.publisher, settings, dag=date(2030, 2, 1))
        assert await rows(database, OPEN, i=inburgeraar_id) == []


async def _verwerkt(database: Database, aantal: int) -> bool:
    gezien = await rows(database, "SELECT 1 FROM inbox WHERE event_type = 'nl.inburgering.inburgeraar.verhuisd'")
    return len(gezien) >= aantal


class TestRetentieEnInzage:
    async def test_imported_history_in_the_inzage_and_gone_with_the_person(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        inburgeraar_api: InburgeraarApi,
        aanbieder_api: AanbiederApi,
        database: Database,
        settings: Settings,
    ) -> None:
        oud_id, _ = await oud_dossier(client, tokens, inburgeraar_api, aanbieder_api)
        dossier = await exporteer(client, tokens, oud_id)
        nieuw_id = await inburgeraar_api.registreer(gemeente=NIEUW)
        overdracht_id = uuid.uuid4()
        response = await client.put(
            f"{API}/overdrachten/{overdracht_id}", json=deel(nieuw_id, dossier), headers=keten(tokens, NIEUW)
        )
        assert response.status_code == 201, response.text

        officer = tokens.headers(*ROLLEN["privacy-officer"], gemeente=NIEUW)
        inzage = await client.post("/api/v1/inzage/_export", json={"inburgeraarId": str(nieuw_id)}, headers=officer)
        assert inzage.status_code == 200, inzage.text
        onderdelen = {o["soort"]: o["gegevens"] for o in inzage.json()["onderdelen"]}
        assert [o["id"] for o in onderdelen["overdracht"]] == [str(overdracht_id)]
        assert [p["id"] for p in onderdelen["pip"]] == [response.json()["overgenomenPipId"]]

        await inburgeraar_api.publish(
            "einde-plicht-gewijzigd", nieuw_id, {"inburgeraarId": str(nieuw_id), "einddatum": "2027-06-01"}, NIEUW
        )

        async def bekend() -> bool:
            sql = "SELECT 1 FROM retentie_betrokkene WHERE einde_plicht_datum IS NOT NULL"
            return bool(await rows(database, sql))

        await eventually(bekend, what="einde plicht in retentie_betrokkene")
        weg = await voer_uit(database, "pip-api", opruimer(settings), date(2032, 6, 2))
        assert weg is not None and weg.aantallen["overdracht"] == 1
        assert await rows(database, "SELECT 1 FROM overdracht WHERE inburgeraar_id = :i", i=nieuw_id) == []
