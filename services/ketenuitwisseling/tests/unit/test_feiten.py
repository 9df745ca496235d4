"""DUO's and COA's facts as commands to the owning contexts, in their contracts' names."""

from __future__ import annotations

from typing import Any

import pytest

from ketenuitwisseling.domain.feiten import (
    DuoBoete,
    Koppeling,
    OnbekendFeitError,
    Plichtmutaties,
    Verhuizing,
    opdracht,
)


def _feit(soort: str, gegevens: dict[str, Any], bron: str = "duo") -> dict[str, Any]:
    persoon = {"bsn": "999990019", "duoId": "d1"} if bron == "duo" else {"coaId": "c1"}
    return {
        "id": "f1", "soort": soort, "bron": bron, "gemeentecode": "0363", "volgnummer": 7, "persoon": persoon,
        "registratiedatum": "2026-12-03", "gegevens": gegevens,
    }  # fmt: skip


class TestDuo:
    def test_plicht_vastgesteld_met_drie_termijnen(self) -> None:
        gegevens = {
            "doelgroep": "gezinsmigrant", "startdatum": "2026-11-01", "termijnInburgering": "2029-11-01",
            "termijnPvt": "2027-11-01", "termijnMap": "2027-12-01",
        }  # fmt: skip
        result = opdracht("duo", _feit("plicht-vastgesteld", gegevens))
        assert isinstance(result, Plichtmutaties)
        eerste, *termijnen = result.mutaties
        assert eerste == {
            "soort": "plicht-vastgesteld", "bron": "DUO", "kenmerk": "f1", "ingangsdatum": "2026-11-01",
            "doelgroep": "gezinsmigrant",
        }  # fmt: skip
        assert [(t["termijn"], t["einddatum"]) for t in termijnen] == [
            ("ibp", "2029-11-01"), ("pvt", "2027-11-01"), ("map", "2027-12-01"),
        ]  # fmt: skip
        assert termijnen[0]["begindatum"] == "2026-11-01" and "begindatum" not in termijnen[1]

    def test_beeindigd_vrijstelling_verlenging(self) -> None:
        vervallen = opdracht(
            "duo", _feit("plicht-gewijzigd", {"ingangsdatum": "2028-01-01", "reden": "x", "plichtBeeindigd": True})
        )
        assert isinstance(vervallen, Plichtmutaties) and vervallen.mutaties[0]["soort"] == "plicht-vervallen"
        vrij = opdracht(
            "duo",
            _feit(
                "vrijstelling",
                {
                    "omvang": "gedeeltelijk",
                    "onderdelen": ["pvt", "onderwijsroute"],
                    "ingangsdatum": "2027-01-01",
                    "reden": "medisch",
                },
            ),
        )
        assert isinstance(vrij, Plichtmutaties)
        assert vrij.mutaties[0]["onderdelen"] == ["pvt"] and "reden" not in vrij.mutaties[0]
        afgewezen = opdracht(
            "duo", _feit("verlenging-besloten", {"besluit": "afgewezen", "besluitdatum": "2027-05-01"})
        )
        assert isinstance(afgewezen, Plichtmutaties) and afgewezen.mutaties[0]["soort"] == "verlenging-afgewezen"
        toegekend = opdracht(
            "duo",
            _feit(
                "verlenging-besloten",
                {"besluit": "toegekend", "besluitdatum": "2027-05-01", "nieuweEinddatum": "2030-05-01"},
            ),
        )
        assert isinstance(toegekend, Plichtmutaties)
        assert (
            toegekend.mutaties[0] | {"soort": "verlenging", "termijn": "ibp", "nieuweEinddatum": "2030-05-01"}
            == toegekend.mutaties[0]
        )

    def test_boete_en_verhuizing(self) -> None:
        boete = opdracht(
            "duo", _feit("boete-opgelegd", {"kenmerk": "K", "besluitdatum": "2027-01-01", "bedrag": 340, "reden": "r"})
        )
        assert boete == DuoBoete("999990019", "K", "2027-01-01", 340, "r")
        verhuisd = opdracht(
            "duo",
            _feit(
                "verhuisd", {"vorigeGemeentecode": "0363", "nieuweGemeentecode": "0599", "verhuisdatum": "2027-01-01"}
            ),
        )
        assert verhuisd == Verhuizing("0363", "0599", "2027-01-01", bsn="999990019")

    def test_onbekend_blijft_zichtbaar(self) -> None:
        with pytest.raises(OnbekendFeitError):
            opdracht("duo", _feit("iets-anders", {}))


class TestCoa:
    def test_koppeling_zonder_bsn(self) -> None:
        koppeling = opdracht(
            "coa", _feit("koppeling", {"datumKoppeling": "2026-11-01", "doelgroep": "asielmigrant"}, "coa")
        )
        assert koppeling == Koppeling("c1", None, "asielmigrant", "2026-11-01", False)
