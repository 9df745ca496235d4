from dataclasses import FrozenInstanceError
from decimal import Decimal

import pytest

from inburgeraar_api.domain.enums import Eenheid
from inburgeraar_api.domain.regels import REGELS, REGELS_VERSIE, Regel


class TestRegels:
    def test_versie_van_de_tabel(self) -> None:
        assert REGELS.versie == REGELS_VERSIE == "2022-01-01"

    @pytest.mark.parametrize(
        ("regel", "waarde", "eenheid", "bron_bevat"),
        [
            (REGELS.ontzorgen_duur, 6, Eenheid.MAANDEN, "Participatiewet art. 56a"),
            (
                REGELS.brede_intake_max_oproepen,
                3,
                Eenheid.AANTAL,
                "handreiking-gegevensverwerking-privacy.txt",
            ),
            (REGELS.boete_brede_intake, Decimal("250"), Eenheid.EURO, "§3.2.6"),
            (REGELS.huisvesting_termijn, 12, Eenheid.WEKEN, "Huisvestingswet art. 28"),
            (REGELS.pip_termijn, 10, Eenheid.WEKEN, "gemeentelijk-beleidsplan-inburgering.txt"),
            (REGELS.inburgeringstermijn, 3, Eenheid.JAREN, "vng-uitvoeringstoets"),
            (REGELS.bewaartermijn_kerngegevens, 50, Eenheid.JAREN, "art. 9.9"),
            (REGELS.bewaartermijn_overige_gegevens, 5, Eenheid.JAREN, "art. 9.9"),
        ],
        ids=lambda v: v.naam if isinstance(v, Regel) else None,
    )
    def test_waarde_eenheid_en_bron(
        self, regel: Regel[int] | Regel[Decimal], waarde: object, eenheid: Eenheid, bron_bevat: str
    ) -> None:
        assert regel.waarde == waarde
        assert regel.eenheid is eenheid
        assert bron_bevat in regel.bron

    def test_alle_regels_met_unieke_namen(self) -> None:
        namen = [r.naam for r in REGELS.alle()]
        assert len(namen) == 8
        assert len(set(namen)) == len(namen)

    def test_elke_regel_noemt_een_bron(self) -> None:
        for regel in REGELS.alle():
            assert ".txt" in regel.bron or "art." in regel.bron, regel.naam

    def test_regel_is_onveranderlijk(self) -> None:
        with pytest.raises(FrozenInstanceError):
            REGELS.ontzorgen_duur.waarde = 7  # type: ignore[misc]
