"""A move to another gemeente and the transfer of the dossier over HTTP (Besluit inburgering 2021 art. 9.4 lid 4;
DOMAIN §6): the move registered at the gemeente left (O), the dossier exported there and taken over at the new
gemeente (N), and the end of O's regie."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from inburgeraar_api import activiteiten
from inburgeraar_api.scopes import ROLLEN
from inburgeraar_api.services.privacy import eigen_gegevens
from inburgeraar_api.services.retentie import opruimer
from inburgeraar_api.settings import Settings
from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.overdracht import OVERDRAGEN, OVERNEMEN
from inburgering_kit.retentie import voer_uit
from inburgering_kit.testing.plugin import TokenFactory

from .test_overdracht_begeleiding_ontzorgen import PROBLEM, events

OUD, NIEUW = "0363", "0599"
BSN = "999993653"
API = "/api/v1"
MUTATIES = [
    {"soort": "plicht-vastgesteld", "ingangsdatum": "2026-02-10", "bron": "DUO", "doelgroep": "asielmigrant"},
    {"soort": "termijn-vastgesteld", "ingangsdatum": "2026-02-10", "bron": "DUO", "termijn": "ibp",
     "begindatum": "2026-02-10", "einddatum": "2029-02-10"},
]  # fmt: skip
BEGELEIDING = {
    "onderdeel": "wonen",
    "inhoud": "uitleg huurcontract",
    "doel": "zelfstandig wonen",
    "startdatum": "2026-03-10",
    "aanbieder": "Vluchtelingenwerk",
}


def klantregisseur(tokens: TokenFactory, gemeente: str = OUD) -> dict[str, str]:
    return tokens.headers(*ROLLEN["klantregisseur"], gemeente=gemeente)


def keten(tokens: TokenFactory, gemeente: str = OUD) -> dict[str, str]:
    return tokens.headers(*ROLLEN["ketenuitwisseling"], gemeente=gemeente, user=None, client_id="ketenuitwisseling")


async def rows(database: Database, sql: str, **params: Any) -> list[Any]:
    async with database.engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


async def verwerkingen(database: Database, activiteit: str, betrokkene: str) -> list[Any]:
    return await rows(
        database,
        "SELECT actie, gemeente_code FROM verwerking WHERE activiteit = :a AND betrokkene = :b",
        a=activiteit,
        b=betrokkene,
    )


def log(settings: Settings) -> Verwerkingslog:
    return Verwerkingslog(settings.pseudonym_key.get_secret_value().encode())


@pytest.fixture
async def persoon(client: httpx.AsyncClient, tokens: TokenFactory) -> str:
    """An asielmigrant of OUD with plicht, brede intake, begeleiding, ontzorgen and a verlengingsverzoek."""
    ik = klantregisseur(tokens)
    created = await client.post(
        f"{API}/inburgeraars",
        json={
            "bsn": BSN,
            "doelgroep": "asielmigrant",
            "datumKoppeling": "2026-02-01",
            "contact": {"voornamen": "Amina", "achternaam": "Test", "adres": {
                "straat": "Dorpsstraat", "huisnummer": 1, "postcode": "1011AB", "woonplaats": "Amsterdam"}},
            "klantregisseur": "consulent.o",
        },
        headers=ik,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    pad = f"{API}/inburgeraars/{created.json()['id']}"
    for mutatie in MUTATIES:
        response = await client.post(f"{pad}/plicht-mutaties", json=mutatie, headers=tokens.headers(*ROLLEN["duo"]))
        assert response.status_code == 201, response.text
    posts: list[tuple[str, dict[str, Any]]] = [
        ("brede-intake/oproepen", {"verzondenDatum": "2026-04-01", "afspraakOp": "2026-04-10T10:00:00+02:00"}),
        ("maatschappelijke-begeleiding", BEGELEIDING),
        ("verlengingsverzoeken", {"verzoekdatum": "2026-11-02", "termijn": "ibp", "omstandigheden": ["gezondheid"]}),
    ]
    for sub, body in posts:
        response = await client.post(f"{pad}/{sub}", json=body, headers=ik)
        assert response.status_code == 201, response.text
    puts: list[tuple[str, dict[str, Any]]] = [
        ("brede-intake/achtergrond", {"opleidingen": [{"niveau": "beroepsonderwijs", "land": "Eritrea"}]}),
        ("ontzorgen", {"beschikkingReferentie": "PW-1", "startdatum": "2026-03-01"}),
    ]
    for sub, body in puts:
        response = await client.put(f"{pad}/{sub}", json=body, headers=ik)
        assert response.status_code == 200, response.text
    return pad


async def exporteer(client: httpx.AsyncClient, tokens: TokenFactory, persoon: str) -> dict[str, Any]:
    response = await client.get(f"{API}/overdrachtsdossiers/{persoon.rsplit('/', 1)[1]}", headers=keten(tokens))
    assert response.status_code == 200, response.text
    return dict(response.json())


class TestExport:
    async def test_everything_the_new_gemeente_needs_logged_as_provision(
        self, client: httpx.AsyncClient, tokens: TokenFactory, persoon: str, database: Database, settings: Settings
    ) -> None:
        dossier = await exporteer(client, tokens, persoon)
        assert dossier["bsn"] == BSN and dossier["gemeenteCode"] == OUD and dossier["doelgroep"] == "asielmigrant"
        assert dossier["contact"]["adres"]["woonplaats"] == "Amsterdam"
        assert dossier["klantregisseur"] == "consulent.o"
        assert [m["mutatie"]["soort"] for m in dossier["plichtmutaties"]] == [
            "plicht-vastgesteld",
            "termijn-vastgesteld",
        ]
        assert len(dossier["bredeIntake"]["oproepen"]) == 1
        assert dossier["bredeIntake"]["achtergrond"]["opleidingen"][0]["land"] == "Eritrea"
        assert dossier["maatschappelijkeBegeleiding"][0]["onderdeel"] == "wonen"
        assert dossier["ontzorgen"]["beschikkingReferentie"] == "PW-1"
        assert dossier["verlengingsverzoeken"][0]["omstandigheden"] == ["gezondheid"]
        assert dossier["klantprofielen"] == [] and dossier["warmeOverdrachten"] == []
        betrokkene = log(settings).betrokkene_van(uuid.UUID(dossier["inburgeraarId"]))
        assert await verwerkingen(database, OVERDRAGEN.naam, str(betrokkene)) == [("lezen", OUD)]

    async def test_only_the_exchange_and_only_its_own_gemeente(
        self, client: httpx.AsyncClient, tokens: TokenFactory, persoon: str
    ) -> None:
        pad = f"{API}/overdrachtsdossiers/{persoon.rsplit('/', 1)[1]}"
        assert (await client.get(pad)).status_code == 401
        for rol in ("klantregisseur", "coa", "duo", "privacy-officer", "specialist-werk"):
            response = await client.get(pad, headers=tokens.headers(*ROLLEN[rol]))
            assert response.status_code == 403, (rol, response.text)
        response = await client.get(pad, headers=keten(tokens, NIEUW))
        assert (response.status_code, response.headers["content-type"]) == (404, PROBLEM)


def overdracht(dossier: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"vanGemeente": OUD, "verhuisdatum": "2026-12-01", "dossier": dossier, **extra}


class TestImport:
    async def test_registers_at_the_new_gemeente_with_the_history_marked_imported(
        self, client: httpx.AsyncClient, tokens: TokenFactory, persoon: str, database: Database, settings: Settings
    ) -> None:
        dossier = await exporteer(client, tokens, persoon)
        pad = f"{API}/overdrachten/{uuid.uuid4()}"
        eerste = await client.put(pad, json=overdracht(dossier), headers=keten(tokens, NIEUW))
        assert eerste.status_code == 201, eerste.text
        antwoord = eerste.json()
        assert antwoord["geimporteerd"] is True and antwoord["vanGemeente"] == OUD
        nieuw_id = antwoord["inburgeraarId"]
        assert nieuw_id != dossier["inburgeraarId"]

        bij_n = klantregisseur(tokens, NIEUW)
        persoon_n = (await client.get(f"{API}/inburgeraars/{nieuw_id}", headers=bij_n)).json()
        assert persoon_n["bsn"] == BSN and persoon_n["gemeenteCode"] == NIEUW and persoon_n["status"] == "geregistreerd"
        assert persoon_n["herkomst"] == {"soort": "verhuizing", "vanGemeente": OUD}
        assert persoon_n["datumInschrijvingBrp"] == "2026-12-01" and persoon_n["datumKoppeling"] is None
        assert persoon_n["contact"]["adres"]["woonplaats"] == "Amsterdam" and persoon_n["klantregisseur"] is None
        plicht = (await client.get(f"{API}/inburgeraars/{nieuw_id}/plicht", headers=bij_n)).json()
        assert plicht["stand"]["plichtig"] is True and len(plicht["mutaties"]) == 2
        # The imported history is NIEUW's to read, not NIEUW's own intake or begeleiding.
        overgenomen = await client.get(f"{API}/inburgeraars/{nieuw_id}/overgenomen-dossiers", headers=bij_n)
        assert overgenomen.status_code == 200, overgenomen.text
        [historie] = overgenomen.json()
        assert historie["geimporteerd"] is True and historie["vanGemeente"] == OUD
        assert historie["dossier"]["maatschappelijkeBegeleiding"][0]["onderdeel"] == "wonen"
        assert (
            await client.get(f"{API}/inburgeraars/{nieuw_id}/maatschappelijke-begeleiding", headers=bij_n)
        ).json() == []
        eigen_intake = await client.get(f"{API}/inburgeraars/{nieuw_id}/brede-intake", headers=bij_n)
        assert eigen_intake.json()["oproepen"] == []

        tweede = await client.put(pad, json=overdracht(dossier), headers=keten(tokens, NIEUW))
        assert (tweede.status_code, tweede.json()) == (200, antwoord)
        ander = await client.put(pad, json=overdracht(dossier, verhuisdatum="2026-12-02"), headers=keten(tokens, NIEUW))
        assert (ander.status_code, ander.headers["content-type"]) == (409, PROBLEM), ander.text
        assert ander.json()["code"] == "overdracht-anders"
        # Another gemeente under the same transfer id is no replay either.
        elders = await client.put(pad, json=overdracht(dossier), headers=keten(tokens, "0784"))
        assert elders.status_code == 409, elders.text

        geregistreerd = [e for e in await events(database, "inburgeraar-geregistreerd") if e["subject"] == nieuw_id]
        assert len(geregistreerd) == 1
        plichtfeiten = [e for e in await events(database, "plichtgegevens-ontvangen") if e["subject"] == nieuw_id]
        assert len(plichtfeiten) == 2
        assert await rows(database, "SELECT count(*) FROM overgenomen_dossier") == [(1,)]
        betrokkene = log(settings).betrokkene_van(uuid.UUID(nieuw_id))
        assert await verwerkingen(database, OVERNEMEN.naam, str(betrokkene)) == [("aanmaken", NIEUW), ("lezen", NIEUW)]

    async def test_finds_the_person_registered_on_duos_notice(
        self, client: httpx.AsyncClient, tokens: TokenFactory, persoon: str, database: Database
    ) -> None:
        melding = {"bsn": BSN, "doelgroep": "asielmigrant", "datumInschrijvingBrp": "2026-12-01",
                   "herkomst": {"soort": "verhuizing", "vanGemeente": OUD}}  # fmt: skip
        aangemeld = await client.post(f"{API}/inburgeraars", json=melding, headers=keten(tokens, NIEUW))
        assert aangemeld.status_code == 201, aangemeld.text
        nogmaals = await client.post(f"{API}/inburgeraars", json=melding, headers=keten(tokens, NIEUW))
        assert (nogmaals.status_code, nogmaals.json()["id"]) == (200, aangemeld.json()["id"])
        assert aangemeld.json()["contact"] == {} or not aangemeld.json()["contact"].get("achternaam")

        dossier = await exporteer(client, tokens, persoon)
        response = await client.put(
            f"{API}/overdrachten/{uuid.uuid4()}", json=overdracht(dossier), headers=keten(tokens, NIEUW)
        )
        assert response.status_code == 201, response.text
        assert response.json()["inburgeraarId"] == aangemeld.json()["id"]
        persoon_n = (
            await client.get(f"{API}/inburgeraars/{aangemeld.json()['id']}", headers=klantregisseur(tokens, NIEUW))
        ).json()
        assert persoon_n["contact"]["achternaam"] == "Test"
        assert await rows(database, "SELECT count(*) FROM inburgeraar WHERE gemeente_code = :g", g=NIEUW) == [(1,)]

    async def test_an_invalid_dossier_names_every_field_and_stores_nothing(
        self, client: httpx.AsyncClient, tokens: TokenFactory, persoon: str, database: Database
    ) -> None:
        dossier = await exporteer(client, tokens, persoon)
        dossier["doelgroep"] = "toerist"
        dossier["plichtmutaties"][1]["mutatie"]["einddatum"] = "2025-01-01"
        del dossier["ontzorgen"]
        response = await client.put(
            f"{API}/overdrachten/{uuid.uuid4()}", json=overdracht(dossier), headers=keten(tokens, NIEUW)
        )
        assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM), response.text
        namen = {p["name"] for p in response.json()["invalidParams"]}
        assert namen == {"dossier.doelgroep", "dossier.plichtmutaties.1.mutatie", "dossier.ontzorgen"}
        assert BSN not in response.text
        goed = await exporteer(client, tokens, persoon)
        for van, gemeente in (("0784", NIEUW), (NIEUW, NIEUW)):
            response = await client.put(
                f"{API}/overdrachten/{uuid.uuid4()}",
                json=overdracht(goed, vanGemeente=van),
                headers=keten(tokens, gemeente),
            )
            assert response.status_code == 422, response.text
            assert {p["name"] for p in response.json()["invalidParams"]} == {"vanGemeente"}
        assert await rows(database, "SELECT count(*) FROM overgenomen_dossier") == [(0,)]

    async def test_only_the_exchange_imports(
        self, client: httpx.AsyncClient, tokens: TokenFactory, persoon: str
    ) -> None:
        dossier = await exporteer(client, tokens, persoon)
        pad = f"{API}/overdrachten/{uuid.uuid4()}"
        assert (await client.put(pad, json=overdracht(dossier))).status_code == 401
        for rol in ("klantregisseur", "coa", "duo"):
            response = await client.put(
                pad, json=overdracht(dossier), headers=tokens.headers(*ROLLEN[rol], gemeente=NIEUW)
            )
            assert response.status_code == 403, (rol, response.text)


class TestRegistratieBijVerhuizing:
    async def test_the_exchange_registers_only_a_move_with_a_bsn(
        self, client: httpx.AsyncClient, tokens: TokenFactory
    ) -> None:
        zonder_herkomst = {"bsn": BSN, "doelgroep": "asielmigrant", "datumInschrijvingBrp": "2026-12-01"}
        response = await client.post(f"{API}/inburgeraars", json=zonder_herkomst, headers=keten(tokens, NIEUW))
        assert response.status_code == 403, response.text
        zonder_bsn = {"doelgroep": "asielmigrant", "datumInschrijvingBrp": "2026-12-01",
                      "herkomst": {"soort": "verhuizing", "vanGemeente": NIEUW}}  # fmt: skip
        response = await client.post(f"{API}/inburgeraars", json=zonder_bsn, headers=keten(tokens, NIEUW))
        assert response.status_code == 422, response.text
        assert {p["name"] for p in response.json()["invalidParams"]} == {"bsn", "herkomst.vanGemeente"}
        assert (
            await client.post(f"{API}/inburgeraars", json=zonder_bsn, headers=tokens.headers(*ROLLEN["duo"]))
        ).status_code == 403


class TestVerhuizing:
    async def test_register_again_and_hand_over(
        self, client: httpx.AsyncClient, tokens: TokenFactory, persoon: str, database: Database, settings: Settings
    ) -> None:
        inburgeraar_id = persoon.rsplit("/", 1)[1]
        pad = f"{persoon}/verhuizingen"
        aangemeld = await client.post(
            pad, json={"naarGemeente": NIEUW, "verhuisdatum": "2026-12-01"}, headers=klantregisseur(tokens)
        )
        assert aangemeld.status_code == 201, aangemeld.text
        verhuizing = aangemeld.json()
        assert aangemeld.headers["location"] == f"{pad}/{verhuizing['id']}"
        assert {k: verhuizing[k] for k in ("inburgeraarId", "vanGemeente", "naarGemeente", "bron", "status")} == {
            "inburgeraarId": inburgeraar_id, "vanGemeente": OUD, "naarGemeente": NIEUW, "bron": "klantregisseur",
            "status": "aangemeld",
        }  # fmt: skip
        assert verhuizing["overgedragenOp"] is None
        duo = await client.post(pad, json={"naarGemeente": NIEUW, "bron": "duo"}, headers=keten(tokens))
        assert (duo.status_code, duo.json()["id"]) == (200, verhuizing["id"])
        ander = await client.post(pad, json={"naarGemeente": "0784"}, headers=klantregisseur(tokens))
        assert (ander.status_code, ander.json()["code"]) == (409, "andere-verhuizing-loopt")
        eigen = await client.post(pad, json={"naarGemeente": OUD}, headers=klantregisseur(tokens))
        assert eigen.status_code == 422 and [p["name"] for p in eigen.json()["invalidParams"]] == ["naarGemeente"]
        lijst = await client.get(pad, headers=klantregisseur(tokens))
        assert [v["id"] for v in lijst.json()] == [verhuizing["id"]]
        [event] = await events(database, "verhuizing-aangemeld")
        assert event["data"] == {
            "inburgeraarId": inburgeraar_id, "verhuizingId": verhuizing["id"], "naarGemeente": NIEUW,
            "verhuisdatum": "2026-12-01",
        }  # fmt: skip
        assert event["subject"] == inburgeraar_id

        over = f"{pad}/{verhuizing['id']}/overgedragen"
        assert (await client.post(over, headers=klantregisseur(tokens))).status_code == 403
        assert (await client.post(f"{pad}/{uuid.uuid4()}/overgedragen", headers=keten(tokens))).status_code == 404
        eerste = await client.post(over, headers=keten(tokens))
        assert eerste.status_code == 200, eerste.text
        assert eerste.json()["status"] == "overgedragen" and eerste.json()["overgedragenOp"]
        tweede = await client.post(over, headers=keten(tokens))
        assert (tweede.status_code, tweede.json()) == (200, eerste.json())
        [verhuisd] = await events(database, "verhuisd")
        assert verhuisd["data"] == {
            "inburgeraarId": inburgeraar_id, "verhuizingId": verhuizing["id"], "naarGemeente": NIEUW,
            "verhuisdatum": "2026-12-01",
        }  # fmt: skip
        assert BSN not in str(verhuisd) and BSN not in str(event)

        inburgeraar = (await client.get(persoon, headers=klantregisseur(tokens))).json()
        assert inburgeraar["status"] == "verhuisd"
        # The regie has ended: no new move, no new begeleiding or intake; the dossier stays readable and exportable.
        opnieuw = await client.post(pad, json={"naarGemeente": "0784"}, headers=klantregisseur(tokens))
        assert (opnieuw.status_code, opnieuw.json()["code"]) == (409, "inburgeraar-verhuisd")
        begeleiding = await client.post(
            f"{persoon}/maatschappelijke-begeleiding", json=BEGELEIDING, headers=klantregisseur(tokens)
        )
        assert begeleiding.status_code == 409, begeleiding.text
        assert (await exporteer(client, tokens, persoon))["status"] == "verhuisd"

        betrokkene = str(log(settings).betrokkene_van(uuid.UUID(inburgeraar_id)))
        acties = [a for a, _ in await verwerkingen(database, activiteiten.VERHUIZING.naam, betrokkene)]
        assert sorted(acties) == ["aanmaken", "lezen", "lezen", "wijzigen"]

    async def test_who_may_register_and_read(
        self, client: httpx.AsyncClient, tokens: TokenFactory, persoon: str
    ) -> None:
        pad = f"{persoon}/verhuizingen"
        assert (await client.post(pad, json={"naarGemeente": NIEUW})).status_code == 401
        assert (await client.get(pad)).status_code == 401
        for rol in ("coa", "duo", "specialist-begeleiding", "specialist-werk", "privacy-officer"):
            response = await client.post(pad, json={"naarGemeente": NIEUW}, headers=tokens.headers(*ROLLEN[rol]))
            assert response.status_code == 403, (rol, response.text)
            assert (await client.get(pad, headers=tokens.headers(*ROLLEN[rol]))).status_code == 403, rol
        response = await client.post(
            pad, json={"naarGemeente": "599", "bron": "buurman"}, headers=klantregisseur(tokens)
        )
        assert response.status_code == 400 and {p["name"] for p in response.json()["invalidParams"]} == {
            "naarGemeente", "bron",
        }  # fmt: skip
        assert (await client.get(pad, headers=keten(tokens))).status_code == 200
        anders = await client.get(pad, headers=klantregisseur(tokens, NIEUW))
        assert anders.status_code == 404


class TestTerug:
    async def test_the_person_who_moved_away_and_back_is_the_same_registration_active_again(
        self, client: httpx.AsyncClient, tokens: TokenFactory, persoon: str, database: Database, settings: Settings
    ) -> None:
        oud_id = persoon.rsplit("/", 1)[1]
        # OUD → NIEUW: taken over at NIEUW, handed over at OUD.
        heen = await client.put(
            f"{API}/overdrachten/{uuid.uuid4()}",
            json=overdracht(await exporteer(client, tokens, persoon)),
            headers=keten(tokens, NIEUW),
        )
        assert heen.status_code == 201, heen.text
        nieuw_id = heen.json()["inburgeraarId"]
        aangemeld = await client.post(f"{persoon}/verhuizingen", json={"naarGemeente": NIEUW}, headers=keten(tokens))
        response = await client.post(
            f"{persoon}/verhuizingen/{aangemeld.json()['id']}/overgedragen", headers=keten(tokens)
        )
        assert response.status_code == 200, response.text
        assert (await client.get(persoon, headers=klantregisseur(tokens))).json()["status"] == "verhuisd"

        # NIEUW → OUD: DUO's notice registers the person at OUD (the exchange), then NIEUW's dossier arrives.
        melding = {"bsn": BSN, "doelgroep": "asielmigrant", "datumInschrijvingBrp": "2027-06-01",
                   "herkomst": {"soort": "verhuizing", "vanGemeente": NIEUW}}  # fmt: skip
        gemeld = await client.post(f"{API}/inburgeraars", json=melding, headers=keten(tokens))
        assert (gemeld.status_code, gemeld.json()["id"]) == (200, oud_id), gemeld.text
        assert gemeld.json()["status"] == "geregistreerd" and gemeld.json()["herkomst"] == melding["herkomst"]
        response = await client.get(f"{API}/overdrachtsdossiers/{nieuw_id}", headers=keten(tokens, NIEUW))
        assert response.status_code == 200, response.text
        terug_dossier = response.json()
        [eerder] = terug_dossier["eerdereDossiers"]
        assert eerder["vanGemeente"] == OUD
        pad = f"{API}/overdrachten/{uuid.uuid4()}"
        body = {"vanGemeente": NIEUW, "verhuisdatum": "2027-06-01", "dossier": terug_dossier}
        terug = await client.put(pad, json=body, headers=keten(tokens))
        assert terug.status_code == 201, terug.text
        assert terug.json()["inburgeraarId"] == oud_id
        nog_eens = await client.put(pad, json=body, headers=keten(tokens))
        assert (nog_eens.status_code, nog_eens.json()) == (200, terug.json())

        inburgeraar = (await client.get(persoon, headers=klantregisseur(tokens))).json()
        assert inburgeraar["status"] == "geregistreerd"
        assert inburgeraar["herkomst"] == {"soort": "verhuizing", "vanGemeente": NIEUW}
        # The first stay's registration, as it was: its dates, its klantregisseur, its own intake and begeleiding.
        assert (inburgeraar["datumKoppeling"], inburgeraar["klantregisseur"]) == ("2026-02-01", "consulent.o")
        begeleiding = await client.get(f"{persoon}/maatschappelijke-begeleiding", headers=klantregisseur(tokens))
        assert [b["onderdeel"] for b in begeleiding.json()] == ["wonen"]
        assert await rows(database, "SELECT count(*) FROM inburgeraar WHERE gemeente_code = :g", g=OUD) == [(1,)]
        # OUD's regie again: a write that needs it works.
        response = await client.post(
            f"{persoon}/maatschappelijke-begeleiding", json=BEGELEIDING | {"onderdeel": "zorg"},
            headers=klantregisseur(tokens),
        )  # fmt: skip
        assert response.status_code == 201, response.text
        # NIEUW's stay is the imported history, without the part OUD handed over itself the first time.
        overgenomen = await client.get(f"{persoon}/overgenomen-dossiers", headers=klantregisseur(tokens))
        [historie] = overgenomen.json()
        assert historie["vanGemeente"] == NIEUW and historie["dossier"]["eerdereDossiers"] == []
        # Announced once as registered here again, for the other contexts and DUO.
        geregistreerd = [e for e in await events(database, "inburgeraar-geregistreerd") if e["subject"] == oud_id]
        assert [e["data"]["status"] for e in geregistreerd] == ["geregistreerd", "geregistreerd"]
        betrokkene = str(log(settings).betrokkene_van(uuid.UUID(oud_id)))
        acties = [a for a, _ in await verwerkingen(database, activiteiten.REGISTRATIE.naam, betrokkene)]
        assert acties.count("wijzigen") == 1


class TestBewaren:
    async def test_moves_and_imported_dossiers_in_the_inzage_and_gone_with_the_other_data(
        self, client: httpx.AsyncClient, tokens: TokenFactory, persoon: str, database: Database, settings: Settings
    ) -> None:
        dossier = await exporteer(client, tokens, persoon)
        response = await client.post(
            f"{persoon}/verhuizingen", json={"naarGemeente": NIEUW}, headers=klantregisseur(tokens)
        )
        assert response.status_code == 201
        # The same person moved into OUD earlier from 0784: OUD holds an imported dossier of its own.
        dossier["gemeenteCode"] = "0784"
        body = {"vanGemeente": "0784", "dossier": dossier}
        assert (
            await client.put(f"{API}/overdrachten/{uuid.uuid4()}", json=body, headers=keten(tokens))
        ).status_code == 201
        inburgeraar_id = uuid.UUID(persoon.rsplit("/", 1)[1])
        async with database.sessionmaker() as session:
            gegevens = await eigen_gegevens(session, OUD, inburgeraar_id)
        assert gegevens["verhuizing"][0]["naar_gemeente"] == NIEUW
        assert gegevens["overgenomen-dossier"][0]["van_gemeente"] == "0784"
        # Moving on, O hands over what it took over itself.
        [eerder] = (await exporteer(client, tokens, persoon))["eerdereDossiers"]
        assert eerder["vanGemeente"] == "0784" and eerder["dossier"]["gemeenteCode"] == "0784"

        vervallen = {"soort": "plicht-vervallen", "ingangsdatum": "2026-12-15", "bron": "DUO"}
        response = await client.post(
            f"{persoon}/plicht-mutaties", json=vervallen, headers=tokens.headers(*ROLLEN["duo"])
        )
        assert response.status_code == 201, response.text
        opruimen = opruimer(settings)
        assert (await voer_uit(database, "inburgeraar-api", opruimen, date(2031, 12, 15))) is not None
        assert await rows(database, "SELECT count(*) FROM verhuizing") == [(1,)]
        rapport = await voer_uit(database, "inburgeraar-api", opruimen, date(2031, 12, 16))
        assert rapport is not None
        assert rapport.aantallen["verhuizing"] == 1 and rapport.aantallen["overgenomen-dossier"] == 1
        assert await rows(database, "SELECT count(*) FROM verhuizing") == [(0,)]
        assert await rows(database, "SELECT count(*) FROM overgenomen_dossier") == [(0,)]
