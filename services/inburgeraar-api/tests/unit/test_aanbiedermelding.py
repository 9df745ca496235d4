"""The leerbaarheidstoets result as the brede intake holds it (domain.aanbiedermelding)."""

from __future__ import annotations

from datetime import date

from inburgeraar_api.domain.aanbiedermelding import neemt_over, uit_opslag


class TestOvernemen:
    def test_a_report_fills_an_empty_intake_and_replaces_an_older_or_same_day_result(self) -> None:
        assert neemt_over(None, date(2026, 3, 12))
        assert neemt_over(date(2026, 3, 1), date(2026, 3, 12))
        assert neemt_over(date(2026, 3, 12), date(2026, 3, 12))

    def test_a_report_of_an_earlier_test_does_not_undo_a_later_result(self) -> None:
        assert not neemt_over(date(2026, 4, 20), date(2026, 3, 12))


class TestOpslag:
    def test_a_result_stored_before_reports_came_in_is_the_gemeentes(self) -> None:
        oud = {"datum": "2026-04-20", "resultaat": "score 72", "geadviseerdeLeerroute": "b1", "instantie": "Noord"}
        uitslag = uit_opslag(oud)
        assert (uitslag.bron, uitslag.gemeld_door_aanbieder, uitslag.instantie) == ("gemeente", None, "Noord")
