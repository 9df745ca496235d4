from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from pip_api.domain.enums import Eenheid
from pip_api.domain.regels import REGELS, REGELS_VERSIE, Regel


class TestRegels:
    def test_versie(self) -> None:
        assert REGELS.versie == REGELS_VERSIE == "2022-01-01"

    @pytest.mark.parametrize(
        ("regel", "waarde", "eenheid", "bron_bevat"),
        [
            (REGELS.pip_termijn, 10, Eenheid.WEKEN, "tien weken"),
            (REGELS.inburgeringstermijn, 3, Eenheid.JAREN, "art. 7"),
            (REGELS.pvt_termijn, 3, Eenheid.JAREN, "PVT"),
            (REGELS.pvt_min_uren, 12, Eenheid.UREN, "12 uur"),
            (REGELS.map_termijn, 3, Eenheid.JAREN, "MAP"),
            (REGELS.voortgangsgesprekken_min, 2, Eenheid.AANTAL, "kamerbrief"),
            (REGELS.voortgangsgesprekken_periode, 10, Eenheid.MAANDEN, "eerste 10 maanden"),
            # seed 001 (1,5 jaar) wins over seed 004 (1 jaar)
            (REGELS.routewissel_venster, 18, Eenheid.MAANDEN, "1,5 jaar"),
            (REGELS.afschalen_min_taaluren, 600, Eenheid.UREN, "600 uur"),
            (REGELS.z_route_taaluren, 800, Eenheid.UREN, "800 uur taal"),
            (REGELS.z_route_participatieuren, 800, Eenheid.UREN, "800 uur participatie"),
            (REGELS.ontzorgen_duur, 6, Eenheid.MAANDEN, "Participatiewet art. 56a"),
            (REGELS.huisvesting_termijn, 12, Eenheid.WEKEN, "Huisvestingswet 2014 art. 28"),
            (REGELS.start_opdracht, 0, Eenheid.DAGEN, "geplande startdatum"),
            (REGELS.aanwezigheidsnorm, 80, Eenheid.PROCENT, "art. 23"),
            (REGELS.aanwezigheid_perioden, 2, Eenheid.AANTAL, "§4.2.2"),
            (REGELS.meldnorm, 45, Eenheid.DAGEN, "10 dagen na"),
            (REGELS.oproep_zonder_uitkomst, 7, Eenheid.DAGEN, "art. 14"),
            (REGELS.bsn_ontbreekt, 4, Eenheid.WEKEN, "BSN"),
        ],
        ids=lambda v: v.naam if isinstance(v, Regel) else None,
    )
    def test_waarde_eenheid_en_bron(self, regel: Regel, waarde: int, eenheid: Eenheid, bron_bevat: str) -> None:
        assert regel.waarde == waarde
        assert regel.eenheid is eenheid
        assert bron_bevat in regel.bron

    def test_alle_regels_met_unieke_namen(self) -> None:
        namen = [r.naam for r in REGELS.alle()]
        assert len(namen) == 19
        assert len(set(namen)) == len(namen)

    def test_regels_zijn_onveranderlijk(self) -> None:
        with pytest.raises(FrozenInstanceError):
            REGELS.pip_termijn.waarde = 6  # type: ignore[misc]

    def test_een_aantal_is_geen_periode(self) -> None:
        with pytest.raises(ValueError, match="geen periode"):
            REGELS.pvt_min_uren.na(date(2026, 1, 1))
