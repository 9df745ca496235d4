from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from inburgering_kit.monitoring import (
    Aandeel,
    Kengetallen,
    Monitoring,
    OngeldigePeriode,
    Periode,
    Tabel,
    Telling,
    als_csv,
    kengetallen,
    maanden,
    onderdruk,
    periode,
    wil_csv,
)


def _telling(cellen: dict[tuple[str, str], int], rijen: list[str], kolommen: list[str], **kw: object) -> Telling:
    return Telling("t", "T", "rij", rijen, kolommen, cellen, **kw)  # type: ignore[arg-type]


def _waarden(tabel: Tabel) -> list[list[float | None]]:
    return [[c.waarde for c in rij.cellen] for rij in tabel.rijen]


def _lijnen(tabel: Tabel) -> list[tuple[list[bool], bool]]:
    """Every row and column with its total: (which parts are suppressed, whether the total is)."""
    uit = []
    for rij in tabel.rijen:
        if rij.totaal is not None:
            uit.append(([c.onderdrukt for c in rij.cellen], rij.totaal.onderdrukt))
    assert tabel.kolomtotalen is not None and tabel.totaal is not None
    for i, kolomtotaal in enumerate(tabel.kolomtotalen):
        uit.append(([rij.cellen[i].onderdrukt for rij in tabel.rijen], kolomtotaal.onderdrukt))
    if tabel.rijen and tabel.rijen[0].totaal is not None:
        totalen = [rij.totaal for rij in tabel.rijen]
        uit.append(([t.onderdrukt for t in totalen if t is not None], tabel.totaal.onderdrukt))
        uit.append(([c.onderdrukt for c in tabel.kolomtotalen], tabel.totaal.onderdrukt))
    return uit


class TestOnderdruk:
    def test_grote_cellen_blijven_staan(self) -> None:
        tabel = onderdruk(_telling({("a", "x"): 10, ("a", "y"): 7, ("b", "x"): 5}, ["a", "b"], ["x", "y"]))
        assert _waarden(tabel) == [[10, 7], [5, 0]]
        assert tabel.totaal is not None and tabel.totaal.waarde == 22

    def test_een_kleine_cel_en_haar_buur_in_rij_en_kolom(self) -> None:
        # a/y = 3 alone in its row would follow from the row total 23 - 20: a second cell goes too.
        tabel = onderdruk(
            _telling(
                {("a", "x"): 20, ("a", "y"): 3, ("b", "x"): 30, ("b", "y"): 40},
                ["a", "b"],
                ["x", "y"],
            )
        )
        onderdrukt = [[c.onderdrukt for c in rij.cellen] for rij in tabel.rijen]
        assert onderdrukt == [[True, True], [True, True]]
        assert tabel.totaal is not None and tabel.totaal.waarde == 93

    def test_nul_wordt_getoond(self) -> None:
        tabel = onderdruk(_telling({("a", "x"): 0}, ["a"], ["x"]))
        assert _waarden(tabel) == [[0]]

    def test_klein_totaal_onderdrukt_alles_wat_het_verraadt(self) -> None:
        tabel = onderdruk(_telling({("a", "x"): 2, ("b", "x"): 1, ("c", "x"): 50}, ["a", "b", "c"], ["x"]))
        assert _waarden(tabel) == [[None], [None], [50]]
        assert tabel.totaal is not None and tabel.totaal.waarde == 53

    def test_enige_kleine_cel_in_een_kolom_neemt_de_kleinste_andere_mee(self) -> None:
        tabel = onderdruk(_telling({("a", "x"): 4, ("b", "x"): 9, ("c", "x"): 50}, ["a", "b", "c"], ["x"]))
        assert _waarden(tabel) == [[None], [None], [50]]

    def test_percentage_alleen_naast_getoonde_getallen(self) -> None:
        tabel = onderdruk(
            _telling(
                {("examen", "ja"): 30, ("examen", "nee"): 10, ("pvt", "ja"): 2, ("pvt", "nee"): 20},
                ["examen", "pvt"],
                ["ja", "nee"],
                aandeel="rij",
                aandeel_kolom="ja",
                kolomtotalen=False,
            )
        )
        assert [r.percentage for r in tabel.rijen] == [75.0, None]

    def test_mix_tegen_verwachting(self) -> None:
        tabel = onderdruk(
            _telling(
                {("b1", "n"): 65, ("onderwijsroute", "n"): 20, ("z-route", "n"): 15},
                ["b1", "onderwijsroute", "z-route"],
                ["n"],
                aandeel="totaal",
                verwacht={"b1": 65.0, "onderwijsroute": 20.0, "z-route": 15.0},
            )
        )
        assert [(r.percentage, r.verwacht_percentage) for r in tabel.rijen] == [
            (65.0, 65.0),
            (20.0, 20.0),
            (15.0, 15.0),
        ]

    @given(
        st.lists(
            st.lists(st.integers(0, 30), min_size=1, max_size=4).map(lambda r: r + [0] * (4 - len(r))), max_size=6
        ),
        st.integers(1, 4),
    )
    def test_geen_lijn_verraadt_een_onderdrukte_cel(self, matrix: list[list[int]], breedte: int) -> None:
        rijen = [f"r{i}" for i in range(len(matrix))]
        kolommen = [f"k{j}" for j in range(breedte)]
        cellen = {(rijen[i], kolommen[j]): matrix[i][j] for i in range(len(matrix)) for j in range(breedte)}
        tabel = onderdruk(_telling(cellen, rijen, kolommen))
        for i, rij in enumerate(tabel.rijen):
            for j, c in enumerate(rij.cellen):
                if 0 < matrix[i][j] < 5:
                    assert c.onderdrukt
                if not c.onderdrukt:
                    assert c.waarde == matrix[i][j]
        for delen, totaal_weg in _lijnen(tabel):
            if not totaal_weg:
                assert sum(delen) != 1
            else:
                assert any(delen) or not delen


class TestKengetallen:
    def test_aandeel_verraadt_geen_kleine_telling(self) -> None:
        tabel = kengetallen(
            Kengetallen(
                "k",
                "K",
                "aanbieder",
                ["behaald"],
                [("A", 20, {"behaald": Aandeel(8, 10)}), ("B", 20, {"behaald": Aandeel(10, 10)})],
            )
        )
        assert [[c.waarde for c in r.cellen] for r in tabel.rijen] == [[None], [100.0]]

    def test_onder_de_drempel_onderdrukt(self) -> None:
        tabel = kengetallen(
            Kengetallen(
                "k", "K", "aanbieder", ["aanwezig"], [("A", 4, {"aanwezig": 90.0}), ("B", 5, {"aanwezig": 80.04})]
            )
        )
        assert [[c.waarde for c in r.cellen] for r in tabel.rijen] == [[None], [80.0]]


class TestPeriode:
    def test_standaard_twaalf_maanden(self) -> None:
        p = periode(None, date(2026, 3, 15))
        assert p == Periode(date(2025, 4, 1), date(2026, 3, 15))
        assert len(maanden(p)) == 12

    def test_van_na_tot(self) -> None:
        with pytest.raises(OngeldigePeriode) as fout:
            periode(date(2026, 2, 1), date(2026, 1, 1))
        assert [p.name for p in fout.value.invalid_params or []] == ["van"]

    def test_te_lang(self) -> None:
        with pytest.raises(OngeldigePeriode):
            periode(date(2000, 1, 1), date(2026, 1, 1))


class TestWeergave:
    def _request(self, accept: str) -> Request:
        return Request({"type": "http", "headers": [(b"accept", accept.encode())]})

    @pytest.mark.parametrize(
        ("accept", "csv"),
        [
            ("text/csv", True),
            ("application/json", False),
            ("*/*", False),
            ("", False),
            ("application/json;q=0.5, text/csv", True),
            ("text/csv;q=0.2, application/json", False),
        ],
    )
    def test_accept(self, accept: str, csv: bool) -> None:
        assert wil_csv(self._request(accept)) is csv

    def test_csv_toont_onderdrukte_cellen_als_kleiner_dan_vijf(self) -> None:
        tabel = onderdruk(_telling({("a", "x"): 2, ("b", "x"): 9, ("c", "x"): 50}, ["a", "b", "c"], ["x"]))
        tekst = als_csv(Monitoring(gemeentecode="0363", van=date(2026, 1, 1), tot=date(2026, 12, 31), tabellen=[tabel]))
        regels = tekst.splitlines()
        assert regels[0] == "gemeentecode,van,tot,tabel,rij,kolom,waarde"
        assert "0363,2026-01-01,2026-12-31,t,a,x,<5" in regels
        assert "0363,2026-01-01,2026-12-31,t,c,x,50" in regels
        assert "0363,2026-01-01,2026-12-31,t,totaal,x,61" in regels
