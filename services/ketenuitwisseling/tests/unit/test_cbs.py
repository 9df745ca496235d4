"""The CBS delivery's pure parts: the period, the k-way merge of the four sorted streams into one record per person,
the schema every record must pass (and its published JSON Schema agreeing with it), and the line's bytes."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import jsonschema_rs
import pytest

from inburgering_kit.problems import Unprocessable
from ketenuitwisseling.domain.cbs import Bron, RecordOngeldig, controleer, periode, regel, samenvoegen, schema
from ketenuitwisseling.services.cbs_levering import BronWeigert, voeg_samen

PERSOON = {
    "bsn": "999993653", "doelgroep": "asielmigrant", "nareiziger": False, "registratiedatum": "2026-03-01",
    "opleidingsniveau": "beroepsonderwijs", "alfabetisme": "gealfabetiseerd",
    "maatschappelijkeBegeleiding": {"startdatum": "2026-03-15", "onderdelen": 2, "onderdelenInPeriode": 1},
    "ontzorgen": None, "bredeIntake": {"status": "afgerond", "afgerondDatum": "2026-04-25", "bijAfwezigheid": False},
    "leerbaarheidstoets": {"datum": "2026-04-20", "uitslag": "score 72", "geadviseerdeLeerroute": "b1"},
}  # fmt: skip
PIP = {
    "pip": {"vaststellingsdatum": "2026-05-04", "versie": 1, "wijzigingenInPeriode": [], "beeindigd": None},
    "leerroute": {"route": "b1", "wisselingenInPeriode": [], "afschaling": None},
    "pvtAfgesproken": True, "mapAfgesproken": False,
}  # fmt: skip
CURSUSSEN = {
    "cursussen": [
        {"soort": "pvt", "aanbieder": "Taalschool Noord", "status": "gestart", "deelname": True,
         "startdatum": "2026-06-01", "urenAanwezig": 6.5, "resultaat": None, "niveauBereikt": None}
    ]
}  # fmt: skip
HANDHAVING = {
    "waarschuwingen": {"aantal": 1, "items": [{"datum": "2026-02-01", "reden": "brede-intake-niet-verschenen"}]},
    "boetes": {"aantal": 1, "totaalBedrag": 200, "items": [{"datum": "2026-04-01", "reden": "pip-pvt", "bedrag": 200}]},
}  # fmt: skip


@dataclass
class Lijst:
    """A source's stream from lines, cut into chunks at arbitrary places (as HTTP may)."""

    regels: list[dict[str, Any]]
    stuk: int = 37
    totaal: int = 0

    async def _stukken(self) -> AsyncIterator[bytes]:
        data = b"".join(json.dumps(r).encode() + b"\n" for r in self.regels)
        for i in range(0, len(data), self.stuk):
            yield data[i : i + self.stuk]

    def stukken(self) -> AsyncIterator[bytes]:
        return self._stukken()


def ids(n: int) -> list[str]:
    return sorted(str(uuid.uuid4()) for _ in range(n))


class TestPeriode:
    @pytest.mark.parametrize(
        ("code", "van", "tot"),
        [
            ("2026", date(2026, 1, 1), date(2027, 1, 1)),
            ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1)),
            ("2026-Q3", date(2026, 7, 1), date(2026, 10, 1)),
            ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1)),
        ],
    )
    def test_year_and_quarter(self, code: str, van: date, tot: date) -> None:
        assert (periode(code).van, periode(code).tot) == (van, tot)

    @pytest.mark.parametrize("code", ["26", "2026-Q5", "2026-07", "2026Q1", "", "1999"])
    def test_anything_else_names_the_field(self, code: str) -> None:
        with pytest.raises(Unprocessable) as e:
            periode(code)
        assert [p.name for p in e.value.invalid_params or []] == ["periode"]


class TestSamenvoegen:
    async def test_merges_by_id_and_fills_what_a_source_lacks(self) -> None:
        a, b, c, d = ids(4)
        stromen = {
            Bron.INBURGERAAR: Lijst([{"inburgeraarId": i, **PERSOON} for i in (a, b, c, d)]),
            Bron.PIP: Lijst([{"inburgeraarId": i, **PIP} for i in (b, d)]),
            Bron.AANBIEDER: Lijst([{"inburgeraarId": a, **CURSUSSEN}], stuk=5),
            Bron.HANDHAVING: Lijst([{"inburgeraarId": i, **HANDHAVING} for i in (c, d)]),
        }
        records = [r async for r in voeg_samen(stromen)]
        assert [r["inburgeraarId"] for r in records] == [a, b, c, d]
        for r in records:
            controleer(r)
        assert records[0]["cursussen"] == CURSUSSEN["cursussen"]
        assert records[0]["pip"] is None
        assert records[0]["waarschuwingen"] == {"aantal": 0, "items": []}
        assert records[3]["leerroute"] == PIP["leerroute"]
        assert records[3]["boetes"]["totaalBedrag"] == 200
        assert records[1]["persoon"] == {k: PERSOON[k] for k in ("bsn", "doelgroep", "nareiziger", "registratiedatum")}

    async def test_many_persons_in_small_batches(self) -> None:
        alle = ids(3000)
        stromen = {
            Bron.INBURGERAAR: Lijst([{"inburgeraarId": i, **PERSOON} for i in alle], stuk=4096),
            Bron.PIP: Lijst([{"inburgeraarId": i, **PIP} for i in alle[::3]], stuk=999),
            Bron.AANBIEDER: Lijst([]),
            Bron.HANDHAVING: Lijst([{"inburgeraarId": i, **HANDHAVING} for i in alle[::7]]),
        }
        records = [r async for r in voeg_samen(stromen, wachtrij=1)]
        assert [r["inburgeraarId"] for r in records] == alle
        assert sum(r["pip"] is not None for r in records) == len(alle[::3])

    async def test_a_source_out_of_order_is_refused(self) -> None:
        a, b = ids(2)
        stromen = {
            Bron.INBURGERAAR: Lijst([{"inburgeraarId": i, **PERSOON} for i in (b, a)]),
            Bron.PIP: Lijst([]),
        }
        with pytest.raises(BronWeigert, match="geordend"):
            _ = [r async for r in voeg_samen(stromen)]

    async def test_a_broken_line_is_refused(self) -> None:
        class Kapot(Lijst):
            async def _stukken(self) -> AsyncIterator[bytes]:
                yield b'{"inburgeraarId": "a"}\n{"inburgeraarId": '

        with pytest.raises(BronWeigert):
            _ = [r async for r in voeg_samen({Bron.INBURGERAAR: Kapot([])})]


class TestSchema:
    def record(self, delen: dict[Bron, dict[str, Any]] | None = None) -> dict[str, Any]:
        i = str(uuid.uuid4())
        standaard: dict[Bron, dict[str, Any]] = {
            Bron.INBURGERAAR: PERSOON, Bron.PIP: PIP, Bron.AANBIEDER: CURSUSSEN, Bron.HANDHAVING: HANDHAVING
        }  # fmt: skip
        return samenvoegen(i, {b: {"inburgeraarId": i, **d} for b, d in (standaard | (delen or {})).items()})

    def test_a_full_record_passes_both_validators(self) -> None:
        r = self.record()
        controleer(r)
        jsonschema_rs.Draft202012Validator(schema()).validate(r)

    @pytest.mark.parametrize(
        ("bron", "deel", "veld"),
        [
            (Bron.INBURGERAAR, PERSOON | {"bsn": "12345"}, "persoon.bsn"),
            (Bron.INBURGERAAR, PERSOON | {"doelgroep": "toerist"}, "persoon.doelgroep"),
            (
                Bron.PIP,
                PIP | {"leerroute": {"route": "c1", "wisselingenInPeriode": [], "afschaling": None}},
                "leerroute",
            ),
            (Bron.AANBIEDER, {"cursussen": [{**CURSUSSEN["cursussen"][0], "aanbieder": ""}]}, "cursussen.0.aanbieder"),
            (Bron.HANDHAVING, HANDHAVING | {"boetes": {"aantal": -1, "totaalBedrag": 0, "items": []}}, "boetes.aantal"),
        ],
    )
    def test_a_bad_record_is_refused_by_both(self, bron: Bron, deel: dict[str, Any], veld: str) -> None:
        r = self.record({bron: deel})
        with pytest.raises(RecordOngeldig, match=veld.replace(".", r"\.")):
            controleer(r)
        assert not jsonschema_rs.Draft202012Validator(schema()).is_valid(r)

    def test_a_person_only_other_contexts_know_is_refused(self) -> None:
        i = str(uuid.uuid4())
        with pytest.raises(RecordOngeldig, match="persoon"):
            controleer(samenvoegen(i, {Bron.PIP: {"inburgeraarId": i, **PIP}}))

    def test_a_line_is_the_same_bytes_whatever_the_key_order(self) -> None:
        r = self.record()
        omgekeerd = dict(reversed(list(r.items())))
        assert regel(r) == regel(omgekeerd)
        assert regel(r).endswith(b"\n") and regel(r).count(b"\n") == 1
