"""Which report items a–s each event gives, in DUO's shape for each item."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from ketenuitwisseling.domain.rapportage import OnvolledigEventError, Rapport, projectie_van, rapporten, vul_aan

DAG = date(2026, 12, 3)
PIP = str(uuid.uuid4())


class Geheugen:
    def __init__(self, **feiten: Mapping[str, Any]) -> None:
        self.feiten = feiten

    def opdracht(self, opdracht_id: str) -> Mapping[str, Any] | None:
        return self.feiten.get(f"opdracht-{opdracht_id}")

    def boete(self, boete_id: str) -> Mapping[str, Any] | None:
        return self.feiten.get(f"boete-{boete_id}")


def _r(soort: str, data: dict[str, Any], geheugen: Geheugen | None = None) -> list[Rapport]:
    return rapporten(f"nl.inburgering.{soort}", data, tijdstip=DAG, projectie=geheugen or Geheugen())


def _vastgesteld(versie: int = 1) -> dict[str, Any]:
    return {
        "pipId": PIP, "inburgeraarId": str(uuid.uuid4()), "versie": versie, "leerroute": "b1", "taalniveau": "B1",
        "routeverplichting": "verplichting", "dagtekening": "2026-12-01", "ingangsdatum": "2026-12-02",
    }  # fmt: skip


class TestPip:
    def test_eerste_pip_b_k_n(self) -> None:
        assert _r("pip.pip-vastgesteld", _vastgesteld()) == [
            Rapport("b", {"pipId": PIP, "vastgesteldOp": "2026-12-01"}),
            Rapport(
                "k",
                {
                    "pipId": PIP,
                    "leerroute": "b1-route",
                    "taalniveau": "B1",
                    "ingangsdatum": "2026-12-02",
                    "eerstePip": True,
                },
            ),
            Rapport("n", {"pipId": PIP, "leerroute": "b1-route", "wijzigingsdatum": "2026-12-02"}),
        ]

    def test_nieuwe_versie_d_n(self) -> None:
        assert [r.item for r in _r("pip.pip-vastgesteld", _vastgesteld(2))] == ["d", "n"]

    def test_wijziging_leerroute_beeindiging(self) -> None:
        gewijzigd = {"pipId": PIP, "versie": 2, "ingangsdatum": "2027-01-01", "gewijzigdeVelden": ["uren"]}
        [d] = _r("pip.pip-gewijzigd", gewijzigd)
        assert d.item == "d" and d.gegevens["omschrijving"] == "versie 2; gewijzigd: uren"
        route = {**_vastgesteld(2), "vorigeLeerroute": "b1", "leerroute": "z-route", "taalniveau": "A1"}
        k, n = _r("pip.leerroute-gewijzigd", route)
        assert (k.item, k.gegevens["eerstePip"], n.gegevens["reden"]) == ("k", False, "van b1-route naar z-route")
        [c] = _r("pip.pip-beeindigd", {"pipId": PIP, "datum": "2027-02-01", "reden": "verhuisd"})
        assert c == Rapport("c", {"pipId": PIP, "datum": "2027-02-01", "redenen": ["verhuisd"]})

    def test_niet_behaald_beoordeeld_i_j(self) -> None:
        data = {
            "uitkomstId": "u1", "pipId": PIP, "onderdeel": "map", "datum": "2027-06-02",
            "redenen": ["ziekte", "zorgtaken"], "verwijtbaar": False,
        }  # fmt: skip
        assert _r("pip.onderdeel-niet-behaald-beoordeeld", data) == [
            Rapport("i", {"onderdeel": "map", "redenen": ["ziekte", "zorgtaken"]}),
            Rapport("j", {"onderdeel": "map", "verwijtbaar": False}),
        ]

    def test_uitblijven_aanbod_is_r(self) -> None:
        data = {"pipId": None, "termijnsoort": "pip-vaststellen", "einddatum": "2027-01-01"}
        [r] = _r("pip.termijn-verstreken", data)
        assert r.item == "r" and r.gegevens["sinds"] == "2027-01-01"
        assert _r("pip.termijn-verstreken", {**data, "pipId": PIP}) == []


class TestAanbieder:
    def test_map_opdracht_start_en_resultaat(self) -> None:
        opdracht = {
            "opdrachtId": "o1",
            "onderdeel": "map",
            "geplandeStartdatum": "2027-01-01",
            "geplandeEinddatum": "2027-06-01",
        }
        assert _r("aanbieder.opdracht-verstrekt", opdracht) == [
            Rapport("e", {"onderdeel": "map", "startGepland": "2027-01-01"}),
            Rapport("f", {"onderdeel": "map", "uitersteDatum": "2027-06-01", "bijgesteld": False}),
        ]
        kind, key, feiten = projectie_van("nl.inburgering.aanbieder.opdracht-verstrekt", opdracht) or ("", "", {})
        start = {"opdrachtId": "o1", "onderdeel": "map", "soort": "start"}
        [e] = _r("aanbieder.voortgang-gemeld", start, Geheugen(**{f"{kind}-{key}": feiten}))
        assert e.gegevens == {"onderdeel": "map", "startGepland": "2027-01-01", "startGerealiseerd": "2026-12-03"}
        with pytest.raises(OnvolledigEventError):
            _r("aanbieder.voortgang-gemeld", start)
        behaald = {"onderdeel": "map", "soort": "eindresultaat", "datum": "2027-05-01"}
        assert _r("aanbieder.resultaat-behaald", behaald) == [
            Rapport("g", {"onderdeel": "map", "gehaald": True}),
            Rapport("h", {"onderdeel": "map", "datumBehaald": "2027-05-01"}),
        ]
        assert _r("aanbieder.resultaat-niet-behaald", behaald) == [Rapport("g", {"onderdeel": "map", "gehaald": False})]

    def test_start_met_datum_en_bijgestelde_uiterste_datum(self) -> None:
        geheugen = Geheugen(**{"opdracht-o1": {"geplandeStartdatum": "2027-01-01"}})
        start = {
            "opdrachtId": "o1", "onderdeel": "map", "soort": "start", "datum": "2027-01-08",
            "geplandeEinddatum": "2027-07-01",
        }  # fmt: skip
        assert _r("aanbieder.voortgang-gemeld", start, geheugen) == [
            Rapport("e", {"onderdeel": "map", "startGepland": "2027-01-01", "startGerealiseerd": "2027-01-08"}),
            Rapport("f", {"onderdeel": "map", "uitersteDatum": "2027-07-01", "bijgesteld": True}),
        ]
        planning = {"opdrachtId": "o1", "onderdeel": "pvt", "soort": "planning", "geplandeEinddatum": "2027-08-01"}
        assert _r("aanbieder.voortgang-gemeld", planning) == [
            Rapport("f", {"onderdeel": "pvt", "uitersteDatum": "2027-08-01", "bijgesteld": True})
        ]
        taal = {"opdrachtId": "o2", "onderdeel": "b1-route", "soort": "planning", "geplandeEinddatum": "2027-08-01"}
        assert _r("aanbieder.voortgang-gemeld", taal) == []
        [o] = _r("aanbieder.voortgang-gemeld", {**taal, "soort": "start", "datum": "2027-02-02"})
        assert o == Rapport("o", {"leerroute": "b1-route", "startdatum": "2027-02-02"})

    def test_gemeente_wijzigt_einddatum_f_bijgesteld_aan_te_vullen(self) -> None:
        gewijzigd = {
            "opdrachtId": "o1", "onderdeel": "map", "versie": 3, "reden": "gemeente",
            "gewijzigdeVelden": ["geplandeEinddatum", "uren"],
        }  # fmt: skip
        [f] = _r("aanbieder.opdracht-gewijzigd", gewijzigd)
        # The date is the opdracht version's, fetched when the report is sent; not a later version's.
        assert f == Rapport("f", {"onderdeel": "map", "bijgesteld": True}, {"opdrachtId": "o1", "versie": 3})
        assert vul_aan("f", f.gegevens, {"geplandeStartdatum": "2027-01-01", "geplandeEinddatum": "2027-09-30"}) == {
            "onderdeel": "map", "uitersteDatum": "2027-09-30", "bijgesteld": True,
        }  # fmt: skip
        with pytest.raises(OnvolledigEventError):
            vul_aan("f", f.gegevens, {})
        [pvt] = _r("aanbieder.opdracht-gewijzigd", {**gewijzigd, "onderdeel": "pvt", "reden": "pip-gewijzigd"})
        assert pvt.gegevens["onderdeel"] == "pvt"

    @pytest.mark.parametrize(
        ("onderdeel", "velden"),
        [
            ("map", ["uren"]),
            ("map", ["geplandeStartdatum", "afspraken"]),
            ("map", []),
            ("b1-route", ["geplandeEinddatum"]),
        ],
    )
    def test_andere_wijziging_geeft_niets(self, onderdeel: str, velden: list[str]) -> None:
        gewijzigd = {"opdrachtId": "o1", "onderdeel": onderdeel, "versie": 2, "gewijzigdeVelden": velden}
        assert _r("aanbieder.opdracht-gewijzigd", gewijzigd) == []

    def test_taal_l_o_m(self) -> None:
        opdracht = {
            "opdrachtId": "o2",
            "onderdeel": "onderwijsroute",
            "geplandeStartdatum": "2027-01-01",
            "geplandeEinddatum": "2028-01-01",
        }
        [l_] = _r("aanbieder.opdracht-verstrekt", opdracht)
        assert l_.gegevens == {
            "soort": "taalschakeltraject",
            "startdatum": "2027-01-01",
            "beoogdeEinddatum": "2028-01-01",
        }
        [o] = _r("aanbieder.voortgang-gemeld", {"opdrachtId": "o2", "onderdeel": "b1-route", "soort": "start"})
        assert o == Rapport("o", {"leerroute": "b1-route", "startdatum": "2026-12-03"})
        [m] = _r("aanbieder.resultaat-behaald", {"onderdeel": "onderwijsroute", "datum": "2027-12-01", "niveau": "B1"})
        assert m == Rapport("m", {"resultaat": "behaald", "datum": "2027-12-01", "niveau": "B1"})


class TestHandhavingEnPersoon:
    def test_boete_en_bezwaar(self) -> None:
        boete = {
            "boeteId": "b1", "categorie": "pip", "soort": "pip-pvt", "bedrag": 250, "besluitDatum": "2026-11-01",
        }  # fmt: skip
        [s] = _r("handhaving.boete-opgelegd", boete)
        assert s.gegevens == {"boeteId": "b1", "besluitdatum": "2026-11-01", "bedrag": 250, "reden": "pip: pip-pvt"}
        kind, key, feiten = projectie_van("nl.inburgering.handhaving.boete-opgelegd", boete) or ("", "", {})
        bezwaar = {
            "boeteId": "b1", "rechtsmiddel": "bezwaar", "rechtsmiddelstatus": "bezwaar-beslist",
            "beslissing": "gegrond", "status": "vernietigd", "bedrag": 250, "datum": "2026-12-01",
        }  # fmt: skip
        [s2] = _r("handhaving.boete-gewijzigd", bezwaar, Geheugen(**{f"{kind}-{key}": feiten}))
        assert s2.gegevens["bezwaar"] == "gegrond" and s2.gegevens["besluitdatum"] == "2026-11-01"

    def test_a_bij_bsn_en_p_bij_certificaat(self) -> None:
        assert _r("inburgeraar.inburgeraar-geregistreerd", {"status": "bsn-ontbreekt"}) == []
        assert _r("inburgeraar.bsn-vastgelegd", {}) == [Rapport("a", {})]
        assert _r("inburgeraar.inburgeraar-gewijzigd", {"gewijzigdeVelden": ["contact"]}) == [Rapport("a", {})]
        certificaat = {"soort": "certificaat", "ingangsdatum": "2028-01-01"}
        assert _r("inburgeraar.plichtgegevens-ontvangen", certificaat) == [
            Rapport("p", {"ontvangen": True, "datum": "2028-01-01"})
        ]

    def test_q_omstandigheden_verlenging(self) -> None:
        data = {"verzoekId": "v1", "verzoekdatum": "2027-03-01", "termijn": "ibp", "omstandigheden": ["gezondheid"]}
        assert _r("inburgeraar.verlengingsomstandigheden-vastgelegd", data) == [
            Rapport("q", {"verzoekdatum": "2027-03-01", "omstandigheden": ["gezondheid"]})
        ]
        [q] = _r("inburgeraar.verlengingsomstandigheden-vastgelegd", {**data, "gevraagdeEinddatum": "2028-01-01"})
        assert q.gegevens["gevraagdeEinddatum"] == "2028-01-01"
