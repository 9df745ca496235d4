"""The projection of inburgeraar facts from inburgeraar-api's events: ids, doelgroep and dates only."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from pip_api.services.projectie import verwerk_event

if TYPE_CHECKING:
    from .conftest import InburgeraarApi


def _event(type_: str, inburgeraar_id: uuid.UUID, data: dict[str, Any]) -> CloudEvent:
    return CloudEvent(
        id=str(uuid.uuid4()),
        source="urn:nld:oin:00000001234567890000:systeem:inburgeraar-api",
        type=f"nl.inburgering.inburgeraar.{type_}",
        time=datetime.now(UTC),
        subject=str(inburgeraar_id),
        gemeentecode="0363",
        data=data,
    )


class TestProjectie:
    async def test_registratie_wijziging_en_duo_termijnen(self, inburgeraar_api: InburgeraarApi) -> None:
        inburgeraar_id = await inburgeraar_api.registreer(doelgroep="gezinsmigrant")
        feit = await inburgeraar_api.feit(inburgeraar_id)
        assert feit is not None
        assert (feit["doelgroep"], feit["gemeente_code"], feit["brp_inschrijving_datum"]) == (
            "gezinsmigrant",
            "0363",
            date(2026, 3, 2),
        )
        # only ids, codes and dates: no column can hold a BSN or a name
        assert set(feit) == {
            "inburgeraar_id",
            "gemeente_code",
            "doelgroep",
            "koppeling_datum",
            "brp_inschrijving_datum",
            "duo_termijn_eind_datum",
            "duo_pvt_eind_datum",
            "duo_map_eind_datum",
            "bsn_ontbreekt_sinds",
            "brede_intake_afgerond_datum",
            "verhuisd_datum",
            "updated_at",
        }

        await inburgeraar_api.publish(
            "inburgeraar-gewijzigd",
            inburgeraar_id,
            {
                "inburgeraarId": str(inburgeraar_id),
                "gewijzigdeVelden": ["datumInschrijvingBrp"],
                "doelgroep": "gezinsmigrant",
                "datumKoppeling": None,
                "datumInschrijvingBrp": "2026-04-01",
            },
        )
        await inburgeraar_api.wacht_op(inburgeraar_id, lambda f: f["brp_inschrijving_datum"] == date(2026, 4, 1))

        await inburgeraar_api.publish(
            "plichtgegevens-ontvangen",
            inburgeraar_id,
            {
                "inburgeraarId": str(inburgeraar_id),
                "soort": "verlenging",
                "ingangsdatum": "2028-01-01",
                "termijn": "ibp",
                "einddatum": "2030-01-01",
            },
        )
        await inburgeraar_api.wacht_op(inburgeraar_id, lambda f: f["duo_termijn_eind_datum"] == date(2030, 1, 1))

    async def test_hetzelfde_event_twee_keer_telt_een_keer(self, inburgeraar_api: InburgeraarApi) -> None:
        inburgeraar_id = uuid.uuid4()
        data = {
            "inburgeraarId": str(inburgeraar_id),
            "doelgroep": "asielmigrant",
            "nareiziger": False,
            "status": "geregistreerd",
            "datumKoppeling": None,
            "datumInschrijvingBrp": "2026-03-02",
        }
        await inburgeraar_api.publish("inburgeraar-geregistreerd", inburgeraar_id, data)
        await inburgeraar_api.wacht_op(inburgeraar_id)
        feit = await inburgeraar_api.feit(inburgeraar_id)
        assert feit is not None
        assert feit["koppeling_datum"] is None


class TestVolgorde:
    async def test_termijnfeit_voor_registratie_wordt_later_alsnog_verwerkt(
        self, inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = uuid.uuid4()
        await inburgeraar_api.publish(
            "plichtgegevens-ontvangen",
            inburgeraar_id,
            {
                "inburgeraarId": str(inburgeraar_id),
                "soort": "termijn-vastgesteld",
                "ingangsdatum": "2026-03-02",
                "termijn": "pvt",
                "einddatum": "2029-03-02",
            },
        )
        await inburgeraar_api.publish(
            "inburgeraar-geregistreerd",
            inburgeraar_id,
            {
                "inburgeraarId": str(inburgeraar_id),
                "doelgroep": "gezinsmigrant",
                "nareiziger": False,
                "status": "geregistreerd",
                "datumKoppeling": None,
                "datumInschrijvingBrp": "2026-03-02",
            },
        )
        await inburgeraar_api.wacht_op(inburgeraar_id, lambda f: f["duo_pvt_eind_datum"] == date(2029, 3, 2))

    async def test_event_buiten_het_contract_blokkeert_niets(self, inburgeraar_api: InburgeraarApi) -> None:
        kapot = uuid.uuid4()
        await inburgeraar_api.publish("inburgeraar-geregistreerd", kapot, {"inburgeraarId": str(kapot)})
        inburgeraar_id = await inburgeraar_api.registreer()
        assert await inburgeraar_api.feit(inburgeraar_id) is not None
        assert await inburgeraar_api.feit(kapot) is None


class TestOnbekendeInburgeraar:
    """An event about an inburgeraar the projection never saw is handled by rule: no exception, so no redelivery."""

    async def test_termijnfeit_zonder_registratie_verandert_niets_en_wacht(
        self, database: Database, inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = uuid.uuid4()
        termijn = {
            "inburgeraarId": str(inburgeraar_id),
            "soort": "termijn-vastgesteld",
            "ingangsdatum": "2026-03-02",
            "termijn": "map",
            "einddatum": "2029-09-02",
        }
        async with database.sessionmaker() as session:
            await verwerk_event(session, _event("plichtgegevens-ontvangen", inburgeraar_id, termijn))
            await session.commit()
        assert await inburgeraar_api.feit(inburgeraar_id) is None

        geregistreerd = {
            "inburgeraarId": str(inburgeraar_id),
            "doelgroep": "gezinsmigrant",
            "nareiziger": False,
            "status": "geregistreerd",
            "datumKoppeling": None,
            "datumInschrijvingBrp": "2026-03-02",
        }
        async with database.sessionmaker() as session:
            await verwerk_event(session, _event("inburgeraar-geregistreerd", inburgeraar_id, geregistreerd))
            await session.commit()
        feit = await inburgeraar_api.feit(inburgeraar_id)
        assert feit is not None
        assert feit["duo_map_eind_datum"] == date(2029, 9, 2)


class TestBsnOproepenEnIntake:
    """What the signals about registration and the brede intake need: since when the BSN is missing, the oproepen
    and their outcome, the end of the intake."""

    async def test_bsn_ontbreekt_tot_het_is_vastgelegd(
        self, database: Database, inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = uuid.uuid4()
        data = {
            "inburgeraarId": str(inburgeraar_id),
            "doelgroep": "gezinsmigrant",
            "nareiziger": False,
            "status": "bsn-ontbreekt",
            "datumKoppeling": None,
            "datumInschrijvingBrp": None,
        }
        event = _event("inburgeraar-geregistreerd", inburgeraar_id, data)
        async with database.sessionmaker() as session:
            await verwerk_event(session, event)
            await session.commit()
        feit = await inburgeraar_api.feit(inburgeraar_id)
        assert feit is not None
        assert feit["bsn_ontbreekt_sinds"] == event.time.astimezone(ZoneInfo("Europe/Amsterdam")).date()
        async with database.sessionmaker() as session:
            await verwerk_event(
                session, _event("bsn-vastgelegd", inburgeraar_id, {"inburgeraarId": str(inburgeraar_id)})
            )
            await session.commit()
        feit = await inburgeraar_api.feit(inburgeraar_id)
        assert feit is not None
        assert feit["bsn_ontbreekt_sinds"] is None

    async def test_oproep_en_uitkomst_in_elke_volgorde(
        self, database: Database, inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = await inburgeraar_api.registreer()
        eerste, tweede = uuid.uuid4(), uuid.uuid4()

        def oproep(oproep_id: uuid.UUID) -> dict[str, Any]:
            return {"inburgeraarId": str(inburgeraar_id), "oproepId": str(oproep_id), "volgnummer": 1}

        for type_, data in [
            ("oproep-verstuurd", {**oproep(eerste), "afspraakOp": "2026-04-01T09:00:00+02:00"}),
            ("oproep-niet-verschenen", {**oproep(eerste), "aantalNietVerschenen": 1}),
            # the outcome before the oproep itself (another replica still held it): neither undoes the other
            ("oproep-verschenen", {**oproep(tweede), "aantalNietVerschenen": 1}),
            ("oproep-verstuurd", {**oproep(tweede), "afspraakOp": "2026-04-20T09:00:00+02:00"}),
            (
                "brede-intake-afgerond",
                {"inburgeraarId": str(inburgeraar_id), "datum": "2026-04-20", "bijAfwezigheid": False},
            ),
        ]:
            async with database.sessionmaker() as session:
                await verwerk_event(session, _event(type_, inburgeraar_id, data))
                await session.commit()
        async with database.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT oproep_id, afspraak_datum, uitkomst FROM brede_intake_oproep WHERE inburgeraar_id = :i"
                    ),
                    {"i": inburgeraar_id},
                )
            ).all()
        assert {(r.oproep_id, r.afspraak_datum, r.uitkomst) for r in rows} == {
            (eerste, date(2026, 4, 1), "niet-verschenen"),
            (tweede, date(2026, 4, 20), "verschenen"),
        }
        feit = await inburgeraar_api.feit(inburgeraar_id)
        assert feit is not None
        assert feit["brede_intake_afgerond_datum"] == date(2026, 4, 20)
