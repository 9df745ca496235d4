import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inburgering_kit.kalender import plus_jaren, plus_maanden, plus_weken


class TestPlusMaanden:
    @pytest.mark.parametrize(
        ("datum", "maanden", "verwacht"),
        [
            (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year: clamp to the 29th
            (date(2022, 8, 31), 6, date(2023, 2, 28)),
            (date(2022, 3, 15), 6, date(2022, 9, 15)),
            (date(2022, 10, 31), 3, date(2023, 1, 31)),
            (date(2022, 11, 30), 3, date(2023, 2, 28)),
            (date(2022, 12, 31), 6, date(2023, 6, 30)),
            (date(2024, 2, 29), 36, date(2027, 2, 28)),
            (date(2022, 5, 17), 0, date(2022, 5, 17)),
        ],
    )
    def test_voorbeelden(self, datum: date, maanden: int, verwacht: date) -> None:
        assert plus_maanden(datum, maanden) == verwacht

    @given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 120))
    def test_hele_kalendermaanden_en_afgekapt_op_maandeinde(self, datum: date, maanden: int) -> None:
        uitkomst = plus_maanden(datum, maanden)
        assert (uitkomst.year * 12 + uitkomst.month) - (datum.year * 12 + datum.month) == maanden
        laatste_dag = calendar.monthrange(uitkomst.year, uitkomst.month)[1]
        assert uitkomst.day == min(datum.day, laatste_dag)


class TestPlusJarenEnWeken:
    def test_plus_jaren_vanaf_schrikkeldag(self) -> None:
        assert plus_jaren(date(2028, 2, 29), 3) == date(2031, 2, 28)
        assert plus_jaren(date(2028, 2, 29), 4) == date(2032, 2, 29)

    def test_plus_weken_over_jaargrens(self) -> None:
        assert plus_weken(date(2026, 11, 1), 10) == date(2027, 1, 10)
