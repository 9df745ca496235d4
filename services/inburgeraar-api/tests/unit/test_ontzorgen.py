from datetime import date

import pytest

from inburgeraar_api.domain.ontzorgen import VerlengingOngeldig, controleer_verlenging, geplande_einddatum
from inburgering_kit.problems import Unprocessable


class TestGeplandeEinddatum:
    @pytest.mark.parametrize(
        ("start", "eind"),
        [
            (date(2023, 8, 31), date(2024, 2, 29)),
            (date(2022, 8, 31), date(2023, 2, 28)),
            (date(2022, 3, 15), date(2022, 9, 15)),
            (date(2022, 12, 31), date(2023, 6, 30)),
        ],
    )
    def test_zes_kalendermaanden_afgekapt(self, start: date, eind: date) -> None:
        assert geplande_einddatum(start) == eind


class TestControleerVerlenging:
    START = date(2022, 1, 10)
    EIND = date(2022, 7, 10)

    def test_verlenging_na_geplande_einde(self) -> None:
        controleer_verlenging(self.START, self.EIND, date(2022, 10, 10))

    def test_tweede_verlenging_na_eerder_verlengd_einde(self) -> None:
        controleer_verlenging(self.START, date(2022, 10, 10), date(2023, 1, 10))

    @pytest.mark.parametrize("tot", [date(2022, 7, 10), date(2022, 5, 1)], ids=["gelijk", "eerder"])
    def test_niet_na_geplande_einde_geweigerd(self, tot: date) -> None:
        with pytest.raises(VerlengingOngeldig) as fout:
            controleer_verlenging(self.START, self.EIND, tot)
        assert isinstance(fout.value, Unprocessable)
        assert fout.value.code == "verlenging-ongeldig"
        assert [p.name for p in fout.value.invalid_params or []] == ["verlengdTot"]
        assert fout.value.detail is not None
        assert "Participatiewet art. 56a" in fout.value.detail

    def test_verlengd_tot_binnen_eerder_verlengd_einde_geweigerd(self) -> None:
        with pytest.raises(VerlengingOngeldig):
            controleer_verlenging(self.START, date(2022, 10, 10), date(2022, 9, 1))

    def test_gepland_einde_korter_dan_de_wet_geweigerd(self) -> None:
        with pytest.raises(VerlengingOngeldig) as fout:
            controleer_verlenging(self.START, date(2022, 5, 10), date(2022, 6, 10))
        assert [p.name for p in fout.value.invalid_params or []] == ["geplandeEinddatum", "verlengdTot"]
