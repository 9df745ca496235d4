"""The dossier transfer on a move (Besluit art. 9.4 lid 4; issue 15 §3), the providers' part: the old gemeente's
export of a person's opdrachten with every report, the new gemeente's import as read-only history that no provider
sees and no count reads, the roles, and the end of the opdrachten that still ran when inburgeraar-api says the person
moved (once, with the provider told through `opdracht-ingetrokken`)."""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import nats
import pytest
from sqlalchemy import text

from aanbieder_api.scopes import ROLLEN
from aanbieder_api.settings import Settings
from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from inburgering_kit.export import SCOPE_CBS_EXPORT
from inburgering_kit.overdracht import OVERDRAGEN, OVERNEMEN
from inburgering_kit.testing.events import Recorder, recorder_fixture
from inburgering_kit.testing.waiting import eventually

if TYPE_CHECKING:
    from .conftest import Aanbieder, Omgeving

API = "/api/v1"
OUD, NIEUW = "0363", "0344"
INBURGERAAR_SOURCE = "urn:nld:oin:00000001002564440000:systeem:inburgeraar-api"

ontvanger = recorder_fixture(durable="test-aanbieder-overdracht", filter_subject="nl.inburgering.aanbieder.>")


def keten(tokens: Any, gemeente: str = OUD) -> dict[str, str]:
    return dict(tokens.headers(*ROLLEN["ketenuitwisseling"], gemeente=gemeente, client_id="ketenuitwisseling"))


def regisseur(tokens: Any, gemeente: str) -> dict[str, str]:
    return dict(tokens.headers(*ROLLEN["klantregisseur"], gemeente=gemeente, client_id="gemeente-portaal"))


async def meld(
    client: httpx.AsyncClient, aanbieder: Aanbieder, opdracht_id: str, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(
        f"{API}/toegewezen-opdrachten/{opdracht_id}/meldingen",
        json=body,
        headers={**aanbieder.headers, "Idempotency-Key": f"o-{uuid.uuid4()}"},
    )


async def rows(database: Database, sql: str, **params: Any) -> list[Any]:
    async with database.engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


async def persoon_met_voortgang(omgeving: Omgeving) -> tuple[uuid.UUID, Aanbieder, dict[str, Any], dict[str, Any]]:
    """A person at the old gemeente with a running course (start and a month of attendance reported) and a MAP
    opdracht the gemeente withdrew."""
    aanbieder = await omgeving.aanbieder()
    pip = await omgeving.pip_api.vastgesteld()
    cursus = await omgeving.opdracht(aanbieder, pip=pip)
    assert (await meld(omgeving.client, aanbieder, cursus["id"], {"soort": "start", "datum": "2026-04-01"})).is_success
    aanwezig = {
        "soort": "aanwezigheid", "kenmerk": "LVS-0001", "periodeVan": "2026-04-01", "periodeTot": "2026-04-30",
        "urenAanwezig": 30, "urenAfwezigOngeoorloofd": 2.5,
    }  # fmt: skip
    assert (await meld(omgeving.client, aanbieder, cursus["id"], aanwezig)).status_code == 201
    map_ = await omgeving.opdracht(aanbieder, pip=pip, onderdeel="map", cursusnaam="MAP")
    r = await omgeving.client.post(
        f"{API}/opdrachten/{map_['id']}/_intrekken", json={"reden": "Andere aanbieder"}, headers=omgeving.regisseur
    )
    assert r.status_code == 200, r.text
    return pip[1], aanbieder, cursus, map_


async def exporteer(client: httpx.AsyncClient, tokens: Any, inburgeraar_id: uuid.UUID) -> dict[str, Any]:
    r = await client.get(f"{API}/overdrachtsdossiers/{inburgeraar_id}", headers=keten(tokens))
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def deel(inburgeraar_id: uuid.UUID, dossier: dict[str, Any], van: str = OUD) -> dict[str, Any]:
    return {"inburgeraarId": str(inburgeraar_id), "vanGemeente": van, "verhuisdatum": "2026-09-01", "dossier": dossier}


class TestExport:
    async def test_the_opdrachten_with_provider_course_dates_status_end_and_every_report(
        self, omgeving: Omgeving, database: Database, settings: Settings
    ) -> None:
        inburgeraar_id, aanbieder, cursus, _ = await persoon_met_voortgang(omgeving)
        dossier = await exporteer(omgeving.client, omgeving.tokens, inburgeraar_id)

        assert dossier["eerderOvergenomen"] == []
        b1, map_ = dossier["opdrachten"]
        naam = (await rows(database, "SELECT naam, kvk_nummer FROM aanbieder WHERE id = :a", a=aanbieder.id))[0]
        assert b1["aanbieder"] == {"naam": naam[0], "kvkNummer": naam[1]}
        assert (b1["onderdeel"], b1["cursusnaam"], b1["status"]) == ("b1-route", "NT2 B1", "gestart")
        assert b1["eindreden"] is None
        assert (b1["geplandeStartdatum"], b1["geplandeEinddatum"], b1["urenGecontracteerd"]) == (
            "2026-04-01", "2027-03-31", 600,
        )  # fmt: skip
        assert b1["stand"]["gerealiseerdeStartdatum"] == "2026-04-01"
        assert b1["stand"]["urenAanwezig"] == 30
        assert [m["melding"]["soort"] for m in b1["meldingen"]] == ["start", "aanwezigheid"]
        assert b1["meldingen"][1]["melding"]["urenAfwezigOngeoorloofd"] == 2.5
        assert (map_["onderdeel"], map_["status"], map_["eindreden"]) == ("map", "ingetrokken", "ingetrokken")
        assert map_["einddatum"] is not None
        # Nothing that only means something here: no ids, no pseudonym, no provider's own kenmerk, no contact data.
        tekst = json.dumps(dossier)
        for verboden in (cursus["id"], str(aanbieder.id), cursus["deelnemerReferentie"], str(inburgeraar_id),
                         "LVS-0001", "Haddad", "deelnemer", "kanaal"):  # fmt: skip
            assert verboden not in tekst
        assert all(m["melding"]["kenmerk"] is None for m in b1["meldingen"])

        betrokkene = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode()).betrokkene_van(inburgeraar_id)
        logged = await rows(
            database, "SELECT actie, grondslag, object_id FROM verwerking WHERE activiteit = :a AND betrokkene = :b",
            a=OVERDRAGEN.naam, b=betrokkene,
        )  # fmt: skip
        assert logged == [("lezen", OVERDRAGEN.grondslag, str(inburgeraar_id))]

    async def test_a_person_without_opdrachten_here_is_empty_lists(self, omgeving: Omgeving) -> None:
        dossier = await exporteer(omgeving.client, omgeving.tokens, uuid.uuid4())
        assert dossier == {"opdrachten": [], "eerderOvergenomen": []}

    async def test_another_gemeente_exports_nothing_of_this_ones_person(self, omgeving: Omgeving) -> None:
        inburgeraar_id, *_ = await persoon_met_voortgang(omgeving)
        r = await omgeving.client.get(
            f"{API}/overdrachtsdossiers/{inburgeraar_id}", headers=keten(omgeving.tokens, NIEUW)
        )
        assert r.status_code == 200
        assert r.json() == {"opdrachten": [], "eerderOvergenomen": []}


class TestImport:
    async def test_201_then_200_with_the_same_answer_then_409_for_another_body(
        self, omgeving: Omgeving, database: Database, settings: Settings
    ) -> None:
        oud_id, *_ = await persoon_met_voortgang(omgeving)
        dossier = await exporteer(omgeving.client, omgeving.tokens, oud_id)
        nieuw_id, overdracht_id = uuid.uuid4(), uuid.uuid4()
        url = f"{API}/overdrachten/{overdracht_id}"
        headers = keten(omgeving.tokens, NIEUW)

        eerst = await omgeving.client.put(url, json=deel(nieuw_id, dossier), headers=headers)
        assert eerst.status_code == 201, eerst.text
        body = eerst.json()
        assert (body["geimporteerd"], body["vanGemeente"], body["inburgeraarId"]) == (True, OUD, str(nieuw_id))
        assert body["dossier"] == dossier
        assert eerst.headers["location"].endswith(f"/inburgeraars/{nieuw_id}/overgenomen-voortgang")
        # The same transfer again, its JSON spelled differently (keys reordered): the same answer.
        opnieuw = json.loads(json.dumps(deel(nieuw_id, dossier), sort_keys=True))
        tweede = await omgeving.client.put(url, json=opnieuw, headers=headers)
        assert (tweede.status_code, tweede.json()) == (200, body)
        ander = copy.deepcopy(dossier)
        ander["opdrachten"][0]["cursusnaam"] = "NT2 B1 (anders)"
        conflict = await omgeving.client.put(url, json=deel(nieuw_id, ander), headers=headers)
        assert conflict.status_code == 409
        assert conflict.headers["content-type"].startswith("application/problem+json")
        assert conflict.json()["code"] == "overdracht-anders"
        # The same id from another gemeente is no transfer of its own either.
        elders = await omgeving.client.put(url, json=deel(nieuw_id, dossier), headers=keten(omgeving.tokens, "0599"))
        assert elders.status_code == 409

        assert len(await rows(database, "SELECT 1 FROM overgenomen_voortgang")) == 1
        betrokkene = Verwerkingslog(settings.pseudonym_key.get_secret_value().encode()).betrokkene_van(nieuw_id)
        acties = await rows(
            database, "SELECT actie FROM verwerking WHERE activiteit = :a AND betrokkene = :b ORDER BY at",
            a=OVERNEMEN.naam, b=betrokkene,
        )  # fmt: skip
        assert [a for (a,) in acties] == ["aanmaken", "lezen"]

    async def test_the_klantregisseur_reads_it_as_imported_history_and_no_opdracht_is_made(
        self, omgeving: Omgeving, client: httpx.AsyncClient
    ) -> None:
        oud_id, *_ = await persoon_met_voortgang(omgeving)
        dossier = await exporteer(client, omgeving.tokens, oud_id)
        nieuw_id = uuid.uuid4()
        r = await client.put(
            f"{API}/overdrachten/{uuid.uuid4()}", json=deel(nieuw_id, dossier), headers=keten(omgeving.tokens, NIEUW)
        )
        assert r.status_code == 201, r.text

        r = await client.get(
            f"{API}/inburgeraars/{nieuw_id}/overgenomen-voortgang", headers=regisseur(omgeving.tokens, NIEUW)
        )
        assert r.status_code == 200, r.text
        (item,) = r.json()["resultaten"]
        assert (item["geimporteerd"], item["vanGemeente"], item["verhuisdatum"]) == (True, OUD, "2026-09-01")
        assert [o["onderdeel"] for o in item["dossier"]["opdrachten"]] == ["b1-route", "map"]
        # Another gemeente's klantregisseur sees none of it.
        r = await client.get(f"{API}/inburgeraars/{nieuw_id}/overgenomen-voortgang", headers=omgeving.regisseur)
        assert r.json()["resultaten"] == []
        # No opdracht at the new gemeente, no line in its CBS delivery.
        r = await client.get(
            f"{API}/opdrachten", params={"inburgeraarId": str(nieuw_id)}, headers=regisseur(omgeving.tokens, NIEUW)
        )
        assert r.json()["totalItems"] == 0
        r = await client.get(
            f"{API}/cbs-export",
            params={"gemeentecode": NIEUW, "van": "2026-01-01", "tot": "2027-01-01"},
            headers=omgeving.tokens.headers(SCOPE_CBS_EXPORT, gemeente=NIEUW),
        )
        assert r.status_code == 200 and r.text == ""

    async def test_no_count_of_the_new_gemeente_changes_however_many_are_taken_over(
        self, omgeving: Omgeving, client: httpx.AsyncClient
    ) -> None:
        oud_id, *_ = await persoon_met_voortgang(omgeving)
        dossier = await exporteer(client, omgeving.tokens, oud_id)
        beleid = omgeving.tokens.headers(*ROLLEN["beleidsmedewerker"], gemeente=NIEUW)
        periode = {"van": "2026-01-01", "tot": "2026-12-31"}
        voor = await client.get(f"{API}/monitoring", params=periode, headers=beleid)
        assert voor.status_code == 200, voor.text
        # More persons than the smallest cell shown (5): were they counted, the monitoring would show them.
        for _ in range(6):
            r = await client.put(
                f"{API}/overdrachten/{uuid.uuid4()}",
                json=deel(uuid.uuid4(), dossier),
                headers=keten(omgeving.tokens, NIEUW),
            )
            assert r.status_code == 201
        na = await client.get(f"{API}/monitoring", params=periode, headers=beleid)
        # The same figures; only the moment they were computed may differ.
        assert na.json()["tabellen"] == voor.json()["tabellen"]

    async def test_a_later_move_passes_the_imported_history_on(
        self, omgeving: Omgeving, client: httpx.AsyncClient
    ) -> None:
        oud_id, *_ = await persoon_met_voortgang(omgeving)
        dossier = await exporteer(client, omgeving.tokens, oud_id)
        nieuw_id = uuid.uuid4()
        r = await client.put(
            f"{API}/overdrachten/{uuid.uuid4()}", json=deel(nieuw_id, dossier), headers=keten(omgeving.tokens, NIEUW)
        )
        assert r.status_code == 201, r.text
        r = await client.get(f"{API}/overdrachtsdossiers/{nieuw_id}", headers=keten(omgeving.tokens, NIEUW))
        assert r.status_code == 200
        assert r.json()["opdrachten"] == []
        (eerder,) = r.json()["eerderOvergenomen"]
        assert (eerder["vanGemeente"], eerder["opdrachten"]) == (OUD, dossier["opdrachten"])

    async def test_an_invalid_dossier_is_a_422_naming_every_field(self, omgeving: Omgeving) -> None:
        oud_id, *_ = await persoon_met_voortgang(omgeving)
        dossier = await exporteer(omgeving.client, omgeving.tokens, oud_id)
        dossier["opdrachten"][0]["status"] = "onbekend"
        del dossier["opdrachten"][1]["aanbieder"]["naam"]
        dossier["opdrachten"][0]["meldingen"][1]["melding"]["urenAanwezig"] = -1
        dossier["opdrachten"][0]["opdrachtId"] = str(uuid.uuid4())
        r = await omgeving.client.put(
            f"{API}/overdrachten/{uuid.uuid4()}",
            json=deel(uuid.uuid4(), dossier),
            headers=keten(omgeving.tokens, NIEUW),
        )
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("application/problem+json")
        namen = {p["name"] for p in r.json()["invalidParams"]}
        assert {
            "dossier.opdrachten.0.status",
            "dossier.opdrachten.1.aanbieder.naam",
            "dossier.opdrachten.0.meldingen.1.melding.urenAanwezig",
            "dossier.opdrachten.0.opdrachtId",
        } <= namen, namen

    async def test_a_transfer_from_the_own_gemeente_is_refused(self, omgeving: Omgeving) -> None:
        r = await omgeving.client.put(
            f"{API}/overdrachten/{uuid.uuid4()}",
            json=deel(uuid.uuid4(), {"opdrachten": []}, van=NIEUW),
            headers=keten(omgeving.tokens, NIEUW),
        )
        assert r.status_code == 422
        assert [p["name"] for p in r.json()["invalidParams"]] == ["vanGemeente"]


class TestRollen:
    @pytest.mark.parametrize("methode", ["export", "import", "lezen"])
    async def test_no_token_401_and_a_provider_or_a_wrong_role_403(self, omgeving: Omgeving, methode: str) -> None:
        aanbieder = await omgeving.aanbieder()
        persoon, overdracht = uuid.uuid4(), uuid.uuid4()
        verzoek = {
            "export": ("GET", f"{API}/overdrachtsdossiers/{persoon}", None),
            "import": ("PUT", f"{API}/overdrachten/{overdracht}", deel(persoon, {"opdrachten": []})),
            "lezen": ("GET", f"{API}/inburgeraars/{persoon}/overgenomen-voortgang", None),
        }[methode]
        # The exchange reads opdrachten (report f to DUO) but not the history taken over, which it only writes; nor
        # does the contract manager, who reads opdrachten for the providers' sake.
        andere_rollen = [omgeving.regisseur]
        if methode == "lezen":
            rollen = ("ketenuitwisseling", "beleidsmedewerker", "contractmanager")
            andere_rollen = [dict(omgeving.tokens.headers(*ROLLEN[rol], gemeente=OUD)) for rol in rollen]

        async def status(headers: dict[str, str]) -> int:
            r = await omgeving.client.request(verzoek[0], verzoek[1], json=verzoek[2], headers=headers)
            return r.status_code

        assert await status({}) == 401
        assert await status(aanbieder.headers) == 403
        for andere_rol in andere_rollen:
            assert await status(andere_rol) == 403

    async def test_imported_history_is_not_visible_to_any_provider(
        self, omgeving: Omgeving, client: httpx.AsyncClient
    ) -> None:
        oud_id, aanbieder, cursus, _ = await persoon_met_voortgang(omgeving)
        dossier = await exporteer(client, omgeving.tokens, oud_id)
        omgeving.gemeente = NIEUW
        aanbieder_nieuw = await omgeving.aanbieder()
        nieuw_id = uuid.uuid4()
        r = await client.put(
            f"{API}/overdrachten/{uuid.uuid4()}", json=deel(nieuw_id, dossier), headers=keten(omgeving.tokens, NIEUW)
        )
        assert r.status_code == 201
        r = await client.get(f"{API}/toegewezen-opdrachten", headers=aanbieder_nieuw.headers)
        assert (r.status_code, r.json()["totalItems"]) == (200, 0)
        # The old gemeente's provider still sees its own two opdrachten there, nothing more.
        r = await client.get(f"{API}/toegewezen-opdrachten", headers=aanbieder.headers)
        assert r.json()["totalItems"] == 2 and cursus["id"] in r.text
        for wie in (aanbieder_nieuw, aanbieder):
            r = await client.get(f"{API}/inburgeraars/{nieuw_id}/overgenomen-voortgang", headers=wie.headers)
            assert r.status_code == 403


async def publiceer_tweemaal(settings: Settings, event: CloudEvent) -> None:
    """On the wire twice, the second time outside JetStream's de-duplication: only the inbox keeps it once."""
    nc = await nats.connect(settings.nats_url)
    try:
        js = nc.jetstream()
        body = event.model_dump_json().encode()
        await js.publish(event.type, body, headers={"Nats-Msg-Id": event.id})
        await js.publish(event.type, body, headers={"Nats-Msg-Id": f"{event.id}-2"})
    finally:
        await nc.close()


class TestVerhuisd:
    async def test_every_open_opdracht_ends_once_with_reason_verhuisd_and_the_provider_is_told(
        self, omgeving: Omgeving, client: httpx.AsyncClient, settings: Settings, database: Database,
        ontvanger: Recorder,
    ) -> None:  # fmt: skip
        aanbieder = await omgeving.aanbieder()
        pip = await omgeving.pip_api.vastgesteld()
        gestart = await omgeving.opdracht(aanbieder, pip=pip)
        assert (await meld(client, aanbieder, gestart["id"], {"soort": "start", "datum": "2026-04-01"})).is_success
        verstrekt = await omgeving.opdracht(aanbieder, pip=pip, onderdeel="map")
        afgerond = await omgeving.opdracht(aanbieder, pip=pip, onderdeel="pvt")
        for body in ({"soort": "start", "datum": "2026-04-01"},
                     {"soort": "eindresultaat", "datum": "2026-05-01", "resultaat": "behaald"}):  # fmt: skip
            assert (await meld(client, aanbieder, afgerond["id"], body)).is_success
        ander = await omgeving.opdracht(aanbieder)  # another person: stays

        event = CloudEvent(
            id=str(uuid.uuid4()), source=INBURGERAAR_SOURCE, type="nl.inburgering.inburgeraar.verhuisd",
            time="2026-09-01T08:00:00Z", subject=str(pip[1]), gemeentecode=OUD,
            data={"inburgeraarId": str(pip[1]), "naarGemeente": NIEUW, "verhuisdatum": "2026-09-01"},
        )  # fmt: skip
        await publiceer_tweemaal(settings, event)

        async def status(opdracht: dict[str, Any]) -> str:
            r = await client.get(f"{API}/opdrachten/{opdracht['id']}", headers=omgeving.regisseur)
            return str(r.json()["status"])

        async def beeindigd() -> bool:
            return await status(gestart) == await status(verstrekt) == "ingetrokken"

        await eventually(beeindigd, what="open opdrachten beëindigd")
        # The stream is ordered: once a later event is projected, the duplicate before it was handled too.
        await omgeving.inburgeraar_api.geregistreerd()
        assert (await status(afgerond), await status(ander)) == ("afgerond", "verstrekt")

        ingetrokken = await rows(
            database,
            "SELECT event->'data'->>'opdrachtId', event->'data'->>'reden' FROM outbox "
            "WHERE event->>'type' = 'nl.inburgering.aanbieder.opdracht-ingetrokken'",
        )
        assert sorted(ingetrokken) == sorted([(gestart["id"], "verhuisd"), (verstrekt["id"], "verhuisd")])
        totaal = len(await rows(database, "SELECT 1 FROM outbox"))
        events = await ontvanger.wacht_op(totaal)
        await asyncio.sleep(0.3)
        verhuisd = [e for e in events if e.type == "nl.inburgering.aanbieder.opdracht-ingetrokken"]
        assert sorted((e.subject, e.data["reden"]) for e in verhuisd) == sorted(
            [(gestart["id"], "verhuisd"), (verstrekt["id"], "verhuisd")]
        )
        assert all(e.gemeentecode == OUD and "naarGemeente" not in e.data for e in verhuisd)

        # The provider's own view: the opdracht ended, the version says why; a further report is refused.
        r = await client.get(f"{API}/toegewezen-opdrachten/{gestart['id']}", headers=aanbieder.headers)
        assert (r.json()["status"], r.json()["versie"]) == ("ingetrokken", 2)
        r = await client.get(f"{API}/toegewezen-opdrachten/{gestart['id']}/versies", headers=aanbieder.headers)
        assert "verhuisd" in r.json()["resultaten"][-1]["reden"]
        melding = {"soort": "aanwezigheid", "periodeVan": "2026-09-01", "periodeTot": "2026-09-30", "urenAanwezig": 8}
        r = await meld(client, aanbieder, gestart["id"], melding)
        assert r.status_code == 409 and r.json()["code"] == "opdracht-ingetrokken"

        # The export for the new gemeente names the reason.
        dossier = await exporteer(client, omgeving.tokens, pip[1])
        assert [(o["onderdeel"], o["eindreden"]) for o in dossier["opdrachten"]] == [
            ("b1-route", "verhuisd"), ("map", "verhuisd"), ("pvt", "afgerond"),
        ]  # fmt: skip

    async def test_a_move_of_another_gemeentes_person_ends_nothing_here(
        self, omgeving: Omgeving, client: httpx.AsyncClient
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        pip = await omgeving.pip_api.vastgesteld()
        opdracht = await omgeving.opdracht(aanbieder, pip=pip)
        await omgeving.inburgeraar_api.publish(
            "verhuisd", pip[1], {"inburgeraarId": str(pip[1]), "naarGemeente": OUD, "verhuisdatum": None}, NIEUW
        )
        await omgeving.inburgeraar_api.geregistreerd()
        r = await client.get(f"{API}/opdrachten/{opdracht['id']}", headers=omgeving.regisseur)
        assert r.json()["status"] == "verstrekt"
