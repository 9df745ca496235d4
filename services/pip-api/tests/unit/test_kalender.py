from datetime import date

import pytest

from pip_api.domain.kalender import plus_jaren, plus_maanden, plus_weken


class TestKalender:
    @pytest.mark.parametrize(
        ("start", "maanden", "verwacht"),
        [
            (date(2026, 8, 31), 6, date(2027, 2, 28)),
            (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
            (date(2026, 1, 31), 1, date(2026, 2, 28)),
            (date(2026, 3, 15), 18, date(2027, 9, 15)),
            (date(2026, 12, 1), 1, date(2027, 1, 1)),
            (date(2026, 5, 31), 10, date(2027, 3, 31)),
        ],
    )
    def test_plus_maanden_klemt_op_maandeinde(self, start: date, maanden: int, verwacht: date) -> None:
        assert plus_maanden(start, maanden) == verwacht

    def test_plus_jaren_vanaf_schrikkeldag(self) -> None:
        assert plus_jaren(date(2028, 2, 29), 3) == date(2031, 2, 28)
        assert plus_jaren(date(2028, 2, 29), 4) == date(2032, 2, 29)

    def test_plus_weken_over_jaargrens(self) -> None:
        assert plus_weken(date(2026, 11, 1), 10) == date(2027, 1, 10)
